//! A UTC instant that reads every timestamp spelling the Atlassian admin APIs use and always
//! writes one canonical RFC 3339 form, so policies can compare strings and parse them with
//! `time.parse_rfc3339_ns` in both regorus and the reference OPA.

use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat, TimeZone, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub DateTime<Utc>);

impl Timestamp {
    /// Parses RFC 3339 (`2026-05-01T10:00:00.000Z`), the minute-precision form the rate-limit
    /// reset header uses (`2025-06-01T12:34Z`, `2025-06-01T12:34+0000`), a naive date-time taken
    /// as UTC, and a bare date (`2026-05-01`, midnight UTC) as the last-active-dates API returns.
    ///
    /// ```
    /// use orgscan::snapshot::Timestamp;
    /// let reset = Timestamp::parse("2025-06-01T12:34+0000").expect("the reset header's form");
    /// assert_eq!(reset.to_rfc3339(), "2025-06-01T12:34:00.000Z");
    /// assert_eq!(Timestamp::parse("2026-05-01").map(|t| t.to_rfc3339()).as_deref(), Some("2026-05-01T00:00:00.000Z"));
    /// assert!(Timestamp::parse("yesterday").is_none());
    /// ```
    pub fn parse(text: &str) -> Option<Timestamp> {
        let text = text.trim();
        if let Ok(t) = DateTime::parse_from_rfc3339(text) {
            return Some(Timestamp(t.with_timezone(&Utc)));
        }
        for format in [
            "%Y-%m-%dT%H:%M%#z",
            "%Y-%m-%dT%H:%M:%S%#z",
            "%Y-%m-%dT%H:%M:%S%.f%#z",
        ] {
            if let Ok(t) = DateTime::parse_from_str(text, format) {
                return Some(Timestamp(t.with_timezone(&Utc)));
            }
        }
        let without_z = text.strip_suffix('Z').unwrap_or(text);
        for format in [
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%dT%H:%M:%S",
            "%Y-%m-%dT%H:%M:%S%.f",
        ] {
            if let Ok(t) = NaiveDateTime::parse_from_str(without_z, format) {
                return Some(Timestamp(Utc.from_utc_datetime(&t)));
            }
        }
        if let Ok(d) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            return d
                .and_hms_opt(0, 0, 0)
                .map(|t| Timestamp(Utc.from_utc_datetime(&t)));
        }
        None
    }

    pub fn from_epoch_millis(ms: i64) -> Option<Timestamp> {
        Utc.timestamp_millis_opt(ms).single().map(Timestamp)
    }

    /// Canonical text: RFC 3339, UTC, `Z`, millisecond precision.
    pub fn to_rfc3339(&self) -> String {
        self.0.to_rfc3339_opts(SecondsFormat::Millis, true)
    }

    pub fn epoch_nanos(&self) -> i64 {
        self.0.timestamp_nanos_opt().unwrap_or(i64::MAX)
    }

    pub fn epoch_millis(&self) -> i64 {
        self.0.timestamp_millis()
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_rfc3339())
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<str>::deserialize(d)?;
        Timestamp::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "expected an RFC 3339 timestamp such as 2026-05-01T10:00:00Z, found {:?}",
                truncate_for_message(&text)
            ))
        })
    }
}

/// Shortens untrusted text quoted in an error so a 10 KB field cannot flood the terminal.
pub fn truncate_for_message(text: &str) -> String {
    const LIMIT: usize = 80;
    if text.chars().count() <= LIMIT {
        text.to_string()
    } else {
        let head: String = text.chars().take(LIMIT).collect();
        format!("{head}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_documented_spelling() {
        let expect = "2025-06-01T12:34:00.000Z";
        for text in [
            "2025-06-01T12:34Z",
            "2025-06-01T12:34+0000",
            "2025-06-01T12:34:00Z",
            "2025-06-01T12:34:00.000Z",
            "2025-06-01T14:34:00+02:00",
            "2025-06-01T12:34:00",
        ] {
            assert_eq!(
                Timestamp::parse(text).map(|t| t.to_rfc3339()).as_deref(),
                Some(expect),
                "{text}"
            );
        }
        assert_eq!(
            Timestamp::parse("2026-05-01")
                .map(|t| t.to_rfc3339())
                .as_deref(),
            Some("2026-05-01T00:00:00.000Z")
        );
        assert_eq!(Timestamp::parse("yesterday"), None);
    }

    #[test]
    fn rejects_garbage_with_a_clear_message() {
        let err = serde_json::from_str::<Timestamp>("\"not a time\"")
            .unwrap_err()
            .to_string();
        assert!(err.contains("expected an RFC 3339 timestamp"), "{err}");
    }
}
