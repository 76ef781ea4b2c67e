//! `--since`: how far back the event window reaches.

use crate::snapshot::Timestamp;

pub const DEFAULT_SINCE: &str = "30d";

/// A duration back from `now` (`90d`, `12h`, `2w`, `45m`) or an absolute date or time
/// (`2026-08-01`, RFC 3339). The result must lie before `now`.
pub fn parse_since(text: &str, now: Timestamp) -> Result<Timestamp, String> {
    let text = text.trim();
    let from = match split_duration(text) {
        Some((n, seconds)) => {
            let back = n
                .checked_mul(seconds)
                .and_then(chrono::Duration::try_seconds)
                .ok_or_else(|| "too far back".to_string())?;
            now.0
                .checked_sub_signed(back)
                .map(Timestamp)
                .ok_or_else(|| "too far back".to_string())?
        }
        None => Timestamp::parse(text).ok_or_else(|| {
            "expected a duration such as 90d, 12h, 2w, or a date such as 2026-08-01".to_string()
        })?,
    };
    if from >= now {
        return Err(format!("{from} is not in the past"));
    }
    Ok(from)
}

/// A length of time such as `24h`, `90m`, `2d` (the late-events overlap).
pub fn parse_duration(text: &str) -> Result<chrono::Duration, String> {
    split_duration(text.trim())
        .and_then(|(n, seconds)| n.checked_mul(seconds))
        .and_then(chrono::Duration::try_seconds)
        .ok_or_else(|| "expected a duration such as 24h, 90m or 2d".to_string())
}

/// `90d` → (90, seconds in a day).
fn split_duration(text: &str) -> Option<(i64, i64)> {
    let seconds = match text.chars().last()? {
        'm' => 60,
        'h' => 3_600,
        'd' => 86_400,
        'w' => 7 * 86_400,
        _ => return None,
    };
    let number = &text[..text.len() - 1];
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    number.parse().ok().map(|n| (n, seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_dates() {
        let now = Timestamp::parse("2026-11-21T12:00:00Z").unwrap();
        let at = |s: &str| parse_since(s, now).map(|t| t.to_rfc3339());
        assert_eq!(at("90d").unwrap(), "2026-08-23T12:00:00.000Z");
        assert_eq!(at("12h").unwrap(), "2026-11-21T00:00:00.000Z");
        assert_eq!(at("2w").unwrap(), "2026-11-07T12:00:00.000Z");
        assert_eq!(at("2026-08-01").unwrap(), "2026-08-01T00:00:00.000Z");
        assert_eq!(
            at("2026-08-01T10:00:00+02:00").unwrap(),
            "2026-08-01T08:00:00.000Z"
        );
        assert!(at("2027-01-01").unwrap_err().contains("not in the past"));
        assert!(at("d").is_err());
        assert!(at("-5d").is_err());
        assert!(at("soon").unwrap_err().contains("expected a duration"));
        assert!(at("99999999999999d").is_err());
    }

    #[test]
    fn overlap_durations() {
        assert_eq!(parse_duration("24h"), Ok(chrono::Duration::hours(24)));
        assert_eq!(parse_duration(" 90m"), Ok(chrono::Duration::minutes(90)));
        assert_eq!(parse_duration("0h"), Ok(chrono::Duration::zero()));
        for bad in ["", "h", "-1h", "1x", "99999999999999999w"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }
}
