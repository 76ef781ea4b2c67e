//! `orgscan diff OLD.json NEW.json`: what changed between two reports of one org — new,
//! resolved and regressed findings (by fingerprint), controls whose status or policy version
//! changed, waivers that expired, and the score delta — as text, Markdown or JSON.
//!
//! A finding *regressed* when it is in both reports but is worse in the new one: it was waived
//! and is open again (the waiver expired or was removed), or its severity rose.

use super::markdown::md_text;
use super::model::{ControlReport, Report};
use super::text::clip;
use crate::results::{Finding, Severity, Status};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

/// Items listed per section in text and Markdown (JSON lists them all).
pub const LISTED: usize = 100;

#[derive(Clone, Debug, Serialize)]
pub struct ReportDiff {
    pub schema: &'static str,
    pub org: super::model::OrgInfo,
    pub old: Side,
    pub new: Side,
    /// New minus old, in percentage points and in points.
    pub score_delta: ScoreDelta,
    pub new_findings: Vec<FindingRef>,
    pub resolved_findings: Vec<FindingRef>,
    pub regressed_findings: Vec<Regression>,
    pub status_changes: Vec<StatusChange>,
    pub version_changes: Vec<VersionChange>,
    pub expired_waivers: Vec<ExpiredWaiver>,
    pub added_controls: Vec<String>,
    pub removed_controls: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Side {
    pub evaluated_at: crate::snapshot::Timestamp,
    pub snapshot_hash: String,
    pub policy_pack_hash: String,
    pub score_percent: f64,
    pub points: f64,
    pub open_findings: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct ScoreDelta {
    pub percent: f64,
    pub points: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct FindingRef {
    pub control_id: String,
    pub severity: Severity,
    pub resource_type: String,
    pub resource_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_name: Option<String>,
    pub message: String,
    pub fingerprint: String,
}

impl FindingRef {
    fn of(f: &Finding) -> FindingRef {
        FindingRef {
            control_id: f.control_id.clone(),
            severity: f.severity,
            resource_type: f.resource.kind.clone(),
            resource_id: f.resource.id.clone(),
            resource_name: f.resource.name.clone(),
            message: f.message.clone(),
            fingerprint: f.fingerprint.clone(),
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Regression {
    #[serde(flatten)]
    pub finding: FindingRef,
    pub why: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct StatusChange {
    pub control_id: String,
    pub title: String,
    pub old: Status,
    pub new: Status,
}

#[derive(Clone, Debug, Serialize)]
pub struct VersionChange {
    pub control_id: String,
    pub old: String,
    pub new: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct ExpiredWaiver {
    pub control: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    pub expires: String,
    pub reason: String,
    pub location: String,
}

fn is_open(f: &Finding) -> bool {
    !f.waiver.as_ref().is_some_and(|w| w.suppresses())
}

fn side(r: &Report) -> Side {
    Side {
        evaluated_at: r.evaluated_at,
        snapshot_hash: r.snapshot.content_hash.clone(),
        policy_pack_hash: r.policy_pack.hash.clone(),
        score_percent: r.score.overall.percent,
        points: r.score.overall.achieved,
        open_findings: r
            .controls
            .iter()
            .flat_map(|c| c.findings.iter())
            .filter(|f| is_open(f))
            .count(),
    }
}

fn findings(r: &Report) -> BTreeMap<&str, &Finding> {
    r.controls
        .iter()
        .flat_map(|c| c.findings.iter())
        .map(|f| (f.fingerprint.as_str(), f))
        .collect()
}

fn order(a: &FindingRef, b: &FindingRef) -> std::cmp::Ordering {
    b.severity
        .cmp(&a.severity)
        .then(a.control_id.cmp(&b.control_id))
        .then(a.resource_id.cmp(&b.resource_id))
        .then(a.fingerprint.cmp(&b.fingerprint))
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct DiffError(pub String);

pub fn diff_reports(old: &Report, new: &Report) -> Result<ReportDiff, DiffError> {
    if old.org.id != new.org.id {
        return Err(DiffError(format!(
            "the reports are of different organizations ({:?} and {:?}); diff compares two scans of one org",
            old.org.id, new.org.id
        )));
    }
    let before = findings(old);
    let after = findings(new);
    let mut new_findings: Vec<FindingRef> = after
        .iter()
        .filter(|(fp, f)| is_open(f) && !before.contains_key(*fp))
        .map(|(_, f)| FindingRef::of(f))
        .collect();
    new_findings.sort_by(order);
    let mut resolved_findings: Vec<FindingRef> = before
        .iter()
        .filter(|(fp, f)| is_open(f) && !after.contains_key(*fp))
        .map(|(_, f)| FindingRef::of(f))
        .collect();
    resolved_findings.sort_by(order);
    let mut regressed_findings: Vec<Regression> = after
        .iter()
        .filter_map(|(fp, f)| {
            let was = before.get(fp)?;
            let why = if is_open(f) && !is_open(was) {
                let w = was.waiver.as_ref();
                format!(
                    "was waived ({}) and is open again",
                    w.map(|w| w.status.as_str()).unwrap_or("waiver")
                )
            } else if is_open(f) && f.severity > was.severity {
                format!("severity rose from {} to {}", was.severity, f.severity)
            } else {
                return None;
            };
            Some(Regression {
                finding: FindingRef::of(f),
                why,
            })
        })
        .collect();
    regressed_findings.sort_by(|a, b| order(&a.finding, &b.finding));

    let old_controls: BTreeMap<&str, &ControlReport> =
        old.controls.iter().map(|c| (c.id.as_str(), c)).collect();
    let new_controls: BTreeMap<&str, &ControlReport> =
        new.controls.iter().map(|c| (c.id.as_str(), c)).collect();
    let mut status_changes = Vec::new();
    let mut version_changes = Vec::new();
    for (id, c) in &new_controls {
        if let Some(o) = old_controls.get(id) {
            if o.status != c.status {
                status_changes.push(StatusChange {
                    control_id: id.to_string(),
                    title: c.title.clone(),
                    old: o.status,
                    new: c.status,
                });
            }
            if o.version != c.version {
                version_changes.push(VersionChange {
                    control_id: id.to_string(),
                    old: o.version.clone(),
                    new: c.version.clone(),
                });
            }
        }
    }
    let added_controls = new_controls
        .keys()
        .filter(|id| !old_controls.contains_key(*id))
        .map(|s| s.to_string())
        .collect();
    let removed_controls = old_controls
        .keys()
        .filter(|id| !new_controls.contains_key(*id))
        .map(|s| s.to_string())
        .collect();
    let was_expired: BTreeSet<(String, Option<String>)> = old
        .waivers
        .iter()
        .filter(|w| w.state == "expired")
        .map(|w| (w.control.clone(), w.resource.clone()))
        .collect();
    let expired_waivers = new
        .waivers
        .iter()
        .filter(|w| w.state == "expired")
        .filter(|w| !was_expired.contains(&(w.control.clone(), w.resource.clone())))
        .map(|w| ExpiredWaiver {
            control: w.control.clone(),
            resource: w.resource.clone(),
            expires: w.expires.clone().unwrap_or_default(),
            reason: w.reason.clone(),
            location: w.location.clone(),
        })
        .collect();
    let (o, n) = (side(old), side(new));
    Ok(ReportDiff {
        schema: "orgscan.diff/v1",
        org: new.org.clone(),
        score_delta: ScoreDelta {
            percent: crate::results::round2(n.score_percent - o.score_percent),
            points: crate::results::round2(n.points - o.points),
        },
        old: o,
        new: n,
        new_findings,
        resolved_findings,
        regressed_findings,
        status_changes,
        version_changes,
        expired_waivers,
        added_controls,
        removed_controls,
    })
}

/// Text for a terminal: control characters shown as escapes, one line per item.
fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() || crate::safe_text::is_hazard(c) {
            let _ = write!(out, "\\u{{{:04x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    out
}

fn signed(x: f64) -> String {
    if x > 0.0 {
        format!("+{x}")
    } else {
        format!("{x}")
    }
}

fn finding_line(f: &FindingRef, esc: fn(&str) -> String) -> String {
    let mut s = format!(
        "[{}] {} {}/{}",
        f.severity,
        esc(&clip(&f.control_id, 100)),
        esc(&clip(&f.resource_type, 100)),
        esc(&clip(&f.resource_id, 200))
    );
    if let Some(n) = &f.resource_name {
        let _ = write!(s, " ({})", esc(&clip(n, 200)));
    }
    let _ = write!(s, ": {}", esc(&clip(&f.message, 300)));
    s
}

fn section<T>(
    out: &mut String,
    title: &str,
    items: &[T],
    markdown: bool,
    line: impl Fn(&T) -> String,
) {
    if items.is_empty() {
        return;
    }
    if markdown {
        let _ = writeln!(out, "\n### {title} ({})\n", items.len());
    } else {
        let _ = writeln!(out, "\n{title} ({}):", items.len());
    }
    for item in items.iter().take(LISTED) {
        let _ = writeln!(out, "{} {}", if markdown { "-" } else { " " }, line(item));
    }
    if items.len() > LISTED {
        let _ = writeln!(
            out,
            "{} … and {} more (use --format json for all)",
            if markdown { "-" } else { " " },
            items.len() - LISTED
        );
    }
}

pub fn render_diff_text(d: &ReportDiff, markdown: bool) -> String {
    let esc: fn(&str) -> String = if markdown { md_text } else { plain };
    let mut out = String::new();
    let org = d.org.name.as_deref().unwrap_or(&d.org.id);
    if markdown {
        let _ = writeln!(out, "## orgscan diff: {}\n", esc(&clip(org, 200)));
        let _ = writeln!(
            out,
            "Score **{:.1}% → {:.1}%** ({} percentage points, {} points) · old evaluated {} · new evaluated {}",
            d.old.score_percent,
            d.new.score_percent,
            signed(d.score_delta.percent),
            signed(d.score_delta.points),
            d.old.evaluated_at,
            d.new.evaluated_at
        );
    } else {
        let _ = writeln!(
            out,
            "orgscan diff: {} ({})",
            esc(&clip(org, 200)),
            esc(&clip(&d.org.id, 200))
        );
        let _ = writeln!(
            out,
            "  old: evaluated {}, score {:.1}%, {} open finding(s)",
            d.old.evaluated_at, d.old.score_percent, d.old.open_findings
        );
        let _ = writeln!(
            out,
            "  new: evaluated {}, score {:.1}%, {} open finding(s)",
            d.new.evaluated_at, d.new.score_percent, d.new.open_findings
        );
        let _ = writeln!(
            out,
            "  score delta: {} percentage points ({} points)",
            signed(d.score_delta.percent),
            signed(d.score_delta.points)
        );
    }
    section(&mut out, "New findings", &d.new_findings, markdown, |f| {
        finding_line(f, esc)
    });
    section(
        &mut out,
        "Resolved findings",
        &d.resolved_findings,
        markdown,
        |f| finding_line(f, esc),
    );
    section(
        &mut out,
        "Regressed findings",
        &d.regressed_findings,
        markdown,
        |r| format!("{} — {}", finding_line(&r.finding, esc), esc(&r.why)),
    );
    section(
        &mut out,
        "Control status changes",
        &d.status_changes,
        markdown,
        |c| {
            format!(
                "{} {}: {} → {}",
                esc(&clip(&c.control_id, 100)),
                esc(&clip(&c.title, 200)),
                c.old.as_str(),
                c.new.as_str()
            )
        },
    );
    section(
        &mut out,
        "Controls that changed version",
        &d.version_changes,
        markdown,
        |c| {
            format!(
                "{}: {} → {}",
                esc(&clip(&c.control_id, 100)),
                esc(&clip(&c.old, 50)),
                esc(&clip(&c.new, 50))
            )
        },
    );
    section(
        &mut out,
        "Waivers that expired",
        &d.expired_waivers,
        markdown,
        |w| {
            let mut s = format!(
                "{}: {}",
                esc(&clip(&w.location, 200)),
                esc(&clip(&w.control, 100))
            );
            if let Some(r) = &w.resource {
                let _ = write!(s, " (resource {})", esc(&clip(r, 200)));
            }
            let _ = write!(
                s,
                " expired {}: {}",
                esc(&w.expires),
                esc(&clip(&w.reason, 300))
            );
            s
        },
    );
    section(
        &mut out,
        "Controls added",
        &d.added_controls,
        markdown,
        |c| esc(c),
    );
    section(
        &mut out,
        "Controls removed",
        &d.removed_controls,
        markdown,
        |c| esc(c),
    );
    let nothing = d.new_findings.is_empty()
        && d.resolved_findings.is_empty()
        && d.regressed_findings.is_empty()
        && d.status_changes.is_empty()
        && d.version_changes.is_empty()
        && d.expired_waivers.is_empty()
        && d.added_controls.is_empty()
        && d.removed_controls.is_empty();
    if nothing {
        out.push_str("\nNo changes in findings, controls or waivers.\n");
    }
    out
}

pub fn render_diff_json(d: &ReportDiff) -> String {
    let mut s = serde_json::to_string_pretty(d).unwrap_or_default();
    s.push('\n');
    s
}
