//! `scan --fleet --baseline OLD/portfolio.json`: what changed in each org since an earlier
//! portfolio. The unit is the failing control per org (what `top_failing_controls` records),
//! so the comparison needs nothing but the two portfolios: a control failing in an org now
//! that did not fail there before is a new failure of that org; one that failed before and
//! no longer does is resolved. An org the baseline does not have has every failure new.

use super::history::ReportLoadError;
use super::portfolio::{Portfolio, PORTFOLIO_SCHEMA};
use crate::snapshot::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The earlier portfolio a fleet scan was compared with.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PortfolioBaseline {
    /// The baseline file as given.
    pub source: String,
    /// Its `as_of`.
    pub as_of: Timestamp,
    /// Orgs with at least one new failure.
    pub orgs_with_new_failures: usize,
}

/// One org's changes since the baseline.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct OrgChanges {
    pub in_baseline: bool,
    /// Control ids failing now and not in the baseline's row of this org, sorted.
    pub new_failures: Vec<String>,
    /// Control ids failing in the baseline and not now, sorted.
    pub resolved: Vec<String>,
    /// Score percent now minus then (null for an org new to the fleet).
    pub score_delta: Option<f64>,
}

/// Reads an earlier `portfolio.json` (`orgscan.portfolio/v1`); errors name the file.
pub fn load_portfolio(path: &Path) -> Result<Portfolio, ReportLoadError> {
    let shown = path.display().to_string();
    let fail = |message: String| ReportLoadError {
        path: shown.clone(),
        message,
    };
    let text = std::fs::read_to_string(path).map_err(|e| fail(e.to_string()))?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| fail(format!("line {}, column {}: {e}", e.line(), e.column())))?;
    match value.get("schema").and_then(serde_json::Value::as_str) {
        Some(PORTFOLIO_SCHEMA) => {}
        Some(other) => {
            return Err(fail(format!(
                "schema {other:?} is not a portfolio; with --fleet, --baseline takes the portfolio.json of an earlier fleet scan ({PORTFOLIO_SCHEMA:?})"
            )))
        }
        None => {
            return Err(fail(format!(
                "not an orgscan portfolio (no \"schema\": {PORTFOLIO_SCHEMA:?}); give the portfolio.json an earlier scan --fleet wrote"
            )))
        }
    }
    serde_path_to_error::deserialize(value)
        .map_err(|e| fail(format!("field `{}`: {}", e.path(), e.inner())))
}

/// The failing control ids of each org of a portfolio.
fn failing_by_org(p: &Portfolio) -> BTreeMap<&str, BTreeSet<&str>> {
    let mut by_org: BTreeMap<&str, BTreeSet<&str>> = p
        .orgs
        .iter()
        .map(|o| (o.id.as_str(), BTreeSet::new()))
        .collect();
    for control in &p.top_failing_controls {
        for org in &control.orgs {
            by_org
                .entry(org.as_str())
                .or_default()
                .insert(control.id.as_str());
        }
    }
    by_org
}

/// Records in `portfolio` what changed in each org since `baseline`.
pub fn compare_with_baseline(portfolio: &mut Portfolio, baseline: &Portfolio, source: &str) {
    let then = failing_by_org(baseline);
    let now: BTreeMap<String, BTreeSet<String>> = failing_by_org(portfolio)
        .into_iter()
        .map(|(org, ids)| {
            (
                org.to_string(),
                ids.into_iter().map(str::to_string).collect(),
            )
        })
        .collect();
    let scores: BTreeMap<&str, f64> = baseline
        .orgs
        .iter()
        .map(|o| (o.id.as_str(), o.score.percent))
        .collect();
    let mut with_new = 0;
    for org in &mut portfolio.orgs {
        let failing = now.get(&org.id).cloned().unwrap_or_default();
        let before = then.get(org.id.as_str());
        let was = |id: &str| before.is_some_and(|b| b.contains(id));
        let new_failures: Vec<String> = failing.iter().filter(|id| !was(id)).cloned().collect();
        let resolved: Vec<String> = before
            .map(|b| {
                b.iter()
                    .filter(|id| !failing.contains(**id))
                    .map(|id| id.to_string())
                    .collect()
            })
            .unwrap_or_default();
        if !new_failures.is_empty() {
            with_new += 1;
        }
        org.changes = Some(OrgChanges {
            in_baseline: before.is_some(),
            new_failures,
            resolved,
            score_delta: scores
                .get(org.id.as_str())
                .map(|then| crate::results::round2(org.score.percent - then)),
        });
    }
    portfolio.baseline = Some(PortfolioBaseline {
        source: source.to_string(),
        as_of: baseline.as_of,
        orgs_with_new_failures: with_new,
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::portfolio::{build_portfolio, render_portfolio_json, PortfolioMember};
    use crate::results::Status;

    fn portfolio(reports: &[crate::report::Report]) -> Portfolio {
        let members: Vec<PortfolioMember<'_>> = reports
            .iter()
            .map(|r| PortfolioMember {
                report: r,
                report_dir: r.org.id.clone(),
                reports: vec!["report.json".into()],
            })
            .collect();
        build_portfolio(&members, Vec::new())
    }

    #[test]
    fn new_and_resolved_failures_per_org() {
        let mut a = crate::report::fixture::sample_report();
        a.org.id = "org-a".into();
        let mut b = a.clone();
        b.org.id = "org-b".into();
        let failing: Vec<String> = a
            .controls
            .iter()
            .filter(|c| c.status == Status::Fail)
            .map(|c| c.id.clone())
            .collect();
        let (fixed, regressed) = (failing[0].clone(), failing[1].clone());
        // Then: org-a had `regressed` passing; now it fails. org-b fixed `fixed` since.
        let mut a_then = a.clone();
        for c in a_then.controls.iter_mut().filter(|c| c.id == regressed) {
            c.status = Status::Pass;
        }
        let b_then = b.clone();
        for c in b.controls.iter_mut().filter(|c| c.id == fixed) {
            c.status = Status::Pass;
        }
        b.score.overall.percent += 5.0;
        let mut c = a.clone();
        c.org.id = "org-c".into();

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("portfolio.json");
        let then = portfolio(&[a_then, b_then]);
        std::fs::write(&path, render_portfolio_json(&then).unwrap()).unwrap();
        let then = load_portfolio(&path).unwrap();
        let mut now = portfolio(&[a, b, c]);
        compare_with_baseline(&mut now, &then, "old/portfolio.json");

        let changes = |i: usize| now.orgs[i].changes.clone().unwrap();
        assert_eq!(changes(0).new_failures, std::slice::from_ref(&regressed));
        assert!(changes(0).resolved.is_empty());
        assert!(changes(1).new_failures.is_empty());
        assert_eq!(changes(1).resolved, [fixed]);
        assert_eq!(changes(1).score_delta, Some(5.0));
        assert!(!changes(2).in_baseline);
        assert_eq!(changes(2).new_failures.len(), failing.len());
        assert_eq!(changes(2).score_delta, None);
        let b = now.baseline.as_ref().unwrap();
        assert_eq!(
            (b.source.as_str(), b.orgs_with_new_failures),
            ("old/portfolio.json", 2)
        );
        let html = crate::report::portfolio_html::render_portfolio_html(&now);
        assert!(html.contains("id=\"baseline\""), "{html}");
        assert!(
            html.contains(&format!("1 new</span>: {regressed}")),
            "{html}"
        );
        assert!(html.contains("new to the fleet"));
    }

    #[test]
    fn a_report_is_not_a_baseline_portfolio() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.json");
        let report = crate::report::fixture::sample_report();
        std::fs::write(&path, serde_json::to_string(&report).unwrap()).unwrap();
        let err = load_portfolio(&path).unwrap_err().to_string();
        assert!(err.contains("is not a portfolio"), "{err}");
        std::fs::write(&path, "{").unwrap();
        assert!(load_portfolio(&path)
            .unwrap_err()
            .to_string()
            .contains("line 1"));
    }
}
