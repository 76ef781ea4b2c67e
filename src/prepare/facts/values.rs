//! `values`: the values of a field per key, with when each was first seen and how many of the
//! key's events came before it (a new value for an actor, a rare one, …); with `per_key`, one
//! item per key holding its kept values.

use super::{Accumulator, FactKind, Field, FieldSource, Finished, Params, Spec};
use crate::prepare::fastparse::{format_ns, CompactId, FxState};
use serde_json::{json, Value};
use std::borrow::Cow;
use std::collections::HashMap;

#[derive(Clone, Debug)]
pub struct Values {
    pub value: Field,
    pub min_before: u64,
    pub min_days_before: f64,
    pub max_share: f64,
    pub per_key: bool,
    /// With `per_key`: most values a key's item lists (the first in value order); `distinct`,
    /// `count`, `first`, `last` and `event_ids` still cover every kept value. A control that
    /// shows a few values per key need not have all of them spelt out: ATL-DET-008's item of
    /// an actor listed every address outside the allowlist (380,000 at 10^8 events, ~340 MB
    /// once finished) to show 20.
    pub max_listed: usize,
    /// Also keep each kept event id's time (`event_times`, beside `event_ids`), for rules that
    /// split a value's events at a moment they only learn in Rego (ATL-DET-019: a deactivation).
    pub times: bool,
}

impl Values {
    pub(super) fn parse(p: &Params<'_>) -> Result<Values, String> {
        // Unbounded unless given (`as` saturates).
        let max_listed = p.number("max_listed", Some(f64::MAX))? as usize;
        let per_key = p.flag("per_key")?;
        if max_listed != usize::MAX && !per_key {
            return Err("`max_listed` limits the values of a `per_key: true` item".to_string());
        }
        Ok(Values {
            min_before: p.number("min_before", Some(0.0))? as u64,
            min_days_before: p.number("min_days_before", Some(0.0))?,
            max_share: p.number("max_share", Some(1.0))?,
            per_key,
            max_listed,
            times: p.flag("times")?,
            value: p.field("value")?,
        })
    }
}

impl FactKind for Values {
    fn name(&self) -> &'static str {
        "values"
    }
    fn list_name(&self) -> &'static str {
        "items"
    }
    fn reads(&self) -> Option<Field> {
        Some(self.value)
    }
    fn start(&self, _limit: usize) -> Box<dyn Accumulator> {
        Box::new(ValueSets {
            params: self.clone(),
            keys: HashMap::default(),
        })
    }
}

#[derive(Default, Debug)]
struct ValueAcc {
    count: u64,
    first: i64,
    last: i64,
    before: u64,
    ids: Vec<CompactId>,
    /// Times of the kept ids (with `times: true`, and with `per_key`, whose item lists the
    /// key's ids across its values in time order).
    times: Vec<i64>,
}

#[derive(Default, Debug)]
struct KeyAcc {
    count: u64,
    first: i64,
    last: i64,
}

#[derive(Default, Debug)]
struct KeyState {
    acc: KeyAcc,
    values: HashMap<String, ValueAcc, FxState>,
}

struct ValueSets {
    params: Values,
    keys: HashMap<String, KeyState, FxState>,
}

impl Accumulator for ValueSets {
    fn add<'a>(
        &mut self,
        spec: &Spec,
        key: Cow<'a, str>,
        ev: &mut dyn FieldSource<'a>,
        _is_first: bool,
        _is_then: bool,
    ) {
        let time = ev.time_ns();
        let v = ev.field(self.params.value);
        let ids_cap = spec.ids;
        let state = match self.keys.get_mut(key.as_ref()) {
            Some(s) => s,
            None => self
                .keys
                .entry(key.into_owned())
                .or_insert_with(|| KeyState {
                    acc: KeyAcc {
                        count: 0,
                        first: time,
                        last: time,
                    },
                    values: HashMap::default(),
                }),
        };
        let before = state.acc.count;
        state.acc.count += 1;
        state.acc.first = state.acc.first.min(time);
        state.acc.last = state.acc.last.max(time);
        let Some(v) = v else { return };
        let acc = match state.values.get_mut(v.as_ref()) {
            Some(acc) => acc,
            None => state.values.entry(v.into_owned()).or_insert(ValueAcc {
                count: 0,
                first: time,
                last: time,
                before,
                ids: Vec::new(),
                times: Vec::new(),
            }),
        };
        acc.count += 1;
        acc.first = acc.first.min(time);
        acc.last = acc.last.max(time);
        if acc.ids.len() < ids_cap {
            acc.ids.push(CompactId::new(ev.id()));
            if self.params.times || self.params.per_key {
                acc.times.push(time);
            }
        }
    }

    fn held(&self) -> usize {
        // An item or listed value is about a dozen values, plus its ids (and their times).
        let listed = self.params.max_listed;
        self.keys
            .values()
            .map(|k| {
                let values = k.values.len().min(listed);
                let ids: usize = k.values.values().map(|v| v.ids.len() + v.times.len()).sum();
                12 + values * 12 + ids
            })
            .sum()
    }

    fn finish(self: Box<Self>, spec: &Spec, key_object: &dyn Fn(&str) -> Value) -> Finished {
        let Values {
            value,
            min_before,
            min_days_before,
            max_share,
            per_key,
            max_listed,
            times,
        } = self.params;
        let mut out = Finished::default();
        let mut keys: Vec<(&String, &KeyState)> = self.keys.iter().collect();
        keys.sort_by(|a, b| a.0.cmp(b.0));
        for (key, state) in keys {
            let k = &state.acc;
            let kept = |acc: &ValueAcc| {
                acc.before >= min_before
                    && acc.first.saturating_sub(k.first) >= (min_days_before * 86_400e9) as i64
                    && acc.count as f64 <= max_share * k.count as f64
            };
            // Past the spec's limit an item is only counted (the output is cut there).
            if out.items.len() >= spec.limit {
                let found = state.values.values().filter(|acc| kept(acc)).count() as u64;
                out.total += if per_key { found.min(1) } else { found };
                continue;
            }
            let mut values: Vec<(&String, &ValueAcc)> = state.values.iter().collect();
            values.sort_by(|a, b| a.0.cmp(b.0));
            let mut grouped: Vec<Value> = Vec::new();
            // A per-key item's totals over all its kept values, listed or not.
            let mut kept_values = 0usize;
            let (mut count, mut first, mut last) = (0u64, i64::MAX, i64::MIN);
            // The kept values' ids with their times, for the per-key item's time-ordered list.
            let mut timed_ids: Vec<(i64, String)> = Vec::new();
            for (v, acc) in values {
                if !kept(acc) {
                    continue;
                }
                if per_key {
                    timed_ids.extend(
                        acc.times
                            .iter()
                            .copied()
                            .zip(acc.ids.iter().map(CompactId::text)),
                    );
                    kept_values += 1;
                    count += acc.count;
                    first = first.min(acc.first);
                    last = last.max(acc.last);
                    if grouped.len() >= max_listed {
                        continue;
                    }
                    grouped.push(json!({
                        "value": v,
                        "count": acc.count,
                        "first": format_ns(acc.first),
                        "last": format_ns(acc.last),
                        "key_events_before": acc.before,
                        "event_ids": acc.ids.iter().map(CompactId::text).collect::<Vec<_>>(),
                    }));
                    continue;
                }
                out.total += 1;
                if out.items.len() >= spec.limit {
                    continue;
                }
                let mut item = json!({
                    "key": key_object(key),
                    "value": v,
                    "count": acc.count,
                    "first": format_ns(acc.first),
                    "last": format_ns(acc.last),
                    "first_ns": acc.first,
                    "key_count": k.count,
                    "key_first": format_ns(k.first),
                    "key_first_ns": k.first,
                    "key_events_before": acc.before,
                    "event_ids": acc.ids.iter().map(CompactId::text).collect::<Vec<_>>(),
                });
                if times {
                    item["event_times"] =
                        json!(acc.times.iter().map(|t| format_ns(*t)).collect::<Vec<_>>());
                }
                out.items.push(item);
            }
            if per_key && kept_values > 0 {
                // One item per key: the kept values (the first `max_listed` listed), their
                // total, first and last.
                out.total += 1;
                // Each value kept its first ids in time order, so the key's first `ids` in
                // time order (ties by id, as the file is sorted) are among them.
                timed_ids.sort();
                timed_ids.truncate(spec.ids);
                let ids: Vec<String> = timed_ids.into_iter().map(|(_, id)| id).collect();
                out.items.push(json!({
                    "key": key_object(key),
                    "values": grouped,
                    "distinct": kept_values,
                    "count": count,
                    "first": format_ns(first),
                    "last": format_ns(last),
                    "key_count": k.count,
                    "key_first": format_ns(k.first),
                    "event_ids": ids,
                }));
            }
        }
        out.extra.insert("value".into(), json!(value.name()));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::super::hits::testing::spec;
    use super::super::{Kind, SpecState};
    use super::*;

    /// An event of `user` doing `action`; every other field reads `action` too (the value of
    /// the facts below).
    struct Ev {
        time: i64,
        id: String,
        user: &'static str,
        action: &'static str,
    }

    impl<'a> FieldSource<'a> for Ev {
        fn field(&mut self, f: Field) -> Option<Cow<'a, str>> {
            match f {
                Field::User => Some(Cow::Borrowed(self.user)),
                _ => Some(Cow::Borrowed(self.action)),
            }
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

    fn per_key_ids(events: &[(i64, &'static str, &'static str)], ids: usize) -> Vec<String> {
        let params = Values {
            value: Field::Country,
            min_before: 0,
            min_days_before: 0.0,
            max_share: 1.0,
            per_key: true,
            max_listed: usize::MAX,
            times: false,
        };
        let spec = spec(Kind::Values(params.clone()), ids);
        let mut acc: Box<dyn Accumulator> = params.start(usize::MAX);
        for &(time, id, value) in events {
            let mut ev = Ev {
                time,
                id: id.to_string(),
                user: "k",
                action: value,
            };
            acc.add(&spec, Cow::Borrowed("k"), &mut ev, true, false);
        }
        let out = acc.finish(&spec, &|k| json!(k));
        assert_eq!(out.items.len(), 1);
        out.items[0]["event_ids"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    }

    #[test]
    fn a_keys_ids_are_listed_in_time_order_across_its_values() {
        // Ids that sort the other way round from time, spread over two values.
        let events = [
            (10, "z1", "DE"),
            (20, "a2", "FR"),
            (30, "y3", "DE"),
            (40, "b4", "FR"),
            (40, "b5", "DE"),
        ];
        assert_eq!(per_key_ids(&events, 20), ["z1", "a2", "y3", "b4", "b5"]);
        // The cap keeps the earliest, not the smallest ids.
        assert_eq!(per_key_ids(&events, 3), ["z1", "a2", "y3"]);
    }

    /// A `values` fact by user, value action, with `limit`, over (user, action) events.
    fn run(per_key: bool, limit: usize, events: &[(&'static str, &'static str)]) -> Value {
        run_listing(per_key, limit, usize::MAX, events)
    }

    /// [`run`] with `max_listed`.
    fn run_listing(
        per_key: bool,
        limit: usize,
        max_listed: usize,
        events: &[(&'static str, &'static str)],
    ) -> Value {
        let mut spec = spec(
            Kind::Values(Values {
                value: Field::Action,
                min_before: 0,
                min_days_before: 0.0,
                max_share: 1.0,
                per_key,
                max_listed,
                times: false,
            }),
            20,
        );
        spec.by = vec![Field::User];
        spec.limit = limit;
        let mut state = SpecState::new(spec);
        for (i, (user, action)) in events.iter().enumerate() {
            let mut ev = Ev {
                time: i as i64,
                id: format!("e{i}"),
                user,
                action,
            };
            state.add(&mut ev, true, false);
        }
        state.finish(&|_| None)
    }

    const EVENTS: [(&str, &str); 6] = [
        ("u3", "read"),
        ("u1", "write"),
        ("u2", "read"),
        ("u1", "read"),
        ("u3", "read"),
        ("u2", "delete"),
    ];

    #[test]
    fn items_past_the_limit_are_counted_not_listed() {
        let all = run(false, usize::MAX, &EVENTS);
        let pairs = |out: &Value| -> Vec<String> {
            out["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| {
                    format!(
                        "{}/{}",
                        i["key"]["user"].as_str().unwrap(),
                        i["value"].as_str().unwrap()
                    )
                })
                .collect()
        };
        assert_eq!(
            pairs(&all),
            ["u1/read", "u1/write", "u2/delete", "u2/read", "u3/read"]
        );
        assert_eq!(
            (all["total"].as_u64(), all["truncated"].as_u64()),
            (Some(5), Some(0))
        );
        for limit in 1..=5 {
            let out = run(false, limit, &EVENTS);
            assert_eq!(pairs(&out), pairs(&all)[..limit], "limit {limit}");
            assert_eq!(out["total"], 5);
            assert_eq!(out["truncated"].as_u64(), Some(5 - limit as u64));
        }
    }

    #[test]
    fn max_listed_lists_the_first_values_and_the_totals_cover_them_all() {
        let events = [
            ("u1", "write"),
            ("u1", "read"),
            ("u1", "delete"),
            ("u1", "read"),
            ("u2", "read"),
        ];
        let all = run_listing(true, usize::MAX, usize::MAX, &events);
        let cut = run_listing(true, usize::MAX, 2, &events);
        let listed = |out: &Value, i: usize| -> Vec<String> {
            out["items"][i]["values"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v["value"].as_str().unwrap().to_string())
                .collect()
        };
        assert_eq!(listed(&all, 0), ["delete", "read", "write"]);
        // The first two in value order, with the same totals as the whole list.
        assert_eq!(listed(&cut, 0), ["delete", "read"]);
        assert_eq!(
            cut["items"][0]["values"],
            json!(all["items"][0]["values"].as_array().unwrap()[..2])
        );
        for field in ["distinct", "count", "first", "last", "event_ids", "key"] {
            assert_eq!(cut["items"][0][field], all["items"][0][field], "{field}");
        }
        assert_eq!(cut["items"][0]["distinct"], 3);
        assert_eq!(cut["items"][0]["count"], 4);
        assert_eq!(cut["items"][0]["first"], format_ns(0));
        assert_eq!(cut["items"][0]["last"], format_ns(3));
        assert_eq!(
            cut["items"][0]["event_ids"],
            json!(["e0", "e1", "e2", "e3"])
        );
        // A key with fewer values than the cap is unchanged.
        assert_eq!(cut["items"][1], all["items"][1]);
    }

    #[test]
    fn per_key_items_past_the_limit_are_counted_not_listed() {
        let out = run(true, 2, &EVENTS);
        let keys: Vec<&str> = out["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["key"]["user"].as_str().unwrap())
            .collect();
        assert_eq!(keys, ["u1", "u2"]);
        assert_eq!(out["items"][0]["distinct"], 2);
        assert_eq!(
            (out["total"].as_u64(), out["truncated"].as_u64()),
            (Some(3), Some(1))
        );
    }
}
