//! The HTML report: one self-contained file (inline CSS, SVG charts and one small script; no
//! external assets) rendered by handlebars in strict mode from templates embedded at build
//! time. It works offline, prints, and stays readable without the script.
//!
//! Safety: all org data goes through handlebars' HTML escaping (`{{…}}`, never `{{{…}}}`); the
//! only raw insertions are our own stylesheet and script. The page's Content-Security-Policy
//! allows exactly that stylesheet and that script by their sha256 (computed here from the
//! embedded text), nothing else: an injected `<script>`, event handler, external image or
//! style would be blocked even if escaping ever failed.
//!
//! Scale: findings are listed up to [`FINDINGS_SHOWN`] per control and [`FINDINGS_BUDGET`] in
//! all, long lists are paged by the script, long values are clipped, and controls with more
//! findings than listed get a count by resource type; 10^5 findings stay a few MB.

use super::model::{ControlReport, Report};
use crate::results::{Kind, Severity, Status};
use handlebars::Handlebars;
use serde_json::{json, Value};

mod activity;
mod charts;
mod findings;
mod format;
mod summary;

use activity::{activity_view, day_ranges, string_list};
use charts::{gauge, hbar};
use findings::{all_findings_view, control_anchor, control_view, fails_gate, value_text};
pub(super) use format::clip;
use format::fmt_points;
use summary::{summary_view, trend_view};

const TEMPLATE: &str = include_str!("../../../reports/report.html.hbs");

const STYLE: &str = include_str!("../../../reports/report.css");

const SCRIPT: &str = include_str!("../../../reports/report.js");

/// Sections kept in their own files so that each can change without touching the others.
const PARTIALS: [(&str, &str); 4] = [
    (
        "summary",
        include_str!("../../../reports/partials/summary.html.hbs"),
    ),
    (
        "findings_table",
        include_str!("../../../reports/partials/findings_table.html.hbs"),
    ),
    (
        "compliance",
        include_str!("../../../reports/partials/compliance.html.hbs"),
    ),
    (
        "all_findings",
        include_str!("../../../reports/partials/all_findings.html.hbs"),
    ),
];

/// Findings listed per control before the rest are summarised by counts.
pub const FINDINGS_SHOWN: usize = 200;

/// Findings listed in the whole page.
pub const FINDINGS_BUDGET: usize = 2000;

/// Failing controls shown expanded when the page opens (the rest one click away); every
/// control that fails the gate is open whatever its rank.
pub const OPEN_CONTROLS: usize = 10;

/// Findings of one control shown as cards; more are shown as a table, one row each.
pub const FINDINGS_AS_CARDS: usize = 10;

/// Rows of the page-wide findings table (one per finding, most severe first); the rest are
/// counted and in report.json and findings.csv.
pub const ALL_FINDINGS_ROWS: usize = 1000;

/// Actions listed in the summary, most points first.
pub const SUMMARY_ACTIONS: usize = 5;

/// Characters of one value shown before it is clipped.
pub const VALUE_CHARS: usize = 2000;

/// Items of a list value (event ids…) shown before the rest are counted.
pub const LIST_ITEMS: usize = 20;

/// A score is drawn (gauge number, category bar) only when at least this percentage of its
/// points could be evaluated: a 100% over a sliver of the points must not read as 100%.
pub const SCORE_SHOWN_FROM_COVERAGE: f64 = 50.0;

/// Bars per activity chart.
pub const CHART_ROWS: usize = 10;

#[derive(Debug, thiserror::Error)]
#[error("rendering the HTML report: {0}")]
pub struct HtmlError(String);

/// `'sha256-…'` of a text, as CSP wants it.
pub fn csp_hash(text: &str) -> String {
    use sha2::{Digest, Sha256};
    format!("'sha256-{}'", base64(&Sha256::digest(text.as_bytes())))
}

fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The page's policy: only our own style and script, by hash; no network, no forms, no base.
/// (`frame-ancestors` is left out: browsers ignore it in a `<meta>` policy, and a directive that
/// does nothing must not read as a protection; docs/reports.md says how to add it as a header.)
pub fn content_security_policy() -> String {
    format!(
        "default-src 'none'; style-src {}; script-src {}; img-src data:; base-uri 'none'; form-action 'none'",
        csp_hash(STYLE),
        csp_hash(SCRIPT)
    )
}

pub fn render_html(report: &Report) -> Result<String, HtmlError> {
    render_html_with(report, &[])
}

/// The report with a compliance section per framework (`--compliance`), none when `compliance`
/// is empty.
pub fn render_html_with(
    report: &Report,
    compliance: &[super::compliance::ComplianceReport],
) -> Result<String, HtmlError> {
    let hb = templates().as_ref().map_err(|e| HtmlError(e.clone()))?;
    let mut view = view_model(report);
    let anchor = |id: &str| control_anchor(report, id);
    let section = super::compliance_html::compliance_view(compliance, &anchor);
    if let Value::Object(v) = &mut view {
        v.insert("compliance".into(), Value::Array(section));
    }
    hb.render("report", &view)
        .map_err(|e| HtmlError(e.to_string()))
}

/// The page's templates, compiled once per process: compiling them costs more than rendering a
/// report (handlebars finds each element's line by rescanning the text), and a fleet renders
/// one report per org.
fn templates() -> &'static Result<Handlebars<'static>, String> {
    static TEMPLATES: std::sync::OnceLock<Result<Handlebars<'static>, String>> =
        std::sync::OnceLock::new();
    TEMPLATES.get_or_init(|| {
        let mut hb = Handlebars::new();
        hb.set_strict_mode(true);
        // HTML escaping, then control characters as visible `\u{1b}` text (safe_text).
        hb.register_escape_fn(|text| {
            crate::safe_text::document(&handlebars::html_escape(text)).into_owned()
        });
        for (name, text) in PARTIALS {
            hb.register_partial(name, text).map_err(|e| e.to_string())?;
        }
        hb.register_template_string("report", TEMPLATE)
            .map_err(|e| e.to_string())?;
        Ok(hb)
    })
}

fn view_model(report: &Report) -> Value {
    let categories: Vec<(String, f64, String)> = report
        .score
        .by_category
        .iter()
        .map(|(name, t)| {
            // Like the gauge: no figure (and no bar) unless most of the category's points
            // could be evaluated.
            if t.max > 0.0 && t.coverage.unwrap_or(0.0) >= SCORE_SHOWN_FROM_COVERAGE {
                (name.clone(), t.percent, format!("{:.0}%", t.percent))
            } else {
                (name.clone(), 0.0, "n/a".to_string())
            }
        })
        .collect();
    let statuses: Vec<(String, f64, String)> = report
        .summary
        .by_status
        .iter()
        .map(|(s, n)| (s.label().to_string(), *n as f64, n.to_string()))
        .collect();
    let severities: Vec<(String, f64, String)> = report
        .summary
        .failed_by_severity
        .iter()
        .rev()
        .map(|(s, n)| (s.to_string(), *n as f64, n.to_string()))
        .collect();

    // Controls that fail the gate first, then the report's order (points left); rank =
    // position within its list. Anchors are the control ids.
    let mut ordered: Vec<(bool, &ControlReport)> = report
        .controls
        .iter()
        .map(|c| (fails_gate(c, report), c))
        .collect();
    ordered.sort_by_key(|(failing, _)| !failing);
    let mut budget = FINDINGS_BUDGET;
    let mut posture = Vec::new();
    let mut detections = Vec::new();
    for (failing, c) in ordered {
        match c.kind {
            Kind::Posture => {
                let rank = posture.len() + 1;
                posture.push(control_view(report, c, rank, failing, &mut budget));
            }
            Kind::Detection => {
                let rank = detections.len() + 1;
                detections.push(control_view(report, c, rank, failing, &mut budget));
            }
        }
    }
    let listed: std::collections::BTreeSet<String> = posture
        .iter()
        .chain(&detections)
        .filter_map(|c| c["findings"].as_array())
        .flatten()
        .filter_map(|f| f["anchor"].as_str().map(str::to_string))
        .collect();
    let all_findings = all_findings_view(report, &listed);
    let collections: Vec<Value> = report
        .snapshot
        .collections
        .iter()
        .map(|(name, c)| {
            json!({
                "name": clip(name, 200),
                "available": c.available,
                "source": clip(&c.source, 200),
                "fetched_at": c.fetched_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
                "records": c.records,
                "reason": c.reason.as_deref().map(|r| clip(r, VALUE_CHARS)).unwrap_or_default(),
            })
        })
        .collect();
    let not_evaluable: Vec<Value> = report
        .controls
        .iter()
        .filter(|c| c.status == Status::NotEvaluable || c.status == Status::Error)
        .map(|c| {
            json!({"id": clip(&c.id, 200), "title": clip(&c.title, 500),
                   "reasons": c.reasons.iter().map(|r| clip(r, VALUE_CHARS)).collect::<Vec<_>>(),
                   "status_label": c.status.label()})
        })
        .collect();
    let activity = &report.activity;
    let window = report
        .snapshot
        .event_window
        .as_ref()
        .or_else(|| activity.get("window"))
        .filter(|w| w.is_object())
        .map(|w| {
            json!({
                "from": w.get("from").map(value_text).unwrap_or_default(),
                "to": w.get("to").map(value_text).unwrap_or_default(),
            })
        })
        .unwrap_or(Value::Bool(false));
    let gap_list = string_list(activity.get("gap_days"));
    let gaps = day_ranges(&gap_list);
    let waivers: Vec<Value> = report
        .waivers
        .iter()
        .map(|w| {
            json!({
                "control": clip(&w.control, 200),
                "resource": w.resource.as_deref().map(|r| clip(r, 500)).unwrap_or_else(|| "all".into()),
                "status": w.status,
                "reason": clip(&w.reason, VALUE_CHARS),
                "owner": w.owner.as_deref().map(|r| clip(r, 200)).unwrap_or_default(),
                "ticket": w.ticket.as_deref().map(|r| clip(r, 200)).unwrap_or_default(),
                "expires": w.expires.as_deref().map(|r| clip(r, 100)).unwrap_or_else(|| "never".into()),
                "state": clip(&w.state, 40),
                "matched": w.matched,
            })
        })
        .collect();
    let mut filter_categories: Vec<String> = report
        .controls
        .iter()
        .map(|c| clip(&c.category, 200))
        .collect();
    filter_categories.sort();
    filter_categories.dedup();
    // Every status, present or not, so a filter link (`#status=waived`) always has its option.
    let filter_statuses: Vec<Value> = [
        Status::Fail,
        Status::Error,
        Status::NotEvaluable,
        Status::Waived,
        Status::Pass,
        Status::NotApplicable,
    ]
    .iter()
    .map(|s| json!({"value": s, "label": s.label()}))
    .collect();
    let gate = &report.gate;
    let gate_class = match gate.outcome {
        crate::gate::Outcome::Pass => "pass",
        crate::gate::Outcome::GateFailed => "fail",
        crate::gate::Outcome::Incomplete => "error",
        crate::gate::Outcome::NotEnforced => "not_evaluable",
    };
    let org_name = report
        .org
        .name
        .clone()
        .unwrap_or_else(|| report.org.id.clone());
    let head = json!({
        "csp": content_security_policy(),
        "style": STYLE,
        "script": SCRIPT,
        "org_name": clip(&org_name, 300),
        "org_id": clip(&report.org.id, 300),
        "tool_version": clip(&report.tool.version, 100),
        "collected_at": report.snapshot.collected_at.to_rfc3339(),
        "evaluated_at": report.evaluated_at.to_rfc3339(),
        "snapshot_location": clip(&report.snapshot.location, 1000),
        "snapshot_source": clip(&report.snapshot.source, 100),
        "snapshot_hash": clip(&report.snapshot.content_hash, 200),
        "pack_hash": clip(&report.policy_pack.hash, 200),
        "pack_controls": report.policy_pack.controls,
        "attestation": report.snapshot.attestation.as_ref().map(|a| json!({"by": clip(&a.attested_by, 300), "at": a.attested_at.to_rfc3339()})).unwrap_or(Value::Bool(false)),
        "redacted": report.redacted,
        "config": report.config.as_ref().map(|c| json!({"path": clip(&c.path, 1000), "sha256": clip(&c.sha256, 100), "implicit": c.implicit})).unwrap_or(Value::Bool(false)),
        "demo": if report.is_demo() { Value::String(super::model::DEMO_MARKER.to_string()) } else { Value::Bool(false) },
        "warnings": report.warnings.iter().take(200).map(|w| clip(w, VALUE_CHARS)).collect::<Vec<_>>(),
        "warning_count": report.warnings.len(),
        "score": {
            "has_unevaluated": report.score.overall.unevaluated_points > 0.0,
            "describe": report.score.overall.describe(),
        },
        "gauge": gauge(&report.score.overall),
        "summary": summary_view(report),
    });
    let rest = json!({
        "categories": hbar("Score by category", &categories, Some(100.0)),
        "statuses": hbar("Controls by status", &statuses, None),
        "severities": hbar("Failed controls by severity", &severities, None),
        "trend": trend_view(report),
        "gate": {
            "label": gate.label(),
            "class": gate_class,
            "outcome": gate.outcome.as_str(),
            "min_coverage": fmt_points(gate.min_coverage),
            "fail_on": gate.fail_on_label(),
            "new_only": gate.new_only,
            "reasons": gate.reasons.iter().take(200).map(|r| clip(r, 500)).collect::<Vec<_>>(),
            "reason_count": gate.reasons.len(),
        },
        "baseline": report.baseline.as_ref().map(|b| json!({
            "evaluated_at": b.evaluated_at.to_rfc3339(),
            "new": b.new_findings.len(),
            "resolved": b.resolved_findings,
        })).unwrap_or(Value::Bool(false)),
        "posture": posture,
        "detections": detections,
        "all_findings": all_findings,
        "has_detections": report.controls.iter().any(|c| c.kind == Kind::Detection),
        "filter_statuses": filter_statuses,
        "filter_severities": Severity::ALL.iter().rev().map(|s| s.as_str()).collect::<Vec<_>>(),
        "filter_categories": filter_categories,
        "activity": activity_view(activity),
        "window": window,
        "gaps": gaps,
        "gap_days": gap_list.len(),
        "collections": collections,
        "not_evaluable": not_evaluable,
        "waivers": waivers,
        "findings_total": report.summary.findings,
        "waived_total": report.summary.waived_findings,
        "findings_cap": FINDINGS_SHOWN,
        "findings_budget": FINDINGS_BUDGET,
    });
    let mut view = head;
    if let (Value::Object(a), Value::Object(b)) = (&mut view, rest) {
        a.extend(b);
    }
    view
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture::{hostile_report, large_report, sample_report};
    use activity::count_pairs;
    use findings::reference_view;

    #[test]
    fn base64_matches_the_standard_alphabet() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn the_policy_allows_exactly_our_script_and_style() {
        let html = render_html(&sample_report()).unwrap();
        let csp = content_security_policy();
        assert!(html.contains(&format!("content=\"{csp}\"")));
        assert!(html.contains(&format!("<script>{SCRIPT}</script>")));
        assert!(html.contains(&format!("<style>{STYLE}</style>")));
        assert_eq!(html.matches("<script").count(), 1);
        assert!(!html.contains(" style=\""), "no inline style attributes");
    }

    #[test]
    fn org_data_is_escaped_everywhere() {
        let html = render_html(&hostile_report()).unwrap();
        assert_eq!(html.matches("<script").count(), 1, "only our own script");
        assert!(!html.contains("<img src=x"), "a raw tag leaked");
        assert!(!html.contains("<svg onload"), "a raw tag leaked");
        assert!(html.contains("&lt;script&gt;document.title"));
        assert!(
            html.contains("{{title}}"),
            "template syntax in data is text"
        );
        assert!(!html.contains("src=\"http"));
        // Links only to the page itself or to a control's own http(s) reference.
        let report = hostile_report();
        let references: Vec<&str> = report
            .controls
            .iter()
            .flat_map(|c| c.references.iter().map(String::as_str))
            .collect();
        for href in html.split("href=\"").skip(1) {
            let href = &href[..href.find('"').unwrap()];
            assert!(
                href.starts_with('#') || references.contains(&href),
                "unexpected link {href:?}"
            );
        }
    }

    #[test]
    fn references_link_only_to_the_web() {
        assert_eq!(
            reference_view("https://example.com/a?b=1")["href"],
            "https://example.com/a?b=1"
        );
        for text in [
            "javascript:alert(1)",
            "data:text/html,x",
            "/etc/passwd",
            "CIS 1.2 https://example.com",
            "https://example.com/\"onmouseover=x",
        ] {
            assert_eq!(reference_view(text)["href"], "", "{text}");
        }
    }

    #[test]
    fn gate_failing_controls_come_first_and_open() {
        let report = sample_report();
        let view = view_model(&report);
        let posture = view["posture"].as_array().unwrap();
        let failing: Vec<bool> = posture
            .iter()
            .map(|c| c["gate_failing"].as_bool().unwrap())
            .collect();
        assert!(failing.iter().any(|f| *f), "the sample fails the gate");
        assert!(
            failing.windows(2).all(|w| w[0] || !w[1]),
            "a gate failure after another control: {failing:?}"
        );
        for c in posture.iter().filter(|c| c["gate_failing"] == true) {
            assert_eq!(c["open"], true, "{}", c["id"]);
        }
    }

    #[test]
    fn large_reports_are_capped() {
        let report = large_report(100_000);
        let html = render_html(&report).unwrap();
        assert!(html.len() < 5 * 1024 * 1024, "{} bytes", html.len());
        assert!(html.contains("findings are listed here"));
        assert!(html.matches("fingerprint ").count() <= FINDINGS_BUDGET);
        let table = all_findings_view(&report, &Default::default());
        assert_eq!(table["shown"], ALL_FINDINGS_ROWS);
        let total = report.summary.findings;
        assert_eq!(table["total"], total);
        assert!(html.contains(&format!(
            "The {ALL_FINDINGS_ROWS} most severe of {total} findings are listed here"
        )));
    }

    #[test]
    fn the_findings_table_lists_every_finding_most_severe_and_open_first() {
        let report = sample_report();
        let html = render_html(&report).unwrap();
        let table = &html[html.find("id=\"all-findings\"").unwrap()..];
        let table = &table[..table.find("</table>").unwrap()];
        let rows: Vec<&str> = table.split("<tr class=").skip(1).collect();
        assert_eq!(rows.len(), report.summary.findings);
        let attr = |row: &str, name: &str| -> String {
            let at = row.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
            row[at..at + row[at..].find('"').unwrap()].to_string()
        };
        let rank = |row: &str| {
            let sev: Severity = attr(row, "data-severity").parse().unwrap();
            let state = match attr(row, "data-status").as_str() {
                "open" => 0,
                "planned" => 1,
                _ => 2,
            };
            (std::cmp::Reverse(sev), state)
        };
        assert!(rows.windows(2).all(|w| rank(w[0]) <= rank(w[1])));
        assert!(rows.iter().any(|r| attr(r, "data-status") == "waived"));
        assert!(rows.iter().any(|r| attr(r, "data-kind") == "detection"));
        for c in &report.controls {
            for f in &c.findings {
                let short: String = f.fingerprint.chars().take(12).collect();
                let row = rows
                    .iter()
                    .find(|r| r.contains(&format!(">{short}<")))
                    .unwrap_or_else(|| panic!("no row for {}", f.fingerprint));
                assert!(row.contains(&format!("href=\"#{}\"", c.id)), "{row}");
                // Every finding of the sample has a card to link to.
                assert!(
                    row.contains(&format!("href=\"#{}/{}\"", c.id, f.fingerprint)),
                    "{row}"
                );
            }
        }
    }

    #[test]
    fn activity_shapes_are_read_flexibly() {
        let pairs = count_pairs(
            &json!([{"name": "Lee", "id": "a1", "count": 3}, ["x", 5], {"nothing": 1}]),
        );
        assert_eq!(
            pairs,
            vec![("x".to_string(), 5.0), ("Lee (a1)".to_string(), 3.0)]
        );
        assert_eq!(activity_view(&Value::Null)["present"], false);
        assert_eq!(
            activity_view(&json!({"available": false}))["present"],
            false
        );
        let v = activity_view(&json!({"per_day": {"2026-01-01": 1}, "gap_days": ["2026-01-02"]}));
        assert_eq!(v["timeline"]["present"], true);
        assert_eq!(v["missing"].as_array().unwrap().len(), 4);
        assert_eq!(
            day_ranges(&[
                "2026-01-02".into(),
                "2026-01-01".into(),
                "2026-01-05".into(),
                "x".into()
            ]),
            vec!["2026-01-01 – 2026-01-02", "2026-01-05", "x"]
        );
    }
}
