//! Earlier reports: reading `orgscan.report/v1` files back, the baseline that `--baseline` and
//! `--fail-on-new` compare against (by finding fingerprint), and the score trend that
//! `--history DIR` draws from a folder of earlier `report.json` files.

use super::model::{BaselineInfo, OrgInfo, Report, Summary, TrendPoint, REPORT_SCHEMA};
use crate::results::Score;
use crate::snapshot::Timestamp;
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

/// Trend points kept (the most recent ones).
pub const TREND_MAX: usize = 60;

#[derive(Debug, thiserror::Error)]
#[error("{path}: {message}")]
pub struct ReportLoadError {
    pub path: String,
    pub message: String,
}

fn check_schema(path: &str, value: &Value) -> Result<(), ReportLoadError> {
    match value.get("schema").and_then(Value::as_str) {
        Some(REPORT_SCHEMA) => Ok(()),
        Some(other) => Err(ReportLoadError {
            path: path.to_string(),
            message: format!(
                "report schema {other:?} is not supported; expected {REPORT_SCHEMA:?}"
            ),
        }),
        None => Err(ReportLoadError {
            path: path.to_string(),
            message: format!(
                "not an orgscan report (no \"schema\": {REPORT_SCHEMA:?}); give the report.json a scan wrote"
            ),
        }),
    }
}

fn read_value(path: &Path) -> Result<(String, Value), ReportLoadError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| ReportLoadError {
        path: shown.clone(),
        message: e.to_string(),
    })?;
    let value: Value = serde_json::from_str(&text).map_err(|e| ReportLoadError {
        path: shown.clone(),
        message: format!("line {}, column {}: {e}", e.line(), e.column()),
    })?;
    check_schema(&shown, &value)?;
    Ok((shown, value))
}

/// Reads a whole report back (for `diff` and `--baseline`).
pub fn load_report(path: &Path) -> Result<Report, ReportLoadError> {
    let (shown, value) = read_value(path)?;
    serde_path_to_error::deserialize(value).map_err(|e| ReportLoadError {
        path: shown,
        message: format!("field `{}`: {}", e.path(), e.inner()),
    })
}

/// What the trend needs of an earlier report; the findings are skipped, not held.
#[derive(Clone, Debug, Deserialize)]
pub struct ReportHead {
    pub org: OrgInfo,
    pub evaluated_at: Timestamp,
    pub score: Score,
    pub summary: Summary,
}

impl ReportHead {
    fn point(&self) -> TrendPoint {
        TrendPoint {
            evaluated_at: self.evaluated_at,
            percent: self.score.overall.percent,
            achieved: self.score.overall.achieved,
            max: self.score.overall.max,
            open_findings: self
                .summary
                .findings
                .saturating_sub(self.summary.waived_findings),
            failed_controls: self
                .summary
                .by_status
                .get(&crate::results::Status::Fail)
                .copied()
                .unwrap_or(0),
        }
    }
}

/// Every `*.json` report in `dir` (sorted by file name); files that are not orgscan reports
/// are skipped with a warning.
pub fn load_history(dir: &Path) -> Result<(Vec<ReportHead>, Vec<String>), ReportLoadError> {
    let shown = dir.display().to_string();
    let entries = std::fs::read_dir(dir).map_err(|e| ReportLoadError {
        path: shown.clone(),
        message: format!("--history: {e}"),
    })?;
    let mut paths: Vec<std::path::PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json") && p.is_file())
        .collect();
    paths.sort();
    let mut heads = Vec::new();
    let mut warnings = Vec::new();
    for path in paths {
        match read_value(&path).and_then(|(shown, v)| {
            serde_path_to_error::deserialize::<_, ReportHead>(v).map_err(|e| ReportLoadError {
                path: shown,
                message: format!("field `{}`: {}", e.path(), e.inner()),
            })
        }) {
            Ok(h) => heads.push(h),
            Err(e) => warnings.push(format!("--history: skipped {e}")),
        }
    }
    Ok((heads, warnings))
}

/// The trend: earlier reports of the same org, then this one, oldest first, one point per
/// evaluation time, at most [`TREND_MAX`].
pub fn trend(history: &[ReportHead], current: &Report) -> Vec<TrendPoint> {
    if history.is_empty() {
        return Vec::new();
    }
    let mut points: Vec<TrendPoint> = history
        .iter()
        .filter(|h| h.org.id == current.org.id && h.evaluated_at < current.evaluated_at)
        .map(ReportHead::point)
        .collect();
    let now = ReportHead {
        org: current.org.clone(),
        evaluated_at: current.evaluated_at,
        score: current.score.clone(),
        summary: current.summary.clone(),
    };
    points.push(now.point());
    points.sort_by_key(|p| p.evaluated_at);
    points.dedup_by(|b, a| a.evaluated_at == b.evaluated_at);
    if points.len() > TREND_MAX {
        points.drain(..points.len() - TREND_MAX);
    }
    points
}

/// Earlier reports of other orgs are not drawn; says so.
pub fn trend_warnings(history: &[ReportHead], current: &Report) -> Vec<String> {
    let others = history
        .iter()
        .filter(|h| h.org.id != current.org.id)
        .count();
    if others > 0 {
        vec![format!(
            "--history: {others} report(s) of another organization were left out of the trend"
        )]
    } else {
        Vec::new()
    }
}

/// The report `--baseline` names.
#[derive(Clone, Debug)]
pub struct Baseline {
    pub source: String,
    pub report: Report,
}

impl Baseline {
    pub fn load(path: &Path) -> Result<Baseline, ReportLoadError> {
        Ok(Baseline {
            source: path.display().to_string(),
            report: load_report(path)?,
        })
    }

    /// Every finding the baseline had, open or waived.
    pub fn fingerprints(&self) -> BTreeSet<String> {
        self.report
            .controls
            .iter()
            .flat_map(|c| c.findings.iter().map(|f| f.fingerprint.clone()))
            .collect()
    }

    pub fn compare(&self, current: &Report) -> BaselineInfo {
        let known = self.fingerprints();
        let now: BTreeSet<&str> = current
            .controls
            .iter()
            .flat_map(|c| c.findings.iter().map(|f| f.fingerprint.as_str()))
            .collect();
        let new_findings: BTreeSet<String> = current
            .controls
            .iter()
            .flat_map(|c| c.findings.iter())
            .filter(|f| !f.waiver.as_ref().is_some_and(|w| w.suppresses()))
            .filter(|f| !known.contains(&f.fingerprint))
            .map(|f| f.fingerprint.clone())
            .collect();
        BaselineInfo {
            source: self.source.clone(),
            evaluated_at: self.report.evaluated_at,
            snapshot_hash: self.report.snapshot.content_hash.clone(),
            new_findings: new_findings.into_iter().collect(),
            resolved_findings: known.iter().filter(|f| !now.contains(f.as_str())).count(),
        }
    }
}
