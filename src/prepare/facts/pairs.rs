//! `pairs`: an event of the spec's `actions` followed, for the same key and within
//! `within_minutes`, by one of `then`.

use super::hits::{Found, Hit, Sweep};
use super::{Accumulator, FactKind, FieldSource, Finished, Params, Spec, NS_PER_MIN};
use crate::prepare::fastparse::{format_ns, FxState};
use serde_json::{json, Value};
use std::borrow::Cow;
use std::collections::HashMap;

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
    fn start(&self, limit: usize) -> Box<dyn Accumulator> {
        Box::new(Pairing {
            within_ns: self.within_ns,
            pending: HashMap::default(),
            actions_seen: Vec::new(),
            found: Found::keeping(limit),
            sweep: Sweep::every(self.within_ns),
        })
    }
}

/// The running state: per key, the latest `actions` event still waiting for a `then`; a pair
/// is an item as soon as it is found, and an event the window has left is forgotten.
struct Pairing {
    within_ns: i64,
    /// Tag: bit 0 `then`, bit 1 first, the rest the index in `actions_seen`.
    pending: HashMap<String, Hit, FxState>,
    actions_seen: Vec<String>,
    found: Found,
    sweep: Sweep,
}

impl Pairing {
    fn action_tag(&mut self, action: &str) -> u32 {
        if let Some(i) = self.actions_seen.iter().position(|a| a == action) {
            return i as u32;
        }
        self.actions_seen.push(action.to_string());
        (self.actions_seen.len() - 1) as u32
    }

    fn act(actions_seen: &[String], tag: u32) -> String {
        actions_seen
            .get((tag >> 2) as usize)
            .cloned()
            .unwrap_or_default()
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
        let h = Hit::of(ev, tag);
        let within_ns = self.within_ns;
        if self.sweep.due(h.time, self.pending.len()) {
            // A first event more than `within` ago can pair with no later event.
            let now = h.time;
            self.pending
                .retain(|_, a| now.saturating_sub(a.time) <= within_ns);
        }
        if is_then {
            // A waiting event too old for this one is too old for any later one: it goes either way.
            let waiting = self.pending.remove(key.as_ref());
            if let Some(a) = waiting.filter(|a| h.time.saturating_sub(a.time) <= within_ns) {
                let seen = &self.actions_seen;
                self.found.push(&key, || {
                    json!({
                        "first": {"id": a.id.text(), "time": format_ns(a.time), "action": Pairing::act(seen, a.tag)},
                        "then": {"id": h.id.text(), "time": format_ns(h.time), "action": Pairing::act(seen, h.tag)},
                        "gap_seconds": h.time.saturating_sub(a.time) / 1_000_000_000,
                    })
                });
                // An event that completes a pair does not start another.
                return;
            }
        }
        if is_first {
            self.pending.insert(key.into_owned(), h);
        }
    }

    fn held(&self) -> usize {
        self.found.held()
    }

    fn finish(self: Box<Self>, _spec: &Spec, key_object: &dyn Fn(&str) -> Value) -> Finished {
        let mut out = Finished {
            total: self.found.total(),
            items: self.found.into_items(key_object),
            ..Finished::default()
        };
        out.extra
            .insert("within_minutes".into(), json!(self.within_ns / NS_PER_MIN));
        out
    }
}
