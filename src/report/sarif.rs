//! `report.sarif`: SARIF 2.1.0 for code-scanning dashboards (GitHub, Azure DevOps).
//!
//! - `tool.driver.rules`: one per control, from its policy metadata (id, name, short and full
//!   description, help text and markdown, default level, and in `properties` the severity,
//!   `security-severity`, category, kind, points and tags).
//! - `results`: one per finding, with a synthetic location: an artifact URI relative to the
//!   base id `ATLASSIAN_ORG` (`atlassian://org/<org-id>/`), so the absolute form is
//!   `atlassian://org/<org-id>/<resource type>/<resource id>` while the URI GitHub ingests stays
//!   relative. `partialFingerprints` carries orgscan's fingerprint (control + resource), stable
//!   across runs and message changes. Waived findings carry an `external` suppression.
//! - Controls that errored or could not be evaluated are tool notifications, not results.
//!
//! Deterministic: no times beyond the report's own, keys in a fixed order.

use super::markdown::md_text;
use super::model::{ControlReport, Report};
use crate::gate::Outcome;
use crate::results::{Finding, Severity, Status};
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;

/// `tool.driver.informationUri` by default: the project's documentation (Cargo.toml
/// `documentation`); `[report] information_uri` in orgscan.toml replaces it.
pub const DOCS_URL: &str = concat!(env!("CARGO_PKG_REPOSITORY"), "/tree/main/docs");

pub const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
pub const URI_BASE_ID: &str = "ATLASSIAN_ORG";
pub const FINGERPRINT_KEY: &str = "orgscanFinding/v1";

pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub's numeric severity (critical > 9, high 7–8.9, medium 4–6.9, low 0.1–3.9).
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.0",
    }
}

/// Ids longer than this (never seen in real orgs) are replaced in URIs by a hash of them.
const MAX_SEGMENT: usize = 200;

/// Percent-encodes everything but RFC 3986 unreserved characters, so any resource id makes a
/// valid path segment; an overlong id becomes `sha256-<first 32 hex digits>`.
pub fn encode_segment(text: &str) -> String {
    if text.len() > MAX_SEGMENT {
        use sha2::{Digest, Sha256};
        return format!(
            "sha256-{}",
            &hex::encode(Sha256::digest(text.as_bytes()))[..32]
        );
    }
    let mut out = crate::uri::encode_segment(text);
    if out.is_empty() || out == "." || out == ".." {
        out = out.replace('.', "%2E");
        if out.is_empty() {
            out.push_str("%20");
        }
    }
    out
}

/// `user/557058%3Aabc`: the finding's location relative to `atlassian://org/<org-id>/`.
pub fn relative_uri(f: &Finding) -> String {
    format!(
        "{}/{}",
        encode_segment(&f.resource.kind),
        encode_segment(&f.resource.id)
    )
}

/// A PascalCase identifier from a title ("Admins use 2SV" → "AdminsUse2sv").
fn rule_name(title: &str, id: &str) -> String {
    let mut name = String::new();
    for word in title.split(|c: char| !c.is_ascii_alphanumeric()) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            name.push(first.to_ascii_uppercase());
            name.extend(chars.map(|c| c.to_ascii_lowercase()));
        }
    }
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!(
            "Control{}",
            encode_segment(id).replace(['-', '.', '~', '%'], "")
        );
    }
    name
}

fn help(c: &ControlReport) -> (String, String) {
    let mut text = format!("{}\n\nRemediation:\n", c.description);
    let mut md = format!("{}\n\n**Remediation**\n\n", md_text(&c.description));
    for (i, step) in c.remediation.iter().enumerate() {
        text.push_str(&format!("{}. {}\n", i + 1, step));
        md.push_str(&format!("{}. {}\n", i + 1, md_text(step)));
    }
    text.push_str(&format!(
        "\nSeverity: {}. User impact: {}. Implementation cost: {}. Points: {}.",
        c.severity, c.user_impact, c.implementation_cost, c.points
    ));
    md.push_str(&format!(
        "\n| Severity | User impact | Implementation cost | Points |\n| --- | --- | --- | --- |\n| {} | {} | {} | {} |\n",
        c.severity,
        md_text(&c.user_impact),
        md_text(&c.implementation_cost),
        c.points
    ));
    if !c.references.is_empty() {
        text.push_str("\n\nReferences:\n");
        md.push_str("\n**References**\n\n");
        for r in &c.references {
            text.push_str(&format!("- {r}\n"));
            md.push_str(&format!("- {}\n", md_text(r)));
        }
    }
    (text, md)
}

fn rule(c: &ControlReport) -> Value {
    let (help_text, help_md) = help(c);
    let mut rule = Map::new();
    rule.insert("id".into(), json!(c.id));
    rule.insert("name".into(), json!(rule_name(&c.title, &c.id)));
    rule.insert("shortDescription".into(), json!({"text": c.title}));
    rule.insert("fullDescription".into(), json!({"text": c.description}));
    rule.insert(
        "help".into(),
        json!({"text": help_text, "markdown": help_md}),
    );
    if let Some(uri) = c
        .references
        .iter()
        .find(|r| r.starts_with("https://") || r.starts_with("http://"))
    {
        rule.insert("helpUri".into(), json!(uri));
    }
    rule.insert(
        "defaultConfiguration".into(),
        json!({"level": level(c.severity)}),
    );
    let kind = serde_json::to_value(c.kind).unwrap_or(Value::Null);
    rule.insert(
        "properties".into(),
        json!({
            "severity": c.severity,
            "security-severity": security_severity(c.severity),
            "category": c.category,
            "kind": kind,
            "points": c.points,
            "user_impact": c.user_impact,
            "implementation_cost": c.implementation_cost,
            "version": c.version,
            "tags": tags(c, &kind),
            "frameworks": c.frameworks,
        }),
    );
    Value::Object(rule)
}

/// Rule tags: fixed ones, then `external/<framework>/<reference>` per framework mapping (the
/// convention GitHub code scanning uses for CWE ids), so findings can be filtered by control.
fn tags(c: &ControlReport, kind: &Value) -> Vec<Value> {
    let mut tags = vec![
        json!("security"),
        json!("atlassian"),
        json!(c.category),
        kind.clone(),
        json!(c.severity.as_str()),
    ];
    for (framework, refs) in &c.frameworks {
        for r in refs {
            tags.push(json!(format!("external/{framework}/{r}")));
        }
    }
    tags
}

fn result(
    report: &Report,
    c: &ControlReport,
    rule_index: usize,
    f: &Finding,
    new: Option<&BTreeSet<&str>>,
) -> Value {
    let mut r = Map::new();
    r.insert("ruleId".into(), json!(c.id));
    r.insert("ruleIndex".into(), json!(rule_index));
    r.insert("kind".into(), json!("fail"));
    r.insert("level".into(), json!(level(f.severity)));
    r.insert("message".into(), json!({"text": f.message}));
    let display = f
        .resource
        .name
        .clone()
        .unwrap_or_else(|| f.resource.id.clone());
    r.insert(
        "locations".into(),
        json!([{
            "physicalLocation": {
                "artifactLocation": {"uri": relative_uri(f), "uriBaseId": URI_BASE_ID},
                // The resource as a whole: an empty region at its start.
                "region": {"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 1},
            },
            "logicalLocations": [{
                "name": display,
                "fullyQualifiedName": format!("{}/{}", f.resource.kind, f.resource.id),
                "kind": "resource",
            }],
        }]),
    );
    r.insert(
        "partialFingerprints".into(),
        json!({ FINGERPRINT_KEY: f.fingerprint }),
    );
    if let Some(new) = new {
        let state = if new.contains(f.fingerprint.as_str()) {
            "new"
        } else {
            "unchanged"
        };
        r.insert("baselineState".into(), json!(state));
    }
    if let Some(w) = &f.waiver {
        if w.suppresses() {
            let mut justification = format!("{}: {}", w.status, w.reason);
            if let Some(t) = &w.ticket {
                justification.push_str(&format!(" ({t})"));
            }
            r.insert(
                "suppressions".into(),
                json!([{"kind": "external", "status": "accepted", "justification": justification}]),
            );
        }
    }
    let mut props = Map::new();
    props.insert("resource_type".into(), json!(f.resource.kind));
    props.insert("resource_id".into(), json!(f.resource.id));
    if let Some(n) = &f.resource.name {
        props.insert("resource_name".into(), json!(n));
    }
    props.insert("control_status".into(), json!(c.status));
    if let Some(e) = &f.evidence {
        props.insert(
            "evidence".into(),
            serde_json::to_value(e).unwrap_or(Value::Null),
        );
    }
    if let Some(w) = &f.waiver {
        props.insert(
            "waiver".into(),
            serde_json::to_value(w).unwrap_or(Value::Null),
        );
    }
    props.insert("org_id".into(), json!(report.org.id));
    r.insert("properties".into(), Value::Object(props));
    Value::Object(r)
}

pub fn render_sarif(report: &Report) -> String {
    // Rules in id order so indices are stable whatever the ranking.
    let mut by_id: Vec<&ControlReport> = report.controls.iter().collect();
    by_id.sort_by(|a, b| a.id.cmp(&b.id));
    let rules: Vec<Value> = by_id.iter().map(|c| rule(c)).collect();
    let new: Option<BTreeSet<&str>> = report
        .baseline
        .as_ref()
        .map(|b| b.new_findings.iter().map(String::as_str).collect());
    let mut results = Vec::new();
    let mut notifications = Vec::new();
    for (index, c) in by_id.iter().enumerate() {
        for f in &c.findings {
            results.push(result(report, c, index, f, new.as_ref()));
        }
        if matches!(c.status, Status::Error | Status::NotEvaluable) {
            let lvl = if c.status == Status::Error {
                "error"
            } else {
                "warning"
            };
            let why = if c.reasons.is_empty() {
                "no reason given".to_string()
            } else {
                c.reasons.join("; ")
            };
            notifications.push(json!({
                "level": lvl,
                "message": {"text": format!("{} is {}: {}", c.id, c.status.as_str(), why)},
                "associatedRule": {"id": c.id, "index": index},
            }));
        }
    }
    for w in &report.warnings {
        notifications.push(json!({"level": "warning", "message": {"text": w}}));
    }
    let mut invocation = Map::new();
    invocation.insert(
        "executionSuccessful".into(),
        json!(report.gate.outcome != Outcome::Incomplete),
    );
    invocation.insert("endTimeUtc".into(), json!(report.evaluated_at.to_rfc3339()));
    if !notifications.is_empty() {
        invocation.insert(
            "toolExecutionNotifications".into(),
            Value::Array(notifications),
        );
    }
    let mut doc = json!({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": report.tool.name,
                "informationUri": report.information_uri.as_deref().unwrap_or(DOCS_URL),
                "version": report.tool.version,
                "semanticVersion": report.tool.version,
                "rules": rules,
            }},
            "automationDetails": {"id": format!("orgscan/{}/", report.org.id)},
            "originalUriBaseIds": {
                URI_BASE_ID: {
                    "uri": format!("atlassian://org/{}/", encode_segment(&report.org.id)),
                    "description": {"text": "The Atlassian Cloud organization that was scanned"},
                },
            },
            "invocations": [Value::Object(invocation)],
            "results": results,
            "columnKind": "unicodeCodePoints",
            "properties": {
                "org_id": report.org.id,
                "snapshot_hash": report.snapshot.content_hash,
                "policy_pack_hash": report.policy_pack.hash,
                "collected_at": report.snapshot.collected_at,
                "score_percent": report.score.overall.percent,
                "coverage_percent": report.score.overall.coverage,
                "gate": report.gate.outcome.as_str(),
                "snapshot_source": report.snapshot.source,
                "redacted": report.redacted,
            },
        }],
    });
    if let (Some(would_be), Some(props)) = (
        report.gate.would_be,
        doc.pointer_mut("/runs/0/properties")
            .and_then(Value::as_object_mut),
    ) {
        // Under --exit-zero: what the gate would have decided (`gate` reads `not_enforced`).
        props.insert("gate_would_be".into(), json!(would_be.as_str()));
    }
    let mut text = crate::safe_text::json(&serde_json::to_string_pretty(&doc).unwrap_or_default())
        .into_owned();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_percent_encoded() {
        assert_eq!(encode_segment("557058:ab-c"), "557058%3Aab-c");
        assert_eq!(encode_segment("<x y>/"), "%3Cx%20y%3E%2F");
        assert_eq!(encode_segment(".."), "%2E%2E");
        assert_eq!(encode_segment(""), "%20");
        assert_eq!(encode_segment("é"), "%C3%A9");
        assert!(encode_segment(&"x".repeat(300)).starts_with("sha256-"));
    }

    #[test]
    fn rule_names_are_identifiers() {
        assert_eq!(rule_name("Admins use 2SV", "A-1"), "AdminsUse2sv");
        assert_eq!(
            rule_name("2SV for admins", "ATL-IDN-001"),
            "ControlATLIDN001"
        );
    }
}
