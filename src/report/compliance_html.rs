//! The compliance section of the HTML report: one block per framework (header counts, then
//! each requirement with its status, its controls linked by anchor, its findings and waivers,
//! or what the auditor must collect). Rendered by `reports/partials/compliance.html.hbs`, a partial of
//! the report template; this module only builds the view model.

use super::compliance::{ComplianceReport, RequirementResult, RequirementStatus};
use super::html::clip;
use crate::framework::Assessment;
use serde_json::{json, Value};

/// Findings listed per requirement; the rest are in compliance-<id>.json.
const FINDINGS_SHOWN: usize = 20;

pub fn status_label(s: RequirementStatus) -> &'static str {
    match s {
        RequirementStatus::Pass => "Pass",
        RequirementStatus::Fail => "Fail",
        RequirementStatus::Partial => "Partial",
        RequirementStatus::NotEvaluated => "Not evaluated",
        RequirementStatus::Manual => "Manual",
    }
}

fn requirement_view(r: &RequirementResult, anchor: &dyn Fn(&str) -> Option<String>) -> Value {
    let controls: Vec<Value> = r
        .controls
        .iter()
        .map(|c| {
            json!({
                "id": clip(&c.id, 200),
                "title": clip(&c.title, 500),
                "status": c.status.as_str(),
                "anchor": anchor(&c.id).unwrap_or_default(),
            })
        })
        .collect();
    // Open findings first, then waived ones, each in the controls' order.
    let mut ordered: Vec<_> = r.findings.iter().filter(|f| !f.is_waived()).collect();
    ordered.extend(r.findings.iter().filter(|f| f.is_waived()));
    let findings: Vec<Value> = ordered
        .iter()
        .take(FINDINGS_SHOWN)
        .map(|f| {
            json!({
                "control_id": clip(&f.control_id, 200),
                "severity": f.severity.as_str(),
                "resource": clip(
                    &format!("{} {}", f.resource.kind, f.resource.name.as_deref().unwrap_or(&f.resource.id)),
                    500
                ),
                "message": clip(&f.message, 1000),
                "waived": f.is_waived(),
                "waiver": f.waiver.as_ref().map(|w| json!({
                    "status": clip(&w.status, 100),
                    "reason": clip(&w.reason, 1000),
                })).unwrap_or(Value::Bool(false)),
            })
        })
        .collect();
    json!({
        "id": clip(&r.id, 100),
        "section": clip(&r.section, 200),
        "title": clip(&r.title, 300),
        "assessment": r.assessment.as_str(),
        "status": r.status.as_str(),
        "status_label": status_label(r.status),
        "auditor_evidence": r.auditor_evidence.as_deref().map(|e| clip(e, 1000)).unwrap_or_default(),
        "controls": controls,
        "findings": findings,
        "open_findings": r.open_findings,
        "waived_findings": r.waived_findings,
        "hidden_findings": r.findings.len().saturating_sub(FINDINGS_SHOWN),
    })
}

/// The view of every framework; `anchor` gives the HTML id of a control's entry in the report
/// (None when the control is not in the report).
pub fn compliance_view(
    views: &[ComplianceReport],
    anchor: &dyn Fn(&str) -> Option<String>,
) -> Vec<Value> {
    views
        .iter()
        .map(|v| {
            let count = |s: RequirementStatus| v.summary.by_status.get(&s).copied().unwrap_or(0);
            json!({
                "id": clip(&v.framework.id, 100),
                "name": clip(&v.framework.name, 300),
                "version": clip(&v.framework.version, 100),
                "scope": clip(&v.framework.scope, 2000),
                "requirements_total": v.summary.requirements,
                "automated": v.summary.automated,
                "partially_automated": v.summary.partially_automated,
                "manual": v.summary.manual,
                "covered": v.requirements.iter().filter(|r| r.assessment != Assessment::Manual).count(),
                "passed": count(RequirementStatus::Pass),
                "failed": count(RequirementStatus::Fail),
                "partial": count(RequirementStatus::Partial),
                "not_evaluated": count(RequirementStatus::NotEvaluated),
                "manual_status": count(RequirementStatus::Manual),
                "requirements": v.requirements.iter().map(|r| requirement_view(r, anchor)).collect::<Vec<_>>(),
            })
        })
        .collect()
}
