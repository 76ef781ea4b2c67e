//! `count`: more than `over` events of one key within a sliding window of `window_minutes`;
//! overlapping windows over the threshold make one burst.

use super::hits::{ids, Hit, Hits};
use super::{Accumulator, FactKind, FieldSource, Finished, Params, Spec, NS_PER_MIN};
use crate::prepare::fastparse::format_ns;
use serde_json::{json, Value};
use std::borrow::Cow;

#[derive(Clone, Debug)]
pub struct Count {
    pub window_ns: i64,
    pub over: u64,
}

impl Count {
    pub(super) fn parse(p: &Params<'_>) -> Result<Count, String> {
        Ok(Count {
            window_ns: p.minutes("window_minutes", Some(60.0))?,
            over: p.number("over", None)? as u64,
        })
    }
}

impl FactKind for Count {
    fn name(&self) -> &'static str {
        "count"
    }
    fn list_name(&self) -> &'static str {
        "bursts"
    }
    fn start(&self) -> Box<dyn Accumulator> {
        Box::new(Counting {
            params: self.clone(),
            hits: Hits::default(),
        })
    }
}

struct Counting {
    params: Count,
    hits: Hits,
}

impl Accumulator for Counting {
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
        let Count { window_ns, over } = self.params;
        let mut out = Finished::default();
        let mut max_peak = 0usize;
        for (key, hits) in self.hits.into_sorted() {
            let mut i = 0usize;
            // Current burst: [start, end] indexes and the peak window count.
            let mut burst: Option<(usize, usize, usize)> = None;
            let close = |b: (usize, usize, usize), out: &mut Finished| {
                out.total += 1;
                let (s, e, peak) = b;
                let slice = &hits[s..=e];
                out.items.push(json!({
                    "key": key_object(&key),
                    "count": slice.len(),
                    "peak": peak,
                    "first": format_ns(slice[0].time),
                    "last": format_ns(slice[slice.len() - 1].time),
                    "first_ns": slice[0].time,
                    "last_ns": slice[slice.len() - 1].time,
                    "event_ids": ids(slice, spec.ids),
                }));
            };
            for j in 0..hits.len() {
                while hits[j].time.saturating_sub(hits[i].time) >= window_ns {
                    i += 1;
                }
                let c = j - i + 1;
                max_peak = max_peak.max(c);
                if c as u64 > over {
                    burst = match burst {
                        // Overlapping windows are one burst.
                        Some((s, e, p)) if i <= e => Some((s, j, p.max(c))),
                        Some(b) => {
                            close(b, &mut out);
                            Some((i, j, c))
                        }
                        None => Some((i, j, c)),
                    };
                }
            }
            if let Some(b) = burst {
                close(b, &mut out);
            }
        }
        out.extra.insert("max_peak".into(), json!(max_peak));
        out.extra
            .insert("window_minutes".into(), json!(window_ns / NS_PER_MIN));
        out.extra.insert("over".into(), json!(over));
        out
    }
}
