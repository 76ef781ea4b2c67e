//! `orgscan diff OLD.json NEW.json`: what changed between two reports.

use super::{print_stdout, usage, EXIT_OK, EXIT_PROBLEMS};
use crate::cli::DiffArgs;
use crate::report::diff::{diff_reports, render_diff_json, render_diff_text, ReportDiff};
use std::process::ExitCode;

pub fn run(args: &DiffArgs) -> anyhow::Result<ExitCode> {
    let render: fn(&ReportDiff) -> String = match args.format.as_str() {
        "text" => |d| render_diff_text(d, false),
        "markdown" | "md" => |d| render_diff_text(d, true),
        "json" => render_diff_json,
        other => {
            return Err(usage(format!(
                "--format: expected text, markdown or json, found {other:?}"
            )))
        }
    };
    let old = crate::report::history::load_report(&args.old)?;
    let new = crate::report::history::load_report(&args.new)?;
    let d = diff_reports(&old, &new).map_err(|e| usage(e.0))?;
    print_stdout(&render(&d), args.format == "json")?;
    Ok(ExitCode::from(
        if args.fail_on_new && !d.new_findings.is_empty() {
            EXIT_PROBLEMS
        } else {
            EXIT_OK
        },
    ))
}
