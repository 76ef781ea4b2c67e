//! The summary at the top of the page (gate, coverage, top actions) and the score trend.

use super::findings::fails_gate;
use super::format::{clip, fmt_points};
use super::{SCORE_SHOWN_FROM_COVERAGE, SUMMARY_ACTIONS};
use crate::report::model::{ControlReport, Report};
use crate::results::{Kind, Status};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// The plain-language summary at the top of the page: the gate's verdict and why, the score
/// with its coverage, counts by category, the actions that gain the most points and what could
/// not be checked.
pub(super) fn summary_view(report: &Report) -> Value {
    let gate = &report.gate;
    let failing: Vec<&str> = report
        .controls
        .iter()
        .filter(|c| fails_gate(c, report))
        .map(|c| c.id.as_str())
        .collect();
    let failing_text = || {
        let shown: Vec<&str> = failing.iter().take(8).copied().collect();
        let more = failing.len().saturating_sub(shown.len());
        let mut t = shown.join(", ");
        if more > 0 {
            t.push_str(&format!(" and {more} more"));
        }
        t
    };
    let new = if gate.new_only { " new" } else { "" };
    let verdict = match gate.outcome {
        crate::gate::Outcome::Pass if gate.fail_on_none => format!(
            "The gate passed: it fails on no finding (--fail-on none), and enough of the points could be evaluated (at least {}% required).",
            fmt_points(gate.min_coverage)
        ),
        crate::gate::Outcome::Pass => format!(
            "The gate passed: no open{new} finding at or above {} severity, and enough of the points could be evaluated (at least {}% required).",
            gate.fail_on, fmt_points(gate.min_coverage)
        ),
        crate::gate::Outcome::GateFailed => format!(
            "The gate failed: {} control(s) have open{new} findings at or above {} severity ({}).",
            failing.len(), gate.fail_on, failing_text()
        ),
        crate::gate::Outcome::NotEnforced => format!(
            "The gate would have failed but was not enforced (--exit-zero): {} control(s) have open{new} findings at or above {} severity ({}).",
            failing.len(), gate.fail_on, failing_text()
        ),
        crate::gate::Outcome::Incomplete => format!(
            "The scan is incomplete, so the gate cannot pass: {}.",
            gate.reasons.first().map(|r| clip(r, 500)).unwrap_or_else(|| "too little could be evaluated".into())
        ),
    };
    // Counts per category: passed, failed, not evaluable (error included), waived.
    let mut by_category: BTreeMap<&str, [usize; 4]> = BTreeMap::new();
    for c in &report.controls {
        let row = by_category.entry(c.category.as_str()).or_default();
        match c.status {
            Status::Pass => row[0] += 1,
            Status::Fail => row[1] += 1,
            Status::NotEvaluable | Status::Error => row[2] += 1,
            Status::Waived => row[3] += 1,
            Status::NotApplicable => {}
        }
    }
    let mut totals = [0usize; 4];
    let categories: Vec<Value> = by_category
        .iter()
        .map(|(name, n)| {
            for (t, v) in totals.iter_mut().zip(n) {
                *t += v;
            }
            let score = report
                .score
                .by_category
                .get(*name)
                .filter(|t| t.max > 0.0 && t.coverage.unwrap_or(0.0) >= SCORE_SHOWN_FROM_COVERAGE)
                .map(|t| format!("{:.0}%", t.percent))
                .unwrap_or_else(|| "n/a".into());
            json!({"name": clip(name, 200), "score": score,
                   "pass": n[0], "fail": n[1], "not_evaluable": n[2], "waived": n[3]})
        })
        .collect();
    let mut actions: Vec<&ControlReport> = report
        .controls
        .iter()
        .filter(|c| c.status == Status::Fail && c.kind == Kind::Posture && c.points_left > 0.0)
        .collect();
    actions.sort_by(|a, b| {
        b.points_left
            .total_cmp(&a.points_left)
            .then(b.severity.cmp(&a.severity))
            .then(a.id.cmp(&b.id))
    });
    let actions: Vec<Value> = actions
        .iter()
        .take(SUMMARY_ACTIONS)
        .map(|c| {
            json!({"id": clip(&c.id, 200), "title": clip(&c.title, 500), "severity": c.severity,
                   "points": fmt_points(c.points_left), "open": c.finding_count.saturating_sub(c.waived_count)})
        })
        .collect();
    // What could not be checked, one line per reason with the controls it blocked.
    let mut unchecked: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for c in report
        .controls
        .iter()
        .filter(|c| c.status == Status::NotEvaluable || c.status == Status::Error)
    {
        let why = if c.reasons.is_empty() {
            c.status.label().to_string()
        } else {
            c.reasons.join("; ")
        };
        unchecked.entry(why).or_default().push(c.id.as_str());
    }
    let unchecked_count = unchecked.len();
    let unchecked: Vec<Value> = unchecked
        .into_iter()
        .take(SUMMARY_ACTIONS)
        .map(|(why, ids)| {
            json!({"reason": clip(&why, 500), "controls": ids.iter().map(|i| clip(i, 200)).collect::<Vec<_>>()})
        })
        .collect();
    json!({
        "verdict": verdict,
        "score": report.score.overall.describe(),
        "categories": categories,
        "totals": {"pass": totals[0], "fail": totals[1], "not_evaluable": totals[2], "waived": totals[3]},
        "actions": actions,
        "unchecked": unchecked,
        "unchecked_more": unchecked_count.saturating_sub(SUMMARY_ACTIONS),
    })
}

pub(super) fn trend_view(report: &Report) -> Value {
    let points = &report.trend;
    if points.len() < 2 {
        return json!({"present": false});
    }
    const WIDTH: f64 = 420.0;
    const X0: f64 = 40.0;
    const TOP: f64 = 10.0;
    const BASE: f64 = 120.0;
    let n = points.len() as f64;
    let xs = |i: usize| X0 + (WIDTH - X0 - 10.0) * (i as f64) / (n - 1.0);
    let ys = |p: f64| BASE - (p.clamp(0.0, 100.0) / 100.0) * (BASE - TOP);
    let coords: Vec<String> = points
        .iter()
        .enumerate()
        .map(|(i, p)| format!("{:.1},{:.1}", xs(i), ys(p.percent)))
        .collect();
    let dots: Vec<Value> = points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            json!({"x": format!("{:.1}", xs(i)), "y": format!("{:.1}", ys(p.percent)),
                   "label": format!("{}: {:.1}%", p.evaluated_at, p.percent)})
        })
        .collect();
    let rows: Vec<Value> = points
        .iter()
        .rev()
        .take(12)
        .map(|p| json!({"at": p.evaluated_at.to_rfc3339(), "percent": format!("{:.1}", p.percent), "open": p.open_findings}))
        .collect();
    json!({
        "present": true,
        "width": format!("{WIDTH:.0}"), "height": "140",
        "x0": format!("{X0:.0}"), "x1": format!("{:.0}", WIDTH - 10.0),
        "y0": format!("{BASE:.0}"), "y100": format!("{TOP:.0}"),
        "label_y": "136",
        "points": coords.join(" "),
        "dots": dots,
        "rows": rows,
        "first": points[0].evaluated_at.0.format("%Y-%m-%d").to_string(),
        "last": points[points.len() - 1].evaluated_at.0.format("%Y-%m-%d").to_string(),
    })
}
