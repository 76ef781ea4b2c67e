//! `count`: more than `over` events of one key within a sliding window of `window_minutes`;
//! overlapping windows over the threshold make one burst, whose evidence (`hits::Evidence`) is
//! its count, first and last, per-day counts and event ids in time order.

use super::hits::{state_of, Evidence, Found, Hit, Sweep};
use super::{Accumulator, FactKind, FieldSource, Finished, Params, Spec, NS_PER_MIN};
use crate::prepare::fastparse::FxState;
use serde_json::{json, Value};
use std::borrow::Cow;
use std::collections::{HashMap, VecDeque};

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
    fn start(&self, limit: usize) -> Box<dyn Accumulator> {
        Box::new(Counting {
            params: self.clone(),
            keys: HashMap::default(),
            found: Found::keeping(limit),
            max_peak: 0,
            sweep: Sweep::every(self.window_ns),
        })
    }
}

/// The running state: per key, the events of its open window and its open burst; bursts are
/// turned into items as soon as the window has left them.
struct Counting {
    params: Count,
    keys: HashMap<String, KeyWindow, FxState>,
    found: Found,
    max_peak: usize,
    sweep: Sweep,
}

/// One key's window: its events less than `window_ns` before its latest, numbered in the key's
/// order, and the burst still open.
#[derive(Default)]
struct KeyWindow {
    recent: VecDeque<(u64, Hit)>,
    next: u64,
    burst: Option<Burst>,
}

/// A burst: overlapping windows over the threshold, from its first event to `end`.
struct Burst {
    /// Number of the burst's last event (later events of the window are not in it yet).
    end: u64,
    peak: usize,
    evidence: Evidence,
}

impl KeyWindow {
    /// Drops the events more than the window before `now` (no later window can hold them).
    /// (An event at `now` always stays: a window holds at least the event it ends at.)
    fn slide(&mut self, now: i64, window_ns: i64) {
        while let Some((_, h)) = self.recent.front() {
            if now.saturating_sub(h.time) < window_ns.max(1) {
                break;
            }
            self.recent.pop_front();
        }
    }

    /// The open burst, once no window can reach it any more: its last event has left the
    /// window (a later window over the threshold would start a new burst).
    fn closed_burst(&mut self) -> Option<Burst> {
        let end = self.burst.as_ref()?.end;
        match self.recent.front() {
            Some((first, _)) if *first <= end => None,
            _ => self.burst.take(),
        }
    }
}

impl Counting {
    fn emit(found: &mut Found, key: &str, mut b: Burst) {
        let ids = b.evidence.take_ids();
        let e = &b.evidence;
        found.push_evidence(key, ids, || {
            json!({
                "count": e.count,
                "peak": b.peak,
                "first": e.first_text(),
                "last": e.last_text(),
                "first_ns": e.first,
                "last_ns": e.last,
                "event_ids": Value::Null,
                "per_day": e.per_day(),
            })
        });
    }

    /// Closes the bursts of every key whose window time has left, and forgets keys with
    /// nothing open.
    fn sweep(&mut self, now: i64) {
        let window_ns = self.params.window_ns;
        let found = &mut self.found;
        self.keys.retain(|key, w| {
            w.slide(now, window_ns);
            if let Some(b) = w.closed_burst() {
                Counting::emit(found, key, b);
            }
            !(w.recent.is_empty() && w.burst.is_none())
        });
    }
}

impl Accumulator for Counting {
    fn add<'a>(
        &mut self,
        spec: &Spec,
        key: Cow<'a, str>,
        ev: &mut dyn FieldSource<'a>,
        _is_first: bool,
        _is_then: bool,
    ) {
        let hit = Hit::of(ev, 0);
        let now = hit.time;
        if self.sweep.due(now, self.keys.len()) {
            self.sweep(now);
        }
        let (window_ns, over) = (self.params.window_ns, self.params.over);
        let Some(w) = state_of(&mut self.keys, &key) else {
            return;
        };
        let n = w.next;
        w.next += 1;
        w.recent.push_back((n, hit));
        w.slide(now, window_ns);
        if let Some(b) = w.closed_burst() {
            Counting::emit(&mut self.found, &key, b);
        }
        // The window ending at this event: all of `recent`.
        let c = w.recent.len();
        self.max_peak = self.max_peak.max(c);
        if c as u64 <= over {
            return;
        }
        // Overlapping windows are one burst: the events since its end join it.
        let burst = w.burst.get_or_insert_with(|| Burst {
            end: 0,
            peak: 0,
            evidence: Evidence::default(),
        });
        let joined = burst.evidence.count > 0;
        for (m, h) in &w.recent {
            if !joined || *m > burst.end {
                burst.evidence.add(h, spec.ids);
            }
        }
        burst.end = n;
        burst.peak = burst.peak.max(c);
    }

    fn held(&self) -> usize {
        // Open windows' events and bursts become items when the fact is finished.
        let open: usize = self
            .keys
            .values()
            .map(|k| k.recent.len() + k.burst.as_ref().map_or(0, |b| 12 + b.evidence.held()))
            .sum();
        self.found.held() + open
    }

    fn finish(mut self: Box<Self>, _spec: &Spec, key_object: &dyn Fn(&str) -> Value) -> Finished {
        let Count { window_ns, over } = self.params;
        for (key, w) in self.keys.drain() {
            if let Some(b) = w.burst {
                Counting::emit(&mut self.found, &key, b);
            }
        }
        let mut out = Finished {
            total: self.found.total(),
            items: self.found.into_items(key_object),
            ..Finished::default()
        };
        out.extra.insert("max_peak".into(), json!(self.max_peak));
        out.extra
            .insert("window_minutes".into(), json!(window_ns / NS_PER_MIN));
        out.extra.insert("over".into(), json!(over));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::super::hits::testing::{spec, stream, Ev};
    use super::super::Kind;
    use super::*;

    const MIN: i64 = NS_PER_MIN;

    fn run(events: &[(String, i64)], window_ns: i64, over: u64, ids: usize) -> (Counting, Spec) {
        let params = Count { window_ns, over };
        let spec = spec(Kind::Count(params.clone()), ids);
        let mut acc = Counting {
            params,
            keys: HashMap::default(),
            found: Found::default(),
            max_peak: 0,
            sweep: Sweep::every(window_ns),
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

    /// The bursts as the whole-history version found them: every key's events sorted, then
    /// a sliding window over them (what the streaming state must reproduce exactly).
    fn reference(events: &[(String, i64)], window_ns: i64, over: u64, cap: usize) -> Vec<Value> {
        let mut keys: std::collections::BTreeMap<&str, Vec<(i64, String)>> = Default::default();
        for (i, (k, t)) in events.iter().enumerate() {
            keys.entry(k).or_default().push((*t, format!("e{i:06}")));
        }
        let mut items = Vec::new();
        for (key, hits) in keys {
            let mut i = 0usize;
            let mut burst: Option<(usize, usize, usize)> = None;
            let mut close = |(s, e, peak): (usize, usize, usize)| {
                let slice = &hits[s..=e];
                items.push(json!({"key": key, "count": slice.len(), "peak": peak,
                    "first_ns": slice[0].0, "last_ns": slice[slice.len() - 1].0,
                    "event_ids": slice.iter().take(cap).map(|h| h.1.clone()).collect::<Vec<_>>()}));
            };
            for j in 0..hits.len() {
                while hits[j].0 - hits[i].0 >= window_ns {
                    i += 1;
                }
                let c = j - i + 1;
                if c as u64 > over {
                    burst = match burst {
                        Some((s, e, p)) if i <= e => Some((s, j, p.max(c))),
                        Some(b) => {
                            close(b);
                            Some((i, j, c))
                        }
                        None => Some((i, j, c)),
                    };
                }
            }
            if let Some(b) = burst {
                close(b);
            }
        }
        items
    }

    #[test]
    fn streaming_bursts_match_the_whole_history_and_keep_per_day_counts() {
        for (seed, window, over, cap) in [(1, 10, 3, 1000), (2, 60, 5, 3), (3, 1, 0, 2)] {
            let events = stream(3_000, 7, seed);
            let (acc, spec) = run(&events, window * MIN, over, cap);
            let out = Box::new(acc).finish(&spec, &|k| json!(k));
            let got: Vec<Value> = out
                .items
                .iter()
                .map(|b| {
                    json!({"key": b["key"], "count": b["count"], "peak": b["peak"],
                        "first_ns": b["first_ns"], "last_ns": b["last_ns"], "event_ids": b["event_ids"]})
                })
                .collect();
            let want = reference(&events, window * MIN, over, cap);
            assert!(!want.is_empty(), "seed {seed}: the test must find bursts");
            assert_eq!(got, want, "seed {seed}");
            assert_eq!(out.total, want.len() as u64);
            for b in &out.items {
                let per_day: u64 = b["per_day"]
                    .as_object()
                    .unwrap()
                    .values()
                    .map(|n| n.as_u64().unwrap())
                    .sum();
                assert_eq!(Some(per_day), b["count"].as_u64());
            }
        }
    }

    #[test]
    fn a_closed_window_is_evicted_with_its_events() {
        // Key "a": a burst of 5 within a minute, then only key "b" for a day.
        let mut events: Vec<(String, i64)> = (0..5)
            .map(|i| ("a".to_string(), i * 1_000_000_000))
            .collect();
        events.extend((1..=100).map(|i| ("b".to_string(), i * 15 * MIN)));
        let (acc, spec) = run(&events, 60 * MIN, 3, 1000);
        // "a"'s burst is an item already; "a" holds nothing, "b" only its open window.
        assert_eq!(acc.found.total(), 1);
        assert!(!acc.keys.contains_key("a"));
        assert!(acc.keys["b"].recent.len() <= 4);
        let out = Box::new(acc).finish(&spec, &|k| json!(k));
        assert_eq!(out.items[0]["key"], "a");
        assert_eq!(out.items[0]["count"], 5);
        assert_eq!(out.items[0]["per_day"], json!({"1970-01-01": 5}));
        assert_eq!(
            out.items[0]["event_ids"],
            json!(["e000000", "e000001", "e000002", "e000003", "e000004"])
        );
    }

    #[test]
    fn a_burst_at_the_threshold_is_not_one_and_one_above_is() {
        let at: Vec<(String, i64)> = (0..3).map(|i| ("a".to_string(), i * MIN)).collect();
        let (acc, spec) = run(&at, 60 * MIN, 3, 1000);
        assert!(Box::new(acc).finish(&spec, &|k| json!(k)).items.is_empty());
        let above: Vec<(String, i64)> = (0..4).map(|i| ("a".to_string(), i * MIN)).collect();
        let (acc, spec) = run(&above, 60 * MIN, 3, 1000);
        assert_eq!(Box::new(acc).finish(&spec, &|k| json!(k)).items.len(), 1);
    }
}
