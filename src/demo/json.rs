//! Hand-rolled JSON output for the event generator's hot path, byte-for-byte what serde_json
//! writes for the typed `schema::Event` (same field order, same string escaping, same
//! millisecond timestamps), so a generated line re-serialises to itself. Building a
//! `serde_json::Value` per event would cost ~10× more and is not needed for fixed shapes.

pub use crate::snapshot::event_line::{civil_from_days, days_from_civil};
use crate::snapshot::Timestamp;
use chrono::{TimeZone, Utc};

pub const MS_PER_SECOND: i64 = 1_000;
pub const MS_PER_MINUTE: i64 = 60 * MS_PER_SECOND;
pub const MS_PER_HOUR: i64 = 60 * MS_PER_MINUTE;
pub const MS_PER_DAY: i64 = 24 * MS_PER_HOUR;

/// Epoch milliseconds of a UTC date-time.
pub const fn utc_ms(y: i64, mo: i64, d: i64, h: i64, mi: i64, s: i64) -> i64 {
    days_from_civil(y, mo, d) * MS_PER_DAY
        + h * MS_PER_HOUR
        + mi * MS_PER_MINUTE
        + s * MS_PER_SECOND
}

/// Day of the week, 0 = Monday … 6 = Sunday.
pub const fn weekday(ms: i64) -> i64 {
    // 1970-01-01 was a Thursday (3).
    (ms.div_euclid(MS_PER_DAY) + 3).rem_euclid(7)
}

/// A `Timestamp` from epoch milliseconds; out-of-range input (never produced here) maps to the epoch.
pub fn timestamp(ms: i64) -> Timestamp {
    Timestamp(Utc.timestamp_millis_opt(ms).single().unwrap_or_default())
}

fn push_digits(out: &mut Vec<u8>, value: u64, width: usize) {
    let mut buf = [b'0'; 20];
    let mut v = value;
    let mut i = buf.len();
    while v > 0 || buf.len() - i < width {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
    }
    out.extend_from_slice(&buf[i..]);
}

/// Appends an unsigned integer in decimal.
pub fn push_u64(out: &mut Vec<u8>, value: u64) {
    push_digits(out, value, 1);
}

/// Appends `YYYY-MM-DDTHH:MM:SS.mmmZ` (the canonical `Timestamp` text), without quotes.
pub fn push_time(out: &mut Vec<u8>, ms: i64) {
    let days = ms.div_euclid(MS_PER_DAY);
    let rem = ms.rem_euclid(MS_PER_DAY);
    let (y, m, d) = civil_from_days(days);
    // Years before 1970 or after 9999 never occur in audit logs; clamp rather than mis-format.
    let (y, m, d) = (y.clamp(0, 9999) as u64, m as u64, d as u64);
    let rem = rem as u64;
    const H: u64 = MS_PER_HOUR as u64;
    const MI: u64 = MS_PER_MINUTE as u64;
    const S: u64 = MS_PER_SECOND as u64;
    push_digits(out, y, 4);
    out.push(b'-');
    push_digits(out, m, 2);
    out.push(b'-');
    push_digits(out, d, 2);
    out.push(b'T');
    push_digits(out, rem / H, 2);
    out.push(b':');
    push_digits(out, rem % H / MI, 2);
    out.push(b':');
    push_digits(out, rem % MI / S, 2);
    out.push(b'.');
    push_digits(out, rem % S, 3);
    out.push(b'Z');
}

/// Appends a JSON string literal, escaped exactly as serde_json does: `"` and `\`, the short
/// escapes for \b \f \n \r \t, `\u00XX` for other control characters, everything else raw.
pub fn push_str(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            0x08 => b"\\b",
            0x0C => b"\\f",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x00..=0x1F => b"",
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        if escape.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(b"\\u00");
            out.push(HEX[(b >> 4) as usize]);
            out.push(HEX[(b & 0xF) as usize]);
        } else {
            out.extend_from_slice(escape);
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// `push_str` into a new `String`, for fragments rendered once and copied many times.
pub fn quoted(s: &str) -> String {
    let mut out = Vec::with_capacity(s.len() + 2);
    push_str(&mut out, s);
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_matches_the_canonical_timestamp_text() {
        for ms in [
            0,
            utc_ms(2026, 11, 20, 12, 0, 0),
            utc_ms(2024, 2, 29, 23, 59, 59) + 999,
            utc_ms(2000, 3, 1, 0, 0, 0) + 7,
        ] {
            let mut out = Vec::new();
            push_time(&mut out, ms);
            assert_eq!(String::from_utf8(out).unwrap(), timestamp(ms).to_rfc3339());
        }
        assert_eq!(weekday(utc_ms(2026, 11, 14, 1, 30, 0)), 5, "a Saturday");
        assert_eq!(
            civil_from_days(days_from_civil(2026, 11, 20)),
            (2026, 11, 20)
        );
    }

    #[test]
    fn escaping_matches_serde_json() {
        for s in [
            "plain",
            "quote \" back \\ slash /",
            "ctl \u{1} \u{8} \u{c} \n \r \t \u{1f} end",
            "ünïcödé — 日本 😀",
            "",
        ] {
            assert_eq!(quoted(s), serde_json::to_string(s).unwrap(), "{s:?}");
        }
        let mut out = Vec::new();
        push_u64(&mut out, 0);
        out.push(b' ');
        push_u64(&mut out, 18_446_744_073);
        assert_eq!(out, b"0 18446744073");
    }
}
