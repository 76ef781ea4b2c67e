//! `portfolio.html`: the fleet at a glance, one self-contained page (inline CSS, no script, no
//! external asset) rendered from the portfolio model alone. Org names and ids are untrusted:
//! every value goes through [`esc`] (HTML escaping, then control characters as visible
//! `\u{…}` text, as in the report), and the Content-Security-Policy allows only our stylesheet
//! by its hash, so even a failed escape could not run a script or load anything.

use super::portfolio::{Portfolio, PortfolioOrg};
use crate::gate::Outcome;
use crate::results::Severity;
use std::fmt::Write;

const STYLE: &str = include_str!("../../reports/portfolio.css");
/// Rows of "failing in the most orgs" shown.
pub const TOP_CONTROLS_SHOWN: usize = 25;

fn esc(text: &str) -> String {
    crate::safe_text::document(&handlebars::html_escape(text)).into_owned()
}

/// A relative link to an org's report: each path segment percent-encoded, so an org directory
/// name can never leave the portfolio's folder or become a scheme.
fn href(dir: &str, file: &str) -> String {
    format!(
        "./{}/{}",
        crate::uri::encode_segment(dir),
        crate::uri::encode_segment(file)
    )
}

pub fn content_security_policy() -> String {
    format!(
        "default-src 'none'; style-src {}; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        super::html::csp_hash(STYLE)
    )
}

fn outcome_class(o: Outcome) -> &'static str {
    match o {
        Outcome::Pass => "ok",
        Outcome::NotEnforced => "warn",
        Outcome::GateFailed => "bad",
        Outcome::Incomplete => "incomplete",
    }
}

fn band(percent: Option<f64>) -> &'static str {
    match percent {
        None => "none",
        Some(p) if p >= 80.0 => "ok",
        Some(p) if p >= 50.0 => "warn",
        Some(_) => "bad",
    }
}

fn org_label(o: &PortfolioOrg) -> String {
    match &o.name {
        Some(n) => format!("{} <span class=\"id\">{}</span>", esc(n), esc(&o.id)),
        None => format!("<span class=\"id\">{}</span>", esc(&o.id)),
    }
}

fn number(v: f64) -> String {
    let text = format!("{v:.1}");
    text.strip_suffix(".0").map(str::to_string).unwrap_or(text)
}

/// The "since baseline" cell: new failing controls (by id), resolved ones, score change.
fn changes_cell(o: &PortfolioOrg) -> String {
    let Some(c) = &o.changes else {
        return "<td></td>".to_string();
    };
    if !c.in_baseline {
        return format!(
            "<td class=\"changes\"><span class=\"bad\">new to the fleet</span>: {} failing</td>",
            c.new_failures.len()
        );
    }
    let ids = |list: &[String]| list.iter().map(|id| esc(id)).collect::<Vec<_>>().join(", ");
    let mut cell = String::from("<td class=\"changes\">");
    if c.new_failures.is_empty() {
        cell.push_str("no new failures");
    } else {
        let _ = write!(
            cell,
            "<span class=\"bad\">{} new</span>: {}",
            c.new_failures.len(),
            ids(&c.new_failures)
        );
    }
    if !c.resolved.is_empty() {
        let _ = write!(
            cell,
            "; <span class=\"ok\">{} resolved</span>: {}",
            c.resolved.len(),
            ids(&c.resolved)
        );
    }
    if let Some(d) = c.score_delta {
        let _ = write!(
            cell,
            "; score {}{}",
            if d > 0.0 { "+" } else { "" },
            number(d)
        );
    }
    cell.push_str("</td>");
    cell
}

pub fn render_portfolio_html(p: &Portfolio) -> String {
    let mut h = String::with_capacity(16 * 1024 + p.orgs.len() * 2048);
    let outcome = p.gate.outcome;
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<title>orgscan portfolio — {} orgs</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        content_security_policy(),
        p.orgs.len()
    );
    let _ = write!(
        h,
        "<header><h1>orgscan portfolio</h1><p>{} organizations · as of {} · orgscan {}</p>\
<p class=\"gate {}\" id=\"fleet-gate\">Fleet gate: <strong>{}</strong> (exit {})</p>",
        p.orgs.len(),
        esc(&p.as_of.to_string()),
        esc(&p.tool.version),
        outcome_class(outcome),
        esc(outcome.as_str()),
        p.gate.exit_code
    );
    if !p.gate.reasons.is_empty() {
        h.push_str("<ul class=\"reasons\">");
        for r in &p.gate.reasons {
            let _ = write!(h, "<li>{}</li>", esc(r));
        }
        h.push_str("</ul>");
    }
    if let Some(b) = &p.baseline {
        let _ = write!(
            h,
            "<p id=\"baseline\">Compared with {} (as of {}): {} organization(s) with new failures</p>",
            esc(&b.source),
            esc(&b.as_of.to_string()),
            b.orgs_with_new_failures
        );
    }
    h.push_str("</header>\n<main>\n");

    // One row per org.
    h.push_str("<section><h2>Organizations</h2>\n<table id=\"orgs\"><thead><tr><th>Organization</th><th>Score</th><th>Coverage</th><th>Gate</th><th>Failed (critical/high/medium/low)</th><th>Open findings</th><th>Points left</th><th>Detections</th><th>Snapshot age</th><th>Report</th>");
    if p.baseline.is_some() {
        h.push_str("<th>Since baseline</th>");
    }
    h.push_str("</tr></thead><tbody>\n");
    let severities = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
    ];
    for o in &p.orgs {
        let failed: Vec<String> = severities
            .iter()
            .map(|s| {
                o.failed_by_severity
                    .get(s)
                    .copied()
                    .unwrap_or(0)
                    .to_string()
            })
            .collect();
        let coverage = o
            .score
            .coverage
            .map(|c| format!("{}%", number(c)))
            .unwrap_or_else(|| "n/a".to_string());
        let links: Vec<String> = o
            .reports
            .iter()
            .map(|f| {
                format!(
                    "<a href=\"{}\">{}</a>",
                    esc(&href(&o.report_dir, f)),
                    esc(f)
                )
            })
            .collect();
        let _ = write!(
            h,
            "<tr><td>{}</td><td class=\"num {}\">{}%</td><td class=\"num\">{}</td><td class=\"gate {}\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{} ({} findings)</td><td class=\"num\">{} d</td><td>{}</td>",
            org_label(o),
            band(Some(o.score.percent)),
            number(o.score.percent),
            coverage,
            outcome_class(o.gate.outcome),
            esc(o.gate.outcome.as_str()),
            failed.join(" / "),
            o.open_findings,
            number(o.points_left),
            o.detections.failed,
            o.detections.findings,
            number(o.snapshot.age_days),
            links.join(" ")
        );
        if p.baseline.is_some() {
            h.push_str(&changes_cell(o));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody></table></section>\n");

    // Categories × orgs.
    h.push_str("<section><h2>Categories × organizations</h2>\n<div class=\"scroll\"><table id=\"matrix\"><thead><tr><th>Category</th>");
    for o in &p.orgs {
        let _ = write!(h, "<th>{}</th>", esc(o.name.as_deref().unwrap_or(&o.id)));
    }
    h.push_str("</tr></thead><tbody>\n");
    for category in &p.categories {
        let _ = write!(h, "<tr><th>{}</th>", esc(category));
        for o in &p.orgs {
            let cell = o.categories.get(category).copied().flatten();
            let text = cell
                .map(|v| format!("{}%", number(v)))
                .unwrap_or_else(|| "—".to_string());
            let _ = write!(h, "<td class=\"num {}\">{text}</td>", band(cell));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody></table></div></section>\n");

    // Fix once, gain everywhere.
    let _ = write!(
        h,
        "<section><h2>Failing in the most organizations</h2>\n<p>{} failing control(s) in all; the first {} shown.</p>\n<table id=\"top-controls\"><thead><tr><th>Control</th><th>Severity</th><th>Category</th><th>Orgs</th><th>Points left (all orgs)</th><th>Failing in</th></tr></thead><tbody>\n",
        p.top_failing_controls.len(),
        TOP_CONTROLS_SHOWN.min(p.top_failing_controls.len())
    );
    for c in p.top_failing_controls.iter().take(TOP_CONTROLS_SHOWN) {
        let orgs: Vec<String> = c.orgs.iter().map(|id| esc(id)).collect();
        let _ = writeln!(
            h,
            "<tr><td><span class=\"id\">{}</span> {}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            esc(&c.id),
            esc(&c.title),
            esc(&c.severity.to_string()),
            esc(&c.category),
            c.orgs.len(),
            number(c.points_left),
            orgs.join(", ")
        );
    }
    h.push_str("</tbody></table></section>\n");
    if !p.unscanned.is_empty() {
        h.push_str("<section><h2>Not scanned</h2>\n<table id=\"unscanned\"><thead><tr><th>Snapshot</th><th>Why</th></tr></thead><tbody>\n");
        for u in &p.unscanned {
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}</td></tr>",
                esc(&u.source),
                esc(&u.error)
            );
        }
        h.push_str("</tbody></table></section>\n");
    }
    h.push_str("</main>\n</body>\n</html>\n");
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_stay_in_the_folder() {
        assert_eq!(href("org-1", "report.html"), "./org-1/report.html");
        assert_eq!(href("../x", "report.html"), "./..%2Fx/report.html");
        assert_eq!(href("javascript:x", "a"), "./javascript%3Ax/a");
    }

    #[test]
    fn hostile_names_are_text() {
        let mut report = crate::report::fixture::sample_report();
        report.org.name = Some("<script>alert(1)</script>\u{1b}[2J\"'".into());
        report.org.id = "<img src=x onerror=alert(2)>".into();
        let members = [super::super::portfolio::PortfolioMember {
            report: &report,
            report_dir: "x".into(),
            reports: vec!["report.html".into()],
        }];
        let html = render_portfolio_html(&super::super::portfolio::build_portfolio(
            &members,
            Vec::new(),
        ));
        assert!(!html.contains("<script>"));
        assert!(!html.contains("<img"));
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;\\u{1b}[2J"));
        assert!(!html.contains('\u{1b}'));
    }
}
