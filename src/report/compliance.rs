//! Compliance views, `orgscan.compliance/v1`: one document per framework, requirement by
//! requirement, built from the (possibly redacted) report and the framework data
//! (`crate::framework`). Written as `compliance-<id>.json` and `compliance-<id>.csv`, and shown
//! as a section of the HTML report (`compliance_html`). The JSON Schema is
//! `schemas/compliance.v1.schema.json`; docs/compliance.md explains the statuses.

use super::csv::row as csv_row;
use super::model::{ControlReport, Report};
use crate::framework::{Assessment, Framework};
use crate::results::{AppliedWaiver, Resource, Severity, Status};
use serde::Serialize;
use std::collections::BTreeMap;

pub const COMPLIANCE_SCHEMA: &str = "orgscan.compliance/v1";

/// Evidence pointers listed per requirement in the CSV before "and N more".
const CSV_POINTERS: usize = 50;

/// A requirement's outcome over its mapped controls.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RequirementStatus {
    /// Every mapped control that could be evaluated passed (or its findings are waived).
    Pass,
    /// A mapped control fails; its open findings are listed.
    Fail,
    /// None fails, but some mapped controls could not be evaluated.
    Partial,
    /// No mapped control was evaluated (none loaded, or none had the data).
    NotEvaluated,
    /// Nothing orgscan reads answers it: the auditor collects the evidence.
    Manual,
}

impl RequirementStatus {
    pub const ALL: [RequirementStatus; 5] = [
        RequirementStatus::Pass,
        RequirementStatus::Fail,
        RequirementStatus::Partial,
        RequirementStatus::NotEvaluated,
        RequirementStatus::Manual,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RequirementStatus::Pass => "pass",
            RequirementStatus::Fail => "fail",
            RequirementStatus::Partial => "partial",
            RequirementStatus::NotEvaluated => "not_evaluated",
            RequirementStatus::Manual => "manual",
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct ComplianceReport {
    pub schema: String,
    pub framework: FrameworkInfo,
    pub org: super::model::OrgInfo,
    /// `api`, `import` or `demo` (a demo view is not an org's evidence).
    pub snapshot_source: String,
    pub snapshot_content_hash: String,
    pub evaluated_at: crate::snapshot::Timestamp,
    pub policy_pack_hash: String,
    pub redacted: bool,
    pub summary: ComplianceSummary,
    pub requirements: Vec<RequirementResult>,
    /// Loaded controls that map to no requirement of this framework, with the framework
    /// file's reason when it gives one.
    pub unmapped_controls: Vec<UnmappedControl>,
}

#[derive(Clone, Debug, Serialize)]
pub struct FrameworkInfo {
    pub id: String,
    pub name: String,
    pub version: String,
    pub url: String,
    pub scope: String,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct ComplianceSummary {
    pub requirements: usize,
    /// How many requirements the framework file marks automated, partial and manual.
    pub automated: usize,
    pub partially_automated: usize,
    pub manual: usize,
    /// Requirements per status (every status present, zero included).
    pub by_status: BTreeMap<RequirementStatus, usize>,
}

#[derive(Clone, Debug, Serialize)]
pub struct RequirementResult {
    pub id: String,
    pub section: String,
    pub title: String,
    pub assessment: Assessment,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auditor_evidence: Option<String>,
    pub status: RequirementStatus,
    pub controls: Vec<ControlRef>,
    /// Open (unwaived) findings of the mapped controls.
    pub open_findings: usize,
    /// Findings of the mapped controls covered by a waiver that suppresses them.
    pub waived_findings: usize,
    /// The mapped controls' findings, open and waived (each with its waiver).
    pub findings: Vec<FindingRef>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ControlRef {
    pub id: String,
    pub title: String,
    pub status: Status,
    pub severity: Severity,
}

#[derive(Clone, Debug, Serialize)]
pub struct FindingRef {
    pub control_id: String,
    pub severity: Severity,
    pub resource: Resource,
    pub message: String,
    /// The finding's fingerprint in report.json and findings.csv.
    pub fingerprint: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waiver: Option<AppliedWaiver>,
}

impl FindingRef {
    pub fn is_waived(&self) -> bool {
        self.waiver.as_ref().is_some_and(AppliedWaiver::suppresses)
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct UnmappedControl {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The status of a requirement from its assessment and its mapped controls' statuses.
pub fn requirement_status(assessment: Assessment, controls: &[Status]) -> RequirementStatus {
    if assessment == Assessment::Manual {
        return RequirementStatus::Manual;
    }
    if controls.contains(&Status::Fail) {
        return RequirementStatus::Fail;
    }
    let evaluated = controls
        .iter()
        .any(|s| matches!(s, Status::Pass | Status::Waived));
    let unevaluated = controls
        .iter()
        .any(|s| matches!(s, Status::NotEvaluable | Status::Error));
    match (evaluated, unevaluated) {
        (false, _) => RequirementStatus::NotEvaluated,
        (true, true) => RequirementStatus::Partial,
        (true, false) => RequirementStatus::Pass,
    }
}

fn maps_to(control: &ControlReport, framework: &str, requirement: &str) -> bool {
    control
        .frameworks
        .get(framework)
        .is_some_and(|refs| refs.iter().any(|r| r == requirement))
}

/// One framework's view of the report. The report's controls keep their order (ranked); a
/// requirement lists its controls by id.
pub fn build_compliance(report: &Report, framework: &Framework) -> ComplianceReport {
    let mut requirements = Vec::new();
    for r in &framework.requirements {
        let mut mapped: Vec<&ControlReport> = report
            .controls
            .iter()
            .filter(|c| maps_to(c, &framework.id, &r.id))
            .collect();
        mapped.sort_by(|a, b| a.id.cmp(&b.id));
        let statuses: Vec<Status> = mapped.iter().map(|c| c.status).collect();
        let findings: Vec<FindingRef> = mapped
            .iter()
            .flat_map(|c| c.findings.iter())
            .map(|f| FindingRef {
                control_id: f.control_id.clone(),
                severity: f.severity,
                resource: f.resource.clone(),
                message: f.message.clone(),
                fingerprint: f.fingerprint.clone(),
                waiver: f.waiver.clone(),
            })
            .collect();
        let waived = findings.iter().filter(|f| f.is_waived()).count();
        requirements.push(RequirementResult {
            id: r.id.clone(),
            section: r.section.clone(),
            title: r.title.clone(),
            assessment: r.assessment,
            auditor_evidence: r.auditor_evidence.clone(),
            status: requirement_status(r.assessment, &statuses),
            controls: mapped
                .iter()
                .map(|c| ControlRef {
                    id: c.id.clone(),
                    title: c.title.clone(),
                    status: c.status,
                    severity: c.severity,
                })
                .collect(),
            open_findings: findings.len() - waived,
            waived_findings: waived,
            findings,
        });
    }
    let mut by_status: BTreeMap<RequirementStatus, usize> =
        RequirementStatus::ALL.iter().map(|s| (*s, 0)).collect();
    for r in &requirements {
        *by_status.entry(r.status).or_default() += 1;
    }
    let mut unmapped: Vec<UnmappedControl> = report
        .controls
        .iter()
        .filter(|c| c.frameworks.get(&framework.id).is_none_or(Vec::is_empty))
        .map(|c| UnmappedControl {
            id: c.id.clone(),
            reason: framework.unmapped.get(&c.id).cloned(),
        })
        .collect();
    unmapped.sort_by(|a, b| a.id.cmp(&b.id));
    ComplianceReport {
        schema: COMPLIANCE_SCHEMA.to_string(),
        framework: FrameworkInfo {
            id: framework.id.clone(),
            name: framework.name.clone(),
            version: framework.version.clone(),
            url: framework.url.clone(),
            scope: framework.scope.clone(),
        },
        org: report.org.clone(),
        snapshot_source: report.snapshot.source.clone(),
        snapshot_content_hash: report.snapshot.content_hash.clone(),
        evaluated_at: report.evaluated_at,
        policy_pack_hash: report.policy_pack.hash.clone(),
        redacted: report.redacted,
        summary: ComplianceSummary {
            requirements: requirements.len(),
            automated: framework.count(Assessment::Automated),
            partially_automated: framework.count(Assessment::Partial),
            manual: framework.count(Assessment::Manual),
            by_status,
        },
        requirements,
        unmapped_controls: unmapped,
    }
}

/// The report directory's file names for one framework.
pub fn json_file_name(framework_id: &str) -> String {
    format!("compliance-{framework_id}.json")
}

pub fn csv_file_name(framework_id: &str) -> String {
    format!("compliance-{framework_id}.csv")
}

/// True for a name `json_file_name` / `csv_file_name` can produce (what a later run may
/// remove from a report directory): no path separators, no dot-dot.
pub fn is_compliance_file_name(name: &str) -> bool {
    let Some(rest) = name.strip_prefix("compliance-") else {
        return false;
    };
    let stem = rest
        .strip_suffix(".json")
        .or_else(|| rest.strip_suffix(".csv"));
    stem.is_some_and(|s| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    })
}

pub fn render_compliance_json(view: &ComplianceReport) -> Result<String, super::ReportError> {
    let text =
        serde_json::to_string_pretty(view).map_err(|e| super::ReportError::Json(e.to_string()))?;
    Ok(crate::safe_text::json(&text).into_owned() + "\n")
}

pub const CSV_HEADER: [&str; 11] = [
    "framework",
    "requirement",
    "section",
    "title",
    "assessment",
    "status",
    "controls",
    "open_findings",
    "waived_findings",
    "evidence",
    "auditor_evidence",
];

/// Where the evidence of a requirement is: its controls in report.json / report.html, and the
/// fingerprints of their findings in findings.csv.
fn evidence_pointers(r: &RequirementResult) -> String {
    if r.controls.is_empty() {
        return String::new();
    }
    let ids: Vec<&str> = r.controls.iter().map(|c| c.id.as_str()).collect();
    let mut text = format!("report.json controls {}", ids.join(", "));
    if !r.findings.is_empty() {
        let shown: Vec<&str> = r
            .findings
            .iter()
            .take(CSV_POINTERS)
            .map(|f| f.fingerprint.as_str())
            .collect();
        text.push_str(&format!("; findings.csv fingerprints {}", shown.join(", ")));
        if r.findings.len() > CSV_POINTERS {
            text.push_str(&format!(" and {} more", r.findings.len() - CSV_POINTERS));
        }
    }
    text
}

pub fn render_compliance_csv(view: &ComplianceReport) -> String {
    let mut out = String::new();
    csv_row(&mut out, &CSV_HEADER);
    for r in &view.requirements {
        let controls = r
            .controls
            .iter()
            .map(|c| format!("{} ({})", c.id, c.status.as_str()))
            .collect::<Vec<_>>()
            .join("; ");
        csv_row(
            &mut out,
            &[
                &view.framework.id,
                &r.id,
                &r.section,
                &r.title,
                r.assessment.as_str(),
                r.status.as_str(),
                &controls,
                &r.open_findings.to_string(),
                &r.waived_findings.to_string(),
                &evidence_pointers(r),
                r.auditor_evidence.as_deref().unwrap_or(""),
            ],
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_requirement_fails_when_any_control_fails() {
        use RequirementStatus as R;
        use Status as S;
        let auto = Assessment::Automated;
        assert_eq!(requirement_status(auto, &[S::Pass, S::Fail]), R::Fail);
        assert_eq!(
            requirement_status(auto, &[S::NotEvaluable, S::Fail]),
            R::Fail
        );
        assert_eq!(requirement_status(auto, &[S::Pass, S::Waived]), R::Pass);
        assert_eq!(requirement_status(auto, &[S::Pass, S::Error]), R::Partial);
        assert_eq!(
            requirement_status(auto, &[S::NotEvaluable]),
            R::NotEvaluated
        );
        assert_eq!(
            requirement_status(auto, &[S::NotApplicable]),
            R::NotEvaluated
        );
        assert_eq!(requirement_status(auto, &[]), R::NotEvaluated);
        assert_eq!(
            requirement_status(Assessment::Partial, &[S::Pass, S::NotApplicable]),
            R::Pass
        );
        assert_eq!(
            requirement_status(Assessment::Manual, &[S::Fail]),
            R::Manual
        );
    }

    #[test]
    fn only_compliance_names_are_recognised() {
        assert!(is_compliance_file_name("compliance-soc2.json"));
        assert!(is_compliance_file_name("compliance-iso27001-2022.csv"));
        for bad in [
            "compliance-.json",
            "compliance-../x.json",
            "compliance-a/b.csv",
            "compliance-soc2.txt",
            "report.json",
        ] {
            assert!(!is_compliance_file_name(bad), "{bad}");
        }
    }

    #[test]
    fn the_sample_report_maps_to_every_status() {
        let report = crate::report::fixture::sample_report();
        let failing = report
            .controls
            .iter()
            .find(|c| c.status == Status::Fail)
            .expect("the sample has a failing control");
        let reference = &failing.frameworks["cis-controls-v8"][0];
        let yaml = format!("id: cis-controls-v8\nname: CIS\nversion: \"8\"\nurl: https://example.org\nscope: test\nrequirements:\n  - {{id: \"{reference}\", section: \"6\", title: Admin MFA, assessment: automated}}\n  - {{id: \"99.9\", section: \"99\", title: Nobody maps here, assessment: partial, auditor_evidence: Ask.}}\n  - {{id: \"0.1\", section: \"0\", title: Paper, assessment: manual, auditor_evidence: Collect it.}}\n");
        let framework = crate::framework::parse_framework("frameworks/cis-controls-v8.yaml", &yaml)
            .expect("valid");
        let view = build_compliance(&report, &framework);
        let status: Vec<(&str, RequirementStatus)> = view
            .requirements
            .iter()
            .map(|r| (r.id.as_str(), r.status))
            .collect();
        assert_eq!(status[1], ("99.9", RequirementStatus::NotEvaluated));
        assert_eq!(status[2], ("0.1", RequirementStatus::Manual));
        let failed = &view.requirements[0];
        assert_eq!(failed.status, RequirementStatus::Fail);
        assert!(failed.controls.iter().any(|c| c.id == failing.id));
        assert!(failed.open_findings > 0 && !failed.findings.is_empty());
        let csv = render_compliance_csv(&view);
        assert!(
            csv.starts_with("framework,requirement,section,title,"),
            "{csv}"
        );
        assert_eq!(csv.lines().count(), 4, "{csv}");
        assert!(csv.ends_with("\r\n"));
    }
}
