//! The one METADATA validator: the block's YAML read into raw shapes (unknown keys rejected),
//! every rule checked with a located problem, and the valid block typed into `PolicyMeta`.

use super::block::MetadataBlock;
use super::{
    check_field_entry, package_of, DataNeeds, PolicyMeta, CATEGORIES, IMPLEMENTATION_COSTS,
    USER_IMPACTS,
};
use crate::policy::problem::{Level, Problem};
use crate::results::{Kind, Severity};
use crate::snapshot::Collection;
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;

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
