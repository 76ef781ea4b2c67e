//! `orgscan scan` as a library function: snapshot → prepared input → policies → results →
//! report files → gate outcome. Plain data in, plain data out; the CLI only adapts arguments.

use crate::config::{Config, ConfigError};
use crate::gate::{decide, Outcome};
use crate::policy::{
    evaluate_pack, load_pack, Availability, EvalOptions, PolicyLoadError, PolicyPack,
};
use crate::prepare::build_input;
use crate::report::{build_report, write_reports, Format, Report, ReportError, ReportInputs};
use crate::results::{ControlResult, Severity};
use crate::snapshot::{Snapshot, SnapshotError, Timestamp};
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error(transparent)]
    Snapshot(#[from] SnapshotError),
    #[error(transparent)]
    Policy(#[from] PolicyLoadError),
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Report(#[from] ReportError),
    #[error("{0}")]
    Usage(String),
}

pub struct ScanRequest {
    pub snapshot: Snapshot,
    pub policy_dirs: Vec<PathBuf>,
    pub include_shipped: bool,
    pub config: Config,
    pub fail_on: Severity,
    pub exit_zero: bool,
    pub now: Option<Timestamp>,
    pub timeout: Duration,
    pub formats: Vec<Format>,
    pub out: PathBuf,
    pub dump_input: Option<PathBuf>,
}

pub struct ScanOutcome {
    pub report: Report,
    pub controls: Vec<ControlResult>,
    pub written: Vec<PathBuf>,
    pub outcome: Outcome,
}

/// sha256 over every policy and library file (path and text), in load order.
pub fn pack_hash(pack: &PolicyPack) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    let files = pack
        .policies
        .iter()
        .map(|p| &p.source)
        .chain(pack.libraries.iter());
    for f in files {
        h.update(f.path.as_bytes());
        h.update([0u8]);
        h.update(f.text.as_bytes());
        h.update([0u8]);
    }
    hex::encode(h.finalize())
}

pub fn parse_now(text: &str) -> Result<Timestamp, ScanError> {
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| Timestamp(t.with_timezone(&chrono::Utc)))
        .map_err(|_| {
            ScanError::Usage(format!(
                "--now: expected an RFC 3339 time such as 2026-11-21T00:00:00Z, found {text:?}"
            ))
        })
}

pub fn run_scan(request: ScanRequest) -> Result<ScanOutcome, ScanError> {
    let pack = load_pack(request.include_shipped, &request.policy_dirs)?;
    let control_config = request.config.control_parameters(&pack)?;
    let now = request
        .now
        .unwrap_or(request.snapshot.manifest.collected_at);
    let prepared = build_input(
        &request.snapshot,
        &pack,
        now,
        control_config,
        request.config.org_settings(),
    )?;
    if let Some(path) = &request.dump_input {
        let text = serde_json::to_string_pretty(&prepared.json)
            .map_err(|e| ScanError::Usage(e.to_string()))?;
        std::fs::write(path, text + "\n").map_err(|source| ReportError::Io {
            path: path.display().to_string(),
            source,
        })?;
    }
    let availability = Availability::of(&request.snapshot);
    let started = std::time::Instant::now();
    let input = regorus::Value::from(prepared.json.clone());
    crate::prepare::timing("input to regorus value", started);
    let options = EvalOptions {
        timeout: request.timeout,
        ..EvalOptions::default()
    };
    let controls = evaluate_pack(&pack, &input, &availability, &options);
    crate::prepare::timing("input + evaluation", started);
    let gate = decide(&controls, request.fail_on, request.exit_zero);
    let outcome = gate.outcome;
    // The `activity` block (orgscan.activity/v1, docs/detections.md) from the prepared facts.
    let activity = prepared.activity.clone();
    let report = build_report(ReportInputs {
        snapshot: &request.snapshot,
        controls: &controls,
        now,
        pack_hash: pack_hash(&pack),
        gate,
        activity,
    });
    let written = write_reports(&report, &request.formats, &request.out)?;
    Ok(ScanOutcome {
        report,
        controls,
        written,
        outcome,
    })
}
