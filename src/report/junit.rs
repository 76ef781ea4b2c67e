//! `report.junit.xml`: one `<testsuite>` per category, one `<testcase>` per control named by
//! its stable id (classname `orgscan.<category>`), so CI test reports track controls over time.
//! fail → `<failure>` whose body lists the open findings; error → `<error>`; not_evaluable and
//! not_applicable → `<skipped>`; pass and waived pass (waivers listed in `<system-out>`).
//! Every piece of org data is XML-escaped, and characters XML 1.0 cannot carry at all (most
//! control characters) are written as visible `\u{…}` text.

use super::model::{ControlReport, Report};
use crate::results::{Finding, Status};
use crate::xml::{xml_attr, xml_text};
use std::collections::BTreeMap;
use std::fmt::Write;

/// Findings listed in one failure body before the rest are summarised by a count.
pub const FINDINGS_LISTED: usize = 200;

fn finding_line(f: &Finding) -> String {
    let mut line = format!("- [{}] {}/{}", f.severity, f.resource.kind, f.resource.id);
    if let Some(n) = &f.resource.name {
        let _ = write!(line, " ({n})");
    }
    let _ = write!(line, ": {}", f.message.replace(['\n', '\r'], " "));
    if let Some(w) = &f.waiver {
        let _ = write!(
            line,
            " [waiver: {}: {}]",
            w.status,
            w.reason.replace(['\n', '\r'], " ")
        );
    }
    line.push('\n');
    line
}

fn findings_body(c: &ControlReport, only_waived: bool) -> String {
    let mut body = String::new();
    let listed: Vec<&Finding> = c
        .findings
        .iter()
        .filter(|f| {
            let waived = f.waiver.as_ref().is_some_and(|w| w.suppresses());
            waived == only_waived
        })
        .collect();
    for f in listed.iter().take(FINDINGS_LISTED) {
        body.push_str(&finding_line(f));
    }
    if listed.len() > FINDINGS_LISTED {
        let _ = writeln!(
            body,
            "… and {} more (see report.json)",
            listed.len() - FINDINGS_LISTED
        );
    }
    body
}

#[derive(Default)]
struct Counts {
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
}

fn testcase(out: &mut String, c: &ControlReport, counts: &mut Counts) {
    counts.tests += 1;
    let _ = writeln!(
        out,
        "    <testcase name=\"{}\" classname=\"{}\" time=\"0\">",
        xml_attr(&c.id),
        xml_attr(&format!("orgscan.{}", c.category))
    );
    let _ = writeln!(
        out,
        "      <properties>\n        <property name=\"title\" value=\"{}\"/>\n        <property name=\"severity\" value=\"{}\"/>\n        <property name=\"status\" value=\"{}\"/>\n        <property name=\"points\" value=\"{}/{}\"/>\n      </properties>",
        xml_attr(&c.title),
        c.severity,
        c.status.as_str(),
        c.points_achieved,
        c.points
    );
    let reasons = c.reasons.join("; ");
    match c.status {
        Status::Fail => {
            counts.failures += 1;
            let open = c.finding_count - c.waived_count;
            let message = format!("{} ({}): {open} open finding(s)", c.title, c.severity);
            let mut body = format!("{}\n\nOpen findings:\n", c.title);
            body.push_str(&findings_body(c, false));
            if c.waived_count > 0 {
                let _ = write!(body, "\nWaived findings: {}\n", c.waived_count);
            }
            if !c.remediation.is_empty() {
                body.push_str("\nRemediation:\n");
                for (i, step) in c.remediation.iter().enumerate() {
                    let _ = writeln!(body, "{}. {}", i + 1, step);
                }
            }
            let _ = writeln!(
                out,
                "      <failure message=\"{}\" type=\"{}\">{}</failure>",
                xml_attr(&message),
                c.severity,
                xml_text(&body)
            );
        }
        Status::Error => {
            counts.errors += 1;
            let _ = writeln!(
                out,
                "      <error message=\"{}\" type=\"evaluation_error\">{}</error>",
                xml_attr(&format!("evaluation error: {reasons}")),
                xml_text(&reasons)
            );
        }
        Status::NotEvaluable | Status::NotApplicable => {
            counts.skipped += 1;
            let what = if c.status == Status::NotEvaluable {
                "not evaluable"
            } else {
                "not applicable"
            };
            let message = if reasons.is_empty() {
                what.to_string()
            } else {
                format!("{what}: {reasons}")
            };
            let _ = writeln!(out, "      <skipped message=\"{}\"/>", xml_attr(&message));
        }
        Status::Waived => {
            let body = format!(
                "All {} finding(s) waived:\n{}",
                c.waived_count,
                findings_body(c, true)
            );
            let _ = writeln!(out, "      <system-out>{}</system-out>", xml_text(&body));
        }
        Status::Pass => {}
    }
    out.push_str("    </testcase>\n");
}

pub fn render_junit(report: &Report) -> String {
    let mut by_category: BTreeMap<&str, Vec<&ControlReport>> = BTreeMap::new();
    for c in &report.controls {
        by_category.entry(c.category.as_str()).or_default().push(c);
    }
    let timestamp = report
        .evaluated_at
        .0
        .format("%Y-%m-%dT%H:%M:%S")
        .to_string();
    let mut suites = String::new();
    let mut total = Counts::default();
    for (category, mut controls) in by_category {
        controls.sort_by(|a, b| a.id.cmp(&b.id));
        let mut counts = Counts::default();
        let mut cases = String::new();
        for c in controls {
            testcase(&mut cases, c, &mut counts);
        }
        let _ = write!(
            suites,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"0\" timestamp=\"{timestamp}\">\n{cases}  </testsuite>\n",
            xml_attr(category),
            counts.tests,
            counts.failures,
            counts.errors,
            counts.skipped
        );
        total.tests += counts.tests;
        total.failures += counts.failures;
        total.errors += counts.errors;
        total.skipped += counts.skipped;
    }
    let name = format!(
        "orgscan {}",
        report.org.name.as_deref().unwrap_or(&report.org.id)
    );
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"0\">\n{suites}</testsuites>\n",
        xml_attr(&name),
        total.tests,
        total.failures,
        total.errors,
        total.skipped
    )
}
