//! A failed request, named by method and path (never host, query or headers), with the
//! Atlassian error envelope's code, title and detail (docs/atlassian-api.md, "Errors").

use super::client::ApiKey;
use serde_json::Value;
use std::time::Duration;

/// One failed request, named by method and path (never host, query or headers).
#[derive(Clone, Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{endpoint}: HTTP {status}{}{}", describe_envelope(code, title, detail), describe_attempts(*attempts))]
    Http {
        endpoint: String,
        status: u16,
        code: Option<String>,
        title: Option<String>,
        detail: Option<String>,
        attempts: u32,
    },
    #[error("{endpoint}: {message}{}", describe_attempts(*attempts))]
    Transport {
        endpoint: String,
        message: String,
        attempts: u32,
    },
    #[error("{endpoint}: rate limited and asked to wait {} s, longer than the {} s allowed", wait.as_secs(), limit.as_secs())]
    RateLimitWaitTooLong {
        endpoint: String,
        wait: Duration,
        limit: Duration,
    },
    #[error("{endpoint}: the response is not valid JSON ({message}){}", describe_attempts(*attempts))]
    InvalidJson {
        endpoint: String,
        message: String,
        attempts: u32,
    },
    #[error("{endpoint}: unexpected response shape: {message}")]
    Shape { endpoint: String, message: String },
    #[error(
        "{endpoint}: page {page} returned a cursor already followed; stopping instead of looping"
    )]
    RepeatedCursor { endpoint: String, page: u64 },
    #[error("{endpoint}: stopped after {cap} pages (the page cap); the listing may be incomplete")]
    PageCap { endpoint: String, cap: u64 },
    #[error("{endpoint}: {message}")]
    BadLink { endpoint: String, message: String },
    /// The page arrived but could not be recorded in the checkpoint (disk full, removed).
    #[error("cannot record the checkpoint {path}: {message}")]
    Checkpoint { path: String, message: String },
}

fn describe_envelope(
    code: &Option<String>,
    title: &Option<String>,
    detail: &Option<String>,
) -> String {
    // Envelopes often say the same thing twice ("Unauthorized" as title and detail, "Not
    // Found" as code and title): each text is shown once.
    let same = |a: &str, b: &str| {
        let norm = |s: &str| s.trim().trim_end_matches('.').to_lowercase();
        norm(a) == norm(b)
    };
    let mut shown: Vec<&str> = Vec::new();
    let mut out = String::new();
    for part in [code, title].into_iter().flatten() {
        if shown.iter().any(|s| same(s, part)) {
            continue;
        }
        out.push(' ');
        out.push_str(part);
        shown.push(part);
    }
    if let Some(detail) = detail {
        if !shown.iter().any(|s| same(s, detail)) {
            out.push_str(": ");
            out.push_str(detail);
        }
    }
    out
}

fn describe_attempts(attempts: u32) -> String {
    if attempts > 1 {
        format!(" (gave up after {attempts} attempts)")
    } else {
        String::new()
    }
}

impl ApiError {
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Http { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// 403 (scope or permission) and 404 (feature or endpoint absent for this org): the
    /// collection is unavailable, the rest of the snapshot is still good.
    pub fn is_permission(&self) -> bool {
        matches!(self.status(), Some(403) | Some(404))
    }

    pub fn code(&self) -> Option<&str> {
        match self {
            ApiError::Http { code, .. } => code.as_deref(),
            _ => None,
        }
    }
}

/// The Atlassian error envelope's first error, tolerant of other shapes.
#[derive(Debug, Default, PartialEq)]
pub struct Envelope {
    pub code: Option<String>,
    pub title: Option<String>,
    pub detail: Option<String>,
}

pub fn parse_envelope(body: &[u8], key: &ApiKey) -> Envelope {
    let clean = |s: &str| {
        let s = key.redact(s.trim());
        crate::snapshot::timestamp::truncate_for_message(&s)
    };
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return Envelope::default();
    };
    let text = |v: &Value, name: &str| v.get(name).and_then(Value::as_str).map(clean);
    if let Some(first) = value
        .get("errors")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
    {
        return Envelope {
            code: text(first, "code"),
            title: text(first, "title"),
            detail: text(first, "detail"),
        };
    }
    Envelope {
        code: text(&value, "code"),
        title: text(&value, "title").or_else(|| text(&value, "error")),
        detail: text(&value, "message").or_else(|| text(&value, "detail")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_first_error_redacted() {
        let key = ApiKey::new("k3y").unwrap();
        let env = parse_envelope(
            br#"{"errors":[{"id":"1","status":"403","code":"ADMIN-403-3","title":"Forbidden","detail":"key k3y lacks scope"}]}"#,
            &key,
        );
        assert_eq!(env.code.as_deref(), Some("ADMIN-403-3"));
        assert_eq!(env.detail.as_deref(), Some("key *** lacks scope"));
        assert_eq!(parse_envelope(b"<html>", &key), Envelope::default());
        let e = ApiError::Http {
            endpoint: "GET /x".into(),
            status: 403,
            code: env.code,
            title: env.title,
            detail: env.detail,
            attempts: 1,
        };
        assert_eq!(
            e.to_string(),
            "GET /x: HTTP 403 ADMIN-403-3 Forbidden: key *** lacks scope"
        );
    }

    #[test]
    fn repeated_envelope_text_is_shown_once() {
        let key = ApiKey::new("k3y").unwrap();
        let message = |body: &[u8], status| {
            let env = parse_envelope(body, &key);
            ApiError::Http {
                endpoint: "GET /x".into(),
                status,
                code: env.code,
                title: env.title,
                detail: env.detail,
                attempts: 1,
            }
            .to_string()
        };
        assert_eq!(
            message(
                br#"{"errors":[{"status":"401","code":"ADMIN-401-1","title":"Unauthorized","detail":"Unauthorized."}]}"#,
                401
            ),
            "GET /x: HTTP 401 ADMIN-401-1 Unauthorized"
        );
        assert_eq!(
            message(
                br#"{"code":"Not Found","title":"not found","message":"No org o1"}"#,
                404
            ),
            "GET /x: HTTP 404 Not Found: No org o1"
        );
    }
}
