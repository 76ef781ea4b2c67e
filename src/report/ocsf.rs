//! `findings.ocsf.json`: the findings as OCSF 1.8.0 events (a JSON array, as Prowler writes its
//! `json-ocsf` output), for SIEM and Security Lake pipelines. The mapping is documented in
//! docs/report-ocsf.md; tests/it/ocsf.rs validates the output against the OCSF JSON Schema of
//! the two classes used (vendored in tests/fixtures/ocsf/).
//!
//! - A posture control's finding is a **Compliance Finding** (class 2003) with a `compliance`
//!   object (control id, standards and requirements from its framework mappings, status Fail);
//!   a posture control without findings gives one control-level Compliance Finding (Pass, or
//!   Other with the reason when it could not be evaluated), as a compliance feed expects a
//!   result for every control.
//! - A detection's finding is a **Detection Finding** (class 2004) with the detection as its
//!   analytic (a rule). A detection without findings gives no event: nothing was detected.
//! - A waived finding is `status_id` 3 Suppressed (Prowler's muted findings), an open one
//!   1 New; `status_code` is orgscan's control status (`FAIL`, `PASS`, …).
//! - `resources` holds the resource, `evidences` the policy's evidence (under `data`, with the
//!   evidence source as `name`), `unmapped` what OCSF has no attribute for (points, kind,
//!   waiver, baseline state, snapshot and policy pack hashes).
//!
//! Built from the report alone, so `--redact` applies as for the other formats. Deterministic:
//! `time` is the report's evaluation time, events in control id order then finding order.

use super::model::{ControlReport, Report};
use crate::results::{Finding, Kind, Severity, Status};
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;

/// The OCSF schema version the events follow (`metadata.version`).
pub const OCSF_VERSION: &str = "1.8.0";

/// OCSF category 2, Findings.
const FINDINGS_CATEGORY: (u32, &str) = (2, "Findings");
/// The finding classes used: (class_uid, class_name).
const COMPLIANCE_FINDING: (u32, &str) = (2003, "Compliance Finding");
const DETECTION_FINDING: (u32, &str) = (2004, "Detection Finding");
/// `activity_id` 1, Create: each scan reports its findings afresh.
const ACTIVITY_CREATE: (u32, &str) = (1, "Create");

/// OCSF `severity_id` and its caption.
pub fn severity_id(severity: Severity) -> (u32, &'static str) {
    match severity {
        Severity::Info => (1, "Informational"),
        Severity::Low => (2, "Low"),
        Severity::Medium => (3, "Medium"),
        Severity::High => (4, "High"),
        Severity::Critical => (5, "Critical"),
    }
}

/// The finding's OCSF `status_id`: 3 Suppressed when a waiver suppresses it, else 1 New.
fn finding_status(f: &Finding) -> (u32, &'static str) {
    if f.waiver.as_ref().is_some_and(|w| w.suppresses()) {
        (3, "Suppressed")
    } else {
        (1, "New")
    }
}

/// `compliance.status_id` of a control that has no findings.
fn control_compliance_status(status: Status) -> (u32, &'static str) {
    match status {
        Status::Pass | Status::Waived => (1, "Pass"),
        Status::Fail => (3, "Fail"),
        Status::NotEvaluable | Status::NotApplicable | Status::Error => (99, "Other"),
    }
}

fn status_code(status: Status) -> String {
    status.as_str().to_ascii_uppercase()
}

/// The fields every event shares: class, activity, time, severity, metadata, finding_info,
/// remediation.
fn base_event(report: &Report, c: &ControlReport, uid: &str, title: &str) -> Map<String, Value> {
    let (class_uid, class_name) = match c.kind {
        Kind::Posture => COMPLIANCE_FINDING,
        Kind::Detection => DETECTION_FINDING,
    };
    let (severity_id, severity) = severity_id(c.severity);
    let mut e = Map::new();
    e.insert("activity_id".into(), json!(ACTIVITY_CREATE.0));
    e.insert("activity_name".into(), json!(ACTIVITY_CREATE.1));
    e.insert("category_uid".into(), json!(FINDINGS_CATEGORY.0));
    e.insert("category_name".into(), json!(FINDINGS_CATEGORY.1));
    e.insert("class_uid".into(), json!(class_uid));
    e.insert("class_name".into(), json!(class_name));
    e.insert(
        "type_uid".into(),
        json!(class_uid * 100 + ACTIVITY_CREATE.0),
    );
    e.insert(
        "type_name".into(),
        json!(format!("{class_name}: {}", ACTIVITY_CREATE.1)),
    );
    e.insert("time".into(), json!(report.evaluated_at.epoch_millis()));
    e.insert("severity_id".into(), json!(severity_id));
    e.insert("severity".into(), json!(severity));
    e.insert(
        "metadata".into(),
        json!({
            "version": OCSF_VERSION,
            "product": {
                "name": report.tool.name,
                "uid": report.tool.name,
                "vendor_name": report.tool.name,
                "version": report.tool.version,
            },
            "event_code": c.id,
            "tenant_uid": report.org.id,
        }),
    );
    let mut info = Map::new();
    info.insert("uid".into(), json!(uid));
    info.insert("title".into(), json!(title));
    info.insert("desc".into(), json!(c.description));
    info.insert("types".into(), json!([c.category]));
    if c.kind == Kind::Detection {
        // A rule (analytic type_id 1) evaluated over the audit events.
        info.insert(
            "analytic".into(),
            json!({"uid": c.id, "name": c.title, "type_id": 1, "type": "Rule", "version": c.version}),
        );
    }
    e.insert("finding_info".into(), Value::Object(info));
    if !c.remediation.is_empty() {
        let mut remediation = Map::new();
        remediation.insert("desc".into(), json!(c.remediation.join("\n")));
        let links: Vec<&String> = c
            .references
            .iter()
            .filter(|r| r.starts_with("https://") || r.starts_with("http://"))
            .collect();
        if !links.is_empty() {
            remediation.insert("references".into(), json!(links));
        }
        e.insert("remediation".into(), Value::Object(remediation));
    }
    e
}

/// The `compliance` object of a Compliance Finding: the control, its framework mappings.
fn compliance(c: &ControlReport, status: (u32, &str), detail: Option<&str>) -> Value {
    let mut o = Map::new();
    o.insert("control".into(), json!(c.id));
    o.insert("category".into(), json!(c.category));
    if !c.frameworks.is_empty() {
        let standards: Vec<&String> = c.frameworks.keys().collect();
        let requirements: Vec<String> = c
            .frameworks
            .iter()
            .flat_map(|(framework, refs)| refs.iter().map(move |r| format!("{framework} {r}")))
            .collect();
        o.insert("standards".into(), json!(standards));
        o.insert("requirements".into(), json!(requirements));
    }
    o.insert("status_id".into(), json!(status.0));
    o.insert("status".into(), json!(status.1));
    o.insert("status_code".into(), json!(status_code(c.status)));
    if let Some(detail) = detail {
        o.insert("status_detail".into(), json!(detail));
    }
    Value::Object(o)
}

/// What OCSF has no attribute for, as orgscan names it.
fn unmapped(report: &Report, c: &ControlReport) -> Map<String, Value> {
    let mut u = Map::new();
    u.insert("control_id".into(), json!(c.id));
    u.insert("control_status".into(), json!(c.status));
    u.insert("kind".into(), json!(c.kind));
    u.insert("category".into(), json!(c.category));
    u.insert("points".into(), json!(c.points));
    u.insert("points_achieved".into(), json!(c.points_achieved));
    if !c.frameworks.is_empty() {
        u.insert("frameworks".into(), json!(c.frameworks));
    }
    u.insert("snapshot_hash".into(), json!(report.snapshot.content_hash));
    u.insert("policy_pack_hash".into(), json!(report.policy_pack.hash));
    if report.redacted {
        u.insert("redacted".into(), json!(true));
    }
    u
}

fn finding_event(
    report: &Report,
    c: &ControlReport,
    f: &Finding,
    new: Option<&BTreeSet<&str>>,
) -> Value {
    let mut e = base_event(report, c, &f.fingerprint, &c.title);
    // A finding's own severity (policies may set it per finding) wins over the control's.
    let (severity_id, severity) = severity_id(f.severity);
    e.insert("severity_id".into(), json!(severity_id));
    e.insert("severity".into(), json!(severity));
    let (status_id, status) = finding_status(f);
    e.insert("status_id".into(), json!(status_id));
    e.insert("status".into(), json!(status));
    e.insert("status_code".into(), json!("FAIL"));
    e.insert("status_detail".into(), json!(f.message));
    e.insert("message".into(), json!(f.message));
    if c.kind == Kind::Detection {
        e.insert("is_alert".into(), json!(status_id != 3));
    } else {
        e.insert(
            "compliance".into(),
            compliance(c, (3, "Fail"), Some(&f.message)),
        );
    }
    let mut resource = Map::new();
    resource.insert("uid".into(), json!(f.resource.id));
    if let Some(name) = &f.resource.name {
        resource.insert("name".into(), json!(name));
    }
    resource.insert("type".into(), json!(f.resource.kind));
    e.insert("resources".into(), json!([resource]));
    if let Some(evidence) = &f.evidence {
        e.insert(
            "evidences".into(),
            json!([{"name": evidence.source, "data": evidence.details}]),
        );
    }
    let mut u = unmapped(report, c);
    u.insert("fingerprint".into(), json!(f.fingerprint));
    if let Some(w) = &f.waiver {
        u.insert(
            "waiver".into(),
            serde_json::to_value(w).unwrap_or(Value::Null),
        );
    }
    if let Some(new) = new {
        let state = if new.contains(f.fingerprint.as_str()) {
            "new"
        } else {
            "unchanged"
        };
        u.insert("baseline_state".into(), json!(state));
    }
    e.insert("unmapped".into(), Value::Object(u));
    Value::Object(e)
}

/// One event for a posture control without findings: its result as a compliance check.
fn control_event(report: &Report, c: &ControlReport) -> Value {
    let uid = format!("{}/{}", report.org.id, c.id);
    let mut e = base_event(report, c, &uid, &c.title);
    let status = control_compliance_status(c.status);
    let detail = (!c.reasons.is_empty()).then(|| c.reasons.join("; "));
    e.insert("status_code".into(), json!(status_code(c.status)));
    if let Some(detail) = &detail {
        e.insert("status_detail".into(), json!(detail));
    }
    e.insert(
        "message".into(),
        json!(format!("{}: {}", c.status.label(), c.title)),
    );
    e.insert(
        "compliance".into(),
        compliance(c, status, detail.as_deref()),
    );
    e.insert("unmapped".into(), Value::Object(unmapped(report, c)));
    Value::Object(e)
}

/// The report's findings as an array of OCSF events, pretty-printed, control characters
/// escaped as in report.json.
pub fn render_ocsf(report: &Report) -> String {
    let new: Option<BTreeSet<&str>> = report
        .baseline
        .as_ref()
        .map(|b| b.new_findings.iter().map(String::as_str).collect());
    let mut controls: Vec<&ControlReport> = report.controls.iter().collect();
    controls.sort_by(|a, b| a.id.cmp(&b.id));
    let mut events = Vec::new();
    for c in controls {
        for f in &c.findings {
            events.push(finding_event(report, c, f, new.as_ref()));
        }
        if c.findings.is_empty() && c.kind == Kind::Posture {
            events.push(control_event(report, c));
        }
    }
    let mut text =
        crate::safe_text::json(&serde_json::to_string_pretty(&events).unwrap_or_default())
            .into_owned();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture::sample_report;

    fn events() -> Vec<Value> {
        serde_json::from_str(&render_ocsf(&sample_report())).unwrap()
    }

    #[test]
    fn posture_findings_are_compliance_findings_and_detections_detection_findings() {
        let report = sample_report();
        for e in events() {
            let id = e["metadata"]["event_code"].as_str().unwrap();
            let c = report.controls.iter().find(|c| c.id == id).unwrap();
            let class = e["class_uid"].as_u64().unwrap();
            match c.kind {
                Kind::Posture => {
                    assert_eq!(class, 2003, "{id}");
                    assert_eq!(e["compliance"]["control"], id);
                }
                Kind::Detection => {
                    assert_eq!(class, 2004, "{id}");
                    assert!(e.get("compliance").is_none());
                    assert_eq!(e["finding_info"]["analytic"]["uid"], id);
                }
            }
            assert_eq!(e["type_uid"].as_u64().unwrap(), class * 100 + 1);
        }
    }

    #[test]
    fn every_finding_is_one_event_and_waived_ones_are_suppressed() {
        let report = sample_report();
        let events = events();
        let findings: Vec<&Finding> = report
            .controls
            .iter()
            .flat_map(|c| c.findings.iter())
            .collect();
        for f in &findings {
            let matching: Vec<&Value> = events
                .iter()
                .filter(|e| e["finding_info"]["uid"] == f.fingerprint.as_str())
                .collect();
            assert_eq!(matching.len(), 1, "{}", f.fingerprint);
            let e = matching[0];
            let suppressed = f.waiver.as_ref().is_some_and(|w| w.suppresses());
            assert_eq!(e["status_id"], if suppressed { 3 } else { 1 });
            assert_eq!(e["resources"][0]["uid"], f.resource.id.as_str());
            assert_eq!(e["severity_id"], severity_id(f.severity).0);
        }
        assert!(findings
            .iter()
            .any(|f| f.waiver.as_ref().is_some_and(|w| w.suppresses())));
    }

    #[test]
    fn posture_controls_without_findings_report_their_status_and_detections_do_not() {
        let report = sample_report();
        let events = events();
        for c in report.controls.iter().filter(|c| c.findings.is_empty()) {
            let of_control: Vec<&Value> = events
                .iter()
                .filter(|e| e["metadata"]["event_code"] == c.id.as_str())
                .collect();
            match c.kind {
                Kind::Detection => assert!(of_control.is_empty(), "{}", c.id),
                Kind::Posture => {
                    assert_eq!(of_control.len(), 1, "{}", c.id);
                    let want = control_compliance_status(c.status);
                    assert_eq!(of_control[0]["compliance"]["status_id"], want.0, "{}", c.id);
                    assert_eq!(of_control[0]["status_code"], status_code(c.status));
                }
            }
        }
    }
}
