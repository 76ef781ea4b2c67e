//! The standard OPA `# METADATA` annotation at package scope, parsed by orgscan because regorus
//! ignores comments. The YAML is validated into `PolicyMeta`; every problem names file:line.

use super::problem::{Level, Problem};
use crate::results::{Kind, Severity};
use crate::snapshot::Collection;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// The categories a control can belong to (the report groups and scores by these).
pub const CATEGORIES: [&str; 6] = [
    "Identity and authentication",
    "Apps, OAuth and AI agents",
    "Keys and tokens",
    "Data protection",
    "Logging and monitoring",
    "Threat detection",
];

pub const IMPLEMENTATION_COSTS: [&str; 3] = ["low", "moderate", "high"];
pub const USER_IMPACTS: [&str; 3] = ["low", "moderate", "high"];

/// A policy's validated metadata.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PolicyMeta {
    pub package: String,
    pub title: String,
    pub description: String,
    pub references: Vec<String>,
    pub id: String,
    pub severity: Severity,
    pub category: String,
    pub points: f64,
    pub kind: Kind,
    pub user_impact: String,
    pub implementation_cost: String,
    pub remediation: Vec<String>,
    pub data: DataNeeds,
    /// Threshold defaults; `orgscan.toml` `[controls.<ID>]` overrides them (same types only).
    pub config: BTreeMap<String, Value>,
    pub frameworks: BTreeMap<String, Vec<String>>,
    pub version: String,
    /// 1-based line of the `# METADATA` comment, for messages.
    pub line: usize,
}

/// What a control reads; absent API collections or attestation answers make it not evaluable
/// without running it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataNeeds {
    #[serde(default)]
    pub api: Vec<String>,
    /// Dotted paths into the attestation, e.g. `authentication.two_step_enforced`.
    #[serde(default)]
    pub attestation: Vec<String>,
    /// Event action keys (lower_snake) the control reads from `input.events_by_action`.
    #[serde(default)]
    pub events: Vec<String>,
    /// The item fields the control reads, `collection.path` in the API's names
    /// (`users.mfaEnabled`, `users.productAccess.lastActiveTimestamp`). A field of a listed
    /// collection that arrives in an unexpected shape makes the control not evaluable; a
    /// collection in `api` with no entry here counts as read in full (every field).
    #[serde(default)]
    pub fields: Vec<String>,
}

impl DataNeeds {
    pub fn api_collections(&self) -> Vec<Collection> {
        self.api
            .iter()
            .filter_map(|name| Collection::from_name(name))
            .collect()
    }

    /// Whether the control reads `field` (a path without positions) of `collection`'s items:
    /// it declared that field, an object holding it, or a field inside it; or it declared no
    /// field of that collection at all.
    pub fn reads_field(&self, collection: Collection, field: &str) -> bool {
        let prefix = format!("{}.", collection.name());
        let mut declared = self
            .fields
            .iter()
            .filter_map(|f| f.strip_prefix(&prefix))
            .peekable();
        if declared.peek().is_none() {
            return true;
        }
        declared.any(|d| overlaps(d, field))
    }
}

/// `a` and `b` name the same field, or one holds the other.
fn overlaps(a: &str, b: &str) -> bool {
    let holds = |outer: &str, inner: &str| {
        inner
            .strip_prefix(outer)
            .is_some_and(|rest| rest.starts_with('.'))
    };
    a == b || holds(a, b) || holds(b, a)
}

/// Checks one `custom.data.fields` entry against the policy's `custom.data.api` and the fields
/// orgscan reads (`snapshot::schema::read_fields`); the message says what was expected.
pub fn check_field_entry(api: &[String], entry: &str) -> Result<(), String> {
    let Some((name, path)) = entry.split_once('.') else {
        return Err(format!(
            "custom.data.fields: {entry:?} is not `collection.field` (like users.mfaEnabled)"
        ));
    };
    let Some(collection) = Collection::from_name(name) else {
        return Err(format!(
            "custom.data.fields: {entry:?} names no collection ({name:?} is not one)"
        ));
    };
    if !api.iter().any(|a| a == name) {
        return Err(format!(
            "custom.data.fields: {entry:?} is a field of {name}, which custom.data.api does not list"
        ));
    }
    if !crate::snapshot::schema::is_read_field(collection, path) {
        return Err(format!(
            "custom.data.fields: {entry:?} is not a field orgscan reads from {name}; expected one of {}",
            crate::snapshot::schema::read_fields(collection).join(", ")
        ));
    }
    Ok(())
}

/// A problem in a policy file, always with its location.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct MetadataError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAnnotation {
    #[serde(default)]
    #[allow(dead_code)]
    scope: Option<String>,
    title: Option<String>,
    description: Option<String>,
    #[serde(default)]
    related_resources: Vec<RawResource>,
    #[serde(default)]
    #[allow(dead_code)]
    authors: Option<Value>,
    #[serde(default)]
    #[allow(dead_code)]
    organizations: Option<Value>,
    #[serde(default)]
    #[allow(dead_code)]
    schemas: Option<Value>,
    #[serde(default)]
    #[allow(dead_code)]
    entrypoint: Option<bool>,
    custom: Option<RawCustom>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawResource {
    Url(String),
    Object { r#ref: String },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCustom {
    id: Option<String>,
    severity: Option<String>,
    category: Option<String>,
    points: Option<f64>,
    kind: Option<String>,
    user_impact: Option<String>,
    implementation_cost: Option<String>,
    #[serde(default)]
    remediation: Vec<String>,
    #[serde(default)]
    data: DataNeeds,
    #[serde(default)]
    config: BTreeMap<String, Value>,
    #[serde(default)]
    frameworks: BTreeMap<String, Vec<String>>,
    version: Option<Value>,
}

/// The package-scope `# METADATA` block of a file: where it starts and the YAML inside it.
pub struct MetadataBlock {
    /// 1-based line of the `# METADATA` comment.
    pub line: usize,
    /// The block's YAML, one entry per comment line.
    pub yaml_lines: Vec<String>,
}

impl MetadataBlock {
    /// The block that annotates the `package` line, if the file has one.
    pub fn of(source: &str) -> Option<MetadataBlock> {
        let lines: Vec<&str> = source.lines().collect();
        let mut i = 0;
        while i < lines.len() {
            if lines[i].trim() == "# METADATA" {
                let mut yaml_lines = Vec::new();
                let mut j = i + 1;
                while j < lines.len() && lines[j].trim_start().starts_with('#') {
                    let text = lines[j].trim_start();
                    let body = text
                        .strip_prefix("# ")
                        .or_else(|| text.strip_prefix('#'))
                        .unwrap_or("");
                    yaml_lines.push(body.to_string());
                    j += 1;
                }
                let annotates_package = lines[j..]
                    .iter()
                    .find(|l| !l.trim().is_empty())
                    .is_some_and(|l| l.trim_start().starts_with("package "));
                if annotates_package {
                    return Some(MetadataBlock {
                        line: i + 1,
                        yaml_lines,
                    });
                }
                i = j;
            } else {
                i += 1;
            }
        }
        None
    }

    /// The file line of `key:` inside the block, searching from the file line `from` on (the
    /// line of an enclosing key, so `points` under `custom` is found there); the block's first
    /// line when it is not there.
    pub fn line_of(&self, key: &str, from: usize) -> usize {
        self.yaml_lines
            .iter()
            .enumerate()
            .skip(from.saturating_sub(self.line + 1))
            .find(|(_, l)| {
                let t = l.trim_start().trim_start_matches("- ");
                t.starts_with(&format!("{key}:"))
            })
            .map(|(i, _)| self.line + 1 + i)
            .unwrap_or(self.line)
    }
}

/// The package a Rego file declares (`orgscan.identity.admin_mfa`), if any.
pub fn package_of(source: &str) -> Option<String> {
    source
        .lines()
        .map(str::trim)
        .find_map(|l| l.strip_prefix("package "))
        .map(|p| p.trim().to_string())
}

const TOP_KEYS: &[&str] = &[
    "scope",
    "title",
    "description",
    "related_resources",
    "authors",
    "organizations",
    "schemas",
    "entrypoint",
    "custom",
];
const CUSTOM_KEYS: &[&str] = &[
    "id",
    "severity",
    "category",
    "points",
    "kind",
    "user_impact",
    "implementation_cost",
    "remediation",
    "data",
    "config",
    "frameworks",
    "version",
];
const DATA_KEYS: &[&str] = &["api", "attestation", "events", "fields"];

/// The one METADATA validator: the policy's metadata when its package-scope block is valid,
/// and every problem of the block (not only the first). `(None, [])` when the file has no block
/// (a library or a test). Loading a pack takes the first error ([`parse_metadata`]);
/// `orgscan policy check` reports them all.
pub fn validate(file: &str, source: &str) -> (Option<PolicyMeta>, Vec<Problem>) {
    let mut problems = Vec::new();
    let mut err = |line: usize, message: String| {
        problems.push(Problem {
            file: file.to_string(),
            line,
            level: Level::Error,
            message,
        })
    };
    let Some(package) = package_of(source) else {
        err(1, "no `package` declaration".to_string());
        return (None, problems);
    };
    let Some(block) = MetadataBlock::of(source) else {
        return (None, problems);
    };
    let start = block.line;
    let doc = match yaml_serde::from_str::<Value>(&block.yaml_lines.join("\n")) {
        Ok(doc) => doc,
        Err(e) => {
            let line = e.location().map(|l| start + l.line()).unwrap_or(start);
            err(line, format!("METADATA is not valid: {e}"));
            return (None, problems);
        }
    };
    let Value::Object(top) = &doc else {
        err(start, "METADATA must be a YAML mapping".into());
        return (None, problems);
    };
    for key in top.keys() {
        if !TOP_KEYS.contains(&key.as_str()) {
            err(
                block.line_of(key, 0),
                format!(
                    "METADATA has an unknown field `{key}`; expected {}",
                    TOP_KEYS.join(", ")
                ),
            );
        }
    }
    if let Some(scope) = top.get("scope").and_then(Value::as_str) {
        if scope != "package" {
            err(
                block.line_of("scope", 0),
                format!("METADATA before `package` must have scope package, found {scope:?}"),
            );
        }
    }
    for key in ["title", "description"] {
        match top.get(key) {
            Some(Value::String(s)) if !s.trim().is_empty() => {}
            Some(_) => err(
                block.line_of(key, 0),
                format!("`{key}` must be non-empty text"),
            ),
            None => err(start, format!("METADATA is missing required field `{key}`")),
        }
    }
    if let Some(resources) = top.get("related_resources") {
        let at = block.line_of("related_resources", 0);
        let items = resources.as_array().cloned().unwrap_or_default();
        if !resources.is_array() {
            err(
                at,
                "`related_resources` must be a list of `- ref: URL`".into(),
            );
        }
        for item in items {
            let url = match &item {
                Value::String(s) => Some(s.clone()),
                Value::Object(o) => o.get("ref").and_then(Value::as_str).map(str::to_string),
                _ => None,
            };
            match url {
                Some(u) if u.starts_with("https://") || u.starts_with("http://") => {}
                Some(u) => err(
                    at,
                    format!("related_resources: {u:?} is not an http(s) URL"),
                ),
                None => err(at, "related_resources: each item needs `ref: URL`".into()),
            }
        }
    }
    let Some(custom) = top.get("custom") else {
        err(
            start,
            "METADATA is missing the `custom` section (id, severity, category, points, …)".into(),
        );
        return (None, problems);
    };
    let Value::Object(custom) = custom else {
        err(
            block.line_of("custom", 0),
            "`custom` must be a mapping".into(),
        );
        return (None, problems);
    };
    let custom_at = block.line_of("custom", 0);
    let at = |key: &str| block.line_of(key, custom_at);
    for key in custom.keys() {
        if !CUSTOM_KEYS.contains(&key.as_str()) {
            err(
                at(key),
                format!(
                    "custom: unknown field `{key}`; expected {}",
                    CUSTOM_KEYS.join(", ")
                ),
            );
        }
    }
    let text = |key: &str| custom.get(key).and_then(Value::as_str).map(str::trim);
    let required_text = |key: &str, allowed: &[&str], err: &mut dyn FnMut(usize, String)| match (
        custom.get(key),
        text(key),
    ) {
        (None, _) => err(
            start,
            format!("METADATA is missing required field `custom.{key}`"),
        ),
        (Some(_), None) | (Some(_), Some("")) => {
            err(at(key), format!("custom.{key} must be non-empty text"))
        }
        (Some(_), Some(v)) if !allowed.is_empty() && !allowed.contains(&v) => err(
            at(key),
            format!(
                "custom.{key}: expected one of {}; found {v:?}",
                allowed.join(", ")
            ),
        ),
        _ => {}
    };
    let severities: Vec<&str> = Severity::ALL.iter().map(|s| s.as_str()).collect();
    required_text("id", &[], &mut err);
    required_text("severity", &severities, &mut err);
    required_text("category", &CATEGORIES, &mut err);
    required_text("user_impact", &USER_IMPACTS, &mut err);
    required_text("implementation_cost", &IMPLEMENTATION_COSTS, &mut err);
    if let Some(id) = text("id") {
        if !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            err(
                at("id"),
                format!("custom.id {id:?} may hold only letters, digits, '-' and '_'"),
            );
        }
    }
    if custom.contains_key("kind") {
        match text("kind") {
            Some("posture") | Some("detection") => {}
            _ => err(
                at("kind"),
                format!(
                    "custom.kind: expected posture or detection, found {}",
                    custom["kind"]
                ),
            ),
        }
    }
    match custom.get("points") {
        None => err(
            start,
            "METADATA is missing required field `custom.points`".into(),
        ),
        Some(Value::Number(n)) if n.as_f64().is_some_and(|p| p > 0.0 && p.is_finite()) => {}
        Some(other) => err(
            at("points"),
            format!("custom.points must be a number greater than 0, found {other}"),
        ),
    }
    match custom.get("remediation") {
        None => err(
            start,
            "METADATA is missing required field `custom.remediation` (a list of steps)".into(),
        ),
        Some(Value::Array(steps))
            if !steps.is_empty()
                && steps
                    .iter()
                    .all(|s| s.as_str().is_some_and(|s| !s.trim().is_empty())) => {}
        Some(_) => err(
            at("remediation"),
            "custom.remediation must be a non-empty list of steps (text)".into(),
        ),
    }
    if let Some(data) = custom.get("data") {
        let data_at = at("data");
        match data {
            Value::Object(d) => {
                for (key, value) in d {
                    let line = block.line_of(key, data_at);
                    if !DATA_KEYS.contains(&key.as_str()) {
                        err(
                            line,
                            format!("custom.data: unknown field `{key}`; expected api, attestation, events, fields"),
                        );
                        continue;
                    }
                    let Some(items) = value.as_array().filter(|a| a.iter().all(Value::is_string))
                    else {
                        err(line, format!("custom.data.{key} must be a list of names"));
                        continue;
                    };
                    for item in items.iter().filter_map(Value::as_str) {
                        match key.as_str() {
                            "api" if Collection::from_name(item).is_none() => {
                                let known: Vec<&str> =
                                    Collection::ALL.iter().map(|c| c.name()).collect();
                                err(
                                    line,
                                    format!(
                                        "custom.data.api: unknown collection {item:?}; expected one of {}",
                                        known.join(", ")
                                    ),
                                );
                            }
                            "events"
                                if !item.chars().all(|c| {
                                    c.is_ascii_alphanumeric()
                                        || c == '_'
                                        || c == '-'
                                        || c == '.'
                                        || c == ':'
                                }) =>
                            {
                                err(line, format!("custom.data.events: {item:?} is not an audit action key (like user_login)"));
                            }
                            "attestation" if item.split('.').any(str::is_empty) => {
                                err(line, format!("custom.data.attestation: {item:?} is not a dotted path (like authentication.two_step_enforced)"));
                            }
                            "fields" => {
                                let api: Vec<String> = d
                                    .get("api")
                                    .and_then(Value::as_array)
                                    .map(|a| {
                                        a.iter()
                                            .filter_map(Value::as_str)
                                            .map(str::to_string)
                                            .collect()
                                    })
                                    .unwrap_or_default();
                                if let Err(message) = check_field_entry(&api, item) {
                                    err(line, message);
                                }
                            }
                            _ => {}
                        }
                    }
                }
            }
            _ => err(
                at("data"),
                "custom.data must be a mapping (api, attestation, events, fields)".into(),
            ),
        }
    }
    if let Some(config) = custom.get("config") {
        if !config.is_object() {
            err(
                at("config"),
                "custom.config must be a mapping of setting: default".into(),
            );
        }
    }
    if let Some(frameworks) = custom.get("frameworks") {
        let ok = frameworks.as_object().is_some_and(|m| {
            m.values()
                .all(|v| v.as_array().is_some_and(|a| a.iter().all(Value::is_string)))
        });
        if !ok {
            err(
                at("frameworks"),
                "custom.frameworks must map a framework to a list of control references, e.g. {cis: [\"5.2\"]}".into(),
            );
        }
    }
    if let Some(version) = custom.get("version") {
        if !(version.is_string() || version.is_number()) {
            err(
                at("version"),
                format!("custom.version: expected a number or string, found {version}"),
            );
        }
    }
    if problems.iter().any(|p| p.level == Level::Error) {
        return (None, problems);
    }
    match typed(package, &block, doc) {
        Ok(meta) => (Some(meta), problems),
        Err(e) => {
            problems.push(Problem {
                file: file.to_string(),
                line: start,
                level: Level::Error,
                message: format!("METADATA is not valid: {e}"),
            });
            (None, problems)
        }
    }
}

/// The validated block as `PolicyMeta` (only called once [`validate`] found no error).
fn typed(package: String, block: &MetadataBlock, doc: Value) -> Result<PolicyMeta, String> {
    let raw: RawAnnotation = serde_json::from_value(doc).map_err(|e| e.to_string())?;
    let custom = raw.custom.ok_or("no `custom` section")?;
    let trimmed = |v: Option<String>| v.unwrap_or_default().trim().to_string();
    let severity = trimmed(custom.severity).parse::<Severity>()?;
    let kind = match custom.kind.as_deref().map(str::trim) {
        Some("detection") => Kind::Detection,
        _ => Kind::Posture,
    };
    let version = match custom.version {
        None => "1".to_string(),
        Some(Value::String(s)) => s,
        Some(other) => other.to_string(),
    };
    let references = raw
        .related_resources
        .into_iter()
        .map(|r| match r {
            RawResource::Url(u) => u,
            RawResource::Object { r#ref } => r#ref,
        })
        .collect();
    Ok(PolicyMeta {
        package,
        title: trimmed(raw.title),
        description: trimmed(raw.description),
        references,
        id: trimmed(custom.id),
        severity,
        category: trimmed(custom.category),
        points: custom.points.unwrap_or_default(),
        kind,
        user_impact: trimmed(custom.user_impact),
        implementation_cost: trimmed(custom.implementation_cost),
        remediation: custom.remediation,
        data: custom.data,
        config: custom.config,
        frameworks: custom.frameworks,
        version,
        line: block.line,
    })
}

/// Parses the package-scope METADATA of a policy file: [`validate`]'s first error, if any.
/// `Ok(None)` when the file has none (a library module or a test).
pub fn parse_metadata(file: &str, source: &str) -> Result<Option<PolicyMeta>, MetadataError> {
    let (meta, problems) = validate(file, source);
    match problems.into_iter().find(|p| p.level == Level::Error) {
        Some(p) => Err(MetadataError {
            file: p.file,
            line: p.line,
            message: p.message,
        }),
        None => Ok(meta),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"# METADATA
# title: Admins without 2SV
# description: Every admin must use two-step verification.
# related_resources:
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/enforce-two-step-verification/
# custom:
#   id: ATL-IDN-002
#   severity: critical
#   category: Identity and authentication
#   points: 10
#   user_impact: low
#   implementation_cost: low
#   remediation:
#     - Open admin.atlassian.com
#   data:
#     api: [users]
#   config:
#     roles: [atlassian/org-admin]
package orgscan.identity.admin_mfa

import rego.v1
"#;

    #[test]
    fn parses_a_complete_block() {
        let meta = parse_metadata("p.rego", GOOD).unwrap().unwrap();
        assert_eq!(meta.id, "ATL-IDN-002");
        assert_eq!(meta.package, "orgscan.identity.admin_mfa");
        assert_eq!(meta.severity, Severity::Critical);
        assert_eq!(meta.kind, Kind::Posture);
        assert_eq!(meta.data.api_collections(), vec![Collection::Users]);
        assert_eq!(
            meta.config["roles"],
            serde_json::json!(["atlassian/org-admin"])
        );
        assert_eq!(meta.line, 1);
    }

    #[test]
    fn validate_reports_every_problem_and_loading_takes_the_first() {
        let (meta, problems) = validate("p.rego", GOOD);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(meta.map(|m| m.id), Some("ATL-IDN-002".to_string()));
        let src = GOOD
            .replace("severity: critical", "severity: urgent")
            .replace("#   points: 10\n", "#   points: 0\n");
        let (meta, problems) = validate("p.rego", &src);
        assert_eq!(meta, None);
        let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "p.rego:8: error: custom.severity: expected one of info, low, medium, high, critical; found \"urgent\"",
                "p.rego:10: error: custom.points must be a number greater than 0, found 0",
            ]
        );
        let first = parse_metadata("p.rego", &src).unwrap_err().to_string();
        assert_eq!(first, "p.rego:8: custom.severity: expected one of info, low, medium, high, critical; found \"urgent\"");
    }

    #[test]
    fn declared_fields_are_checked_against_api_and_the_read_fields() {
        let api = vec!["users".to_string()];
        assert_eq!(check_field_entry(&api, "users.mfaEnabled"), Ok(()));
        assert_eq!(
            check_field_entry(&api, "users.productAccess.lastActiveTimestamp"),
            Ok(())
        );
        assert_eq!(check_field_entry(&api, "users.productAccess"), Ok(()));
        assert_eq!(
            check_field_entry(&api, "mfaEnabled").unwrap_err(),
            "custom.data.fields: \"mfaEnabled\" is not `collection.field` (like users.mfaEnabled)"
        );
        assert_eq!(
            check_field_entry(&api, "api_tokens.expiresAt").unwrap_err(),
            "custom.data.fields: \"api_tokens.expiresAt\" is a field of api_tokens, which custom.data.api does not list"
        );
        let unread = check_field_entry(&api, "users.emailVerified").unwrap_err();
        assert!(
            unread.starts_with("custom.data.fields: \"users.emailVerified\" is not a field orgscan reads from users; expected one of accountId, "),
            "{unread}"
        );
        let src = GOOD.replace(
            "#     api: [users]\n",
            "#     api: [users]\n#     fields: [users.mfaEnabld]\n",
        );
        let e = parse_metadata("p.rego", &src).unwrap_err().to_string();
        assert!(e.starts_with("p.rego:"), "{e}");
        assert!(
            e.contains("\"users.mfaEnabld\" is not a field orgscan reads"),
            "{e}"
        );
    }

    #[test]
    fn reads_field_matches_declared_fields_and_what_they_hold() {
        let needs = DataNeeds {
            api: vec!["users".into(), "api_tokens".into()],
            fields: vec!["users.productAccess".into(), "users.mfaEnabled".into()],
            ..DataNeeds::default()
        };
        assert!(needs.reads_field(Collection::Users, "mfaEnabled"));
        assert!(needs.reads_field(Collection::Users, "productAccess.key"));
        assert!(!needs.reads_field(Collection::Users, "mfaEnabledAt"));
        assert!(!needs.reads_field(Collection::Users, "platformRoles"));
        // No field of api_tokens declared: all of them count as read.
        assert!(needs.reads_field(Collection::ApiTokens, "expiresAt"));
    }

    #[test]
    fn unknown_severity_names_the_line() {
        let src = GOOD.replace("severity: critical", "severity: urgent");
        let e = parse_metadata("p.rego", &src).unwrap_err();
        assert_eq!(e.to_string(), "p.rego:8: custom.severity: expected one of info, low, medium, high, critical; found \"urgent\"");
    }

    #[test]
    fn missing_field_is_reported() {
        let src = GOOD.replace("#   points: 10\n", "");
        let e = parse_metadata("p.rego", &src).unwrap_err();
        assert_eq!(
            e.to_string(),
            "p.rego:1: METADATA is missing required field `custom.points`"
        );
    }

    #[test]
    fn bad_yaml_points_into_the_block() {
        let src = GOOD.replace("#   points: 10", "#   points: [10");
        let e = parse_metadata("p.rego", &src).unwrap_err();
        assert!(
            e.to_string().starts_with("p.rego:") && e.message.contains("METADATA is not valid"),
            "{e}"
        );
    }

    #[test]
    fn file_without_metadata_is_a_library() {
        assert_eq!(
            parse_metadata("lib.rego", "package orgscan.lib.util\n").unwrap(),
            None
        );
    }
}
