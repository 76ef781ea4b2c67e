//! The fast path of the event stream: a borrowed parse of only the fields facts need (strings
//! point into the line unless they hold JSON escapes), a fixed-layout RFC 3339 reader, and a
//! 128-bit event-id key for deduplication. Anything the fast path cannot read is re-read by the
//! owned `schema::Event` parse, whose error names the line, column and field.

use serde::Deserialize;
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::hash::{BuildHasherDefault, Hasher};

// The event line itself (its borrowed fields and time reader) belongs to the snapshot format,
// shared with `import-events`.
pub use crate::snapshot::event_line::{
    civil_from_days, days_from_civil, fast_time_ns, parse_event, RawActor, RawAttributes, RawAuth,
    RawEvent, RawLocation, RawMessage, RawPerson,
};

const NS_PER_SEC: i64 = 1_000_000_000;
/// A `context[]` / `container[]` item, with the attribute fields facts use.
#[derive(Debug, Default, Deserialize)]
pub struct RawObject<'a> {
    #[serde(borrow, default)]
    pub id: Option<Cow<'a, str>>,
    #[serde(borrow, default, rename = "type")]
    pub kind: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub attributes: Option<&'a RawValue>,
}

/// Attribute fields read from context objects (others are skipped).
#[derive(Debug, Default, Deserialize)]
pub struct RawObjectAttributes<'a> {
    #[serde(borrow, default)]
    pub name: Option<Cow<'a, str>>,
    #[serde(borrow, default, rename = "groupName")]
    pub group_name: Option<Cow<'a, str>>,
    #[serde(borrow, default, rename = "toolName")]
    pub tool_name: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub status: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub outcome: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub success: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub email: Option<Cow<'a, str>>,
    #[serde(borrow, default, rename = "siteHostName")]
    pub site_host_name: Option<Cow<'a, str>>,
}

/// The app that triggered an event (`actor.app`): only its id and name.
#[derive(Debug, Default, Deserialize)]
pub struct RawApp<'a> {
    #[serde(borrow, default)]
    pub id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub name: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub attributes: Option<RawAppAttributes<'a>>,
}

#[derive(Debug, Default, Deserialize)]
pub struct RawAppAttributes<'a> {
    #[serde(borrow, default)]
    pub name: Option<Cow<'a, str>>,
}

/// The items of a `context` / `container` array; tolerant: a non-array or odd item reads as
/// nothing rather than failing the event (the owned parse already accepted its shape).
pub fn objects(raw: Option<&str>) -> Vec<RawObject<'_>> {
    match raw {
        Some(r) => serde_json::from_str::<Vec<RawObject<'_>>>(r).unwrap_or_default(),
        None => Vec::new(),
    }
}

pub fn object_attributes(raw: Option<&RawValue>) -> RawObjectAttributes<'_> {
    match raw {
        Some(r) => serde_json::from_str(r.get()).unwrap_or_default(),
        None => RawObjectAttributes::default(),
    }
}

pub fn app(raw: Option<&str>) -> Option<RawApp<'_>> {
    raw.and_then(|r| serde_json::from_str(r).ok())
}

/// A JSON value read as text: strings unquoted, booleans and numbers as written.
pub fn scalar_text(raw: &RawValue) -> Option<String> {
    match serde_json::from_str::<serde_json::Value>(raw.get()).ok()? {
        serde_json::Value::String(s) => Some(s),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Canonical text of an epoch-ns instant (RFC 3339, UTC, milliseconds), like `Timestamp`.
pub fn format_ns(ns: i64) -> String {
    let secs = ns.div_euclid(NS_PER_SEC);
    let ms = ns.rem_euclid(NS_PER_SEC) / 1_000_000;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{ms:03}Z",
        rem / 3600,
        (rem / 60) % 60,
        rem % 60
    )
}

/// `YYYY-MM-DD` of a day number.
pub fn format_day(day: i64) -> String {
    let (y, m, d) = civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The 128 bits of a hyphenated lower-case UUID, or `None`. Parsed by the `uuid` crate, but
/// only the form `uuid_text` writes back is taken: a UUID id is kept as its bits and shown
/// again as text in findings, so any other spelling (upper case, braces, no hyphens) stays
/// text to come back exactly as the org wrote it.
pub(crate) fn uuid_bits(id: &str) -> Option<u128> {
    let b = id.as_bytes();
    if b.len() != 36 || b.iter().any(u8::is_ascii_uppercase) {
        return None;
    }
    uuid::Uuid::try_parse_ascii(b).ok().map(|u| u.as_u128())
}

/// A compact event id kept for evidence: 16 bytes for a UUID, the text otherwise. The UUID is
/// held as big-endian bytes, not a `u128`: a `u128` is 16-byte aligned, which made this enum 32
/// bytes and every kept hit 48; as bytes it is 24 and a hit 40 (ordering is the same).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum CompactId {
    Uuid([u8; 16]),
    Text(Box<str>),
}

impl CompactId {
    pub fn new(id: &str) -> CompactId {
        match uuid_bits(id) {
            Some(v) => CompactId::Uuid(v.to_be_bytes()),
            None => CompactId::Text(id.into()),
        }
    }

    pub fn text(&self) -> String {
        match self {
            CompactId::Uuid(v) => uuid_text(u128::from_be_bytes(*v)),
            CompactId::Text(t) => t.to_string(),
        }
    }
}

/// The hyphenated lower-case text of 128 UUID bits.
pub fn uuid_text(v: u128) -> String {
    let h = format!("{v:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// Hashes an already well-mixed key (a u128 id, a u64) with one multiply: ids are random or
/// SipHash output, so SipHash again would only cost time.
#[derive(Default, Clone, Copy)]
pub struct MixHasher(u64);

impl Hasher for MixHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut buf = [0u8; 8];
            buf[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(buf));
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(29) ^ n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
    fn write_u128(&mut self, n: u128) {
        self.write_u64(n as u64);
        self.write_u64((n >> 64) as u64);
    }
}

pub type MixState = BuildHasherDefault<MixHasher>;

/// FxHash (the `rustc-hash` crate) for short strings (actor ids, actions, countries): fast, and
/// the maps it serves are converted to sorted output, so iteration order never leaks.
pub type FxState = rustc_hash::FxBuildHasher;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::Timestamp;

    #[test]
    fn fast_time_agrees_with_timestamp() {
        for text in [
            "2026-11-20T12:00:00.000Z",
            "2021-04-01T23:20:17.230060Z",
            "2024-02-29T00:00:00Z",
            "2025-06-01T14:34:00+02:00",
            "1969-12-31T23:59:59.999Z",
        ] {
            let want = Timestamp::parse(text).unwrap().epoch_nanos();
            assert_eq!(fast_time_ns(text), Some(want), "{text}");
        }
        assert_eq!(fast_time_ns("2025-02-30T00:00:00Z"), None);
        assert_eq!(fast_time_ns("2025-06-01T12:34Z"), None);
        assert_eq!(
            format_ns(fast_time_ns("2021-04-01T23:20:17.230060Z").unwrap()),
            "2021-04-01T23:20:17.230Z"
        );
    }

    #[test]
    fn compact_ids_stay_small_and_ordered() {
        assert_eq!(std::mem::size_of::<CompactId>(), 24);
        let a = CompactId::new("00000000-0000-4000-8000-000000000009");
        let b = CompactId::new("00000000-0000-4000-8000-00000000000a");
        let c = CompactId::new("10000000-0000-4000-8000-000000000000");
        assert!(a < b && b < c);
    }

    #[test]
    fn uuid_ids_round_trip_and_others_stay_text() {
        let id = "7bdedaaf-1a46-4631-b78e-9cbcdbcf556a";
        assert_eq!(uuid_bits(id).map(uuid_text).as_deref(), Some(id));
        assert_eq!(CompactId::new(id).text(), id);
        assert_eq!(CompactId::new("e1").text(), "e1");
        // Only the lower-case hyphenated form is kept as bits: others come back as written.
        for other in [
            "7BDEDAAF-1A46-4631-B78E-9CBCDBCF556A",
            "7bdedaaf1a464631b78e9cbcdbcf556a",
            "{7bdedaaf-1a46-4631-b78e-9cbcdbcf556a}",
            "7bdedaaf-1a46-4631-b78e-9cbcdbcf556g",
            "7bdedaaf-1a46-4631-b78e+9cbcdbcf556a",
        ] {
            assert_eq!(uuid_bits(other), None, "{other}");
            assert_eq!(CompactId::new(other).text(), other);
        }
    }

    #[test]
    fn borrowed_parse_reads_the_api_shape() {
        let line = r#"{"id":"e1","type":"events","attributes":{"time":"2021-04-01T23:20:17.230060Z","action":"api_token_created","actor":{"id":"a1","name":"Jane \"J\" Admin","auth":{"authType":"api-token"}},"context":[{"id":"g1","type":"groups","attributes":{"groupName":"org-admins"}}],"location":{"ip":"1.2.3.4","countryName":"Costa Rica"}},"message":{"content":"Created","format":"simple"}}"#;
        let e = parse_event(line).unwrap();
        assert_eq!(e.attributes.actor.name.as_deref(), Some("Jane \"J\" Admin"));
        let ctx = objects(e.attributes.context.map(RawValue::get));
        assert_eq!(
            object_attributes(ctx[0].attributes).group_name.as_deref(),
            Some("org-admins")
        );
    }
}
