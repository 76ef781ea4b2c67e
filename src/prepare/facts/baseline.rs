//! `baseline`: a key's count in one bucket of `bucket_minutes` at least `factor` times the mean
//! of its earlier buckets (with at least `min_history` of them and `min_count` events).

use super::hits::{ids, Hit, Hits};
use super::{Accumulator, FactKind, FieldSource, Finished, Params, Spec, NS_PER_MIN};
use crate::prepare::fastparse::format_ns;
use serde_json::{json, Value};
use std::borrow::Cow;

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
    fn start(&self) -> Box<dyn Accumulator> {
        Box::new(Buckets {
            params: self.clone(),
            hits: Hits::default(),
        })
    }
}

struct Buckets {
    params: Baseline,
    hits: Hits,
}

impl Accumulator for Buckets {
    fn add<'a>(
        &mut self,
        _spec: &Spec,
        key: Cow<'a, str>,
        ev: &mut dyn FieldSource<'a>,
        _is_first: bool,
        _is_then: bool,
    ) {
        let hit = Hit::of(ev, 0);
        self.hits.push(key, hit);
    }

    fn finish(self: Box<Self>, spec: &Spec, key_object: &dyn Fn(&str) -> Value) -> Finished {
        let Baseline {
            bucket_ns,
            factor,
            min_count,
            min_history,
        } = self.params;
        let mut out = Finished::default();
        for (key, hits) in self.hits.into_sorted() {
            let mut history_sum = 0u64;
            let mut history_n = 0u64;
            let mut s = 0usize;
            while s < hits.len() {
                let bucket = hits[s].time.div_euclid(bucket_ns);
                let mut e = s;
                while e + 1 < hits.len() && hits[e + 1].time.div_euclid(bucket_ns) == bucket {
                    e += 1;
                }
                let c = (e - s + 1) as u64;
                let mean = if history_n > 0 {
                    history_sum as f64 / history_n as f64
                } else {
                    0.0
                };
                if history_n >= min_history && c >= min_count && c as f64 >= factor * mean {
                    out.total += 1;
                    let slice = &hits[s..=e];
                    out.items.push(json!({
                        "key": key_object(&key),
                        "bucket_start": format_ns(bucket.saturating_mul(bucket_ns)),
                        "bucket_end": format_ns(bucket.saturating_add(1).saturating_mul(bucket_ns)),
                        "count": c,
                        "baseline": (mean * 100.0).round() / 100.0,
                        "ratio": if mean > 0.0 { (c as f64 / mean * 100.0).round() / 100.0 } else { 0.0 },
                        "history_buckets": history_n,
                        "first": format_ns(slice[0].time),
                        "last": format_ns(slice[slice.len() - 1].time),
                        "event_ids": ids(slice, spec.ids),
                    }));
                }
                history_sum += c;
                history_n += 1;
                s = e + 1;
            }
        }
        out.extra
            .insert("bucket_minutes".into(), json!(bucket_ns / NS_PER_MIN));
        out.extra.insert("factor".into(), json!(factor));
        out.extra.insert("min_count".into(), json!(min_count));
        out.extra.insert("min_history".into(), json!(min_history));
        out
    }
}
