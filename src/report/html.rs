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
use crate::results::{Finding, Kind, Severity, Status};
use handlebars::Handlebars;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

const TEMPLATE: &str = include_str!("../../reports/report.html.hbs");
const STYLE: &str = include_str!("../../reports/report.css");
const SCRIPT: &str = include_str!("../../reports/report.js");
/// Sections kept in their own files so that each can change without touching the others.
const PARTIALS: [(&str, &str); 4] = [
    (
        "summary",
        include_str!("../../reports/partials/summary.html.hbs"),
    ),
    (
        "findings_table",
        include_str!("../../reports/partials/findings_table.html.hbs"),
    ),
    (
        "compliance",
        include_str!("../../reports/partials/compliance.html.hbs"),
    ),
    (
        "all_findings",
        include_str!("../../reports/partials/all_findings.html.hbs"),
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
    let mut hb = Handlebars::new();
    hb.set_strict_mode(true);
    // HTML escaping, then control characters as visible `\u{1b}` text (safe_text).
    hb.register_escape_fn(|text| {
        crate::safe_text::document(&handlebars::html_escape(text)).into_owned()
    });
    for (name, text) in PARTIALS {
        hb.register_partial(name, text)
            .map_err(|e| HtmlError(e.to_string()))?;
    }
    hb.register_template_string("report", TEMPLATE)
        .map_err(|e| HtmlError(e.to_string()))?;
    let mut view = view_model(report);
    let anchor = |id: &str| control_anchor(report, id);
    let section = super::compliance_html::compliance_view(compliance, &anchor);
    if let Value::Object(v) = &mut view {
        v.insert("compliance".into(), Value::Array(section));
    }
    hb.render("report", &view)
        .map_err(|e| HtmlError(e.to_string()))
}

/// The HTML id of a control's entry: the control id itself (`#ATL-IDN-002`), when the report
/// holds that control.
fn control_anchor(report: &Report, id: &str) -> Option<String> {
    report
        .controls
        .iter()
        .any(|c| c.id == id)
        .then(|| id.to_string())
}

fn fmt_points(p: f64) -> String {
    if p.fract() == 0.0 {
        format!("{p:.0}")
    } else {
        let s = format!("{p:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

fn fmt_count(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n:.2}")
    }
}

/// At most `max` characters, with a note of the full length when clipped.
pub(super) fn clip(text: &str, max: usize) -> String {
    super::text::clip_with(text, max, |n| format!("… ({n} characters in all)"))
}

fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => clip(s, VALUE_CHARS),
        Value::Array(items) if items.len() > LIST_ITEMS => {
            let shown: Vec<String> = items[..LIST_ITEMS].iter().map(value_text).collect();
            format!("{} … ({} in all)", shown.join(", "), items.len())
        }
        Value::Array(items) => items.iter().map(value_text).collect::<Vec<_>>().join(", "),
        Value::Null => "—".to_string(),
        other => clip(&other.to_string(), VALUE_CHARS),
    }
}

/// Evidence as label/value rows, source first, then what the policy reported; where the
/// policy named a collection but not when it was read, the snapshot's provenance fills in the
/// endpoint source and fetch time, and attestation evidence gets who attested and when.
fn evidence_rows(f: &Finding, report: &Report) -> Vec<Value> {
    let Some(e) = &f.evidence else {
        return Vec::new();
    };
    let mut rows = vec![json!({"key": "source", "value": clip(&e.source, VALUE_CHARS)})];
    for (k, v) in &e.details {
        rows.push(json!({"key": clip(k, 200), "value": value_text(v)}));
    }
    let has = |k: &str| e.details.contains_key(k);
    if let Some(c) = e
        .details
        .get("collection")
        .and_then(Value::as_str)
        .and_then(|name| report.snapshot.collections.get(name))
    {
        if !has("fetched_at") {
            if let Some(t) = c.fetched_at {
                rows.push(json!({"key": "collection fetched at", "value": t.to_rfc3339()}));
            }
        }
        if !has("endpoint") {
            rows.push(json!({"key": "collection source", "value": clip(&c.source, 200)}));
        }
    }
    if e.source == "attestation" && !has("attested_by") {
        if let Some(a) = &report.snapshot.attestation {
            rows.push(json!({"key": "attested", "value": format!("by {} at {}", clip(&a.attested_by, 300), a.attested_at)}));
        }
    }
    rows
}

/// A reference as a link when it is a plain http(s) URL; anything else (a `javascript:` or
/// `data:` URL, a relative path, text with spaces) stays text, so policy metadata can never
/// put a script or a local file behind a link.
fn reference_view(text: &str) -> Value {
    let t = text.trim();
    let lower = t.to_ascii_lowercase();
    let web = (lower.starts_with("https://") || lower.starts_with("http://"))
        && t.len() <= 2000
        && !t
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>' | '`'));
    json!({"text": clip(text, 500), "href": if web { t } else { "" }})
}

/// The evidence in one sentence, before its key/value table: where it was read, what was
/// observed against what was expected, and what would make it pass, as far as the policy said.
fn evidence_sentence(f: &Finding) -> String {
    let Some(e) = &f.evidence else {
        return String::new();
    };
    let text = |k: &str| e.details.get(k).filter(|v| !v.is_null()).map(value_text);
    let mut parts = Vec::new();
    let from = match (e.source.as_str(), text("collection")) {
        ("api", Some(c)) => format!("Read from the {c} collection of the Atlassian API"),
        ("api", None) => "Read from the Atlassian API".to_string(),
        ("attestation", _) => "Stated in the attestation".to_string(),
        ("events", _) | ("audit_events", _) => "Seen in the audit events".to_string(),
        (other, Some(c)) => format!("From {other} ({c})"),
        (other, None) => format!("From {other}"),
    };
    parts.push(from);
    match (text("field"), text("observed"), text("expected")) {
        (Some(field), Some(seen), Some(want)) => {
            parts.push(format!("{field} is {seen} where {want} is expected"))
        }
        (Some(field), Some(seen), None) => parts.push(format!("{field} is {seen}")),
        (None, Some(seen), Some(want)) => {
            parts.push(format!("found {seen} where {want} is expected"))
        }
        (None, Some(seen), None) => parts.push(format!("found {seen}")),
        (_, None, Some(want)) => parts.push(format!("expected {want}")),
        _ => {}
    }
    let mut sentence = parts.join(": ");
    sentence.push('.');
    if let Some(to_pass) = text("to_pass") {
        sentence.push_str(&format!(" To pass: {to_pass}."));
    }
    clip(&sentence, VALUE_CHARS)
}

/// `ATL-IDN-002/<fingerprint>`: the finding's anchor, stable across runs and redaction-safe
/// (the fingerprint is a hash).
fn finding_anchor(f: &Finding) -> String {
    clip(&format!("{}/{}", f.control_id, f.fingerprint), 300)
}

fn finding_view(f: &Finding, report: &Report) -> Value {
    let waived = f.waiver.as_ref().is_some_and(|w| w.suppresses());
    let planned = f.waiver.as_ref().is_some_and(|w| !w.suppresses());
    let waiver = match &f.waiver {
        Some(w) => json!({
            "status": w.status,
            "reason": clip(&w.reason, VALUE_CHARS),
            "owner": w.owner.as_deref().map(|s| clip(s, 200)).unwrap_or_default(),
            "ticket": w.ticket.as_deref().map(|s| clip(s, 200)).unwrap_or_default(),
            "expires": w.expires.clone().unwrap_or_default(),
        }),
        None => Value::Bool(false),
    };
    json!({
        "message": clip(&f.message, VALUE_CHARS),
        "severity": f.severity,
        "resource_type": clip(&f.resource.kind, 200),
        "resource_id": clip(&f.resource.id, 500),
        "resource_name": f.resource.name.as_deref().map(|n| clip(n, 500)).unwrap_or_default(),
        "evidence": evidence_rows(f, report),
        "sentence": evidence_sentence(f),
        "anchor": finding_anchor(f),
        "status": if waived { "waived" } else if planned { "planned" } else { "open" },
        "waived": waived,
        "planned": planned,
        "waiver": waiver,
        "fingerprint": f.fingerprint,
        "short_fingerprint": f.fingerprint.chars().take(12).collect::<String>(),
        "control_id": clip(&f.control_id, 200),
    })
}

fn sev_rank(s: Severity) -> usize {
    Severity::ALL.iter().position(|x| *x == s).unwrap_or(0)
}

/// Whether the control is one the gate fails on: failed, with an open finding at or above
/// `--fail-on` (under `--fail-on-new`, one the baseline did not have).
fn fails_gate(c: &ControlReport, report: &Report) -> bool {
    let gate = &report.gate;
    c.status == Status::Fail
        && !gate.fail_on_none
        && c.findings.iter().any(|f| {
            !is_waived(f)
                && f.severity >= gate.fail_on
                && (!gate.new_only
                    || report
                        .baseline
                        .as_ref()
                        .is_none_or(|b| b.new_findings.binary_search(&f.fingerprint).is_ok()))
        })
}

fn control_view(
    report: &Report,
    c: &ControlReport,
    rank: usize,
    gate_failing: bool,
    budget: &mut usize,
) -> Value {
    // Open findings first, then waived ones, each in the policy's order.
    let mut ordered: Vec<&Finding> = c.findings.iter().filter(|f| !is_waived(f)).collect();
    ordered.extend(c.findings.iter().filter(|f| is_waived(f)));
    let take = ordered.len().min(FINDINGS_SHOWN).min(*budget);
    *budget -= take;
    let shown: Vec<Value> = ordered[..take]
        .iter()
        .map(|f| finding_view(f, report))
        .collect();
    let aggregates: Vec<Value> = if take < ordered.len() {
        let mut by_type: BTreeMap<&str, usize> = BTreeMap::new();
        for f in &c.findings {
            *by_type.entry(f.resource.kind.as_str()).or_insert(0) += 1;
        }
        let mut rows: Vec<(&str, usize)> = by_type.into_iter().collect();
        rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        rows.into_iter()
            .take(CHART_ROWS)
            .map(|(t, n)| json!({"label": clip(t, 200), "count": n}))
            .collect()
    } else {
        Vec::new()
    };
    let kind = serde_json::to_value(c.kind).unwrap_or(Value::Null);
    json!({
        "rank": rank,
        "id": clip(&c.id, 200),
        "title": clip(&c.title, 500),
        "gate_failing": gate_failing,
        "description": clip(&c.description, VALUE_CHARS),
        "category": clip(&c.category, 200),
        "kind": kind,
        "severity": c.severity,
        "sevrank": sev_rank(c.severity),
        "status": c.status,
        "status_label": c.status.label(),
        "points": fmt_points(c.points),
        "points_achieved": fmt_points(c.points_achieved),
        "points_left": fmt_points(c.points_left),
        "reasons": c.reasons.iter().map(|r| clip(r, VALUE_CHARS)).collect::<Vec<_>>(),
        "user_impact": clip(&c.user_impact, 200),
        "implementation_cost": clip(&c.implementation_cost, 200),
        "remediation": c.remediation.iter().map(|r| clip(r, VALUE_CHARS)).collect::<Vec<_>>(),
        "references": c.references.iter().map(|r| reference_view(r)).collect::<Vec<_>>(),
        "frameworks": c.frameworks.iter().flat_map(|(f, refs)| refs.iter().map(move |r| clip(&format!("{f} {r}"), 300))).collect::<Vec<_>>(),
        "to_pass": c.to_pass.iter().map(|r| clip(r, VALUE_CHARS)).collect::<Vec<_>>(),
        "source": clip(&c.source, 500),
        "version": clip(&c.version, 100),
        "finding_count": c.finding_count,
        "waived_count": c.waived_count,
        "open_count": c.finding_count.saturating_sub(c.waived_count),
        "findings": shown,
        "shown_findings": take,
        "hidden_findings": c.finding_count.saturating_sub(take),
        "aggregates": aggregates,
        "table": take > FINDINGS_AS_CARDS,
        "open": gate_failing
            || ((c.status == Status::Fail || c.status == Status::Error) && rank <= OPEN_CONTROLS),
    })
}

/// The finding's state for the reader: open, planned (a waiver that only records intent) or
/// waived.
fn finding_state(f: &Finding) -> &'static str {
    match &f.waiver {
        Some(w) if w.suppresses() => "waived",
        Some(_) => "planned",
        None => "open",
    }
}

/// The page-wide findings table (Prowler's and ScubaGear's findings tables): one row per
/// finding across every control, most severe first, open before planned before waived, then by
/// control id in the policy's order; at most [`ALL_FINDINGS_ROWS`]. A row links to its control
/// and, when the control lists it, to the finding's card (`listed` holds those anchors).
fn all_findings_view(report: &Report, listed: &std::collections::BTreeSet<String>) -> Value {
    let state_rank = |f: &Finding| match finding_state(f) {
        "open" => 0,
        "planned" => 1,
        _ => 2,
    };
    let mut all: Vec<(&ControlReport, &Finding)> = report
        .controls
        .iter()
        .flat_map(|c| c.findings.iter().map(move |f| (c, f)))
        .collect();
    all.sort_by(|(a, f), (b, g)| {
        g.severity
            .cmp(&f.severity)
            .then(state_rank(f).cmp(&state_rank(g)))
            .then(a.id.cmp(&b.id))
    });
    let rows: Vec<Value> = all
        .iter()
        .take(ALL_FINDINGS_ROWS)
        .map(|(c, f)| {
            let anchor = finding_anchor(f);
            json!({
                "severity": f.severity,
                "control_id": clip(&c.id, 200),
                "control_title": clip(&c.title, 500),
                "kind": c.kind,
                "resource_type": clip(&f.resource.kind, 200),
                "resource_id": clip(&f.resource.id, 500),
                "resource_name": f.resource.name.as_deref().map(|n| clip(n, 500)).unwrap_or_default(),
                "message": clip(&f.message, VALUE_CHARS),
                "status": finding_state(f),
                "short_fingerprint": f.fingerprint.chars().take(12).collect::<String>(),
                "fingerprint": f.fingerprint,
                "card": if listed.contains(&anchor) { Value::String(anchor) } else { Value::Bool(false) },
            })
        })
        .collect();
    json!({
        "present": !rows.is_empty(),
        "shown": rows.len(),
        "total": all.len(),
        "hidden": all.len().saturating_sub(rows.len()),
        "rows": rows,
    })
}

/// The plain-language summary at the top of the page: the gate's verdict and why, the score
/// with its coverage, counts by category, the actions that gain the most points and what could
/// not be checked.
fn summary_view(report: &Report) -> Value {
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

fn is_waived(f: &Finding) -> bool {
    f.waiver.as_ref().is_some_and(|w| w.suppresses())
}

/// The ring gauge over all the points of the controls that apply: the achieved share in
/// blue from the top, the share that could not be evaluated at the end of the ring in the
/// "unknown" colour, the rest (points lost) as the bare track. So a 100% score over a tenth of
/// the points fills a tenth of the ring. The number in the middle is the score only when most
/// points could be evaluated; otherwise it reads "n/a" and the sentence beside it explains.
fn gauge(score: &crate::results::ScoreTotal) -> Value {
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
fn hbar(title: &str, items: &[(String, f64, String)], scale_max: Option<f64>) -> Value {
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

fn clip_short(text: &str, max: usize) -> String {
    let clean: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if clean.chars().count() <= max {
        clean
    } else {
        let mut s: String = clean.chars().take(max - 1).collect();
        s.push('…');
        s
    }
}

/// `{label: n}`, `[{name|label|key|id…: …, count|events|total|value: n}]` or `[[label, n]]`
/// as (label, count) pairs, largest first; anything else gives nothing.
fn count_pairs(v: &Value) -> Vec<(String, f64)> {
    let mut pairs: Vec<(String, f64)> = match v {
        Value::Object(m) => m
            .iter()
            .filter_map(|(k, v)| count_of(v).map(|n| (k.clone(), n)))
            .collect(),
        Value::Array(items) => items
            .iter()
            .filter_map(|item| match item {
                Value::Array(pair) if pair.len() == 2 => {
                    Some((label_of(&pair[0])?, number(&pair[1])?))
                }
                Value::Object(o) => {
                    let n = ["count", "events", "total", "value", "calls", "n"]
                        .iter()
                        .find_map(|k| o.get(*k).and_then(number))?;
                    let name = ["name", "display_name", "label"]
                        .iter()
                        .find_map(|k| o.get(*k).and_then(label_of));
                    let id = ["id", "key", "action", "group", "country", "account_id"]
                        .iter()
                        .find_map(|k| o.get(*k).and_then(label_of));
                    let label = match (name, id) {
                        (Some(n), Some(i)) if n != i => format!("{n} ({i})"),
                        (Some(n), _) => n,
                        (None, Some(i)) => i,
                        (None, None) => return None,
                    };
                    Some((label, n))
                }
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    pairs.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    pairs
}

fn number(v: &Value) -> Option<f64> {
    v.as_f64().filter(|n| n.is_finite())
}

/// A count: a number, or an object's `total` / `count` (`{"total": 59, "groups": {…}}`).
fn count_of(v: &Value) -> Option<f64> {
    number(v).or_else(|| {
        ["total", "count", "events"]
            .iter()
            .find_map(|k| v.get(*k).and_then(number))
    })
}

fn label_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn first_key<'a>(activity: &'a Map<String, Value>, keys: &[&str]) -> Option<&'a Value> {
    keys.iter()
        .find_map(|k| activity.get(*k).filter(|v| !v.is_null()))
}

fn panel(title: &str, pairs: Vec<(String, f64)>) -> Value {
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
fn timeline(per_day: &[(String, f64)], gap_days: &[String]) -> Value {
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

fn string_list(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| a.iter().filter_map(label_of).collect())
        .unwrap_or_default()
}

/// Consecutive days folded into ranges: `2026-10-14 – 2026-10-15`.
fn day_ranges(days: &[String]) -> Vec<String> {
    let mut parsed: Vec<chrono::NaiveDate> = days
        .iter()
        .filter_map(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .collect();
    parsed.sort();
    parsed.dedup();
    let mut out = Vec::new();
    let mut i = 0;
    while i < parsed.len() {
        let start = parsed[i];
        let mut end = start;
        while i + 1 < parsed.len() && end.succ_opt() == Some(parsed[i + 1]) {
            i += 1;
            end = parsed[i];
        }
        if start == end {
            out.push(start.to_string());
        } else {
            out.push(format!("{start} – {end}"));
        }
        i += 1;
    }
    // Anything that was not a date is shown as given.
    out.extend(
        days.iter()
            .filter(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_err())
            .map(|d| clip(d, 100)),
    );
    out
}

/// The activity dashboards from whatever the report's `activity` holds (the
/// `orgscan.activity/v1` block; other shapes are read as far as they go, and what is missing
/// is said, never invented).
fn activity_view(activity: &Value) -> Value {
    let Some(a) = activity.as_object().filter(|a| !a.is_empty()) else {
        return json!({"present": false, "reason": ""});
    };
    if a.get("available") == Some(&Value::Bool(false)) {
        return json!({"present": false, "reason": "the events collection is not in the snapshot"});
    }
    let mut stats = Vec::new();
    for (key, label) in [
        ("total", "events"),
        ("actors", "actors"),
        ("days_with_events", "days with events"),
        ("duplicates_dropped", "duplicates dropped"),
    ] {
        if let Some(n) = a.get(key).and_then(number) {
            stats.push(json!({"label": label, "value": fmt_count(n)}));
        }
    }
    let covered = a.get("covered");
    for (keys, label) in [
        (["first", "first_time"], "first event"),
        (["last", "last_time"], "last event"),
    ] {
        let found = covered
            .and_then(|c| c.get(keys[0]))
            .or_else(|| a.get(keys[1]))
            .and_then(Value::as_str);
        if let Some(s) = found {
            stats.push(json!({"label": label, "value": clip(s, 40)}));
        }
    }
    let per_day = first_key(a, &["per_day", "events_per_day", "by_day", "timeline"])
        .map(count_pairs)
        .unwrap_or_default();
    let gap_days = string_list(a.get("gap_days"));
    let timeline = timeline(&per_day, &gap_days);
    let mut panels = Vec::new();
    let mut missing = Vec::new();
    match first_key(
        a,
        &[
            "per_group",
            "per_action_group",
            "top_action_groups",
            "action_groups",
            "by_group",
        ],
    ) {
        Some(v) => panels.push(panel("Top action groups", count_pairs(v))),
        None => match first_key(a, &["per_action", "top_actions"]) {
            Some(v) => panels.push(panel("Top actions", count_pairs(v))),
            None => missing.push("No action counts in this report.".to_string()),
        },
    }
    match first_key(a, &["top_actors", "per_actor"]) {
        Some(v) => panels.push(panel("Top actors", count_pairs(v))),
        None => missing.push("No per-actor counts in this report.".to_string()),
    }
    match first_key(a, &["countries", "per_country", "top_countries"]) {
        Some(v) => panels.push(panel("Countries", count_pairs(v))),
        None => missing.push("No country counts in this report.".to_string()),
    }
    if let Some(v) = first_key(a, &["per_product"]) {
        panels.push(panel("Products", count_pairs(v)));
    }
    if let Some(v) = a.get("admin").and_then(|x| x.get("per_action")) {
        panels.push(panel("Admin actions", count_pairs(v)));
    }
    let mut mcp_timeline = json!({"present": false});
    match first_key(a, &["mcp", "mcp_usage"]) {
        Some(Value::Object(m)) => {
            for (k, v) in m {
                let name = clip(&k.replace('_', " "), 60);
                match v {
                    Value::Number(_) => stats.push(json!({
                        "label": format!("MCP {name}"),
                        "value": v.as_f64().map(fmt_count).unwrap_or_default(),
                    })),
                    Value::Object(_) if k == "per_day" => {
                        mcp_timeline = timeline_of(&count_pairs(v));
                    }
                    Value::Object(_) | Value::Array(_) => {
                        let pairs = count_pairs(v);
                        if !pairs.is_empty() {
                            panels.push(panel(&format!("MCP {name}"), pairs));
                        }
                    }
                    _ => {}
                }
            }
        }
        Some(v) => {
            let pairs = count_pairs(v);
            if !pairs.is_empty() {
                panels.push(panel("MCP usage", pairs));
            }
        }
        None => missing.push("No MCP usage figures in this report.".to_string()),
    }
    json!({
        "present": true,
        "stats": stats,
        "timeline": timeline,
        "mcp_timeline": mcp_timeline,
        "panels": panels,
        "missing": missing,
    })
}

fn timeline_of(per_day: &[(String, f64)]) -> Value {
    timeline(per_day, &[])
}

fn trend_view(report: &Report) -> Value {
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
