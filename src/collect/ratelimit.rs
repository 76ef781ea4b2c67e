//! Pacing requests so the steady state never meets a 429 (docs/atlassian-api.md, "Rate limits").
//!
//! The admin APIs report their budget on every response (`X-RateLimit-Limit`, `-Remaining`,
//! `-Reset`). The limiter keeps one bucket per URL path (the documented events limit is "per API
//! path") and spends the budget the server reports: requests go out back to back while the
//! window has room, and the one that would exceed it waits until the reported reset. Against a
//! fixed-window server that is the fastest schedule that never triggers a 429.
//!
//! Before a path has answered, a *prior* (a documented limit such as 10 per minute on the
//! events endpoints) paces it as a sliding window, which is safe under any server window
//! semantics. A 429 blocks the bucket for the time the caller decided (Retry-After or reset).

use crate::snapshot::Timestamp;
use chrono::Utc;
use reqwest::header::HeaderMap;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::Instant;

/// A documented limit applied to every path ending in `suffix` before the server has reported
/// its own numbers.
#[derive(Clone, Debug)]
pub struct PathPrior {
    pub suffix: String,
    pub limit: u32,
    pub window: Duration,
}

#[derive(Clone, Debug)]
pub struct RateLimitConfig {
    /// Added to every wait for a reported reset: covers clock skew between us and the server
    /// and the reset header's rounding (it may have only minute precision).
    pub reset_margin: Duration,
    pub priors: Vec<PathPrior>,
}

impl RateLimitConfig {
    /// Production numbers, with time divided by `time_scale` (1.0 = real time; tests and the
    /// benchmark run a fake server whose windows are `time_scale` times shorter).
    pub fn documented(time_scale: f64) -> RateLimitConfig {
        let scale = if time_scale.is_finite() && time_scale > 0.0 {
            time_scale
        } else {
            1.0
        };
        let minute = Duration::from_secs_f64(60.0 / scale);
        RateLimitConfig {
            // A quarter second a minute (0.4 %): the reset is read in the server's clock (see
            // `RateLimitHeaders::until_reset`), so this only covers transit and rounding.
            reset_margin: Duration::from_secs_f64(0.25 / scale),
            // "Rate limit per API path: 10 requests per minute" on /events; assumed for the
            // stream too (3P HTH) until its headers say otherwise.
            priors: ["/events", "/events-stream"]
                .into_iter()
                .map(|suffix| PathPrior {
                    suffix: suffix.to_string(),
                    limit: 10,
                    window: minute,
                })
                .collect(),
        }
    }
}

/// The three rate-limit headers, as far as they could be read, and the server's `Date`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RateLimitHeaders {
    pub limit: Option<u32>,
    pub remaining: Option<u32>,
    pub reset: Option<Timestamp>,
    pub server_date: Option<Timestamp>,
}

/// Clock differences below this are taken as `Date`'s one-second rounding, not skew.
const SKEW_THRESHOLD: chrono::Duration = chrono::Duration::seconds(2);

impl RateLimitHeaders {
    pub fn from_headers(headers: &HeaderMap) -> RateLimitHeaders {
        let text = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
        };
        RateLimitHeaders {
            limit: text("x-ratelimit-limit").and_then(|v| v.parse().ok()),
            remaining: text("x-ratelimit-remaining").and_then(|v| v.parse().ok()),
            reset: text("x-ratelimit-reset").and_then(parse_reset),
            server_date: text("date")
                .and_then(|d| chrono::DateTime::parse_from_rfc2822(d).ok())
                .map(|d| Timestamp(d.with_timezone(&Utc))),
        }
    }

    /// How long until the reported reset. The reset is in the server's clock: when our clock
    /// is off by more than `Date`'s rounding, the wait is measured against `Date` instead.
    pub fn until_reset(&self) -> Option<Duration> {
        let reset = self.reset?;
        let now = Utc::now();
        let reference = match self.server_date {
            Some(date) if (date.0 - now).abs() > SKEW_THRESHOLD => date.0,
            _ => now,
        };
        Some((reset.0 - reference).to_std().unwrap_or(Duration::ZERO))
    }
}

/// `X-RateLimit-Reset` is "ISO 8601 - Date and time in UTC"; real values have been seen at
/// minute precision (`2025-06-01T12:34Z`, `+0000`). Epoch seconds are accepted too because
/// several other APIs send those under the same header name.
pub fn parse_reset(text: &str) -> Option<Timestamp> {
    if let Some(t) = Timestamp::parse(text) {
        return Some(t);
    }
    let secs: i64 = text.parse().ok()?;
    Timestamp::from_epoch_millis(secs.checked_mul(1000)?)
}

/// `Retry-After`: delay-seconds or an HTTP-date (RFC 7231 §7.1.3).
pub fn parse_retry_after(text: &str) -> Option<Duration> {
    let text = text.trim();
    if let Ok(secs) = text.parse::<f64>() {
        if secs.is_finite() && secs >= 0.0 {
            return Some(Duration::from_secs_f64(secs));
        }
        return None;
    }
    let at = chrono::DateTime::parse_from_rfc2822(text).ok()?;
    Some(
        (at.with_timezone(&Utc) - Utc::now())
            .to_std()
            .unwrap_or(Duration::ZERO),
    )
}

#[derive(Debug, Default)]
struct Bucket {
    /// The server's numbers, once it has sent them.
    limit: Option<u32>,
    /// Reported remaining, minus what we sent since.
    remaining: Option<u32>,
    reset_at: Option<Instant>,
    in_flight: u32,
    blocked_until: Option<Instant>,
    prior: Option<(u32, Duration)>,
    /// Send times, for pacing by the prior (sliding window).
    sent: VecDeque<Instant>,
}

impl Bucket {
    /// When the next request may go, or `None` for now.
    fn ready_at(&mut self, now: Instant, margin: Duration) -> Option<Instant> {
        if let Some(until) = self.blocked_until {
            if until > now {
                return Some(until);
            }
            self.blocked_until = None;
        }
        if let Some(reset) = self.reset_at {
            if now >= reset + margin {
                // The reported window is over: the next one starts with the full budget.
                self.reset_at = None;
                self.remaining = self.limit;
            }
        }
        if self.limit.is_some() {
            return match (self.remaining, self.reset_at) {
                (Some(0), Some(reset)) => Some(reset + margin),
                _ => None,
            };
        }
        if let Some((limit, window)) = self.prior {
            while self.sent.len() > limit as usize {
                self.sent.pop_front();
            }
            if self.sent.len() >= limit as usize {
                if let Some(oldest) = self.sent.front() {
                    let at = *oldest + window + margin;
                    if at > now {
                        return Some(at);
                    }
                }
            }
        }
        None
    }
}

/// Shared by every request of one collection run.
#[derive(Debug)]
pub struct RateLimiter {
    config: RateLimitConfig,
    buckets: Mutex<HashMap<String, Bucket>>,
}

/// One request's claim on its bucket. Report the response with [`Permit::complete`]; dropping
/// it (an error, a cancelled future) just releases the claim.
#[must_use]
pub struct Permit {
    limiter: Arc<RateLimiter>,
    key: String,
    open: bool,
    /// How long the request waited for its turn.
    pub waited: Duration,
}

impl RateLimiter {
    pub fn new(config: RateLimitConfig) -> Arc<RateLimiter> {
        Arc::new(RateLimiter {
            config,
            buckets: Mutex::new(HashMap::new()),
        })
    }

    fn with_bucket<R>(&self, key: &str, f: impl FnOnce(&mut Bucket) -> R) -> R {
        // A poisoned lock only means another task panicked mid-update; the counters are still
        // usable, and pacing must not take the whole run down.
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        let bucket = buckets.entry(key.to_string()).or_insert_with(|| Bucket {
            prior: self
                .config
                .priors
                .iter()
                .find(|p| key.ends_with(&p.suffix))
                .map(|p| (p.limit, p.window)),
            ..Bucket::default()
        });
        f(bucket)
    }

    /// Waits until `key` (a URL path) may send, then claims a slot.
    pub async fn acquire(self: &Arc<Self>, key: &str) -> Permit {
        let started = Instant::now();
        loop {
            let now = Instant::now();
            let margin = self.config.reset_margin;
            let wait = self.with_bucket(key, |b| {
                let ready = b.ready_at(now, margin);
                if ready.is_none() {
                    b.in_flight += 1;
                    if let Some(r) = b.remaining {
                        b.remaining = Some(r.saturating_sub(1));
                    }
                    b.sent.push_back(now);
                }
                ready
            });
            match wait {
                None => {
                    return Permit {
                        limiter: self.clone(),
                        key: key.to_string(),
                        open: true,
                        waited: started.elapsed(),
                    }
                }
                Some(at) => tokio::time::sleep_until(at).await,
            }
        }
    }

    /// How long a request on `key` would wait now (without claiming a slot).
    pub fn wait_estimate(&self, key: &str) -> Duration {
        let now = Instant::now();
        let margin = self.config.reset_margin;
        self.with_bucket(key, |b| b.ready_at(now, margin))
            .map_or(Duration::ZERO, |at| at.saturating_duration_since(now))
    }

    /// Keeps every request on `key` back until `duration` from now (after a 429).
    pub fn block(&self, key: &str, duration: Duration) {
        let until = Instant::now() + duration;
        self.with_bucket(key, |b| {
            b.blocked_until = Some(b.blocked_until.map_or(until, |u| u.max(until)));
            b.remaining = b.limit.map(|_| 0);
        });
    }

    fn record(&self, key: &str, headers: &RateLimitHeaders) {
        self.with_bucket(key, |b| {
            b.in_flight = b.in_flight.saturating_sub(1);
            if let Some(limit) = headers.limit {
                b.limit = Some(limit);
            }
            if let Some(remaining) = headers.remaining {
                // The server has counted this request but not the others still in flight.
                b.remaining = Some(remaining.saturating_sub(b.in_flight));
                if b.limit.is_none() {
                    b.limit = Some(remaining.saturating_add(1));
                }
            }
            if let Some(wait) = headers.until_reset() {
                b.reset_at = Some(Instant::now() + wait);
            }
        });
    }

    fn release(&self, key: &str) {
        self.with_bucket(key, |b| b.in_flight = b.in_flight.saturating_sub(1));
    }
}

impl Permit {
    /// Feeds the response's rate-limit headers back into the bucket.
    pub fn complete(mut self, headers: &RateLimitHeaders) {
        self.open = false;
        self.limiter.record(&self.key, headers);
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        if self.open {
            self.limiter.release(&self.key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn reads_headers_leniently() {
        let mut h = HeaderMap::new();
        h.insert("X-RateLimit-Limit", HeaderValue::from_static("10"));
        h.insert("X-RateLimit-Remaining", HeaderValue::from_static(" 7 "));
        h.insert(
            "X-RateLimit-Reset",
            HeaderValue::from_static("2025-06-01T12:34+0000"),
        );
        let parsed = RateLimitHeaders::from_headers(&h);
        assert_eq!(parsed.limit, Some(10));
        assert_eq!(parsed.remaining, Some(7));
        assert_eq!(
            parsed.reset.map(|t| t.to_rfc3339()).as_deref(),
            Some("2025-06-01T12:34:00.000Z")
        );
        for text in [
            "2025-06-01T12:34Z",
            "2025-06-01T12:34:00Z",
            "2025-06-01T12:34:00.000+00:00",
        ] {
            assert!(parse_reset(text).is_some(), "{text}");
        }
        assert_eq!(parse_reset("soon"), None);
    }

    #[test]
    fn retry_after_in_seconds_or_http_date() {
        assert_eq!(parse_retry_after("3"), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after("0.5"), Some(Duration::from_millis(500)));
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(Duration::ZERO)
        );
        let later = (Utc::now() + chrono::Duration::seconds(30)).to_rfc2822();
        let d = parse_retry_after(&later).unwrap();
        assert!(
            d > Duration::from_secs(25) && d <= Duration::from_secs(30),
            "{d:?}"
        );
        assert_eq!(parse_retry_after("-1"), None);
        assert_eq!(parse_retry_after("later"), None);
    }

    #[test]
    fn a_skewed_clock_is_corrected_by_the_date_header() {
        let now = Utc::now();
        let in_sync = RateLimitHeaders {
            reset: Some(Timestamp(now + chrono::Duration::seconds(30))),
            server_date: Some(Timestamp(now)),
            ..RateLimitHeaders::default()
        };
        let d = in_sync.until_reset().unwrap();
        assert!(
            d > Duration::from_secs(29) && d <= Duration::from_secs(30),
            "{d:?}"
        );
        // The server's clock is 10 minutes ahead of ours: its reset is 30 s after its Date.
        let ahead = RateLimitHeaders {
            reset: Some(Timestamp(now + chrono::Duration::seconds(630))),
            server_date: Some(Timestamp(now + chrono::Duration::seconds(600))),
            ..RateLimitHeaders::default()
        };
        assert_eq!(ahead.until_reset(), Some(Duration::from_secs(30)));
    }

    #[tokio::test(start_paused = true)]
    async fn spends_the_reported_budget_then_waits_for_reset() {
        let limiter = RateLimiter::new(RateLimitConfig {
            reset_margin: Duration::from_millis(10),
            priors: vec![],
        });
        let reset = Timestamp(Utc::now() + chrono::Duration::seconds(5));
        let start = Instant::now();
        for remaining in [2u32, 1, 0] {
            let p = limiter.acquire("/p").await;
            p.complete(&RateLimitHeaders {
                limit: Some(3),
                remaining: Some(remaining),
                reset: Some(reset),
                server_date: None,
            });
        }
        assert!(start.elapsed() < Duration::from_millis(5));
        let p = limiter.acquire("/p").await;
        assert!(p.waited >= Duration::from_secs(4), "{:?}", p.waited);
        drop(p);
        // Another path has its own budget.
        let other = limiter.acquire("/q").await;
        assert!(other.waited < Duration::from_millis(5));
    }

    #[tokio::test(start_paused = true)]
    async fn prior_paces_a_silent_server_as_a_sliding_window() {
        let limiter = RateLimiter::new(RateLimitConfig::documented(60.0));
        let start = Instant::now();
        for _ in 0..10 {
            let p = limiter.acquire("/admin/v1/orgs/o/events").await;
            p.complete(&RateLimitHeaders::default());
        }
        assert!(start.elapsed() < Duration::from_millis(5));
        let p = limiter.acquire("/admin/v1/orgs/o/events").await;
        // One scaled minute (1 s) plus the margin.
        assert!(p.waited >= Duration::from_secs(1), "{:?}", p.waited);
    }

    #[tokio::test(start_paused = true)]
    async fn block_holds_requests_back() {
        let limiter = RateLimiter::new(RateLimitConfig::documented(1.0));
        limiter.block("/x", Duration::from_secs(7));
        let p = limiter.acquire("/x").await;
        assert!(p.waited >= Duration::from_secs(7));
    }
}
