//! Counters for the final summary and the benchmark.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Counters for the final summary and the benchmark.
#[derive(Debug, Default)]
pub struct Stats {
    requests: AtomicU64,
    retries: AtomicU64,
    rate_limited: AtomicU64,
    waited_micros: AtomicU64,
    pages: AtomicU64,
    records: AtomicU64,
    by_path: Mutex<BTreeMap<String, u64>>,
    /// Each wait as (start, end): concurrent collections wait at the same time, so the
    /// summary reports the time during which any waited, not the sum.
    waits: Mutex<Vec<(Instant, Instant)>>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct StatsSnapshot {
    pub requests: u64,
    pub pages: u64,
    pub records: u64,
    /// Every re-send, whatever the cause.
    pub retries: u64,
    /// 429 responses received.
    pub rate_limited: u64,
    /// Time spent waiting: pacing, 429 waits and backoff (summed over concurrent requests).
    pub seconds_waited: f64,
    /// Wall-clock time during which at least one request was waiting.
    pub seconds_waiting: f64,
    /// Requests per URL path.
    pub by_path: BTreeMap<String, u64>,
}

impl Stats {
    pub fn add_page(&self, records: u64) {
        self.pages.fetch_add(1, Ordering::Relaxed);
        self.records.fetch_add(records, Ordering::Relaxed);
    }

    pub(crate) fn add_request(&self, path: &str) {
        self.requests.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut m) = self.by_path.lock() {
            *m.entry(path.to_string()).or_insert(0) += 1;
        }
    }

    pub(crate) fn add_retry(&self) {
        self.retries.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn add_rate_limited(&self) {
        self.rate_limited.fetch_add(1, Ordering::Relaxed);
    }

    /// A wait of `d` that has just ended.
    pub(crate) fn add_wait(&self, d: Duration) {
        self.waited_micros.fetch_add(
            d.as_micros().min(u64::MAX as u128) as u64,
            Ordering::Relaxed,
        );
        if d.is_zero() {
            return;
        }
        let end = Instant::now();
        let start = end.checked_sub(d).unwrap_or(end);
        if let Ok(mut waits) = self.waits.lock() {
            waits.push((start, end));
        }
    }

    pub fn snapshot(&self) -> StatsSnapshot {
        StatsSnapshot {
            requests: self.requests.load(Ordering::Relaxed),
            pages: self.pages.load(Ordering::Relaxed),
            records: self.records.load(Ordering::Relaxed),
            retries: self.retries.load(Ordering::Relaxed),
            rate_limited: self.rate_limited.load(Ordering::Relaxed),
            seconds_waited: self.waited_micros.load(Ordering::Relaxed) as f64 / 1e6,
            seconds_waiting: self
                .waits
                .lock()
                .map(|w| union_length(&w).as_secs_f64())
                .unwrap_or_default(),
            by_path: self.by_path.lock().map(|m| m.clone()).unwrap_or_default(),
        }
    }
}

/// The total length of a set of intervals, overlaps counted once.
fn union_length(intervals: &[(Instant, Instant)]) -> Duration {
    let mut sorted = intervals.to_vec();
    sorted.sort();
    let mut total = Duration::ZERO;
    let mut current: Option<(Instant, Instant)> = None;
    for (start, end) in sorted {
        current = match current {
            Some((s, e)) if start <= e => Some((s, e.max(end))),
            Some((s, e)) => {
                total += e - s;
                Some((start, end))
            }
            None => Some((start, end)),
        };
    }
    if let Some((s, e)) = current {
        total += e - s;
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concurrent_waits_count_once() {
        let t = Instant::now();
        let at = |ms: u64| t + Duration::from_millis(ms);
        // Two collections waiting 0-100 and 50-150 ms, one more at 200-210: 160 ms of wall
        // clock, 210 ms summed.
        let waits = [(at(50), at(150)), (at(0), at(100)), (at(200), at(210))];
        assert_eq!(union_length(&waits), Duration::from_millis(160));
        assert_eq!(union_length(&[]), Duration::ZERO);
    }
}
