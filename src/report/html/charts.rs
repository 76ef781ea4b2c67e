//! The inline SVG charts: the score gauge, horizontal bar charts, panels and the per-day
//! timeline. Geometry only; the data comes from the other views.

use super::format::{clip, clip_short, fmt_count};
use super::{CHART_ROWS, SCORE_SHOWN_FROM_COVERAGE};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// The ring gauge over all the points of the controls that apply: the achieved share in
/// blue from the top, the share that could not be evaluated at the end of the ring in the
/// "unknown" colour, the rest (points lost) as the bare track. So a 100% score over a tenth of
/// the points fills a tenth of the ring. The number in the middle is the score only when most
/// points could be evaluated; otherwise it reads "n/a" and the sentence beside it explains.
pub(super) fn gauge(score: &crate::results::ScoreTotal) -> Value {
    let circumference = 2.0 * std::f64::consts::PI * 52.0;
    let total = score.total_points();
    let share = |points: f64| {
        if total > 0.0 {
            (points / total).clamp(0.0, 1.0)
        } else {
            0.0
        }
    };
    let achieved = circumference * share(score.achieved);
    let unevaluated = circumference * share(score.unevaluated_points);
    let coverage = score.coverage.unwrap_or(0.0);
    let mostly_evaluated = score.max > 0.0 && coverage >= SCORE_SHOWN_FROM_COVERAGE;
    json!({
        "dash": format!("{achieved:.2} {circumference:.2}"),
        "unevaluated_dash": format!("0 {:.2} {unevaluated:.2} {circumference:.2}", circumference - unevaluated),
        "has_unevaluated": score.unevaluated_points > 0.0,
        "center": if mostly_evaluated { format!("{:.1}%", score.percent) } else { "n/a".to_string() },
        "coverage": score.coverage.map(|c| format!("{c:.1}% evaluated")).unwrap_or_else(|| "nothing to score".to_string()),
        "label": if mostly_evaluated {
            format!("Score {:.1} percent, {coverage:.1} percent of the points evaluated", score.percent)
        } else {
            format!("No score: only {coverage:.1} percent of the points could be evaluated")
        },
    })
}

/// A horizontal bar chart: labels left, bars scaled to the largest value (or to `scale_max`).
pub(super) fn hbar(title: &str, items: &[(String, f64, String)], scale_max: Option<f64>) -> Value {
    const WIDTH: f64 = 420.0;
    const LABEL_W: f64 = 150.0;
    const VALUE_W: f64 = 60.0;
    const ROW: f64 = 22.0;
    let max = scale_max.unwrap_or_else(|| items.iter().map(|i| i.1).fold(0.0, f64::max));
    let track = WIDTH - LABEL_W - VALUE_W;
    let rows: Vec<Value> = items
        .iter()
        .enumerate()
        .map(|(i, (label, value, shown))| {
            let y = i as f64 * ROW + 4.0;
            let w = if max > 0.0 {
                (value / max).clamp(0.0, 1.0) * track
            } else {
                0.0
            };
            json!({
                "label": clip(label, 500),
                "short": clip_short(label, 22),
                "value": shown,
                "y": format!("{y:.1}"),
                "ty": format!("{:.1}", y + 13.0),
                "h": "14",
                "x0": format!("{LABEL_W:.1}"),
                "track": format!("{track:.1}"),
                "w": format!("{w:.1}"),
                "vx": format!("{:.1}", LABEL_W + track + 6.0),
            })
        })
        .collect();
    json!({
        "title": title,
        "width": format!("{WIDTH:.0}"),
        "height": format!("{:.0}", (items.len() as f64 * ROW + 8.0).max(30.0)),
        "rows": rows,
    })
}

pub(super) fn panel(title: &str, pairs: Vec<(String, f64)>) -> Value {
    let more = pairs.len().saturating_sub(CHART_ROWS);
    let items: Vec<(String, f64, String)> = pairs
        .into_iter()
        .take(CHART_ROWS)
        .map(|(l, n)| (l, n, fmt_count(n)))
        .collect();
    let mut v = hbar(title, &items, None);
    if let Value::Object(m) = &mut v {
        m.insert("more".into(), json!(more));
    }
    v
}

/// Events per day as vertical bars, days without events marked as gaps.
pub(super) fn timeline(per_day: &[(String, f64)], gap_days: &[String]) -> Value {
    const WIDTH: f64 = 840.0;
    const HEIGHT: f64 = 170.0;
    const X0: f64 = 40.0;
    const TOP: f64 = 16.0;
    const BASE: f64 = 140.0;
    let mut days: BTreeMap<String, Option<f64>> =
        per_day.iter().map(|(d, n)| (d.clone(), Some(*n))).collect();
    for g in gap_days {
        days.entry(g.clone()).or_insert(None);
    }
    if days.is_empty() {
        return json!({"present": false});
    }
    let n = days.len() as f64;
    let slot = (WIDTH - X0) / n;
    let max = days.values().flatten().fold(0.0f64, |a, b| a.max(*b));
    let mut bars = Vec::new();
    let mut gaps = Vec::new();
    for (i, (day, count)) in days.iter().enumerate() {
        let x = X0 + i as f64 * slot;
        let w = (slot * 0.8).max(0.5);
        match count {
            Some(c) => {
                let h = if max > 0.0 {
                    (c / max) * (BASE - TOP)
                } else {
                    0.0
                };
                bars.push(json!({
                    "x": format!("{x:.2}"), "y": format!("{:.2}", BASE - h),
                    "w": format!("{w:.2}"), "h": format!("{h:.2}"),
                    "label": clip(day, 100), "value": fmt_count(*c),
                }));
            }
            None => gaps.push(json!({
                "x": format!("{x:.2}"), "y": format!("{TOP:.2}"),
                "w": format!("{w:.2}"), "h": format!("{:.2}", BASE - TOP),
                "label": clip(day, 100),
            })),
        }
    }
    // y-axis: 0, half and the maximum, each with a grid line.
    let ticks: Vec<Value> = [0.0, 0.5, 1.0]
        .iter()
        .filter(|_| max > 0.0)
        .map(|share| {
            let y = BASE - share * (BASE - TOP);
            json!({
                "y": format!("{y:.1}"),
                "ty": format!("{:.1}", y + 4.0),
                "label": fmt_count((max * share * 10.0).round() / 10.0),
            })
        })
        .collect();
    json!({
        "present": true,
        "width": format!("{WIDTH:.0}"), "height": format!("{HEIGHT:.0}"),
        "x0": format!("{X0:.0}"), "x1": format!("{WIDTH:.0}"), "base": format!("{BASE:.0}"),
        "label_y": format!("{:.0}", BASE + 16.0),
        "max": fmt_count(max),
        "ticks": ticks,
        "has_gaps": !gaps.is_empty(),
        "first": clip(days.keys().next().map(String::as_str).unwrap_or(""), 40),
        "last": clip(days.keys().next_back().map(String::as_str).unwrap_or(""), 40),
        "bars": bars, "gaps": gaps,
    })
}

pub(super) fn timeline_of(per_day: &[(String, f64)]) -> Value {
    timeline(per_day, &[])
}
