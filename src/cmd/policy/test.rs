//! `orgscan policy test`: the Rego unit tests, like `opa test`, with line coverage.

use crate::cli::PolicyTestArgs;
use crate::cmd::{print_stdout, usage, EXIT_OK, EXIT_PROBLEMS};
use crate::policy::test_runner::{
    load_test_pack, run_suite, CoverageReport, TestOptions, TestRun, TestStatus,
};
use anyhow::Context;
use serde_json::{json, Value};
use std::process::ExitCode;

pub fn run(args: &PolicyTestArgs) -> anyhow::Result<ExitCode> {
    let filter = args
        .run
        .as_deref()
        .map(regex::Regex::new)
        .transpose()
        .map_err(|e| usage(format!("--run: not a valid regular expression: {e}")))?;
    if let Some(t) = args.threshold {
        if !(0.0..=100.0).contains(&t) {
            return Err(usage(format!(
                "--threshold: expected a percentage from 0 to 100, found {t}"
            )));
        }
    }
    let format = match args.format.as_str() {
        f @ ("text" | "json" | "junit") => f,
        other => {
            return Err(usage(format!(
                "--format: expected text, json or junit, found {other:?}"
            )))
        }
    };
    let pack = load_test_pack(&args.dirs)?;
    let options = TestOptions {
        filter,
        coverage: args.coverage || args.threshold.is_some(),
    };
    let mut run = run_suite(&pack, &pack.tests, &options);
    if !run.load_errors.is_empty() {
        anyhow::bail!(
            "the policies or tests failed to load:\n{}",
            run.load_errors.join("\n")
        );
    }
    // With DIRs the shipped libraries are loaded but are not the user's code to cover.
    if !args.dirs.is_empty() {
        run.coverage = run
            .coverage
            .map(|c| c.restricted(|path| !path.starts_with("builtin:")));
    }
    let below = match (args.threshold, &run.coverage) {
        (Some(t), Some(c)) if c.percent() + 1e-9 < t => Some((c.percent(), t)),
        _ => None,
    };
    let text = match format {
        "json" => {
            serde_json::to_string_pretty(&test_json(&run, args.threshold))
                .context("serializing the test results")?
                + "\n"
        }
        "junit" => crate::policy::test_junit::render(
            &run,
            args.threshold
                .map(|t| (run.coverage.as_ref().map_or(0.0, |c| c.percent()), t)),
        ),
        _ => test_text(&run, args.quiet, below),
    };
    print_stdout(&text, format == "json")?;
    // Nothing tested is a failure: a typo in --run must not turn a CI step green.
    let code = if run.passed() && below.is_none() && !run.results.is_empty() {
        EXIT_OK
    } else {
        EXIT_PROBLEMS
    };
    Ok(ExitCode::from(code))
}

fn millis(d: std::time::Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// The human report: one line per test grouped by file, failures with their location and
/// message, a summary, then coverage.
pub fn test_text(run: &TestRun, quiet: bool, below: Option<(f64, f64)>) -> String {
    let mut out = String::new();
    let mut current_file = "";
    for r in &run.results {
        let failed = matches!(r.status, TestStatus::Fail | TestStatus::Error(_));
        if quiet && !failed {
            continue;
        }
        if r.file != current_file {
            out.push_str(&format!("{}:\n", r.file));
            current_file = &r.file;
        }
        let time = if r.status == TestStatus::Skip {
            String::new()
        } else {
            format!(" ({})", millis(r.duration))
        };
        out.push_str(&format!(
            "  {:<5} {}{time}\n",
            r.status.label(),
            r.full_name()
        ));
        match &r.status {
            TestStatus::Fail => out.push_str(&format!(
                "        {}:{}: the test rule is false or undefined\n",
                r.file, r.line
            )),
            TestStatus::Error(message) => out.push_str(&format!("        {message}\n")),
            _ => {}
        }
    }
    let total: std::time::Duration = run.results.iter().map(|r| r.duration).sum();
    let ran = run.results.len() - run.count(&TestStatus::Skip);
    out.push_str(&format!(
        "{}: {} passed, {} failed, {} errors, {} skipped of {} tests ({})\n",
        if run.passed() { "PASS" } else { "FAIL" },
        run.count(&TestStatus::Pass),
        run.count(&TestStatus::Fail),
        run.count(&TestStatus::Error(String::new())),
        run.count(&TestStatus::Skip),
        ran + run.count(&TestStatus::Skip),
        millis(total)
    ));
    if run.results.is_empty() {
        out.push_str("FAIL: no tests ran (none found, or none matched --run)\n");
    }
    if let Some(coverage) = &run.coverage {
        out.push_str(&coverage_text(coverage));
    }
    if let Some((have, want)) = below {
        out.push_str(&format!(
            "FAIL: coverage {have:.1}% is below the threshold {want:.1}%\n"
        ));
    }
    out
}

/// Coverage per file: covered/coverable lines, percent, and the uncovered lines as ranges.
pub fn coverage_text(coverage: &CoverageReport) -> String {
    let width = coverage
        .files
        .iter()
        .map(|f| f.path.chars().count())
        .max()
        .unwrap_or(5)
        .max(5);
    let mut out = String::from("coverage:\n");
    for f in &coverage.files {
        let missing = ranges(&f.not_covered);
        out.push_str(&format!(
            "  {:<width$}  {:>4}/{:<4} {:>6.1}%{}\n",
            f.path,
            f.covered.len(),
            f.total(),
            f.percent(),
            if missing.is_empty() {
                String::new()
            } else {
                format!("  not covered: {missing}")
            }
        ));
    }
    out.push_str(&format!(
        "  {:<width$}  {:>4}/{:<4} {:>6.1}%\n",
        "total",
        coverage.covered_lines(),
        coverage.total_lines(),
        coverage.percent()
    ));
    out
}

/// `3-5,9,12-13`
fn ranges(lines: &std::collections::BTreeSet<u32>) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut iter = lines.iter().copied().peekable();
    while let Some(start) = iter.next() {
        let mut end = start;
        while iter.peek() == Some(&(end + 1)) {
            end += 1;
            iter.next();
        }
        parts.push(if start == end {
            start.to_string()
        } else {
            format!("{start}-{end}")
        });
    }
    parts.join(",")
}

fn test_json(run: &TestRun, threshold: Option<f64>) -> Value {
    let tests: Vec<Value> = run
        .results
        .iter()
        .map(|r| {
            let message = match &r.status {
                TestStatus::Error(m) => Some(m.clone()),
                _ => None,
            };
            json!({"file": r.file, "line": r.line, "package": r.package, "name": r.name,
                "status": r.status.label().to_lowercase(), "message": message,
                "duration_ms": r.duration.as_secs_f64() * 1000.0})
        })
        .collect();
    let coverage = run.coverage.as_ref().map(|c| {
        json!({
            "percent": c.percent(), "covered_lines": c.covered_lines(), "total_lines": c.total_lines(),
            "threshold": threshold,
            "files": c.files.iter().map(|f| json!({"path": f.path, "percent": f.percent(),
                "covered": f.covered, "not_covered": f.not_covered})).collect::<Vec<_>>(),
        })
    });
    json!({
        "passed": run.passed(),
        "summary": {"pass": run.count(&TestStatus::Pass), "fail": run.count(&TestStatus::Fail),
            "error": run.count(&TestStatus::Error(String::new())), "skip": run.count(&TestStatus::Skip)},
        "tests": tests,
        "coverage": coverage,
    })
}
