//! Typing stored items without ever failing a collection on them. A snapshot keeps every item
//! exactly as the API served it; the typed views in `schema.rs` cover only the fields orgscan
//! reads. When one of those fields arrives in a shape the view does not expect, that field is
//! left out of the typed item and a `ShapeWarning` says which item, which field, what was
//! expected and what was found; controls that declare they read that field become
//! `not_evaluable` (policy/needs.rs), the rest of the collection is used as usual.
//!
//! Collect (to record the warnings in the manifest) and load (to decide what controls can
//! evaluate) both type items through `type_items`, so a stored item behaves the same at scan
//! time as when it was collected.

use super::manifest::Collection;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One read field of one item that did not have the shape orgscan expects.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShapeWarning {
    /// The item's id (`id`, `accountId` or `directoryId`), else `#<position>` in the collection.
    pub item: String,
    /// Path inside the item in the API's names, e.g. `attributes.sandbox`, `productAccess[2].key`.
    pub field: String,
    pub expected: String,
    pub found: String,
}

impl ShapeWarning {
    /// The field path without array positions (`productAccess.key`), as policies declare it.
    pub fn field_path(&self) -> String {
        strip_positions(&self.field)
    }
}

/// Typed records and the warnings typing them produced.
#[derive(Debug)]
pub struct Typed<T> {
    pub records: Vec<T>,
    pub warnings: Vec<ShapeWarning>,
}

/// How many fields of one item may be set aside before the item is given up on. Each pass
/// removes one field, so this bounds the work on a hostile item.
const MAX_REPAIRS: usize = 64;

/// Types every item; an item whose identity cannot be read (not an object, or a required field
/// such as `id` missing or mistyped) is left out of the typed records, with a warning.
pub fn type_items<T: DeserializeOwned>(items: &[Value]) -> Typed<T> {
    let mut records = Vec::with_capacity(items.len());
    let mut warnings = Vec::new();
    for (position, item) in items.iter().enumerate() {
        let (record, mut found) = type_one::<T>(item, position);
        warnings.append(&mut found);
        if let Some(record) = record {
            records.push(record);
        }
    }
    Typed { records, warnings }
}

/// `type_items` for stored items still in their text form: an item that fits is typed straight
/// from its text (no JSON tree is built, so loading costs what it did before items were typed
/// field by field); only an item that does not fit is parsed into a tree and repaired.
pub fn type_stored<T: DeserializeOwned>(items: &[Box<serde_json::value::RawValue>]) -> Typed<T> {
    let mut records = Vec::with_capacity(items.len());
    let mut warnings = Vec::new();
    for (position, raw) in items.iter().enumerate() {
        if let Ok(record) = serde_json::from_str::<T>(raw.get()) {
            records.push(record);
            continue;
        }
        let item: Value = serde_json::from_str(raw.get()).unwrap_or(Value::Null);
        let (record, mut found) = type_one::<T>(&item, position);
        warnings.append(&mut found);
        records.extend(record);
    }
    Typed { records, warnings }
}

/// Types one item, setting aside each read field whose shape does not fit.
pub fn type_one<T: DeserializeOwned>(
    item: &Value,
    position: usize,
) -> (Option<T>, Vec<ShapeWarning>) {
    let id = item_id(item, position);
    let mut warnings = Vec::new();
    // Cheap path: almost every item fits, and needs no copy.
    let first = match serde_path_to_error::deserialize::<_, T>(item) {
        Ok(record) => return (Some(record), warnings),
        Err(e) => e,
    };
    let mut working = item.clone();
    let mut error = first;
    for _ in 0..MAX_REPAIRS {
        let path = segments(error.path());
        let message = error.inner().to_string();
        let (field_path, removable) = match missing_field(&message) {
            // A required field is absent: the field is named in the message, and what can be
            // set aside is the object that lacks it.
            Some(name) => {
                let mut full = path.clone();
                full.push(Seg::Key(name.to_string()));
                (full, path)
            }
            None => (path.clone(), path),
        };
        let found = match missing_field(&message) {
            Some(_) => "nothing (the field is absent)".to_string(),
            None => describe(lookup(item, &field_path)),
        };
        warnings.push(ShapeWarning {
            item: id.clone(),
            field: render(&field_path),
            expected: expected_of(&message),
            found,
        });
        if removable.is_empty() || !remove(&mut working, &removable) {
            // The item itself does not fit (or the fix did not take): leave it out.
            return (None, warnings);
        }
        match serde_path_to_error::deserialize::<_, T>(&working) {
            Ok(record) => return (Some(record), warnings),
            Err(e) => error = e,
        }
    }
    (None, warnings)
}

/// Warnings for a collection's stored items, typed as the loader types them.
pub fn check(collection: Collection, items: &[Value]) -> Vec<ShapeWarning> {
    (collection.spec().shape)(items)
}

/// One line per collection for reports and terminals: how many items had a read field in an
/// unexpected shape, and which fields.
pub fn summary(collection: Collection, warnings: &[ShapeWarning]) -> String {
    let mut fields: Vec<String> = warnings.iter().map(ShapeWarning::field_path).collect();
    fields.sort();
    fields.dedup();
    let mut items: Vec<&str> = warnings.iter().map(|w| w.item.as_str()).collect();
    items.sort_unstable();
    items.dedup();
    format!(
        "{}: {} item(s) with a field in an unexpected shape ({}); the served values are kept in the snapshot and only the controls reading those fields are not evaluable (details: shape_warnings in the manifest)",
        collection.name(),
        items.len(),
        fields.join(", ")
    )
}

fn item_id(item: &Value, position: usize) -> String {
    ["id", "accountId", "directoryId", "account_id"]
        .iter()
        .find_map(|k| item.get(k).and_then(Value::as_str))
        .map(super::timestamp::truncate_for_message)
        .unwrap_or_else(|| format!("#{position}"))
}

#[derive(Clone, Debug, PartialEq)]
enum Seg {
    Key(String),
    Index(usize),
}

fn segments(path: &serde_path_to_error::Path) -> Vec<Seg> {
    use serde_path_to_error::Segment;
    path.iter()
        .filter_map(|s| match s {
            Segment::Seq { index } => Some(Seg::Index(*index)),
            Segment::Map { key } => Some(Seg::Key(key.clone())),
            Segment::Enum { .. } | Segment::Unknown => None,
        })
        .collect()
}

fn render(path: &[Seg]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Seg::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    if out.is_empty() {
        "(item)".to_string()
    } else {
        out
    }
}

fn strip_positions(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    let mut depth = 0;
    for c in field.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

fn lookup<'a>(value: &'a Value, path: &[Seg]) -> Option<&'a Value> {
    path.iter().try_fold(value, |v, seg| match seg {
        Seg::Key(k) => v.get(k.as_str()),
        Seg::Index(i) => v.get(*i),
    })
}

/// Removes the value at `path`: a key from its object, an element from its array.
fn remove(value: &mut Value, path: &[Seg]) -> bool {
    let Some((last, parent)) = path.split_last() else {
        return false;
    };
    let mut target = value;
    for seg in parent {
        let next = match seg {
            Seg::Key(k) => target.get_mut(k.as_str()),
            Seg::Index(i) => target.get_mut(*i),
        };
        match next {
            Some(v) => target = v,
            None => return false,
        }
    }
    match (last, target) {
        (Seg::Key(k), Value::Object(map)) => map.remove(k).is_some(),
        (Seg::Index(i), Value::Array(items)) if *i < items.len() => {
            items.remove(*i);
            true
        }
        _ => false,
    }
}

/// The field name in serde's "missing field `x`".
fn missing_field(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("missing field `")?;
    rest.split('`').next()
}

/// What the typed view wanted, from serde's message ("invalid type: map, expected a boolean").
fn expected_of(message: &str) -> String {
    if missing_field(message).is_some() {
        return "the field to be present".to_string();
    }
    let text = match message.rfind("expected ") {
        Some(i) => &message[i + "expected ".len()..],
        None => message,
    };
    // The timestamp parser names what it found itself; keep only the expectation.
    let text = text.split(", found ").next().unwrap_or(text);
    if text.starts_with("struct ") || text.starts_with("map") {
        return "an object".to_string();
    }
    super::timestamp::truncate_for_message(text)
}

/// A short, untrusted-safe description of a JSON value: its type and a truncated rendering.
fn describe(value: Option<&Value>) -> String {
    let Some(value) = value else {
        return "nothing".to_string();
    };
    let kind = match value {
        Value::Null => return "null".to_string(),
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    };
    let text = serde_json::to_string(value).unwrap_or_default();
    format!("{kind} {}", super::timestamp::truncate_for_message(&text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::schema::{DirectoryUser, Workspace};
    use serde_json::json;

    #[test]
    fn a_mistyped_read_field_is_set_aside_with_a_warning() {
        let items = vec![
            json!({"accountId": "a1", "mfaEnabled": "yes", "name": "Ann"}),
            json!({"accountId": "a2", "mfaEnabled": true}),
        ];
        let typed = type_items::<DirectoryUser>(&items);
        assert_eq!(typed.records.len(), 2);
        assert_eq!(typed.records[0].mfa_enabled, None);
        assert_eq!(typed.records[0].name.as_deref(), Some("Ann"));
        assert_eq!(typed.records[1].mfa_enabled, Some(true));
        assert_eq!(
            typed.warnings,
            vec![ShapeWarning {
                item: "a1".into(),
                field: "mfaEnabled".into(),
                expected: "a boolean".into(),
                found: "a string \"yes\"".into(),
            }]
        );
    }

    #[test]
    fn nested_and_array_fields_are_named_with_their_position() {
        let items = vec![json!({"accountId": "a1",
            "productAccess": [{"key": "jira", "lastActiveTimestamp": 5}, {"key": 7}],
            "groups": [{"name": "no id"}]})];
        let typed = type_items::<DirectoryUser>(&items);
        assert_eq!(typed.records.len(), 1);
        let fields: Vec<&str> = typed.warnings.iter().map(|w| w.field.as_str()).collect();
        assert_eq!(
            fields,
            vec![
                "productAccess[0].lastActiveTimestamp",
                "productAccess[1].key",
                "groups[0].id"
            ]
        );
        assert_eq!(typed.warnings[2].expected, "the field to be present");
        assert_eq!(
            typed.warnings[0].field_path(),
            "productAccess.lastActiveTimestamp"
        );
        let user = &typed.records[0];
        assert_eq!(user.product_access.len(), 2);
        assert!(
            user.groups.is_empty(),
            "the group without an id is set aside"
        );
    }

    #[test]
    fn an_item_without_identity_is_left_out_not_the_collection() {
        let items = vec![json!({"name": "no id"}), json!(17), json!({"id": "w1"})];
        let typed = type_items::<Workspace>(&items);
        assert_eq!(typed.records.len(), 1);
        assert_eq!(typed.warnings.len(), 2);
        assert_eq!(typed.warnings[0].item, "#0");
        assert_eq!(typed.warnings[0].field, "id");
        assert_eq!(typed.warnings[1].field, "(item)");
        assert_eq!(typed.warnings[1].found, "a number 17");
    }

    #[test]
    fn stored_text_types_like_parsed_items() {
        let items = vec![
            json!({"accountId": "a1", "mfaEnabled": "yes", "name": "Ann"}),
            json!({"accountId": "a2", "mfaEnabled": true, "lastActive": "2026-05-01T10:00Z"}),
            json!([1]),
        ];
        let text = serde_json::to_string_pretty(&items).unwrap();
        let raw: Vec<Box<serde_json::value::RawValue>> = serde_json::from_str(&text).unwrap();
        let stored = type_stored::<DirectoryUser>(&raw);
        let parsed = type_items::<DirectoryUser>(&items);
        assert_eq!(stored.records, parsed.records);
        assert_eq!(stored.warnings, parsed.warnings);
        assert_eq!(stored.records.len(), 2);
        assert_eq!(stored.warnings.len(), 2);
    }

    #[test]
    fn hostile_values_are_truncated_in_warnings() {
        let long = "x".repeat(10_000);
        let typed = type_items::<DirectoryUser>(&[json!({"accountId": "a", "mfaEnabled": long})]);
        assert!(typed.warnings[0].found.chars().count() < 100);
    }
}
