//! The HTTP client for the Atlassian admin APIs: Bearer auth through a redacting key type,
//! JSON in and out, pacing through the rate limiter, bounded retries (429 after the server's
//! wait; 5xx, timeouts, broken connections and truncated bodies with exponential backoff and
//! jitter), and errors that name the endpoint, the status and Atlassian's error code.
//!
//! Nothing here ever formats the key: it goes into one header value marked sensitive, and every
//! message built from a response is passed through [`ApiKey::redact`] in case a server echoes it.

pub use super::api_error::{parse_envelope, ApiError, Envelope};
use super::ratelimit::{parse_retry_after, RateLimitConfig, RateLimitHeaders, RateLimiter};
pub use super::stats::{Stats, StatsSnapshot};
use reqwest::header::{HeaderValue, ACCEPT, AUTHORIZATION, RETRY_AFTER};
use reqwest::{Method, StatusCode, Url};
use serde_json::Value;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

pub const DEFAULT_API_URL: &str = "https://api.atlassian.com";

/// The org admin API key. Its `Debug` and `Display` print `***`; the only way to the bytes is
/// [`ApiKey::expose`], used once, for the Authorization header.
#[derive(Clone)]
pub struct ApiKey(String);

impl ApiKey {
    /// Trims surrounding whitespace (a key file usually ends with a newline); `None` if empty.
    pub fn new(key: impl Into<String>) -> Option<ApiKey> {
        let key = key.into();
        let trimmed = key.trim();
        if trimmed.is_empty() {
            None
        } else {
            Some(ApiKey(trimmed.to_string()))
        }
    }

    fn expose(&self) -> &str {
        &self.0
    }

    /// Replaces every occurrence of the key in `text` by `***`.
    pub fn redact(&self, text: &str) -> String {
        if self.0.is_empty() {
            text.to_string()
        } else {
            text.replace(&self.0, "***")
        }
    }

    /// True when `text` contains the key (used to scrub data before it is written).
    pub fn occurs_in(&self, text: &str) -> bool {
        !self.0.is_empty() && text.contains(&self.0)
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(***)")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// How hard to try before giving up on one request.
#[derive(Clone, Debug)]
pub struct RetryPolicy {
    /// Retries after 5xx, 408, timeouts, connection errors and unreadable bodies.
    pub max_retries: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// Retries after 429 (each waits as long as the server asks).
    pub max_rate_limit_retries: u32,
    /// A 429 asking for a longer wait than this fails the request instead: 180 s by default,
    /// as in HashiCorp's Grove collector (docs/atlassian-api.md, "Rate limits").
    pub max_rate_limit_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 5,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            max_rate_limit_retries: 8,
            max_rate_limit_wait: Duration::from_secs(180),
        }
    }
}

impl RetryPolicy {
    /// Exponential backoff with "equal jitter": half the step fixed, half random, so retries
    /// from concurrent tasks spread out but never collapse to zero.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let step = self
            .base_delay
            .saturating_mul(1u32 << attempt.min(16))
            .min(self.max_delay);
        let half = step / 2;
        half + half.mul_f64(rand::random::<f64>())
    }
}

#[derive(Clone, Debug)]
pub struct ClientConfig {
    pub base_url: Url,
    pub timeout: Duration,
    pub connect_timeout: Duration,
    pub retry: RetryPolicy,
    pub rate_limit: RateLimitConfig,
}

impl ClientConfig {
    pub fn new(base_url: Url) -> ClientConfig {
        ClientConfig {
            base_url,
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(15),
            retry: RetryPolicy::default(),
            rate_limit: RateLimitConfig::documented(1.0),
        }
    }
}

/// Checks `--api-url`: http(s) only, and plain http only to this machine, so the key never
/// crosses a network in clear text.
pub fn parse_api_url(text: &str) -> Result<Url, String> {
    let url = Url::parse(text.trim()).map_err(|e| format!("not a URL: {e}"))?;
    match url.scheme() {
        "https" => {}
        "http" => {
            let loopback = match url.host_str() {
                Some("localhost") => true,
                Some(host) => host
                    .trim_matches(['[', ']'])
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback()),
                None => false,
            };
            if !loopback {
                return Err(
                    "plain http is only allowed to localhost; use https so the API key is encrypted"
                        .to_string(),
                );
            }
        }
        other => return Err(format!("unsupported scheme {other:?}; use https")),
    }
    if url.host().is_none() {
        return Err("no host".to_string());
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err("give the base URL without a query or fragment".to_string());
    }
    Ok(url)
}

/// The environment variable holding the org admin API key (read by the command line, never
/// by the library: see `cmd/collect.rs`).
pub const API_KEY_ENV: &str = "ATLASSIAN_API_KEY";

/// Where `--verbose` lines go (stderr through the progress display, or a buffer in tests).
pub type LogSink = Arc<dyn Fn(&str) + Send + Sync>;

/// What to send. `Target::Url` is a `links.next` URL, already checked against the base.
#[derive(Clone, Debug)]
pub struct RequestSpec {
    pub method: Method,
    pub target: Target,
    pub query: Vec<(String, String)>,
    pub body: Option<Value>,
}

#[derive(Clone, Debug)]
pub enum Target {
    Path(String),
    Url(Url),
}

impl RequestSpec {
    pub fn get(path: impl Into<String>) -> RequestSpec {
        RequestSpec {
            method: Method::GET,
            target: Target::Path(path.into()),
            query: Vec::new(),
            body: None,
        }
    }

    pub fn post(path: impl Into<String>, body: Value) -> RequestSpec {
        RequestSpec {
            method: Method::POST,
            target: Target::Path(path.into()),
            query: Vec::new(),
            body: Some(body),
        }
    }

    pub fn query(mut self, name: &str, value: impl Into<String>) -> RequestSpec {
        self.set_query(name, value);
        self
    }

    /// Sets a query parameter, replacing an earlier value of the same name.
    pub fn set_query(&mut self, name: &str, value: impl Into<String>) {
        self.query.retain(|(n, _)| n != name);
        self.query.push((name.to_string(), value.into()));
    }
}

/// A successful response: its JSON body and its status.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub body: Value,
}

/// One client per collection run; cheap to clone (everything shared is behind an `Arc`).
#[derive(Clone)]
pub struct ApiClient {
    http: reqwest::Client,
    key: ApiKey,
    config: Arc<ClientConfig>,
    limiter: Arc<RateLimiter>,
    stats: Arc<Stats>,
    log: Option<LogSink>,
}

impl fmt::Debug for ApiClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiClient")
            .field("base_url", &self.config.base_url.as_str())
            .field("key", &self.key)
            .finish()
    }
}

enum Outcome {
    Done(Response),
    /// Retry after the delay; the error is what to report if this was the last attempt.
    Retry {
        error: ApiError,
        delay: Duration,
        rate_limited: bool,
    },
    Fail(ApiError),
}

impl ApiClient {
    pub fn new(
        config: ClientConfig,
        key: ApiKey,
        log: Option<LogSink>,
    ) -> Result<ApiClient, String> {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        let http = reqwest::Client::builder()
            .user_agent(concat!("orgscan/", env!("CARGO_PKG_VERSION")))
            .default_headers(headers)
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            // A redirect could carry the Authorization header elsewhere; the admin APIs do not
            // redirect, so refuse them.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        Ok(ApiClient {
            http,
            key,
            limiter: RateLimiter::new(config.rate_limit.clone()),
            config: Arc::new(config),
            stats: Arc::new(Stats::default()),
            log,
        })
    }

    pub fn stats(&self) -> &Arc<Stats> {
        &self.stats
    }

    pub fn key(&self) -> &ApiKey {
        &self.key
    }

    pub fn base_url(&self) -> &Url {
        &self.config.base_url
    }

    pub fn log(&self, line: &str) {
        if let Some(log) = &self.log {
            log(&self.key.redact(line));
        }
    }

    /// How long the next request to `path` would wait for its rate limit.
    pub fn wait_estimate(&self, path: &str) -> Duration {
        match self.url_for(path) {
            Ok(url) => self.limiter.wait_estimate(url.path()),
            Err(_) => Duration::ZERO,
        }
    }

    /// Resolves a path under the base URL (which may itself carry a path prefix).
    pub fn url_for(&self, path: &str) -> Result<Url, ApiError> {
        let base = self.config.base_url.as_str().trim_end_matches('/');
        Url::parse(&format!("{base}{path}")).map_err(|e| ApiError::BadLink {
            endpoint: path.to_string(),
            message: format!("cannot form a URL: {e}"),
        })
    }

    /// Turns a `links.next` URL into one under our base: same origin → as is; another origin →
    /// its path and query re-rooted on the base, so the key is only ever sent to `--api-url`.
    pub fn rebase_link(&self, link: &str, endpoint: &str) -> Result<Url, ApiError> {
        let parsed = Url::parse(link).map_err(|e| ApiError::BadLink {
            endpoint: endpoint.to_string(),
            message: format!("links.next is not a URL ({e})"),
        })?;
        let base = &self.config.base_url;
        if parsed.origin() == base.origin() {
            return Ok(parsed);
        }
        let mut url = self.url_for(parsed.path())?;
        url.set_query(parsed.query());
        Ok(url)
    }

    fn resolve(&self, spec: &RequestSpec) -> Result<Url, ApiError> {
        let mut url = match &spec.target {
            Target::Path(p) => self.url_for(p)?,
            Target::Url(u) => u.clone(),
        };
        if !spec.query.is_empty() {
            // Parameters given explicitly replace same-named ones already in a next-link URL.
            let mut pairs: Vec<(String, String)> = url
                .query_pairs()
                .filter(|(k, _)| !spec.query.iter().any(|(n, _)| n == k))
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            pairs.extend(spec.query.iter().cloned());
            url.query_pairs_mut().clear().extend_pairs(pairs);
        }
        Ok(url)
    }

    /// Sends one logical request, pacing and retrying as needed, and returns its JSON body.
    pub async fn send(&self, spec: &RequestSpec) -> Result<Response, ApiError> {
        let url = self.resolve(spec)?;
        let path = url.path().to_string();
        let endpoint = format!("{} {}", spec.method, path);
        let shown = match url.query() {
            Some(q) => format!("{} {path}?{q}", spec.method),
            None => endpoint.clone(),
        };
        let retry = &self.config.retry;
        let mut errors = 0u32;
        let mut limited = 0u32;
        loop {
            let attempts = errors + limited + 1;
            let permit = self.limiter.acquire(&path).await;
            self.stats.add_wait(permit.waited);
            self.stats.add_request(&path);
            let started = Instant::now();
            let mut request = self.http.request(spec.method.clone(), url.clone());
            let mut auth = HeaderValue::from_str(&format!("Bearer {}", self.key.expose()))
                .map_err(|_| ApiError::Transport {
                    endpoint: endpoint.clone(),
                    message: "the API key contains characters not allowed in an HTTP header"
                        .to_string(),
                    attempts,
                })?;
            auth.set_sensitive(true);
            request = request.header(AUTHORIZATION, auth);
            if let Some(body) = &spec.body {
                request = request.json(body);
            }
            let outcome = match request.send().await {
                Err(e) => {
                    drop(permit);
                    let message = describe_reqwest(&e);
                    self.log(&format!("{shown} -> {message}"));
                    Outcome::Retry {
                        error: ApiError::Transport {
                            endpoint: endpoint.clone(),
                            message,
                            attempts,
                        },
                        delay: retry.backoff(errors),
                        rate_limited: false,
                    }
                }
                Ok(resp) => {
                    let status = resp.status();
                    let rl = RateLimitHeaders::from_headers(resp.headers());
                    let retry_after = resp
                        .headers()
                        .get(RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(parse_retry_after);
                    permit.complete(&rl);
                    let body = resp.bytes().await.map(|b| b.to_vec());
                    self.log(&format!(
                        "{shown} -> {} in {} ms{}",
                        status.as_u16(),
                        started.elapsed().as_millis(),
                        describe_rl(&rl)
                    ));
                    self.classify(
                        &endpoint,
                        status,
                        rl,
                        retry_after,
                        body,
                        errors,
                        limited,
                        attempts,
                    )
                }
            };
            match outcome {
                Outcome::Done(r) => return Ok(r),
                Outcome::Fail(e) => return Err(e),
                Outcome::Retry {
                    error,
                    delay,
                    rate_limited,
                } => {
                    let budget_left = if rate_limited {
                        limited < retry.max_rate_limit_retries
                    } else {
                        errors < retry.max_retries
                    };
                    if !budget_left {
                        return Err(error);
                    }
                    if rate_limited {
                        limited += 1;
                        self.limiter.block(&path, delay);
                    } else {
                        errors += 1;
                    }
                    self.stats.add_retry();
                    self.log(&format!(
                        "{endpoint}: retrying in {:.2} s ({error})",
                        delay.as_secs_f64()
                    ));
                    if rate_limited {
                        // The wait happens in the limiter, shared by every request on the path,
                        // and is counted there.
                    } else {
                        self.stats.add_wait(delay);
                        tokio::time::sleep(delay).await;
                    }
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn classify(
        &self,
        endpoint: &str,
        status: StatusCode,
        rl: RateLimitHeaders,
        retry_after: Option<Duration>,
        body: Result<Vec<u8>, reqwest::Error>,
        errors: u32,
        limited: u32,
        attempts: u32,
    ) -> Outcome {
        let retry = &self.config.retry;
        let body = match body {
            Ok(b) => b,
            Err(e) => {
                return Outcome::Retry {
                    error: ApiError::Transport {
                        endpoint: endpoint.to_string(),
                        message: format!("reading the body: {}", describe_reqwest(&e)),
                        attempts,
                    },
                    delay: retry.backoff(errors),
                    rate_limited: false,
                }
            }
        };
        if status.is_success() {
            return match serde_json::from_slice::<Value>(&body) {
                Ok(value) => Outcome::Done(Response {
                    status: status.as_u16(),
                    body: value,
                }),
                // Usually a body cut short in transit: worth another try.
                Err(e) => Outcome::Retry {
                    error: ApiError::InvalidJson {
                        endpoint: endpoint.to_string(),
                        message: self.key.redact(&e.to_string()),
                        attempts,
                    },
                    delay: retry.backoff(errors),
                    rate_limited: false,
                },
            };
        }
        let envelope = parse_envelope(&body, &self.key);
        let error = ApiError::Http {
            endpoint: endpoint.to_string(),
            status: status.as_u16(),
            code: envelope.code,
            title: envelope.title,
            detail: envelope.detail,
            attempts,
        };
        match status.as_u16() {
            429 => {
                let margin = self.config.rate_limit.reset_margin;
                let wait = retry_after
                    .or_else(|| rl.until_reset().map(|d| d + margin))
                    .unwrap_or_else(|| retry.backoff(limited));
                if wait > retry.max_rate_limit_wait {
                    return Outcome::Fail(ApiError::RateLimitWaitTooLong {
                        endpoint: endpoint.to_string(),
                        wait,
                        limit: retry.max_rate_limit_wait,
                    });
                }
                self.stats.add_rate_limited();
                Outcome::Retry {
                    error,
                    delay: wait,
                    rate_limited: true,
                }
            }
            408 | 500 | 502 | 503 | 504 => Outcome::Retry {
                error,
                delay: retry.backoff(errors),
                rate_limited: false,
            },
            _ => Outcome::Fail(error),
        }
    }
}

/// reqwest's error text without the URL (we name the endpoint ourselves), with its causes.
fn describe_reqwest(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "cannot connect"
    } else if e.is_body() || e.is_decode() {
        "the response body was cut short"
    } else {
        "request failed"
    };
    let mut message = kind.to_string();
    let mut source = std::error::Error::source(e);
    let mut depth = 0;
    while let Some(s) = source {
        if depth >= 3 {
            break;
        }
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
        depth += 1;
    }
    message
}

fn describe_rl(rl: &RateLimitHeaders) -> String {
    match (rl.remaining, rl.limit) {
        (Some(r), Some(l)) => format!(" [rate limit {r}/{l} left]"),
        (Some(r), None) => format!(" [rate limit {r} left]"),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_never_prints() {
        let key = ApiKey::new(" s3cret-value\n").unwrap();
        assert_eq!(format!("{key}"), "***");
        assert_eq!(format!("{key:?}"), "ApiKey(***)");
        assert_eq!(key.redact("a s3cret-value b"), "a *** b");
        assert!(ApiKey::new("  \n").is_none());
    }

    #[test]
    fn api_url_rules() {
        assert!(parse_api_url("https://api.atlassian.com").is_ok());
        assert!(parse_api_url("http://127.0.0.1:8080").is_ok());
        assert!(parse_api_url("http://localhost/prefix").is_ok());
        assert!(parse_api_url("http://example.com").is_err());
        assert!(parse_api_url("ftp://x").is_err());
        assert!(parse_api_url("https://x/?a=1").is_err());
        assert!(parse_api_url("nonsense").is_err());
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let p = RetryPolicy {
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(1),
            ..RetryPolicy::default()
        };
        for attempt in 0..10 {
            let d = p.backoff(attempt);
            let step = Duration::from_millis(100 * (1 << attempt)).min(Duration::from_secs(1));
            assert!(d >= step / 2 && d <= step, "{attempt}: {d:?}");
        }
    }
}
