//! `pairs`: an event of the spec's `actions` followed, for the same key and within
//! `within_minutes`, by one of `then`.

use super::hits::{Hit, Hits};
use super::{Accumulator, FactKind, FieldSource, Finished, Params, Spec, NS_PER_MIN};
use crate::prepare::fastparse::format_ns;
use serde_json::{json, Value};
use std::borrow::Cow;

#[derive(Clone, Debug)]
pub struct Pairs {
    pub then: Vec<String>,
    pub within_ns: i64,
}

impl Pairs {
    pub(super) fn parse(p: &Params<'_>) -> Result<Pairs, String> {
        Ok(Pairs {
            then: p.actions("then")?,
            within_ns: p.minutes("within_minutes", Some(60.0))?,
        })
    }
}

impl FactKind for Pairs {
    fn name(&self) -> &'static str {
        "pairs"
    }
    fn list_name(&self) -> &'static str {
        "pairs"
    }
    fn then(&self) -> Option<&[String]> {
        Some(&self.then)
    }
    fn start(&self) -> Box<dyn Accumulator> {
        Box::new(Pairing {
            within_ns: self.within_ns,
            hits: Hits::default(),
            actions_seen: Vec::new(),
        })
    }
}

struct Pairing {
    within_ns: i64,
    /// Tag: bit 0 `then`, bit 1 first, the rest the index in `actions_seen`.
    hits: Hits,
    actions_seen: Vec<String>,
}

impl Pairing {
    fn action_tag(&mut self, action: &str) -> u32 {
        if let Some(i) = self.actions_seen.iter().position(|a| a == action) {
            return i as u32;
        }
        self.actions_seen.push(action.to_string());
        (self.actions_seen.len() - 1) as u32
    }
}

impl Accumulator for Pairing {
    fn add<'a>(
        &mut self,
        _spec: &Spec,
        key: Cow<'a, str>,
        ev: &mut dyn FieldSource<'a>,
        is_first: bool,
        is_then: bool,
    ) {
        let tag =
            u32::from(is_then) | (u32::from(is_first) << 1) | (self.action_tag(ev.action()) << 2);
        let hit = Hit::of(ev, tag);
        self.hits.push(key, hit);
    }

    fn finish(self: Box<Self>, _spec: &Spec, key_object: &dyn Fn(&str) -> Value) -> Finished {
        let within_ns = self.within_ns;
        let actions_seen = self.actions_seen;
        let act = |t: u32| {
            actions_seen
                .get((t >> 2) as usize)
                .cloned()
                .unwrap_or_default()
        };
        let mut out = Finished::default();
        for (key, hits) in self.hits.into_sorted() {
            let mut pending: Option<usize> = None;
            for (j, h) in hits.iter().enumerate() {
                if h.tag & 1 == 1 {
                    if let Some(f) = pending {
                        let a = &hits[f];
                        if h.time.saturating_sub(a.time) <= within_ns {
                            out.total += 1;
                            out.items.push(json!({
                                "key": key_object(&key),
                                "first": {"id": a.id.text(), "time": format_ns(a.time), "action": act(a.tag)},
                                "then": {"id": h.id.text(), "time": format_ns(h.time), "action": act(h.tag)},
                                "gap_seconds": h.time.saturating_sub(a.time) / 1_000_000_000,
                            }));
                            pending = None;
                            continue;
                        }
                    }
                }
                if h.tag & 2 == 2 {
                    pending = Some(j);
                }
            }
        }
        out.extra
            .insert("within_minutes".into(), json!(within_ns / NS_PER_MIN));
        out
    }
}
