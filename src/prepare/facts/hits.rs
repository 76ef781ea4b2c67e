//! What the keyed facts (`count`, `baseline`, `pairs`, `travel`) share: the event they hold
//! (`Hit`), the evidence of a group of events (`Evidence`), the items they found (`Found`) and
//! when to close the windows time has passed (`Sweep`).
//!
//! Events reach a fact in the file's (time, id) order, which the event pass checks, so a key's
//! state only ever moves forward: a kind keeps the few events its open window still needs and
//! turns a closed window into an item at once. Memory is the keys and their open windows, not
//! the events of the pass.

use super::super::fastparse::{format_day, format_ns, CompactId, FxState};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashMap};

const NS_PER_DAY: i64 = 86_400_000_000_000;

/// One event held by a keyed fact.
#[derive(Clone, Debug)]
pub(super) struct Hit {
    pub time: i64,
    pub id: CompactId,
    /// `then` flag for pairs; location index for travel.
    pub tag: u32,
}

impl Hit {
    /// The event `ev` as a hit with the kind's `tag` (0 where the kind has none).
    pub(super) fn of(ev: &dyn super::FieldSource<'_>, tag: u32) -> Hit {
        Hit {
            time: ev.time_ns(),
            id: CompactId::new(ev.id()),
            tag,
        }
    }
}

/// The evidence of a group of events (a burst, a bucket): how many, first and last, how many
/// per day, and the ids of the first `cap` in time order. Fed in time order, it holds at most
/// `cap` ids however many events the group has: an aggregated finding says exactly what it
/// counted without the fact keeping every event.
#[derive(Debug, Default)]
pub(super) struct Evidence {
    pub count: u64,
    pub first: i64,
    pub last: i64,
    /// Day number → events that day.
    per_day: BTreeMap<i64, u64>,
    ids: Vec<CompactId>,
}

impl Evidence {
    /// Adds the next event of the group (not earlier than the ones before).
    pub(super) fn add(&mut self, hit: &Hit, cap: usize) {
        if self.count == 0 {
            self.first = hit.time;
        }
        self.count += 1;
        self.last = hit.time;
        *self
            .per_day
            .entry(hit.time.div_euclid(NS_PER_DAY))
            .or_insert(0) += 1;
        if self.ids.len() < cap {
            self.ids.push(hit.id.clone());
        }
    }

    /// `first`, `last` (text), `event_ids` (time order) and `per_day` (`YYYY-MM-DD` → count).
    pub(super) fn first_text(&self) -> String {
        format_ns(self.first)
    }
    pub(super) fn last_text(&self) -> String {
        format_ns(self.last)
    }
    pub(super) fn event_ids(&self) -> Vec<String> {
        self.ids.iter().map(CompactId::text).collect()
    }
    pub(super) fn per_day(&self) -> Value {
        Value::Object(
            self.per_day
                .iter()
                .map(|(day, n)| (format_day(*day), json!(n)))
                .collect(),
        )
    }
}

/// The items a kind found, each under its key, in the order found. Output order is by key,
/// then the order found (time, for every kind), whatever order the keys closed in.
#[derive(Default)]
pub(super) struct Found(Vec<(String, Map<String, Value>)>);

impl Found {
    /// An item of `key`: its fields without `key`, which `into_items` puts first.
    pub(super) fn push(&mut self, key: &str, item: Value) {
        let fields = match item {
            Value::Object(m) => m,
            other => Map::from_iter([("value".to_string(), other)]),
        };
        self.0.push((key.to_string(), fields));
    }

    pub(super) fn len(&self) -> usize {
        self.0.len()
    }

    /// The items sorted by key (stable: a key's items stay in the order found), each with its
    /// `key` object first.
    pub(super) fn into_items(mut self, key_object: &dyn Fn(&str) -> Value) -> Vec<Value> {
        self.0.sort_by(|a, b| a.0.cmp(&b.0));
        self.0
            .into_iter()
            .map(|(key, fields)| {
                let mut m = Map::with_capacity(fields.len() + 1);
                m.insert("key".into(), key_object(&key));
                m.extend(fields);
                Value::Object(m)
            })
            .collect()
    }
}

/// A key's running state, created on its first event; the key is copied only then (always
/// `Some`: the `Option` only spares a panic path).
pub(super) fn state_of<'m, S: Default>(
    map: &'m mut HashMap<String, S, FxState>,
    key: &str,
) -> Option<&'m mut S> {
    if !map.contains_key(key) {
        map.insert(key.to_string(), S::default());
    }
    map.get_mut(key)
}

/// When a kind should look over all its keys and close the windows time has passed: once
/// `span_ns` of event time has gone by and at least as many events as keys have come since
/// the last sweep, so a sweep costs O(1) per event however many keys are open.
pub(super) struct Sweep {
    span_ns: i64,
    last: Option<i64>,
    events: usize,
}

impl Sweep {
    pub(super) fn every(span_ns: i64) -> Sweep {
        Sweep {
            span_ns,
            last: None,
            events: 0,
        }
    }

    /// Whether to sweep now, at event time `now`, with `keys` keys open.
    pub(super) fn due(&mut self, now: i64, keys: usize) -> bool {
        self.events += 1;
        let last = *self.last.get_or_insert(now);
        if now.saturating_sub(last) >= self.span_ns && self.events >= keys {
            self.last = Some(now);
            self.events = 0;
            return true;
        }
        false
    }
}

/// An event and a spec for the kinds' unit tests.
#[cfg(test)]
pub(super) mod testing {
    use super::super::{Field, FieldSource, Kind, Spec};
    use serde_json::Value;
    use std::borrow::Cow;

    pub(crate) struct Ev {
        pub time: i64,
        pub id: String,
        pub action: &'static str,
    }

    impl<'a> FieldSource<'a> for Ev {
        fn field(&mut self, _f: Field) -> Option<Cow<'a, str>> {
            None
        }
        fn time_ns(&self) -> i64 {
            self.time
        }
        fn id(&self) -> &str {
            &self.id
        }
        fn action(&self) -> &str {
            self.action
        }
        fn place(&self) -> (Option<&'a str>, Option<&'a str>, Option<&'a str>) {
            (None, None, None)
        }
        fn slim(&mut self) -> Value {
            Value::Null
        }
    }

    pub(crate) fn spec(kind: Kind, ids: usize) -> Spec {
        Spec {
            control: "C-1".into(),
            name: "f".into(),
            actions: vec!["*".into()],
            by: vec![Field::Actor],
            conds: Vec::new(),
            kind,
            limit: usize::MAX,
            ids,
            key_default: None,
            declared: Value::Null,
        }
    }

    /// A deterministic shuffle of keys over sorted times: (key, time) for `n` events of `keys`
    /// keys, clustered so that windows fill up and empty again.
    pub(crate) fn stream(n: usize, keys: usize, seed: u64) -> Vec<(String, i64)> {
        let mut x = seed | 1;
        let mut t = 0i64;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                // Mostly seconds apart, sometimes hours: bursts and quiet spells.
                t += if x.is_multiple_of(17) {
                    (x % 7) as i64 * 3_600_000_000_000
                } else {
                    (x % 90) as i64 * 1_000_000_000
                };
                (format!("k{}", (x >> 20) as usize % keys), t)
            })
            .collect()
    }
}
