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
use std::cmp::Ordering;
use std::collections::{BTreeMap, BinaryHeap, HashMap};

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
    /// Event ids it holds.
    pub(super) fn held(&self) -> usize {
        self.ids.len()
    }

    /// The kept ids, moved out: a found item holds them compact (`Found::push_evidence`) and
    /// spells them out only when the fact is finished.
    pub(super) fn take_ids(&mut self) -> Vec<CompactId> {
        std::mem::take(&mut self.ids)
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

/// The items a kind found, each under its key. Output order is by key, then the order found
/// (time, for every kind), whatever order the keys closed in; only the first `limit` items of
/// that order are kept and the rest are only counted, so a kind holds at most `limit` items
/// however many it finds (the spec's `limit`: its output is cut there anyway).
pub(super) struct Found {
    limit: usize,
    /// Items found, kept or not.
    total: u64,
    /// The kept items, the last in output order on top: the one a better item replaces.
    kept: BinaryHeap<FoundItem>,
    /// Event ids the kept items hold.
    kept_ids: usize,
}

/// An item under its key; `seq` is the order found, which orders a key's items. Its event ids
/// stay compact (16 bytes for a UUID, instead of a JSON string of ~90) until the fact is
/// finished: a fact can hold 10,000 items of up to 1,000 ids each.
struct FoundItem {
    key: String,
    seq: u64,
    fields: Map<String, Value>,
    /// Spelt out into the `event_ids` field (whose place the item holds with `null`).
    ids: Option<Vec<CompactId>>,
}

impl PartialEq for FoundItem {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for FoundItem {}
impl PartialOrd for FoundItem {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for FoundItem {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.key.as_str(), self.seq).cmp(&(other.key.as_str(), other.seq))
    }
}

impl Default for Found {
    /// Keeps every item.
    fn default() -> Found {
        Found::keeping(usize::MAX)
    }
}

impl Found {
    /// Keeps the first `limit` items in output order.
    pub(super) fn keeping(limit: usize) -> Found {
        Found {
            limit,
            total: 0,
            kept: BinaryHeap::new(),
            kept_ids: 0,
        }
    }

    /// An item of `key`, made by `item` (its fields without `key`, which `into_items` puts
    /// first) only when it is kept: a later item of a key at or past the last kept one's would
    /// come after it, so it is counted and never built.
    pub(super) fn push(&mut self, key: &str, item: impl FnOnce() -> Value) {
        self.push_item(key, None, item)
    }

    /// [`Found::push`] for an item with evidence: `ids` become its `event_ids` when the fact
    /// is finished; `item` holds that field's place with `null`.
    pub(super) fn push_evidence(
        &mut self,
        key: &str,
        ids: Vec<CompactId>,
        item: impl FnOnce() -> Value,
    ) {
        self.push_item(key, Some(ids), item)
    }

    fn push_item(&mut self, key: &str, ids: Option<Vec<CompactId>>, item: impl FnOnce() -> Value) {
        let seq = self.total;
        self.total += 1;
        if self.kept.len() >= self.limit {
            match self.kept.peek() {
                Some(last) if key < last.key.as_str() => {}
                _ => return,
            }
        }
        let fields = match item() {
            Value::Object(m) => m,
            other => Map::from_iter([("value".to_string(), other)]),
        };
        self.kept_ids += ids.as_ref().map_or(0, Vec::len);
        self.kept.push(FoundItem {
            key: key.to_string(),
            seq,
            fields,
            ids,
        });
        if self.kept.len() > self.limit {
            if let Some(out) = self.kept.pop() {
                self.kept_ids -= out.ids.as_ref().map_or(0, Vec::len);
            }
        }
    }

    /// Roughly how many JSON values the kept items will hold: a dozen fields each, and their
    /// event ids.
    pub(super) fn held(&self) -> usize {
        self.kept.len() * 12 + self.kept_ids
    }

    /// Items found, including those past the limit.
    pub(super) fn total(&self) -> u64 {
        self.total
    }

    /// The kept items sorted by key (a key's items in the order found), each with its `key`
    /// object first.
    pub(super) fn into_items(self, key_object: &dyn Fn(&str) -> Value) -> Vec<Value> {
        self.kept
            .into_sorted_vec()
            .into_iter()
            .map(
                |FoundItem {
                     key, fields, ids, ..
                 }| {
                    let mut m = Map::with_capacity(fields.len() + 1);
                    m.insert("key".into(), key_object(&key));
                    m.extend(fields);
                    if let Some(ids) = ids {
                        let texts = ids.iter().map(|id| Value::String(id.text())).collect();
                        m.insert("event_ids".into(), Value::Array(texts));
                    }
                    Value::Object(m)
                },
            )
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Pushes (key, n) items in this order into a `Found` keeping `limit`; returns the items kept
    /// and how many were built.
    fn found(pushes: &[(&str, u64)], limit: usize) -> (Vec<Value>, u64, usize) {
        let mut f = Found::keeping(limit);
        let mut built = 0;
        for (key, n) in pushes {
            f.push(key, || {
                built += 1;
                json!({"n": n})
            });
        }
        let total = f.total();
        (f.into_items(&|k| json!(k)), total, built)
    }

    #[test]
    fn found_keeps_the_first_items_by_key_then_order_found_and_counts_the_rest() {
        // Keys close in any order; a key's items come in the order found.
        let pushes = [
            ("c", 1),
            ("a", 2),
            ("b", 3),
            ("a", 4),
            ("c", 5),
            ("b", 6),
            ("a", 7),
        ];
        let (all, total, _) = found(&pushes, usize::MAX);
        let order: Vec<(String, u64)> = all
            .iter()
            .map(|i| {
                (
                    i["key"].as_str().unwrap().to_string(),
                    i["n"].as_u64().unwrap(),
                )
            })
            .collect();
        let want = [
            ("a", 2),
            ("a", 4),
            ("a", 7),
            ("b", 3),
            ("b", 6),
            ("c", 1),
            ("c", 5),
        ];
        assert_eq!(order, want.map(|(k, n)| (k.to_string(), n)));
        assert_eq!(total, 7);
        // Any limit keeps exactly the first items of that order, with the same total.
        for limit in 1..=8 {
            let (kept, total, _) = found(&pushes, limit);
            assert_eq!(kept, all[..limit.min(all.len())], "limit {limit}");
            assert_eq!(total, 7);
        }
    }

    #[test]
    fn an_item_that_cannot_be_kept_is_never_built() {
        // Limit 2: ("a", 1) and ("b", 2) fill it; a later "b" or any "c" comes after both.
        let (kept, total, built) = found(&[("a", 1), ("b", 2), ("b", 3), ("c", 4), ("a", 5)], 2);
        assert_eq!(
            kept,
            [json!({"key": "a", "n": 1}), json!({"key": "a", "n": 5})]
        );
        assert_eq!(total, 5);
        // Built: a1, b2, a5 (which pushed b2 out); b3 and c4 were only counted.
        assert_eq!(built, 3);
    }
}
