//! The `orgscan policy …` subcommands (list, test, check, doc): the authoring toolchain. Each
//! turns its arguments into library calls, prints, and returns the exit code (documented in
//! `docs/authoring.md`): 0 clean, 1 problems (failed test, coverage below threshold, check
//! problems, stale catalogue), 2 usage or load errors (returned as `Err`).

use crate::cli::{PolicyCheckArgs, PolicyDocArgs, PolicyListArgs, PolicyTestArgs};
use crate::policy::check::{check_files, CheckReport, NamedInput};
use crate::policy::discover::{files_in, shipped_files, PolicyPack, SourceFile};
use crate::policy::load_pack;
use crate::policy::test_runner::{
    load_test_pack, run_suite, CoverageReport, TestOptions, TestRun, TestStatus,
};
use crate::prepare::build_input;
use anyhow::Context;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

pub const EXIT_OK: u8 = 0;
pub const EXIT_PROBLEMS: u8 = 1;

/// A usage mistake (bad flag value): exit 2 like every other usage error.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct PolicyUsageError(pub String);

fn usage(message: String) -> anyhow::Error {
    PolicyUsageError(message).into()
}

// ---------------------------------------------------------------------------------------------
// policy list

pub fn list(args: &PolicyListArgs) -> anyhow::Result<u8> {
    let pack = load_pack(args.dirs.is_empty(), &args.dirs)?;
    match args.format.as_str() {
        "json" => {
            // In id order, like the table.
            let mut policies: Vec<_> = pack.policies.iter().collect();
            policies.sort_by(|a, b| a.meta.id.cmp(&b.meta.id));
            let rows: Vec<Value> = policies
                .into_iter()
                .map(|p| {
                    let m = &p.meta;
                    json!({"id": m.id, "title": m.title, "severity": m.severity, "category": m.category,
                        "points": m.points, "kind": m.kind, "user_impact": m.user_impact,
                        "implementation_cost": m.implementation_cost, "package": m.package,
                        "data": m.data, "config": m.config, "frameworks": m.frameworks,
                        "version": m.version, "source": p.source.path})
                })
                .collect();
            let text =
                serde_json::to_string_pretty(&rows).context("serializing the policy list")? + "\n";
            write_stdout(&text, true)?;
        }
        "table" => print!("{}", list_table(&pack)),
        other => {
            return Err(usage(format!(
                "--format: expected table or json, found {other:?}"
            )))
        }
    }
    Ok(EXIT_OK)
}

/// The controls as an aligned text table, sorted by id.
pub fn list_table(pack: &PolicyPack) -> String {
    let mut rows: Vec<[String; 6]> = pack
        .policies
        .iter()
        .map(|p| {
            let m = &p.meta;
            [
                m.id.clone(),
                m.severity.to_string(),
                format!("{:?}", m.kind).to_lowercase(),
                m.category.clone(),
                format!("{}", m.points),
                m.title.clone(),
            ]
        })
        .collect();
    rows.sort();
    let header = ["ID", "SEVERITY", "KIND", "CATEGORY", "POINTS", "TITLE"].map(String::from);
    let mut widths = [0usize; 6];
    for row in std::iter::once(&header).chain(&rows) {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        let line = format!(
            "{:<w0$}  {:<w1$}  {:<w2$}  {:<w3$}  {:>w4$}  {}",
            row[0],
            row[1],
            row[2],
            row[3],
            row[4],
            row[5],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2],
            w3 = widths[3],
            w4 = widths[4],
        );
        out.push_str(line.trim_end());
        out.push('\n');
    }
    let posture = pack
        .policies
        .iter()
        .filter(|p| p.meta.kind == crate::results::Kind::Posture);
    let points: f64 = posture.clone().map(|p| p.meta.points).sum();
    out.push_str(&format!(
        "{} controls ({} posture, {} points; {} detection)\n",
        pack.policies.len(),
        posture.count(),
        points,
        pack.policies
            .iter()
            .filter(|p| p.meta.kind == crate::results::Kind::Detection)
            .count()
    ));
    out
}

// ---------------------------------------------------------------------------------------------
// policy test

pub fn test(args: &PolicyTestArgs) -> anyhow::Result<u8> {
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
    write_stdout(&text, format == "json")?;
    // Nothing tested is a failure: a typo in --run must not turn a CI step green.
    let code = if run.passed() && below.is_none() && !run.results.is_empty() {
        EXIT_OK
    } else {
        EXIT_PROBLEMS
    };
    Ok(code)
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

// ---------------------------------------------------------------------------------------------
// policy check

/// The files `policy check` looks at: (own, context). Without DIRs the shipped pack is its own;
/// with DIRs the user's files are, and the shipped pack is context (libraries to import, ids
/// not to reuse).
fn check_target(dirs: &[PathBuf]) -> anyhow::Result<(Vec<SourceFile>, Vec<SourceFile>)> {
    if dirs.is_empty() {
        return Ok((shipped_files(), Vec::new()));
    }
    let mut own = Vec::new();
    for dir in dirs {
        own.extend(files_in(dir)?);
    }
    // A shipped file the user checks as their own (`policy check policies` in a checkout of
    // orgscan) is the same file, not a duplicate of itself.
    let own_texts: std::collections::BTreeSet<&str> = own.iter().map(|f| f.text.as_str()).collect();
    let context = shipped_files()
        .into_iter()
        .filter(|f| !own_texts.contains(f.text.as_str()))
        .collect();
    Ok((own, context))
}

/// The inputs `policy check` evaluates every policy on: an empty document and the demo org's
/// prepared input (as `orgscan scan --dump-input` writes it, default configuration).
pub fn check_inputs(pack: &PolicyPack) -> Vec<NamedInput> {
    let mut inputs = vec![NamedInput {
        name: "empty".into(),
        value: json!({}),
    }];
    match demo_input(pack) {
        Ok(value) => inputs.push(NamedInput {
            name: "demo org".into(),
            value,
        }),
        Err(e) => eprintln!("warning: the demo input could not be built, skipped: {e}"),
    }
    inputs
}

/// The demo org's prepared input for `pack`.
pub fn demo_input(pack: &PolicyPack) -> anyhow::Result<Value> {
    let snapshot = crate::demo::demo_snapshot();
    let controls = pack.default_parameters();
    let now = snapshot.manifest.collected_at;
    let prepared = build_input(&snapshot, pack.wanted_actions(), now, controls, json!({}))?;
    Ok(prepared.json)
}

pub fn check(args: &PolicyCheckArgs) -> anyhow::Result<u8> {
    let json_output = match args.format.as_str() {
        "text" => false,
        "json" => true,
        other => {
            return Err(usage(format!(
                "--format: expected text or json, found {other:?}"
            )))
        }
    };
    let (own, context) = check_target(&args.dirs)?;
    let report = check_files(&own, &context, &check_inputs);
    let failing = report.errors() > 0 || (args.strict && report.warnings() > 0);
    let text = if json_output {
        serde_json::to_string_pretty(&report).context("serializing the check report")? + "\n"
    } else {
        check_text(&report, args.strict)
    };
    write_stdout(&text, json_output)?;
    Ok(if failing { EXIT_PROBLEMS } else { EXIT_OK })
}

/// The check's findings and a verdict line; under `--strict` warnings fail, and the verdict
/// says so ("FAILED (--strict: warnings fail)"), never "OK with warnings" with exit 1.
pub fn check_text(report: &CheckReport, strict: bool) -> String {
    let mut out = String::new();
    for p in &report.problems {
        out.push_str(&format!("{p}\n"));
    }
    let status = if report.errors() > 0 {
        "FAIL"
    } else if strict && report.warnings() > 0 {
        "FAILED (--strict: warnings fail)"
    } else if report.warnings() > 0 {
        "OK with warnings"
    } else {
        "OK"
    };
    let n = |count: usize, one: &str, many: &str| {
        format!("{count} {}", if count == 1 { one } else { many })
    };
    out.push_str(&format!(
        "{status}: checked {} ({}, {}, {}): {}, {}\n",
        n(report.files, "file", "files"),
        n(report.policies, "policy", "policies"),
        n(report.libraries, "library", "libraries"),
        n(report.tests, "test file", "test files"),
        n(report.errors(), "error", "errors"),
        n(report.warnings(), "warning", "warnings"),
    ));
    out
}

// ---------------------------------------------------------------------------------------------
// policy doc

pub fn doc(args: &PolicyDocArgs) -> anyhow::Result<u8> {
    let pack = load_pack(args.dirs.is_empty(), &args.dirs)?;
    let text = crate::policy::catalogue::render_catalogue(&pack);
    let stdout = args.out == Path::new("-");
    if args.check {
        let current = if stdout {
            String::new()
        } else {
            std::fs::read_to_string(&args.out).unwrap_or_default()
        };
        if current == text {
            println!("{} is up to date", args.out.display());
            return Ok(EXIT_OK);
        }
        println!(
            "{} is out of date: run `orgscan policy doc --out {}`",
            args.out.display(),
            args.out.display()
        );
        return Ok(EXIT_PROBLEMS);
    }
    if stdout {
        write_stdout(&text, false)?;
    } else {
        refuse_foreign_file(&args.out)?;
        if let Some(parent) = args.out.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("{}: cannot create the folder", parent.display()))?;
        }
        std::fs::write(&args.out, &text)
            .with_context(|| format!("{}: cannot write the catalogue", args.out.display()))?;
        println!(
            "Wrote {} ({} controls)",
            args.out.display(),
            pack.policies.len()
        );
    }
    Ok(EXIT_OK)
}

/// A file at `out` that `policy doc` did not write (no generated-by marker near its top) is
/// somebody's own document: refuse (exit 2) rather than replace it.
fn refuse_foreign_file(out: &Path) -> anyhow::Result<()> {
    let Ok(current) = std::fs::read(out) else {
        return Ok(());
    };
    let current = String::from_utf8_lossy(&current);
    let generated = current
        .lines()
        .take(5)
        .any(|line| line.starts_with(crate::policy::catalogue::GENERATED_MARKER));
    if current.trim().is_empty() || generated {
        return Ok(());
    }
    Err(usage(format!(
        "{}: exists and was not written by `orgscan policy doc` (no generated-catalogue marker in its first lines); refusing to overwrite it: choose another --out, or move the file away",
        out.display()
    )))
}

/// Writes to stdout (terminal-safe, JSON kept valid; a closed pipe is not an error).
fn write_stdout(text: &str, json: bool) -> anyhow::Result<()> {
    if json {
        crate::terminal::print_json(text)
    } else {
        crate::terminal::print(text)
    }
    .context("writing to standard output")
}
