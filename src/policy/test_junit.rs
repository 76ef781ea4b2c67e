//! `orgscan policy test --format junit`: the test run as JUnit XML, the format CI systems
//! (GitLab, Jenkins, Azure DevOps, GitHub test-report actions) render as a test tab. One
//! `<testsuite>` per test file, one `<testcase>` per test rule (`classname` = its package);
//! a false or undefined rule is a `<failure>`, an evaluation error an `<error>`, a `todo_test_*`
//! rule `<skipped>`. With `--threshold`, a `coverage` suite holds one case that fails when line
//! coverage is below it, so a coverage gate shows up where the tests do.

use super::test_runner::{TestResult, TestRun, TestStatus};
use crate::xml::{xml_attr, xml_text};
use std::fmt::Write;
use std::time::Duration;

fn seconds(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64())
}

fn testcase(out: &mut String, r: &TestResult) {
    let _ = write!(
        out,
        "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\" line=\"{}\" time=\"{}\"",
        xml_attr(&r.name),
        xml_attr(&format!("data.{}", r.package)),
        xml_attr(&r.file),
        r.line,
        seconds(r.duration)
    );
    match &r.status {
        TestStatus::Pass => out.push_str("/>\n"),
        TestStatus::Skip => out.push_str(
            ">\n      <skipped message=\"todo_test rule: listed, not run\"/>\n    </testcase>\n",
        ),
        TestStatus::Fail => {
            let message = format!("{}:{}: the test rule is false or undefined", r.file, r.line);
            let _ = write!(
                out,
                ">\n      <failure message=\"{}\" type=\"false or undefined\">{}</failure>\n    </testcase>\n",
                xml_attr(&message),
                xml_text(&message)
            );
        }
        TestStatus::Error(message) => {
            let first = message.lines().next().unwrap_or("evaluation error");
            let _ = write!(
                out,
                ">\n      <error message=\"{}\" type=\"evaluation error\">{}</error>\n    </testcase>\n",
                xml_attr(first),
                xml_text(message)
            );
        }
    }
}

/// Counts of (tests, failures, errors, skipped) and the summed time of some results.
fn tally<'a>(
    results: impl Iterator<Item = &'a TestResult>,
) -> (usize, usize, usize, usize, Duration) {
    let mut t = (0, 0, 0, 0, Duration::ZERO);
    for r in results {
        t.0 += 1;
        match r.status {
            TestStatus::Fail => t.1 += 1,
            TestStatus::Error(_) => t.2 += 1,
            TestStatus::Skip => t.3 += 1,
            TestStatus::Pass => {}
        }
        t.4 += r.duration;
    }
    t
}

/// The JUnit document. `threshold` is `--threshold` with the measured coverage percent.
pub fn render(run: &TestRun, threshold: Option<(f64, f64)>) -> String {
    let mut files: Vec<&str> = run.results.iter().map(|r| r.file.as_str()).collect();
    files.dedup();
    let (tests, failures, errors, skipped, time) = tally(run.results.iter());
    let coverage_failed = threshold.is_some_and(|(have, want)| have + 1e-9 < want);
    let extra = usize::from(threshold.is_some());
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"orgscan policy test\" tests=\"{}\" failures=\"{}\" errors=\"{errors}\" skipped=\"{skipped}\" time=\"{}\">",
        tests + extra,
        failures + usize::from(coverage_failed),
        seconds(time)
    );
    for file in files {
        let mine = || run.results.iter().filter(move |r| r.file == file);
        let (tests, failures, errors, skipped, time) = tally(mine());
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\" time=\"{}\">",
            xml_attr(file),
            seconds(time)
        );
        for r in mine() {
            testcase(&mut out, r);
        }
        out.push_str("  </testsuite>\n");
    }
    if let Some((have, want)) = threshold {
        let _ = writeln!(
            out,
            "  <testsuite name=\"coverage\" tests=\"1\" failures=\"{}\" errors=\"0\" skipped=\"0\" time=\"0.000\">",
            usize::from(coverage_failed)
        );
        let name = format!("line coverage at least {want:.1}%");
        if coverage_failed {
            let message = format!("line coverage {have:.1}% is below the threshold {want:.1}%");
            let _ = writeln!(
                out,
                "    <testcase name=\"{}\" classname=\"coverage\" time=\"0.000\">\n      <failure message=\"{}\" type=\"coverage\">{}</failure>\n    </testcase>",
                xml_attr(&name),
                xml_attr(&message),
                xml_text(&message)
            );
        } else {
            let _ = writeln!(
                out,
                "    <testcase name=\"{}\" classname=\"coverage\" time=\"0.000\"/>",
                xml_attr(&name)
            );
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(file: &str, name: &str, status: TestStatus) -> TestResult {
        TestResult {
            file: file.into(),
            line: 7,
            package: "u.p_test".into(),
            name: name.into(),
            status,
            duration: Duration::from_millis(12),
        }
    }

    #[test]
    fn every_status_has_its_element_and_counts_add_up() {
        let run = TestRun {
            results: vec![
                result("a_test.rego", "test_ok", TestStatus::Pass),
                result("a_test.rego", "test_bad", TestStatus::Fail),
                result(
                    "b_test.rego",
                    "test_boom",
                    TestStatus::Error("x < y & \"z\"\nmore".into()),
                ),
                result("b_test.rego", "todo_test_later", TestStatus::Skip),
            ],
            ..TestRun::default()
        };
        let xml = render(&run, Some((40.0, 80.0)));
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"orgscan policy test\" tests=\"5\" failures=\"2\" errors=\"1\" skipped=\"1\""), "{xml}");
        assert!(xml.contains("<testsuite name=\"a_test.rego\" tests=\"2\" failures=\"1\" errors=\"0\" skipped=\"0\" time=\"0.024\">"), "{xml}");
        assert!(xml.contains("<testcase name=\"test_ok\" classname=\"data.u.p_test\" file=\"a_test.rego\" line=\"7\" time=\"0.012\"/>"), "{xml}");
        assert!(
            xml.contains("<failure message=\"a_test.rego:7: the test rule is false or undefined\""),
            "{xml}"
        );
        assert!(xml.contains("<error message=\"x &lt; y &amp; &quot;z&quot;\" type=\"evaluation error\">x &lt; y &amp; \"z\"\nmore</error>"), "{xml}");
        assert!(xml.contains("<skipped message="), "{xml}");
        assert!(xml.contains("<failure message=\"line coverage 40.0% is below the threshold 80.0%\" type=\"coverage\">"), "{xml}");
        assert!(xml.ends_with("</testsuites>\n"));
    }
}
