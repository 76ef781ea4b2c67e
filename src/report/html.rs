//! The HTML report: one self-contained file (inline CSS and SVG, no external assets) rendered
//! by handlebars in strict mode from templates embedded at build time. All org data goes
//! through handlebars' HTML escaping (`{{…}}`, never `{{{…}}}`); the only raw content is our
//! own stylesheet, included as a partial.

use super::model::{ControlReport, Report};
use crate::results::{Finding, Status};
use handlebars::Handlebars;
use serde_json::{json, Value};

const TEMPLATE: &str = include_str!("../../reports/report.html.hbs");
const STYLE: &str = include_str!("../../reports/report.css");

/// Findings listed per control before the rest are summarised by a count.
pub const FINDINGS_SHOWN: usize = 50;

#[derive(Debug, thiserror::Error)]
#[error("rendering the HTML report: {0}")]
pub struct HtmlError(String);

pub fn render_html(report: &Report) -> Result<String, HtmlError> {
    let mut hb = Handlebars::new();
    hb.set_strict_mode(true);
    hb.register_partial("style", STYLE)
        .map_err(|e| HtmlError(e.to_string()))?;
    hb.register_template_string("report", TEMPLATE)
        .map_err(|e| HtmlError(e.to_string()))?;
    hb.render("report", &view_model(report))
        .map_err(|e| HtmlError(e.to_string()))
}

fn status_label(s: Status) -> &'static str {
    match s {
        Status::Pass => "Passed",
        Status::Fail => "Failed",
        Status::NotEvaluable => "Not evaluable",
        Status::NotApplicable => "Not applicable",
        Status::Error => "Error",
        Status::Waived => "Waived",
    }
}

fn fmt_points(p: f64) -> String {
    if p.fract() == 0.0 {
        format!("{p:.0}")
    } else {
        format!("{p:.2}").trim_end_matches('0').to_string()
    }
}

/// Evidence as label/value rows; structured values shown as compact JSON text (escaped later).
fn evidence_rows(f: &Finding) -> Vec<Value> {
    let Some(e) = &f.evidence else {
        return Vec::new();
    };
    let mut rows = vec![json!({"key": "source", "value": e.source})];
    for (k, v) in &e.details {
        let text = match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        rows.push(json!({"key": k, "value": text}));
    }
    rows
}

fn control_view(c: &ControlReport) -> Value {
    let shown: Vec<Value> = c
        .findings
        .iter()
        .take(FINDINGS_SHOWN)
        .map(|f| {
            json!({
                "message": f.message,
                "severity": f.severity,
                "resource_type": f.resource.kind,
                "resource_id": f.resource.id,
                "resource_name": f.resource.name.clone().unwrap_or_default(),
                "evidence": evidence_rows(f),
                "waived": f.waiver.is_some(),
                "fingerprint": f.fingerprint,
            })
        })
        .collect();
    json!({
        "id": c.id,
        "title": c.title,
        "description": c.description,
        "category": c.category,
        "kind": c.kind,
        "severity": c.severity,
        "status": c.status,
        "status_label": status_label(c.status),
        "points": fmt_points(c.points),
        "points_achieved": fmt_points(c.points_achieved),
        "points_left": fmt_points(c.points_left),
        "reasons": c.reasons,
        "user_impact": c.user_impact,
        "implementation_cost": c.implementation_cost,
        "remediation": c.remediation,
        "references": c.references,
        "source": c.source,
        "finding_count": c.finding_count,
        "findings": shown,
        "hidden_findings": c.finding_count.saturating_sub(FINDINGS_SHOWN),
        "has_findings": c.finding_count > 0,
        "open": c.status == Status::Fail || c.status == Status::Error,
    })
}

/// The ring gauge: circumference of r=52 and the share filled.
fn gauge(percent: f64) -> Value {
    let circumference = 2.0 * std::f64::consts::PI * 52.0;
    let filled = circumference * (percent / 100.0).clamp(0.0, 1.0);
    json!({"dash": format!("{filled:.2} {circumference:.2}"), "percent": format!("{percent:.1}")})
}

fn view_model(report: &Report) -> Value {
    let categories: Vec<Value> = report
        .score
        .by_category
        .iter()
        .map(|(name, total)| {
            json!({
                "name": name,
                "achieved": fmt_points(total.achieved),
                "max": fmt_points(total.max),
                "percent": format!("{:.1}", total.percent),
                "bar": format!("{:.1}", total.percent.clamp(0.0, 100.0)),
                "unevaluated": fmt_points(total.unevaluated_points),
            })
        })
        .collect();
    let posture: Vec<Value> = report
        .controls
        .iter()
        .filter(|c| c.kind == crate::results::Kind::Posture)
        .map(control_view)
        .collect();
    let detections: Vec<Value> = report
        .controls
        .iter()
        .filter(|c| c.kind == crate::results::Kind::Detection)
        .map(control_view)
        .collect();
    let statuses: Vec<Value> = report
        .summary
        .by_status
        .iter()
        .map(|(s, n)| json!({"status": s, "label": status_label(*s), "count": n}))
        .collect();
    let severities: Vec<Value> = report
        .summary
        .failed_by_severity
        .iter()
        .rev()
        .map(|(s, n)| json!({"severity": s, "count": n}))
        .collect();
    let collections: Vec<Value> = report
        .snapshot
        .collections
        .iter()
        .map(|(name, c)| {
            json!({
                "name": name,
                "available": c.available,
                "source": c.source,
                "fetched_at": c.fetched_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
                "records": c.records,
                "reason": c.reason.clone().unwrap_or_default(),
            })
        })
        .collect();
    let not_evaluable: Vec<Value> = report
        .controls
        .iter()
        .filter(|c| c.status == Status::NotEvaluable || c.status == Status::Error)
        .map(|c| json!({"id": c.id, "title": c.title, "reasons": c.reasons, "status_label": status_label(c.status)}))
        .collect();
    json!({
        "org_name": report.org.name.clone().unwrap_or_else(|| report.org.id.clone()),
        "org_id": report.org.id,
        "tool_version": report.tool.version,
        "collected_at": report.snapshot.collected_at.to_rfc3339(),
        "evaluated_at": report.evaluated_at.to_rfc3339(),
        "snapshot_location": report.snapshot.location,
        "snapshot_source": report.snapshot.source,
        "snapshot_hash": report.snapshot.content_hash,
        "pack_hash": report.policy_pack.hash,
        "attestation": report.snapshot.attestation.as_ref().map(|a| json!({"by": a.attested_by, "at": a.attested_at.to_rfc3339()})).unwrap_or(Value::Null),
        "has_attestation": report.snapshot.attestation.is_some(),
        "score": {
            "percent": format!("{:.1}", report.score.overall.percent),
            "achieved": fmt_points(report.score.overall.achieved),
            "max": fmt_points(report.score.overall.max),
            "unevaluated": fmt_points(report.score.overall.unevaluated_points),
        },
        "gauge": gauge(report.score.overall.percent),
        "categories": categories,
        "statuses": statuses,
        "severities": severities,
        "gate_outcome": report.gate.outcome,
        "gate_fail_on": report.gate.fail_on,
        "gate_reasons": report.gate.reasons,
        "posture": posture,
        "detections": detections,
        "has_detections": !report.controls.iter().all(|c| c.kind != crate::results::Kind::Detection),
        "collections": collections,
        "not_evaluable": not_evaluable,
        "findings_total": report.summary.findings,
        "findings_cap": FINDINGS_SHOWN,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gate::decide;
    use crate::report::model::{build_report, ReportInputs};
    use crate::results::*;
    use crate::snapshot::manifest::*;
    use crate::snapshot::{EventSource, Snapshot, Timestamp};
    use std::collections::BTreeMap;

    const HOSTILE: &str =
        "<script>document.title='pwned'</script>\"'><img src=x onerror=alert(1)>{{this}}\u{0007}";

    fn hostile_report() -> Report {
        let at = Timestamp::parse("2026-11-20T12:00:00Z").unwrap();
        let snapshot = Snapshot {
            location: HOSTILE.into(),
            manifest: Manifest {
                format: FORMAT_NAME.into(),
                format_version: FORMAT_VERSION,
                tool_version: "t".into(),
                org: OrgIdentity {
                    id: HOSTILE.into(),
                    name: Some(HOSTILE.into()),
                },
                collected_at: at,
                source: SnapshotSource::Import,
                event_window: None,
                stream_cursor: None,
                files: BTreeMap::new(),
                collections: BTreeMap::new(),
            },
            org: None,
            directories: vec![],
            users: vec![],
            groups: vec![],
            domains: vec![],
            org_policies: vec![],
            control_policies: vec![],
            api_keys: vec![],
            api_tokens: vec![],
            event_actions: vec![],
            workspaces: vec![],
            attestation: None,
            events: EventSource::None,
        };
        let resource = Resource {
            kind: "user".into(),
            id: HOSTILE.into(),
            name: Some(HOSTILE.repeat(200)),
        };
        let finding = Finding {
            control_id: "X-1".into(),
            severity: Severity::High,
            fingerprint: fingerprint("X-1", &resource),
            resource,
            message: HOSTILE.into(),
            evidence: Some(Evidence {
                source: "api".into(),
                details: [("observed".to_string(), serde_json::json!(HOSTILE))]
                    .into_iter()
                    .collect(),
            }),
            waiver: None,
        };
        let control = ControlResult {
            info: ControlInfo {
                id: "X-1".into(),
                title: HOSTILE.into(),
                description: HOSTILE.into(),
                severity: Severity::High,
                category: "Identity and authentication".into(),
                points: 5.0,
                kind: Kind::Posture,
                user_impact: "low".into(),
                implementation_cost: "low".into(),
                remediation: vec![HOSTILE.into()],
                references: vec![],
                source: "s".into(),
                version: "1".into(),
            },
            status: Status::Fail,
            score: Some(0.0),
            points_achieved: 0.0,
            reasons: vec![],
            findings: vec![finding],
            duration_ms: 0,
        };
        let controls = vec![control];
        let gate = decide(&controls, Severity::High, false);
        build_report(ReportInputs {
            snapshot: &snapshot,
            controls: &controls,
            now: at,
            pack_hash: "h".into(),
            gate,
            activity: serde_json::Value::Null,
        })
    }

    #[test]
    fn org_data_is_escaped_everywhere() {
        let html = render_html(&hostile_report()).unwrap();
        assert!(
            !html.contains("<script>document"),
            "a raw script tag leaked"
        );
        assert!(!html.contains("<img src=x"), "a raw tag leaked");
        assert!(
            html.contains("&lt;script&gt;document.title"),
            "the text is shown literally"
        );
        assert!(
            html.contains("{{this}}"),
            "handlebars syntax in data is not evaluated"
        );
        assert!(
            !html.contains("src=\"http") && !html.contains("href=\"http"),
            "no external assets"
        );
    }
}
