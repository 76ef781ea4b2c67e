//! Counters for the final summary and the benchmark.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

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

    pub(crate) fn add_wait(&self, d: Duration) {
        self.waited_micros.fetch_add(
            d.as_micros().min(u64::MAX as u128) as u64,
            Ordering::Relaxed,
        );
    }

    pub fn snapshot(&self) -> StatsSnapshot {
        StatsSnapshot {
            requests: self.requests.load(Ordering::Relaxed),
            pages: self.pages.load(Ordering::Relaxed),
            records: self.records.load(Ordering::Relaxed),
            retries: self.retries.load(Ordering::Relaxed),
            rate_limited: self.rate_limited.load(Ordering::Relaxed),
            seconds_waited: self.waited_micros.load(Ordering::Relaxed) as f64 / 1e6,
            by_path: self.by_path.lock().map(|m| m.clone()).unwrap_or_default(),
        }
    }
}
