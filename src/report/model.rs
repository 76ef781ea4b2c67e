//! The public report document, `orgscan.report/v1`: a stable schema for machines (documented in
//! README, "JSON report"), deliberately separate from internal types so they can change freely.
//! Everything in it derives from the snapshot, the policies, the config and `now`: no wall
//! clock, no durations, no HashMap order — two runs give the same bytes.

use crate::gate::GateDecision;
use crate::results::{ControlResult, Finding, Score, Severity, Status};
use crate::snapshot::{Snapshot, Timestamp};
use crate::waiver::WaiverReport;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

pub const REPORT_SCHEMA: &str = "orgscan.report/v1";

/// What every report of the bundled demo org says, so that nobody mistakes it for their own.
pub const DEMO_MARKER: &str = "DEMO ORG — not your organization";

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Report {
    pub schema: String,
    pub tool: ToolInfo,
    pub org: OrgInfo,
    pub snapshot: SnapshotInfo,
    pub evaluated_at: Timestamp,
    pub policy_pack: PackInfo,
    pub score: Score,
    pub summary: Summary,
    pub gate: GateDecision,
    /// Ranked: most points left first, then severity, then id.
    pub controls: Vec<ControlReport>,
    pub activity: Value,
    /// Every waiver of the configuration and what became of it (applied, expired, orphan).
    #[serde(default)]
    pub waivers: Vec<WaiverReport>,
    /// Problems that did not stop the scan (waivers expired, expiring or matching nothing).
    #[serde(default)]
    pub warnings: Vec<String>,
    /// True when emails, names, account ids and IPs were replaced by tokens (`--redact`).
    #[serde(default)]
    pub redacted: bool,
    /// With `redacted`: where the key came from and whether tokens and fingerprints can be
    /// compared with another run's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redaction: Option<RedactionInfo>,
    /// The earlier report `--baseline` compared against, when one was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineInfo>,
    /// Earlier scores (`--history DIR`) followed by this one, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trend: Vec<TrendPoint>,
    /// The configuration file the scan read (thresholds, waivers), when it read one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<ConfigFileInfo>,
    /// Where readers of the reports find the documentation (`[report] information_uri` in
    /// orgscan.toml; SARIF `tool.driver.informationUri`), when it is not the project's. A
    /// rendering choice, not a result: not written to report.json.
    #[serde(skip)]
    pub information_uri: Option<String>,
}

/// Which orgscan.toml a report was made with.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConfigFileInfo {
    /// As given with `--config`, or `orgscan.toml` when found in the current directory.
    pub path: String,
    /// sha256 (hex) of the file's bytes as read.
    pub sha256: String,
    /// True when picked up from the current directory without `--config`.
    pub implicit: bool,
}

impl Report {
    /// Made from the bundled demo snapshot (`snapshot.source: "demo"`), not a real org.
    pub fn is_demo(&self) -> bool {
        self.snapshot.source == "demo"
    }

    /// The warning a demo report carries first, in every format and on stderr.
    pub fn demo_warning() -> String {
        format!("{DEMO_MARKER}: these results come from the bundled demo snapshot (`orgscan scan` without a SNAPSHOT_DIR); pass a snapshot directory written by `orgscan collect` to scan yours")
    }
}

/// How a redacted report was keyed (`redact.rs` fills it): where the key came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedactionInfo {
    /// `ORGSCAN_REDACT_KEY`, or `per-run` (a random key drawn for this run only).
    pub key: String,
    /// Whether tokens and fingerprints can be compared with another run's (same key).
    pub comparable_across_runs: bool,
    /// An HMAC of a fixed text with the key: two reports with the same key_id used the same
    /// key (and reveals nothing about it).
    pub key_id: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BaselineInfo {
    /// The baseline file as given on the command line.
    pub source: String,
    pub evaluated_at: Timestamp,
    pub snapshot_hash: String,
    /// Fingerprints of this report's open findings that the baseline did not have, sorted.
    pub new_findings: Vec<String>,
    /// Findings of the baseline that this report no longer has.
    pub resolved_findings: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrendPoint {
    pub evaluated_at: Timestamp,
    pub percent: f64,
    pub achieved: f64,
    pub max: f64,
    pub open_findings: usize,
    pub failed_controls: usize,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ToolInfo {
    pub name: String,
    pub version: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct OrgInfo {
    pub id: String,
    pub name: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SnapshotInfo {
    pub location: String,
    pub source: String,
    pub collected_at: Timestamp,
    pub content_hash: String,
    pub event_window: Option<Value>,
    pub collections: BTreeMap<String, CollectionInfo>,
    pub attestation: Option<AttestationInfo>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CollectionInfo {
    pub available: bool,
    pub source: String,
    pub fetched_at: Option<Timestamp>,
    pub records: u64,
    pub reason: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AttestationInfo {
    pub attested_by: String,
    pub attested_at: Timestamp,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PackInfo {
    pub hash: String,
    pub controls: usize,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Summary {
    pub controls: usize,
    pub by_status: BTreeMap<Status, usize>,
    /// Failing controls per severity (posture and detections).
    pub failed_by_severity: BTreeMap<Severity, usize>,
    pub findings: usize,
    pub waived_findings: usize,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ControlReport {
    pub id: String,
    pub title: String,
    pub description: String,
    pub category: String,
    pub kind: crate::results::Kind,
    pub severity: Severity,
    pub status: Status,
    pub points: f64,
    pub points_achieved: f64,
    pub points_left: f64,
    pub score: Option<f64>,
    pub reasons: Vec<String>,
    pub user_impact: String,
    pub implementation_cost: String,
    pub remediation: Vec<String>,
    pub references: Vec<String>,
    pub source: String,
    pub version: String,
    /// Framework → control references this control maps to.
    #[serde(default)]
    pub frameworks: std::collections::BTreeMap<String, Vec<String>>,
    pub finding_count: usize,
    /// Findings covered by a waiver that suppresses them (all but `planned`).
    #[serde(default)]
    pub waived_count: usize,
    /// What would make the control pass, in plain words.
    #[serde(default)]
    pub to_pass: Vec<String>,
    pub findings: Vec<Finding>,
}

impl ControlReport {
    /// The result as reported; its findings are moved, not copied (at 10^7 events they are
    /// ~150 MB, held twice while the report was built from copies).
    fn from(mut control: ControlResult) -> ControlReport {
        let to_pass = to_pass(&control);
        let waived_count = control.findings.iter().filter(|f| is_waived(f)).count();
        let findings = std::mem::take(&mut control.findings);
        let i = &control.info;
        ControlReport {
            id: i.id.clone(),
            title: i.title.clone(),
            description: i.description.clone(),
            category: i.category.clone(),
            kind: i.kind,
            severity: i.severity,
            status: control.status,
            points: i.points,
            points_achieved: control.points_achieved,
            points_left: crate::results::round2(control.points_left()),
            score: control.score.map(|s| (s * 10000.0).round() / 10000.0),
            reasons: control.reasons.clone(),
            user_impact: i.user_impact.clone(),
            implementation_cost: i.implementation_cost.clone(),
            remediation: i.remediation.clone(),
            references: i.references.clone(),
            source: i.source.clone(),
            version: i.version.clone(),
            frameworks: i.frameworks.clone(),
            finding_count: findings.len(),
            waived_count,
            to_pass,
            findings,
        }
    }
}

/// Status order for ranking: what needs attention first.
fn status_rank(s: Status) -> u8 {
    match s {
        Status::Fail => 0,
        Status::Error => 1,
        Status::NotEvaluable => 2,
        Status::Waived => 3,
        Status::Pass => 4,
        Status::NotApplicable => 5,
    }
}

pub struct ReportInputs<'a> {
    pub snapshot: &'a Snapshot,
    /// Moved into the report.
    pub controls: Vec<ControlResult>,
    pub now: Timestamp,
    pub pack_hash: String,
    /// `Snapshot::content_hash` of the files as the scan read them.
    pub content_hash: String,
    pub gate: GateDecision,
    pub activity: Value,
}

pub fn build_report(inputs: ReportInputs<'_>) -> Report {
    let snapshot = inputs.snapshot;
    let manifest = &snapshot.manifest;
    let collections = manifest
        .collections
        .iter()
        .map(|(c, p)| {
            let info = CollectionInfo {
                available: p.status == crate::snapshot::CollectionStatus::Collected,
                source: p.source.clone(),
                fetched_at: p.fetched_at,
                records: manifest
                    .files
                    .get(c.file_name())
                    .map(|f| f.records)
                    .unwrap_or(p.records),
                reason: p.reason.clone(),
            };
            (c.name().to_string(), info)
        })
        .collect();
    let header = ReportHeader {
        org: OrgInfo {
            id: manifest.org.id.clone(),
            name: manifest.org.name.clone(),
        },
        snapshot: SnapshotInfo {
            location: snapshot.location.clone(),
            source: serde_json::to_value(&manifest.source)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            collected_at: manifest.collected_at,
            content_hash: inputs.content_hash.clone(),
            event_window: manifest
                .event_window
                .as_ref()
                .map(|w| serde_json::json!({"from": w.from, "to": w.to})),
            collections,
            attestation: snapshot.attestation.as_ref().map(|a| AttestationInfo {
                attested_by: a.attested_by.clone(),
                attested_at: a.attested_at,
            }),
        },
        evaluated_at: inputs.now,
        pack_hash: inputs.pack_hash,
    };
    assemble_report(header, inputs.controls, inputs.gate, inputs.activity)
}

/// What a report says about where its data came from; everything but the results.
#[derive(Clone, Debug)]
pub struct ReportHeader {
    pub org: OrgInfo,
    pub snapshot: SnapshotInfo,
    pub evaluated_at: Timestamp,
    pub pack_hash: String,
}

/// The report from its header and the results: controls ranked (most points left first, then
/// status, severity, id), summary counts and score computed.
pub fn assemble_report(
    header: ReportHeader,
    results: Vec<ControlResult>,
    gate: GateDecision,
    activity: Value,
) -> Report {
    let results_count = results.len();
    let score = Score::compute(&results);
    let mut summary = Summary {
        controls: results_count,
        ..Summary::default()
    };
    for c in &results {
        *summary.by_status.entry(c.status).or_insert(0) += 1;
        if c.status == Status::Fail {
            *summary
                .failed_by_severity
                .entry(c.info.severity)
                .or_insert(0) += 1;
        }
        summary.findings += c.findings.len();
        summary.waived_findings += c.findings.iter().filter(|f| is_waived(f)).count();
    }
    let mut controls: Vec<ControlReport> = results.into_iter().map(ControlReport::from).collect();
    controls.sort_by(|a, b| {
        b.points_left
            .total_cmp(&a.points_left)
            .then(status_rank(a.status).cmp(&status_rank(b.status)))
            .then(b.severity.cmp(&a.severity))
            .then(a.id.cmp(&b.id))
    });
    Report {
        schema: REPORT_SCHEMA.to_string(),
        tool: ToolInfo {
            name: "orgscan".to_string(),
            version: crate::TOOL_VERSION.to_string(),
        },
        org: header.org,
        snapshot: header.snapshot,
        evaluated_at: header.evaluated_at,
        policy_pack: PackInfo {
            hash: header.pack_hash,
            controls: results_count,
        },
        score,
        summary,
        gate,
        controls,
        activity,
        waivers: Vec::new(),
        warnings: Vec::new(),
        redacted: false,
        redaction: None,
        baseline: None,
        trend: Vec::new(),
        config: None,
        information_uri: None,
    }
}

fn is_waived(f: &Finding) -> bool {
    f.waiver.as_ref().is_some_and(|w| w.suppresses())
}

/// What the policy said would make its open findings pass, at most a few distinct lines: each
/// finding's `to_pass` evidence in the policy's words, else the `expected` value of the field
/// it read ("Expected mfaEnabled: true"), never a bare "Expected: true".
fn expected_values(control: &ControlResult) -> Vec<String> {
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let mut seen = std::collections::BTreeSet::new();
    for f in control.open_findings() {
        let Some(details) = f.evidence.as_ref().map(|e| &e.details) else {
            continue;
        };
        let line = match (details.get("to_pass"), details.get("expected")) {
            (Some(to_pass), _) => format!("To pass: {}", text(to_pass)),
            (None, Some(expected)) => match details.get("field").and_then(Value::as_str) {
                Some(field) => format!("Expected {field}: {}", text(expected)),
                None => format!("Expected: {}", text(expected)),
            },
            (None, None) => continue,
        };
        seen.insert(line);
        if seen.len() >= 5 {
            break;
        }
    }
    seen.into_iter().collect()
}

/// "What would make it pass" for each status, derived from the result and the evidence.
fn to_pass(control: &ControlResult) -> Vec<String> {
    let open = control.open_findings().count();
    let waived = control.findings.iter().filter(|f| is_waived(f)).count();
    let mut out = Vec::new();
    match control.status {
        Status::Pass => out.push("Passing: nothing to do.".to_string()),
        Status::NotApplicable => out.push("Not applicable to this organization.".to_string()),
        Status::Fail if control.info.kind == crate::results::Kind::Detection => {
            out.push(format!(
                "Investigate the {open} finding(s) below; the detection passes when no matching activity is left in the event window."
            ));
            out.push("Activity confirmed as expected can be waived in orgscan.toml (status risk_accepted, with the reason and ticket).".to_string());
        }
        Status::Fail => {
            out.push(format!(
                "Resolve the {open} open finding(s) below by following the remediation steps; the control passes when none is left."
            ));
            out.extend(expected_values(control));
            out.push("A finding mitigated another way can be waived in orgscan.toml with status resolved_alternate_mitigation or resolved_third_party (these earn the points).".to_string());
        }
        Status::Waived => {
            out.push(format!("All {waived} finding(s) are waived; resolve them or keep the waivers current before they expire."));
        }
        Status::NotEvaluable => {
            out.push("Make the data it needs available, then scan again:".to_string());
            out.extend(control.reasons.iter().cloned());
        }
        Status::Error => {
            out.push("Fix the evaluation error, then scan again:".to_string());
            out.extend(control.reasons.iter().cloned());
        }
    }
    out
}
