//! One line of `events.ndjson` as every reader of events sees it: the borrowed parse of the
//! fields orgscan reads (strings point into the line unless they hold JSON escapes), a
//! fixed-layout RFC 3339 reader, and the one diagnostic for a line that is not an event.
//! `scan` (prepare) reads stored lines through [`read_event_line`] and `import-events` checks
//! exported events through it, so both accept the same events and name a bad one the same way:
//! file, line, column and field.

use super::{Event, SnapshotError, Timestamp};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::borrow::Cow;

/// One audit event, borrowed from its line.
#[derive(Debug, Deserialize)]
pub struct RawEvent<'a> {
    #[serde(borrow)]
    pub id: Cow<'a, str>,
    #[serde(borrow)]
    pub attributes: RawAttributes<'a>,
    #[serde(borrow, default)]
    pub message: Option<RawMessage<'a>>,
}

#[derive(Debug, Deserialize)]
pub struct RawAttributes<'a> {
    #[serde(borrow)]
    pub time: Cow<'a, str>,
    #[serde(borrow)]
    pub action: Cow<'a, str>,
    #[serde(borrow)]
    pub actor: RawActor<'a>,
    /// Parsed on demand (`context_objects`): most facts never look inside.
    #[serde(borrow, default)]
    pub context: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub container: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub location: Option<RawLocation<'a>>,
}

#[derive(Debug, Deserialize)]
pub struct RawActor<'a> {
    #[serde(borrow)]
    pub id: Cow<'a, str>,
    #[serde(borrow, default, deserialize_with = "optional_text")]
    pub name: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "optional_text")]
    pub email: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub auth: Option<RawAuth<'a>>,
    #[serde(borrow, default, rename = "onBehalfOf")]
    pub on_behalf_of: Option<RawPerson<'a>>,
    #[serde(borrow, default)]
    pub app: Option<&'a RawValue>,
}

#[derive(Debug, Deserialize)]
pub struct RawAuth<'a> {
    #[serde(
        borrow,
        default,
        rename = "authType",
        deserialize_with = "optional_text"
    )]
    pub auth_type: Option<Cow<'a, str>>,
    #[serde(
        borrow,
        default,
        rename = "tokenId",
        deserialize_with = "optional_text"
    )]
    pub token_id: Option<Cow<'a, str>>,
}

#[derive(Debug, Deserialize)]
pub struct RawPerson<'a> {
    #[serde(borrow, default, deserialize_with = "optional_text")]
    pub id: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "optional_text")]
    pub name: Option<Cow<'a, str>>,
}

#[derive(Debug, Deserialize)]
pub struct RawLocation<'a> {
    #[serde(borrow, default, deserialize_with = "optional_text")]
    pub ip: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "optional_text")]
    pub geo: Option<Cow<'a, str>>,
    #[serde(
        borrow,
        default,
        rename = "countryName",
        deserialize_with = "optional_text"
    )]
    pub country_name: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "optional_text")]
    pub city: Option<Cow<'a, str>>,
}

#[derive(Debug, Deserialize)]
pub struct RawMessage<'a> {
    #[serde(borrow, default, deserialize_with = "optional_text")]
    pub content: Option<Cow<'a, str>>,
}

/// An optional string field, borrowed from the line unless it holds JSON escapes. Serde's
/// `borrow` reaches only a `Cow` field itself: through an `Option` it always allocates, which
/// at one event per line was ten allocations and frees an event, most of the parse's malloc time.
fn optional_text<'de: 'a, 'a, D>(d: D) -> Result<Option<Cow<'a, str>>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    struct Text;
    impl<'de> serde::de::Visitor<'de> for Text {
        type Value = Option<Cow<'de, str>>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a string")
        }
        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_str(self)
        }
        fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
            Ok(Some(Cow::Borrowed(v)))
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Some(Cow::Owned(v.to_string())))
        }
        fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Self::Value, E> {
            Ok(Some(Cow::Owned(v)))
        }
    }
    d.deserialize_option(Text)
}

pub fn parse_event(line: &str) -> Result<RawEvent<'_>, serde_json::Error> {
    serde_json::from_str(line)
}

const NS_PER_SEC: i64 = 1_000_000_000;

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
/// `const` so the demo generator can compute its fixed dates at compile time.
pub const fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day number (inverse of `days_from_civil`).
pub const fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn digits(b: &[u8]) -> Option<i64> {
    let mut v: i64 = 0;
    for &c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + i64::from(c - b'0');
    }
    Some(v)
}

/// Epoch nanoseconds of `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`, the form the API and orgscan
/// write; `None` for anything else (the caller falls back to `Timestamp::parse`).
pub fn fast_time_ns(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || (b[10] != b'T' && b[10] != b't') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (y, mo, d) = (digits(&b[0..4])?, digits(&b[5..7])?, digits(&b[8..10])?);
    let (h, mi, s) = (
        digits(&b[11..13])?,
        digits(&b[14..16])?,
        digits(&b[17..19])?,
    );
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    let mut i = 19;
    let mut frac: i64 = 0;
    if b[i] == b'.' {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            if i - start < 9 {
                frac = frac * 10 + i64::from(b[i] - b'0');
            }
            i += 1;
        }
        let n = i - start;
        if n == 0 {
            return None;
        }
        for _ in n..9 {
            frac *= 10;
        }
    }
    let offset_s = match b.get(i..)? {
        [b'Z'] | [b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let oh = digits(&[*h1, *h2])?;
            let om = digits(&[*m1, *m2])?;
            let v = oh * 3600 + om * 60;
            if *sign == b'-' {
                -v
            } else {
                v
            }
        }
        _ => return None,
    };
    // Reject impossible dates (Feb 30) the way chrono would.
    let days = days_from_civil(y, mo, d);
    let (cy, cm, cd) = civil_from_days(days);
    if (cy, i64::from(cm), i64::from(cd)) != (y, mo, d) {
        return None;
    }
    let secs = days * 86_400 + h * 3600 + mi * 60 + s.min(59) - offset_s;
    secs.checked_mul(NS_PER_SEC)?.checked_add(frac)
}

/// Where a piece of text starts in its file (1-based; columns count bytes, as serde_json does).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TextStart {
    pub line: u64,
    pub column: u64,
}

impl TextStart {
    /// The start of a whole line.
    pub fn line(line: u64) -> TextStart {
        TextStart { line, column: 1 }
    }

    /// The file position of serde_json's (line, column) inside the text.
    pub fn offset(self, line: usize, column: usize) -> (u64, u64) {
        if line <= 1 {
            (self.line, self.column + column.saturating_sub(1) as u64)
        } else {
            (self.line + line as u64 - 1, column as u64)
        }
    }
}

/// Reads one event: its borrowed fields and its time in epoch nanoseconds. Anything `scan`
/// cannot use is an error naming `path`, the line and column, and the field.
pub fn read_event_line<'a>(
    path: &str,
    at: TextStart,
    text: &'a str,
) -> Result<(RawEvent<'a>, i64), SnapshotError> {
    let event = match parse_event(text) {
        Ok(event) => event,
        Err(e) => return Err(event_line_error(path, at, text, Some(e.to_string()))),
    };
    let time_ns = match fast_time_ns(&event.attributes.time) {
        Some(t) => t,
        None => match Timestamp::parse(&event.attributes.time) {
            Some(t) => t.epoch_nanos(),
            None => return Err(event_line_error(path, at, text, None)),
        },
    };
    // Events are ordered, deduplicated and cited as evidence by their id: one without an id
    // could be neither told apart from another nor found again in the audit log.
    if event.id.trim().is_empty() {
        return Err(SnapshotError::EventLine {
            path: path.to_string(),
            line: at.line,
            message: "field `id`: empty (expected the event's id)".to_string(),
        });
    }
    // Every finding about an actor names it by this id; an event without one cannot be
    // attributed, so it is bad input rather than something to report on.
    if event.attributes.actor.id.trim().is_empty() {
        return Err(SnapshotError::EventLine {
            path: path.to_string(),
            line: at.line,
            message: "field `attributes.actor.id`: empty (expected the acting account's id)"
                .to_string(),
        });
    }
    Ok((event, time_ns))
}

/// The error for text the fast parse could not read: the owned parse names the field.
fn event_line_error(path: &str, at: TextStart, text: &str, fast: Option<String>) -> SnapshotError {
    match super::load::parse_json::<Event>(path, text.as_bytes()) {
        Err(SnapshotError::Json {
            field,
            message,
            line,
            column,
            ..
        }) => {
            let (line, column) = at.offset(line, column);
            SnapshotError::EventLine {
                path: path.to_string(),
                line,
                message: format!("column {column}: field `{field}`: {message} (expected one audit event object in the API's shape)"),
            }
        }
        Err(other) => other,
        Ok(_) => SnapshotError::EventLine {
            path: path.to_string(),
            line: at.line,
            message: format!(
                "{} (expected one audit event object in the API's shape)",
                fast.unwrap_or_else(|| "unreadable event".to_string())
            ),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_event_names_line_column_and_field_from_where_it_starts() {
        let text = "{\"id\":\"e\",\n \"attributes\":{\"time\":7}}";
        let err = read_event_line(
            "x.json",
            TextStart {
                line: 10,
                column: 5,
            },
            text,
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            err,
            "x.json: line 11: column 23: field `attributes.time`: invalid type: integer `7`, expected a string (expected one audit event object in the API's shape)"
        );
        let one_line = "{\"id\":\"e\",\"attributes\":{\"time\":7}}";
        let err = read_event_line("x.json", TextStart { line: 3, column: 5 }, one_line)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("x.json: line 3: column 36: field `attributes.time`"),
            "{err}"
        );
    }

    #[test]
    fn an_empty_actor_is_refused() {
        let text = r#"{"id":"e","attributes":{"time":"2026-01-01T00:00:00Z","action":"a","actor":{"id":" "}}}"#;
        let err = read_event_line("x", TextStart::line(1), text)
            .unwrap_err()
            .to_string();
        assert!(err.contains("attributes.actor.id"), "{err}");
        let ok = text.replace("\" \"", "\"u1\"");
        let (event, ns) = read_event_line("x", TextStart::line(1), &ok).unwrap();
        assert_eq!((event.id.as_ref(), ns), ("e", 1_767_225_600_000_000_000));
    }

    #[test]
    fn an_event_without_an_id_is_refused_with_its_line() {
        let text = r#"{"id":"  ","attributes":{"time":"2026-01-01T00:00:00Z","action":"a","actor":{"id":"u1"}}}"#;
        let err = read_event_line("x", TextStart::line(4), text)
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "x: line 4: field `id`: empty (expected the event's id)"
        );
        let ok = text.replace("\"  \"", "\"e\"");
        assert!(read_event_line("x", TextStart::line(4), &ok).is_ok());
    }

    #[test]
    fn optional_strings_borrow_from_the_line_unless_escaped() {
        let text = r#"{"id":"e","attributes":{"time":"2026-01-01T00:00:00Z","action":"a","actor":{"id":"u1","name":"Ann","email":null,"auth":{"tokenId":"t\u0031"}},"location":{"ip":"10.0.0.1","countryName":"Germany"}}}"#;
        let (event, _) = read_event_line("x", TextStart::line(1), text).unwrap();
        let actor = &event.attributes.actor;
        assert!(matches!(actor.name, Some(Cow::Borrowed("Ann"))));
        assert!(actor.email.is_none());
        let auth = actor.auth.as_ref().unwrap();
        assert!(matches!(&auth.token_id, Some(Cow::Owned(t)) if t == "t1"));
        assert!(auth.auth_type.is_none());
        let loc = event.attributes.location.as_ref().unwrap();
        assert!(matches!(loc.ip, Some(Cow::Borrowed("10.0.0.1"))));
        assert!(matches!(loc.country_name, Some(Cow::Borrowed("Germany"))));
        // A wrong type is still an error naming the field and what was expected.
        let bad = text.replace(r#""Ann""#, "7");
        let err = read_event_line("x", TextStart::line(1), &bad)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(
                "field `attributes.actor.name`: invalid type: integer `7`, expected a string"
            ),
            "{err}"
        );
    }
}
