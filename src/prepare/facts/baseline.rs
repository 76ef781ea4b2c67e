//! `baseline`: a key's count in one bucket of `bucket_minutes` at least `factor` times the mean
//! of its earlier buckets (with at least `min_history` of them and `min_count` events). A
//! spike's evidence (`hits::Evidence`) is its count, first and last, per-day counts and event
//! ids in time order.

use super::hits::{state_of, Evidence, Found, Hit, Sweep};
use super::{Accumulator, FactKind, FieldSource, Finished, Params, Spec, NS_PER_MIN};
use crate::prepare::fastparse::{format_ns, FxState};
use serde_json::{json, Value};
use std::borrow::Cow;
use std::collections::HashMap;

#[derive(Clone, Debug)]
pub struct Baseline {
    pub bucket_ns: i64,
    pub factor: f64,
    pub min_count: u64,
    pub min_history: u64,
}

impl Baseline {
    pub(super) fn parse(p: &Params<'_>) -> Result<Baseline, String> {
        Ok(Baseline {
            bucket_ns: p.minutes("bucket_minutes", Some(60.0))?,
            factor: p.number("factor", Some(5.0))?,
            min_count: p.number("min_count", Some(10.0))? as u64,
            min_history: p.number("min_history", Some(3.0))? as u64,
        })
    }
}

impl FactKind for Baseline {
    fn name(&self) -> &'static str {
        "baseline"
    }
    fn list_name(&self) -> &'static str {
        "spikes"
    }
    fn start(&self, limit: usize) -> Box<dyn Accumulator> {
        Box::new(Buckets {
            params: self.clone(),
            keys: HashMap::default(),
            found: Found::keeping(limit),
            sweep: Sweep::every(self.bucket_ns),
        })
    }
}

/// The running state: per key, its history (buckets with events so far) and its open bucket;
/// a bucket is judged as soon as time has left it.
struct Buckets {
    params: Baseline,
    keys: HashMap<String, KeyBuckets, FxState>,
    found: Found,
    sweep: Sweep,
}

#[derive(Default)]
struct KeyBuckets {
    /// The open bucket's number and evidence (empty when none is open).
    bucket: i64,
    open: Evidence,
    /// Count and number of the key's earlier buckets with events.
    history_sum: u64,
    history_n: u64,
}

impl KeyBuckets {
    /// Judges the open bucket against the key's history, then adds it to the history.
    fn close(&mut self, p: &Baseline, key: &str, found: &mut Found) {
        let mut open = std::mem::take(&mut self.open);
        let c = open.count;
        if c == 0 {
            return;
        }
        let mean = if self.history_n > 0 {
            self.history_sum as f64 / self.history_n as f64
        } else {
            0.0
        };
        if self.history_n >= p.min_history && c >= p.min_count && c as f64 >= p.factor * mean {
            let bucket_ns = p.bucket_ns;
            let ids = open.take_ids();
            found.push_evidence(key, ids, || {
                json!({
                    "bucket_start": format_ns(self.bucket.saturating_mul(bucket_ns)),
                    "bucket_end": format_ns(self.bucket.saturating_add(1).saturating_mul(bucket_ns)),
                    "count": c,
                    "baseline": (mean * 100.0).round() / 100.0,
                    "ratio": if mean > 0.0 { (c as f64 / mean * 100.0).round() / 100.0 } else { 0.0 },
                    "history_buckets": self.history_n,
                    "first": open.first_text(),
                    "last": open.last_text(),
                    "event_ids": Value::Null,
                    "per_day": open.per_day(),
                })
            });
        }
        self.history_sum += c;
        self.history_n += 1;
    }
}

impl Accumulator for Buckets {
    fn add<'a>(
        &mut self,
        spec: &Spec,
        key: Cow<'a, str>,
        ev: &mut dyn FieldSource<'a>,
        _is_first: bool,
        _is_then: bool,
    ) {
        let hit = Hit::of(ev, 0);
        let bucket = hit.time.div_euclid(self.params.bucket_ns);
        if self.sweep.due(hit.time, self.keys.len()) {
            // Buckets that ended before this one: their keys can have no more events in them.
            let (params, found) = (&self.params, &mut self.found);
            for (key, k) in self.keys.iter_mut() {
                if k.open.count > 0 && k.bucket < bucket {
                    k.close(params, key, found);
                }
            }
        }
        let Some(k) = state_of(&mut self.keys, &key) else {
            return;
        };
        if k.open.count > 0 && k.bucket != bucket {
            k.close(&self.params, &key, &mut self.found);
        }
        k.bucket = bucket;
        k.open.add(&hit, spec.ids);
    }

    fn held(&self) -> usize {
        // An open bucket can still become an item when the fact is finished.
        let open: usize = self.keys.values().map(|k| k.open.held()).sum();
        self.found.held() + open
    }

    fn finish(mut self: Box<Self>, _spec: &Spec, key_object: &dyn Fn(&str) -> Value) -> Finished {
        for (key, k) in self.keys.iter_mut() {
            k.close(&self.params, key, &mut self.found);
        }
        let Baseline {
            bucket_ns,
            factor,
            min_count,
            min_history,
        } = self.params;
        let mut out = Finished {
            total: self.found.total(),
            items: self.found.into_items(key_object),
            ..Finished::default()
        };
        out.extra
            .insert("bucket_minutes".into(), json!(bucket_ns / NS_PER_MIN));
        out.extra.insert("factor".into(), json!(factor));
        out.extra.insert("min_count".into(), json!(min_count));
        out.extra.insert("min_history".into(), json!(min_history));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::super::hits::testing::{spec, stream, Ev};
    use super::super::Kind;
    use super::*;

    const MIN: i64 = NS_PER_MIN;

    fn params(bucket_minutes: i64) -> Baseline {
        Baseline {
            bucket_ns: bucket_minutes * MIN,
            factor: 2.0,
            min_count: 3,
            min_history: 2,
        }
    }

    fn run(events: &[(String, i64)], p: Baseline, ids: usize) -> (Buckets, Spec) {
        let spec = spec(Kind::Baseline(p.clone()), ids);
        let mut acc = Buckets {
            sweep: Sweep::every(p.bucket_ns),
            params: p,
            keys: HashMap::default(),
            found: Found::default(),
        };
        for (i, (key, time)) in events.iter().enumerate() {
            let mut ev = Ev {
                time: *time,
                id: format!("e{i:06}"),
                action: "x",
            };
            acc.add(&spec, Cow::Borrowed(key), &mut ev, true, false);
        }
        (acc, spec)
    }

    /// The spikes as the whole-history version found them (per key, buckets in order).
    fn reference(events: &[(String, i64)], p: &Baseline, cap: usize) -> Vec<Value> {
        let mut keys: std::collections::BTreeMap<&str, Vec<(i64, String)>> = Default::default();
        for (i, (k, t)) in events.iter().enumerate() {
            keys.entry(k).or_default().push((*t, format!("e{i:06}")));
        }
        let mut items = Vec::new();
        for (key, hits) in keys {
            let (mut sum, mut n, mut s) = (0u64, 0u64, 0usize);
            while s < hits.len() {
                let bucket = hits[s].0.div_euclid(p.bucket_ns);
                let mut e = s;
                while e + 1 < hits.len() && hits[e + 1].0.div_euclid(p.bucket_ns) == bucket {
                    e += 1;
                }
                let c = (e - s + 1) as u64;
                let mean = if n > 0 { sum as f64 / n as f64 } else { 0.0 };
                if n >= p.min_history && c >= p.min_count && c as f64 >= p.factor * mean {
                    items.push(json!({"key": key, "count": c, "history_buckets": n,
                        "event_ids": hits[s..=e].iter().take(cap).map(|h| h.1.clone()).collect::<Vec<_>>()}));
                }
                sum += c;
                n += 1;
                s = e + 1;
            }
        }
        items
    }

    #[test]
    fn streaming_spikes_match_the_whole_history() {
        for (seed, bucket, cap) in [(1, 10, 1000), (2, 60, 2), (3, 5, 1000)] {
            let events = stream(4_000, 5, seed);
            let (acc, spec) = run(&events, params(bucket), cap);
            let out = Box::new(acc).finish(&spec, &|k| json!(k));
            let got: Vec<Value> = out
                .items
                .iter()
                .map(|s| json!({"key": s["key"], "count": s["count"], "history_buckets": s["history_buckets"], "event_ids": s["event_ids"]}))
                .collect();
            let want = reference(&events, &params(bucket), cap);
            assert!(!want.is_empty(), "seed {seed}: the test must find spikes");
            assert_eq!(got, want, "seed {seed}");
        }
    }

    #[test]
    fn a_bucket_time_has_left_is_judged_and_its_events_released() {
        // "a": one event in each of three hours, then 4 in the fourth (a spike: 4 ≥ 2 × 1);
        // then a day of "b" alone.
        let mut events: Vec<(String, i64)> =
            (0..3).map(|h| ("a".to_string(), h * 60 * MIN)).collect();
        events.extend((0..4).map(|i| ("a".to_string(), 180 * MIN + i * MIN)));
        events.extend((1..=48).map(|i| ("b".to_string(), 240 * MIN + i * 30 * MIN)));
        let (acc, spec) = run(&events, params(60), 1000);
        assert_eq!(acc.found.total(), 1, "a's spike is an item before the end");
        // "a" keeps its history, not its events.
        assert_eq!(acc.keys["a"].open.count, 0);
        assert_eq!(acc.keys["a"].history_n, 4);
        let out = Box::new(acc).finish(&spec, &|k| json!(k));
        let spike = &out.items[0];
        assert_eq!(
            (spike["key"].as_str(), spike["count"].as_u64()),
            (Some("a"), Some(4))
        );
        assert_eq!(spike["per_day"], json!({"1970-01-01": 4}));
        assert_eq!(spike["first"], "1970-01-01T03:00:00.000Z");
        assert_eq!(spike["last"], "1970-01-01T03:03:00.000Z");
    }
}
