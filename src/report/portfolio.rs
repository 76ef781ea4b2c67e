//! The portfolio report, `orgscan.portfolio/v1`: one row per org of a fleet scan, built from
//! each org's report alone (schema: schemas/portfolio.v1.schema.json). Like the report it is
//! deterministic: orgs in id order, no wall clock (snapshot ages are counted from `as_of`, the
//! newest evaluation time of the fleet), sorted maps.

use super::model::{Report, ToolInfo};
use super::portfolio_baseline::{OrgChanges, PortfolioBaseline};
use crate::gate::Outcome;
use crate::results::{Kind, Severity, Status};
use crate::snapshot::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const PORTFOLIO_SCHEMA: &str = "orgscan.portfolio/v1";
/// File names in the fleet's output directory.
pub const PORTFOLIO_JSON: &str = "portfolio.json";
pub const PORTFOLIO_HTML: &str = "portfolio.html";

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Portfolio {
    pub schema: String,
    pub tool: ToolInfo,
    /// Snapshot ages are counted up to this time: the latest `evaluated_at` of the orgs.
    pub as_of: Timestamp,
    pub gate: PortfolioGate,
    /// In org id order.
    pub orgs: Vec<PortfolioOrg>,
    /// Every category any org scored, sorted.
    pub categories: Vec<String>,
    /// Failing controls by the number of orgs they fail in (then points left, then id): fix
    /// once, gain everywhere.
    pub top_failing_controls: Vec<FailingControl>,
    /// Snapshots that could not be read (the fleet is then incomplete), by source.
    pub unscanned: Vec<Unscanned>,
    /// With `--baseline OLD/portfolio.json`: the portfolio compared with (each org's
    /// `changes` then says what is new).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<PortfolioBaseline>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Unscanned {
    /// The snapshot directory as given.
    pub source: String,
    pub error: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PortfolioGate {
    /// `incomplete` when any org is incomplete or a snapshot could not be read, else `gate_failed` when any failed, else
    /// `not_enforced` when any org's failure was not enforced, else `pass`.
    pub outcome: Outcome,
    pub exit_code: u8,
    /// One line per org that did not pass: its id and outcome.
    pub reasons: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PortfolioOrg {
    pub id: String,
    pub name: Option<String>,
    /// The org's report directory, relative to the portfolio (`<dir>/report.html` …).
    pub report_dir: String,
    /// Report files written there, by name.
    pub reports: Vec<String>,
    pub score: OrgScore,
    pub gate: OrgGate,
    /// Failing controls per severity (posture and detections), as in the org's report.
    pub failed_by_severity: BTreeMap<Severity, usize>,
    pub open_findings: usize,
    /// Points still to gain: the sum of the controls' `points_left`.
    pub points_left: f64,
    pub snapshot: OrgSnapshot,
    pub detections: OrgDetections,
    /// Percent per category (null when nothing in it was scored).
    pub categories: BTreeMap<String, Option<f64>>,
    /// With `--baseline`: new and resolved failing controls since the baseline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changes: Option<OrgChanges>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct OrgScore {
    pub percent: f64,
    pub achieved: f64,
    pub max: f64,
    pub coverage: Option<f64>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct OrgGate {
    pub outcome: Outcome,
    /// The org's `--fail-on` severity (critical, and not applied, under `fail_on_none`), as the
    /// org's report.json writes it.
    pub fail_on: Severity,
    /// `fail_on = "none"`: no finding failed this org's gate (only an incomplete scan could).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub fail_on_none: bool,
    pub min_coverage: f64,
    pub reasons: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct OrgSnapshot {
    pub source: String,
    pub collected_at: Timestamp,
    pub evaluated_at: Timestamp,
    /// Days from `collected_at` to the portfolio's `as_of`, one decimal.
    pub age_days: f64,
    pub content_hash: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct OrgDetections {
    /// Detection controls that fired.
    pub failed: usize,
    /// Their open findings.
    pub findings: usize,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FailingControl {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub category: String,
    /// The orgs it fails in, by id.
    pub orgs: Vec<String>,
    /// Points left summed over those orgs.
    pub points_left: f64,
}

/// One org of the fleet: its report and where that report was written.
pub struct PortfolioMember<'a> {
    pub report: &'a Report,
    pub report_dir: String,
    pub reports: Vec<String>,
}

/// The fleet's outcome from the orgs' outcomes (each already decided with that org's rules).
pub fn fleet_outcome(outcomes: &[Outcome]) -> Outcome {
    let any = |o: Outcome| outcomes.contains(&o);
    if any(Outcome::Incomplete) || outcomes.is_empty() {
        Outcome::Incomplete
    } else if any(Outcome::GateFailed) {
        Outcome::GateFailed
    } else if any(Outcome::NotEnforced) {
        Outcome::NotEnforced
    } else {
        Outcome::Pass
    }
}

pub fn build_portfolio(members: &[PortfolioMember<'_>], unscanned: Vec<Unscanned>) -> Portfolio {
    let mut members: Vec<&PortfolioMember<'_>> = members.iter().collect();
    members.sort_by(|a, b| a.report.org.id.cmp(&b.report.org.id));
    let as_of = members
        .iter()
        .map(|m| m.report.evaluated_at)
        .max()
        .unwrap_or(Timestamp(chrono::DateTime::UNIX_EPOCH));
    let orgs: Vec<PortfolioOrg> = members.iter().map(|m| org_row(m, as_of)).collect();
    let outcomes: Vec<Outcome> = orgs.iter().map(|o| o.gate.outcome).collect();
    let outcome = if unscanned.is_empty() {
        fleet_outcome(&outcomes)
    } else {
        Outcome::Incomplete
    };
    let mut reasons: Vec<String> = orgs
        .iter()
        .filter(|o| o.gate.outcome != Outcome::Pass)
        .map(|o| format!("{}: {}", o.id, o.gate.outcome.as_str()))
        .collect();
    reasons.extend(
        unscanned
            .iter()
            .map(|u| format!("{}: not scanned: {}", u.source, u.error)),
    );
    let categories = orgs
        .iter()
        .flat_map(|o| o.categories.keys().cloned())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    Portfolio {
        schema: PORTFOLIO_SCHEMA.to_string(),
        tool: ToolInfo {
            name: "orgscan".to_string(),
            version: crate::TOOL_VERSION.to_string(),
        },
        as_of,
        gate: PortfolioGate {
            outcome,
            exit_code: outcome.exit_code(),
            reasons,
        },
        top_failing_controls: failing_controls(&members),
        orgs,
        categories,
        unscanned,
        baseline: None,
    }
}

fn org_row(m: &PortfolioMember<'_>, as_of: Timestamp) -> PortfolioOrg {
    let r = m.report;
    let overall = &r.score.overall;
    let detections = r
        .controls
        .iter()
        .filter(|c| c.kind == Kind::Detection && c.status == Status::Fail);
    let age_ms = (as_of.0 - r.snapshot.collected_at.0).num_milliseconds();
    PortfolioOrg {
        id: r.org.id.clone(),
        name: r.org.name.clone(),
        report_dir: m.report_dir.clone(),
        reports: m.reports.clone(),
        score: OrgScore {
            percent: overall.percent,
            achieved: overall.achieved,
            max: overall.max,
            coverage: overall.coverage,
        },
        gate: OrgGate {
            outcome: r.gate.outcome,
            fail_on: r.gate.fail_on,
            fail_on_none: r.gate.fail_on_none,
            min_coverage: r.gate.min_coverage,
            reasons: r.gate.reasons.clone(),
        },
        failed_by_severity: r.summary.failed_by_severity.clone(),
        open_findings: r.summary.findings - r.summary.waived_findings,
        points_left: crate::results::round2(r.controls.iter().map(|c| c.points_left).sum()),
        snapshot: OrgSnapshot {
            source: r.snapshot.source.clone(),
            collected_at: r.snapshot.collected_at,
            evaluated_at: r.evaluated_at,
            age_days: (age_ms as f64 / 8_640_000.0).round() / 10.0,
            content_hash: r.snapshot.content_hash.clone(),
        },
        detections: OrgDetections {
            failed: detections.clone().count(),
            findings: detections.map(|c| c.finding_count - c.waived_count).sum(),
        },
        categories: r
            .score
            .by_category
            .iter()
            .map(|(name, t)| (name.clone(), (t.max > 0.0).then_some(t.percent)))
            .collect(),
        changes: None,
    }
}

fn failing_controls(members: &[&PortfolioMember<'_>]) -> Vec<FailingControl> {
    let mut by_id: BTreeMap<&str, FailingControl> = BTreeMap::new();
    for m in members {
        for c in m
            .report
            .controls
            .iter()
            .filter(|c| c.status == Status::Fail)
        {
            let entry = by_id.entry(&c.id).or_insert_with(|| FailingControl {
                id: c.id.clone(),
                title: c.title.clone(),
                severity: c.severity,
                category: c.category.clone(),
                orgs: Vec::new(),
                points_left: 0.0,
            });
            entry.orgs.push(m.report.org.id.clone());
            entry.points_left = crate::results::round2(entry.points_left + c.points_left);
        }
    }
    let mut list: Vec<FailingControl> = by_id.into_values().collect();
    list.sort_by(|a, b| {
        b.orgs
            .len()
            .cmp(&a.orgs.len())
            .then(b.points_left.total_cmp(&a.points_left))
            .then(b.severity.cmp(&a.severity))
            .then(a.id.cmp(&b.id))
    });
    list
}

/// `portfolio.json`: pretty-printed with a trailing newline, hazards escaped (safe_text).
pub fn render_portfolio_json(portfolio: &Portfolio) -> Result<String, super::ReportError> {
    let mut text = serde_json::to_string_pretty(portfolio)
        .map_err(|e| super::ReportError::Json(e.to_string()))?;
    text.push('\n');
    Ok(crate::safe_text::json(&text).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worst_org_decides_the_fleet() {
        use Outcome::*;
        assert_eq!(fleet_outcome(&[Pass, Pass]), Pass);
        assert_eq!(fleet_outcome(&[Pass, NotEnforced]), NotEnforced);
        assert_eq!(fleet_outcome(&[NotEnforced, GateFailed, Pass]), GateFailed);
        assert_eq!(fleet_outcome(&[GateFailed, Incomplete]), Incomplete);
        assert_eq!(fleet_outcome(&[]), Incomplete);
    }

    #[test]
    fn rows_sorted_and_common_failures_ranked_first() {
        let mut a = crate::report::fixture::sample_report();
        a.org.id = "org-b".into();
        let mut b = a.clone();
        b.org.id = "org-a".into();
        // org-a passes one control that fails in org-b.
        let failing: Vec<String> = a
            .controls
            .iter()
            .filter(|c| c.status == Status::Fail)
            .map(|c| c.id.clone())
            .collect();
        assert!(failing.len() >= 2, "the sample report has failing controls");
        let only_in_b = failing.last().unwrap().clone();
        for c in b.controls.iter_mut().filter(|c| c.id == only_in_b) {
            c.status = Status::Pass;
        }
        let members = [
            PortfolioMember {
                report: &a,
                report_dir: "org-b".into(),
                reports: vec!["report.json".into()],
            },
            PortfolioMember {
                report: &b,
                report_dir: "org-a".into(),
                reports: vec!["report.json".into()],
            },
        ];
        let p = build_portfolio(&members, Vec::new());
        assert_eq!(p.orgs[0].id, "org-a");
        assert_eq!(p.orgs[1].id, "org-b");
        assert_eq!(p.top_failing_controls[0].orgs.len(), 2);
        let last = p.top_failing_controls.last().unwrap();
        assert_eq!(last.id, only_in_b);
        assert_eq!(last.orgs, ["org-b"]);
    }
}
