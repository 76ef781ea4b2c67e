//! `orgscan policy check`: every policy checked without an org.

use crate::cli::PolicyCheckArgs;
use crate::cmd::{print_stdout, usage, EXIT_OK, EXIT_PROBLEMS};
use crate::policy::check::{check_files, CheckReport, NamedInput};
use crate::policy::discover::{files_in, shipped_files, PolicyPack, SourceFile};
use crate::prepare::{build_input, PrepareOptions};
use anyhow::Context;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::ExitCode;

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
    let mut prepared = build_input(
        &snapshot,
        pack.wanted_actions(),
        now,
        controls,
        json!({}),
        &PrepareOptions::default(),
    )?;
    Ok(prepared.full_json())
}

pub fn run(args: &PolicyCheckArgs) -> anyhow::Result<ExitCode> {
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
    print_stdout(&text, json_output)?;
    Ok(ExitCode::from(if failing {
        EXIT_PROBLEMS
    } else {
        EXIT_OK
    }))
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
