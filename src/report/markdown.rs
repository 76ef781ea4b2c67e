//! `report.md`: a short Markdown summary for CI step summaries (`$GITHUB_STEP_SUMMARY`) and
//! merge-request comments: score, gate, controls by status, failed controls ranked by points
//! left, what could not be evaluated, score by category, warnings. Org data is escaped so it
//! renders literally: Markdown punctuation is backslash-escaped, `<`, `>` and `&` become
//! entities (so no HTML gets through), and newlines and `|` cannot break a table.

use super::model::Report;
use super::text::clip;
use crate::results::{round2, Status};
use std::fmt::Write;

/// Rows of the failed-controls table before the rest are summarised by a count.
pub const ROWS_SHOWN: usize = 50;

/// Plain text for a Markdown context (cells included): rendered literally, on one line.
pub fn md_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            // Org data never starts a line here, so line-start markers (`-`, `+`, `1.`, `=`)
            // need no escape; everything inline that Markdown or GFM interprets does.
            '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '(' | ')' | '#' | '!' | '|' | '~'
            | ':' | '@' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            c if crate::safe_text::is_hazard(c) => {
                out.push_str(&crate::safe_text::document(c.encode_utf8(&mut [0; 4])))
            }
            c => out.push(c),
        }
    }
    out
}

/// Text shortened to at most `max` characters, with an ellipsis when cut.
/// A control's framework references on one line: `soc2 CC6.1; nist-csf-2 PR.AA-03, PR.AA-05`.
fn framework_refs(frameworks: &std::collections::BTreeMap<String, Vec<String>>) -> String {
    frameworks
        .iter()
        .filter(|(_, refs)| !refs.is_empty())
        .map(|(f, refs)| format!("{f} {}", refs.join(", ")))
        .collect::<Vec<_>>()
        .join("; ")
}

pub fn render_markdown(report: &Report) -> String {
    let mut md = String::new();
    let org = report.org.name.as_deref().unwrap_or(&report.org.id);
    let _ = writeln!(
        md,
        "## orgscan posture report: {}\n",
        md_text(&clip(org, 200))
    );
    if report.is_demo() {
        let _ = writeln!(
            md,
            "> **{}** — this report was made from the bundled demo snapshot.\n",
            super::model::DEMO_MARKER
        );
    }
    let score = &report.score.overall;
    let gate = &report.gate;
    let new_only = if gate.new_only {
        ", new findings only"
    } else {
        ""
    };
    let _ = writeln!(md, "**Secure score:** {}\n", score.describe());
    let coverage = score
        .coverage
        .map(|c| format!("{c:.1}%"))
        .unwrap_or_else(|| "n/a".to_string());
    let _ = writeln!(
        md,
        "**Coverage: {coverage}** (gate minimum {}%) · **Gate: {}** (fail on {}{new_only})\n",
        round2(gate.min_coverage),
        gate.label(),
        gate.fail_on_label()
    );
    let _ = writeln!(
        md,
        "Organization {} · snapshot collected {} · evaluated {} · orgscan {}{}\n",
        md_text(&report.org.id),
        report.snapshot.collected_at,
        report.evaluated_at,
        md_text(&report.tool.version),
        if report.redacted { " · redacted" } else { "" }
    );
    if let Some(b) = &report.baseline {
        let _ = writeln!(
            md,
            "Compared with the baseline of {}: {} new finding(s), {} resolved.\n",
            b.evaluated_at,
            b.new_findings.len(),
            b.resolved_findings
        );
        let new: std::collections::BTreeSet<&str> =
            b.new_findings.iter().map(String::as_str).collect();
        let listed: Vec<_> = report
            .controls
            .iter()
            .flat_map(|c| c.findings.iter())
            .filter(|f| new.contains(f.fingerprint.as_str()))
            .collect();
        if !listed.is_empty() {
            md.push_str("### New findings\n\n| Control | Severity | Resource | Finding |\n| --- | --- | --- | --- |\n");
            for f in listed.iter().take(ROWS_SHOWN) {
                let _ = writeln!(
                    md,
                    "| {} | {} | {} | {} |",
                    md_text(&f.control_id),
                    f.severity,
                    md_text(&clip(
                        &format!("{}/{}", f.resource.kind, f.resource.id),
                        120
                    )),
                    md_text(&clip(&f.message, 200))
                );
            }
            if listed.len() > ROWS_SHOWN {
                let _ = writeln!(
                    md,
                    "\n… and {} more new findings.",
                    listed.len() - ROWS_SHOWN
                );
            }
            md.push('\n');
        }
    }
    md.push_str("| Status | Controls |\n| --- | ---: |\n");
    for (status, n) in &report.summary.by_status {
        let _ = writeln!(md, "| {} | {n} |", status.label());
    }
    let _ = writeln!(
        md,
        "\n{} finding(s), {} waived.\n",
        report.summary.findings, report.summary.waived_findings
    );

    let failed: Vec<_> = report
        .controls
        .iter()
        .filter(|c| c.status == Status::Fail)
        .collect();
    if !failed.is_empty() {
        md.push_str("### Failed controls, by points left\n\n");
        md.push_str("| Control | Title | Severity | Open findings | Points left | Frameworks |\n| --- | --- | --- | ---: | ---: | --- |\n");
        for c in failed.iter().take(ROWS_SHOWN) {
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} | {} | {} |",
                md_text(&c.id),
                md_text(&clip(&c.title, 120)),
                c.severity,
                c.finding_count - c.waived_count,
                round2(c.points_left),
                md_text(&clip(&framework_refs(&c.frameworks), 400))
            );
        }
        if failed.len() > ROWS_SHOWN {
            let _ = writeln!(
                md,
                "\n… and {} more failed controls (see the HTML or JSON report).",
                failed.len() - ROWS_SHOWN
            );
        }
        md.push('\n');
    }

    let unevaluated: Vec<_> = report
        .controls
        .iter()
        .filter(|c| matches!(c.status, Status::NotEvaluable | Status::Error))
        .collect();
    if !unevaluated.is_empty() {
        md.push_str("### Not evaluated\n\n");
        for c in unevaluated.iter().take(ROWS_SHOWN) {
            let _ = writeln!(
                md,
                "- **{}** {} ({}): {}",
                md_text(&c.id),
                md_text(&clip(&c.title, 120)),
                c.status.label(),
                md_text(&clip(&c.reasons.join("; "), 300))
            );
        }
        if unevaluated.len() > ROWS_SHOWN {
            let _ = writeln!(md, "- … and {} more", unevaluated.len() - ROWS_SHOWN);
        }
        md.push('\n');
    }

    if !report.score.by_category.is_empty() {
        md.push_str(
            "### Score by category\n\n| Category | Score | Points | Evaluated |\n| --- | ---: | ---: | ---: |\n",
        );
        for (name, t) in &report.score.by_category {
            let evaluated = match t.coverage {
                Some(c) => format!("{c:.1}% of {}", t.total_points()),
                None => "n/a".to_string(),
            };
            if t.max > 0.0 {
                let _ = writeln!(
                    md,
                    "| {} | {:.1}% | {} / {} | {evaluated} |",
                    md_text(name),
                    t.percent,
                    t.achieved,
                    t.max
                );
            } else {
                let _ = writeln!(md, "| {} | n/a | not scored | {evaluated} |", md_text(name));
            }
        }
        md.push('\n');
    }

    if !report.warnings.is_empty() {
        md.push_str("### Warnings\n\n");
        for w in report.warnings.iter().take(ROWS_SHOWN) {
            let _ = writeln!(md, "- {}", md_text(&clip(w, 400)));
        }
        if report.warnings.len() > ROWS_SHOWN {
            let _ = writeln!(md, "- … and {} more", report.warnings.len() - ROWS_SHOWN);
        }
        md.push('\n');
    }
    md
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_literal_and_one_line() {
        assert_eq!(
            md_text("<b>*x*</b>|y\nz"),
            "&lt;b&gt;\\*x\\*&lt;/b&gt;\\|y z"
        );
        assert_eq!(md_text("\u{7}\u{9b}\u{2067}"), "\\u{7}\\u{9b}\\u{2067}");
        assert_eq!(clip("abcdef", 3), "abc…");
    }

    #[test]
    fn an_unenforced_gate_is_not_shown_as_a_pass() {
        let controls = crate::report::fixture::sample_controls()
            .into_iter()
            .filter(|c| c.status != Status::Error)
            .collect::<Vec<_>>();
        let rules = crate::gate::GateRules {
            exit_zero: true,
            ..crate::gate::GateRules::new(crate::results::Severity::High)
        };
        let mut report = crate::report::fixture::sample_report();
        // What `--exit-zero` decides: exit 0, the failing controls still listed.
        report.gate = crate::gate::decide(&controls, rules, None);
        assert_eq!(report.gate.outcome, crate::gate::Outcome::NotEnforced);
        let md = render_markdown(&report);
        assert!(
            md.contains("**Gate: not enforced (--exit-zero; would fail)**"),
            "{md}"
        );
        let html = crate::report::html::render_html(&report).expect("html");
        assert!(html.contains(
            "data-outcome=\"not_enforced\">not enforced (--exit-zero; would fail)</span>"
        ));
        // Nothing at or above the threshold: a plain pass.
        let critical_only = crate::gate::GateRules {
            fail_on: Some(crate::results::Severity::Critical),
            ..rules
        };
        report.gate = crate::gate::decide(&controls, critical_only, None);
        assert!(render_markdown(&report).contains("**Gate: pass**"));
    }

    #[test]
    fn the_demo_says_so_first() {
        let mut report = crate::report::fixture::sample_report();
        report.snapshot.source = "demo".into();
        assert!(render_markdown(&report).contains("> **DEMO ORG — not your organization**"));
        report.snapshot.source = "api".into();
        assert!(!render_markdown(&report).contains("DEMO ORG"));
    }
}
