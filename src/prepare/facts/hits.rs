//! The events a keyed fact keeps per key until the end of the pass (`count`, `baseline`,
//! `pairs`, `travel`): time, compact id and a kind's tag.

use super::super::fastparse::{CompactId, FxState};
use std::borrow::Cow;
use std::collections::HashMap;

/// One event kept for a keyed spec.
#[derive(Clone, Debug)]
pub(super) struct Hit {
    pub time: i64,
    pub id: CompactId,
    /// `then` flag for pairs; location index for travel.
    pub tag: u32,
}

impl Hit {
    /// The event `ev` as a hit with the kind's `tag` (0 where the kind has none).
    pub fn of(ev: &dyn super::FieldSource<'_>, tag: u32) -> Hit {
        Hit {
            time: ev.time_ns(),
            id: CompactId::new(ev.id()),
            tag,
        }
    }
}

/// Hits per key.
#[derive(Default)]
pub(super) struct Hits(HashMap<String, Vec<Hit>, FxState>);

impl Hits {
    pub fn push(&mut self, key: Cow<'_, str>, hit: Hit) {
        match self.0.get_mut(key.as_ref()) {
            Some(list) => list.push(hit),
            None => {
                self.0.insert(key.into_owned(), vec![hit]);
            }
        }
    }

    /// Every key in order, each with its hits in time-then-id order (sorted as it is reached).
    pub fn into_sorted(self) -> impl Iterator<Item = (String, Vec<Hit>)> {
        let mut keys: Vec<(String, Vec<Hit>)> = self.0.into_iter().collect();
        keys.sort_by(|a, b| a.0.cmp(&b.0));
        keys.into_iter().map(|(key, mut hits)| {
            hits.sort_by(|a, b| (a.time, &a.id).cmp(&(b.time, &b.id)));
            (key, hits)
        })
    }
}

/// The ids of the first `cap` hits, as text.
pub(super) fn ids(hits: &[Hit], cap: usize) -> Vec<String> {
    hits.iter().take(cap).map(|h| h.id.text()).collect()
}
