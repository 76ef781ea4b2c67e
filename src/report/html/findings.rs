//! Controls and their findings as the page shows them: evidence rows and sentences, the
//! per-control cards or table (within the page budget), and the page-wide findings table.

use super::format::{clip, fmt_points};
use super::{
    ALL_FINDINGS_ROWS, CHART_ROWS, FINDINGS_AS_CARDS, FINDINGS_SHOWN, LIST_ITEMS, OPEN_CONTROLS,
    VALUE_CHARS,
};
use crate::report::model::{ControlReport, Report};
use crate::results::{Finding, Severity, Status};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// The HTML id of a control's entry: the control id itself (`#ATL-IDN-002`), when the report
/// holds that control.
pub(super) fn control_anchor(report: &Report, id: &str) -> Option<String> {
    report
        .controls
        .iter()
        .any(|c| c.id == id)
        .then(|| id.to_string())
}

pub(super) fn value_text(v: &Value) -> String {
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
pub(super) fn evidence_rows(f: &Finding, report: &Report) -> Vec<Value> {
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
pub(super) fn reference_view(text: &str) -> Value {
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
pub(super) fn evidence_sentence(f: &Finding) -> String {
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
pub(super) fn finding_anchor(f: &Finding) -> String {
    clip(&format!("{}/{}", f.control_id, f.fingerprint), 300)
}

pub(super) fn finding_view(f: &Finding, report: &Report) -> Value {
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

pub(super) fn sev_rank(s: Severity) -> usize {
    Severity::ALL.iter().position(|x| *x == s).unwrap_or(0)
}

/// Whether the control is one the gate fails on: failed, with an open finding at or above
/// `--fail-on` (under `--fail-on-new`, one the baseline did not have).
pub(super) fn fails_gate(c: &ControlReport, report: &Report) -> bool {
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

pub(super) fn control_view(
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
pub(super) fn finding_state(f: &Finding) -> &'static str {
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
pub(super) fn all_findings_view(
    report: &Report,
    listed: &std::collections::BTreeSet<String>,
) -> Value {
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

pub(super) fn is_waived(f: &Finding) -> bool {
    f.waiver.as_ref().is_some_and(|w| w.suppresses())
}
