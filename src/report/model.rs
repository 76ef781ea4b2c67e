//! The public report document, `orgscan.report/v1`: a stable schema for machines (documented in
//! README, "JSON report"), deliberately separate from internal types so they can change freely.
//! Everything in it derives from the snapshot, the policies, the config and `now`: no wall
//! clock, no durations, no HashMap order — two runs give the same bytes.

use crate::gate::GateDecision;
use crate::results::{ControlResult, Finding, Score, Severity, Status};
use crate::snapshot::{Snapshot, Timestamp};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

pub const REPORT_SCHEMA: &str = "orgscan.report/v1";

#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub schema: &'static str,
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
}

#[derive(Clone, Debug, Serialize)]
pub struct ToolInfo {
    pub name: &'static str,
    pub version: &'static str,
}

#[derive(Clone, Debug, Serialize)]
pub struct OrgInfo {
    pub id: String,
    pub name: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct SnapshotInfo {
    pub location: String,
    pub source: String,
    pub collected_at: Timestamp,
    pub content_hash: String,
    pub event_window: Option<Value>,
    pub collections: BTreeMap<String, CollectionInfo>,
    pub attestation: Option<AttestationInfo>,
}

#[derive(Clone, Debug, Serialize)]
pub struct CollectionInfo {
    pub available: bool,
    pub source: String,
    pub fetched_at: Option<Timestamp>,
    pub records: u64,
    pub reason: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct AttestationInfo {
    pub attested_by: String,
    pub attested_at: Timestamp,
}

#[derive(Clone, Debug, Serialize)]
pub struct PackInfo {
    pub hash: String,
    pub controls: usize,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Summary {
    pub controls: usize,
    pub by_status: BTreeMap<Status, usize>,
    /// Failing controls per severity (posture and detections).
    pub failed_by_severity: BTreeMap<Severity, usize>,
    pub findings: usize,
    pub waived_findings: usize,
}

#[derive(Clone, Debug, Serialize)]
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
    pub finding_count: usize,
    pub findings: Vec<Finding>,
}

impl ControlReport {
    fn from(control: &ControlResult) -> ControlReport {
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
            finding_count: control.findings.len(),
            findings: control.findings.clone(),
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
    pub controls: &'a [ControlResult],
    pub now: Timestamp,
    pub pack_hash: String,
    pub gate: GateDecision,
    pub activity: Value,
}

pub fn build_report(inputs: ReportInputs<'_>) -> Report {
    let snapshot = inputs.snapshot;
    let manifest = &snapshot.manifest;
    let mut controls: Vec<ControlReport> =
        inputs.controls.iter().map(ControlReport::from).collect();
    controls.sort_by(|a, b| {
        b.points_left
            .total_cmp(&a.points_left)
            .then(status_rank(a.status).cmp(&status_rank(b.status)))
            .then(b.severity.cmp(&a.severity))
            .then(a.id.cmp(&b.id))
    });
    let mut summary = Summary {
        controls: controls.len(),
        ..Summary::default()
    };
    for c in inputs.controls {
        *summary.by_status.entry(c.status).or_insert(0) += 1;
        if c.status == Status::Fail {
            *summary
                .failed_by_severity
                .entry(c.info.severity)
                .or_insert(0) += 1;
        }
        summary.findings += c.findings.len();
        summary.waived_findings += c.findings.iter().filter(|f| f.waiver.is_some()).count();
    }
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
    Report {
        schema: REPORT_SCHEMA,
        tool: ToolInfo {
            name: "orgscan",
            version: crate::TOOL_VERSION,
        },
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
            content_hash: snapshot.content_hash(),
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
        policy_pack: PackInfo {
            hash: inputs.pack_hash,
            controls: inputs.controls.len(),
        },
        score: Score::compute(inputs.controls),
        summary,
        gate: inputs.gate,
        controls,
        activity: inputs.activity,
    }
}
