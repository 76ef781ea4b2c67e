//! The edge between the command line and the library: turns parsed arguments into library
//! calls, prints human summaries, and classifies the outcome for `main`'s exit code.

use crate::cli::{Cli, Command, PolicyCommand, ScanArgs};
use crate::config::Config;
use crate::gate::Outcome;
use crate::report::Format;
use crate::results::{Severity, Status};
use crate::scan::{parse_now, run_scan, ScanError, ScanRequest};
use crate::snapshot::{load_snapshot, Snapshot};
use std::time::Duration;

/// Exit codes (README, "Exit codes").
pub const EXIT_OK: u8 = 0;
pub const EXIT_GATE: u8 = 1;
pub const EXIT_USAGE: u8 = 2;
pub const EXIT_INCOMPLETE: u8 = 3;

pub fn run(cli: Cli) -> anyhow::Result<u8> {
    match cli.command {
        Command::Scan(args) => scan(&args),
        Command::Run(args) => run_collect_then_scan(&args),
        Command::Collect(args) => Ok(exit_u8(crate::collect::run_collect(&args)?.exit_code())),
        Command::Attest(command) => {
            crate::collect::run_attest(&command)?;
            Ok(EXIT_OK)
        }
        Command::ImportEvents(args) => {
            crate::collect::import::run_import_events(&args)?;
            Ok(EXIT_OK)
        }
        Command::Policy(PolicyCommand::List(args)) => crate::policy_cmd::list(&args),
        Command::Policy(PolicyCommand::Test(args)) => crate::policy_cmd::test(&args),
        Command::Policy(PolicyCommand::Check(args)) => crate::policy_cmd::check(&args),
        Command::Policy(PolicyCommand::Doc(args)) => crate::policy_cmd::doc(&args),
        Command::Diff(args) => diff(&args),
        Command::Schema(args) => match crate::schemas::schema(&args.name) {
            Some(text) => {
                print!("{text}");
                Ok(EXIT_OK)
            }
            None => {
                let names: Vec<&str> = crate::schemas::SCHEMAS.iter().map(|s| s.0).collect();
                Err(ScanError::Usage(format!(
                    "schema: no schema called {:?}; expected one of {}",
                    args.name,
                    names.join(", ")
                ))
                .into())
            }
        },
        Command::Completions(args) => {
            crate::cli_docs::write_completions(&args, &mut std::io::stdout().lock())?;
            Ok(EXIT_OK)
        }
        Command::Man(args) => {
            crate::cli_docs::write_man(&args, &mut std::io::stdout().lock())?;
            Ok(EXIT_OK)
        }
    }
}

fn diff(args: &crate::cli::DiffArgs) -> anyhow::Result<u8> {
    use crate::report::diff::{diff_reports, render_diff_json, render_diff_text};
    let render: fn(&crate::report::diff::ReportDiff) -> String = match args.format.as_str() {
        "text" => |d| render_diff_text(d, false),
        "markdown" | "md" => |d| render_diff_text(d, true),
        "json" => render_diff_json,
        other => {
            return Err(ScanError::Usage(format!(
                "--format: expected text, markdown or json, found {other:?}"
            ))
            .into())
        }
    };
    let old = crate::report::history::load_report(&args.old)?;
    let new = crate::report::history::load_report(&args.new)?;
    let d = diff_reports(&old, &new).map_err(|e| ScanError::Usage(e.0))?;
    let text = render(&d);
    if args.format == "json" {
        crate::terminal::print_json(&text)?;
    } else {
        crate::terminal::print(&text)?;
    }
    if args.fail_on_new && !d.new_findings.is_empty() {
        Ok(EXIT_GATE)
    } else {
        Ok(EXIT_OK)
    }
}

/// `orgscan run`: a collection that could not finish is an error as in `collect`; one that
/// finished with refused collections is still scanned (their controls are not evaluable) and
/// the run then exits 3 unless `--allow-partial`.
fn run_collect_then_scan(args: &crate::cli::RunArgs) -> anyhow::Result<u8> {
    let collected = crate::collect::run_collect(&args.collect)?;
    // Ctrl-C and SIGTERM still stop the scan that follows.
    crate::collect::signals::exit_on_stop_signals();
    let collect_code = exit_u8(collected.exit_code());
    // The snapshot this run wrote: `--out`, or beside it when an incomplete run had to leave
    // the previous snapshot in place (the report then says what is missing; exit 3 anyway).
    let scan_args = ScanArgs {
        snapshot: Some(collected.snapshot.clone()),
        out: args.report_dir.clone(),
        now: None,
        dump_input: None,
        quiet: args.collect.quiet,
        evaluation: args.evaluation.clone(),
        fleet: Default::default(),
    };
    let scan_code = scan(&scan_args)?;
    Ok(if collect_code == EXIT_INCOMPLETE {
        EXIT_INCOMPLETE
    } else {
        scan_code
    })
}

/// `--compliance`, else `[compliance] frameworks` from the configuration; an unknown id is a
/// usage error naming where it came from.
fn compliance_frameworks(
    eval: &crate::cli::EvaluationArgs,
    config: &Config,
) -> Result<Vec<crate::framework::Framework>, ScanError> {
    let (ids, origin) = if eval.compliance.is_empty() {
        let source = config
            .source
            .as_deref()
            .unwrap_or(crate::config::DEFAULT_CONFIG_FILE);
        (
            &config.compliance.frameworks,
            format!("{source}: compliance.frameworks"),
        )
    } else {
        (&eval.compliance, "--compliance".to_string())
    };
    crate::framework::select(ids).map_err(|e| {
        ScanError::Usage(
            e.problems
                .iter()
                .map(|p| format!("{origin}: {p}"))
                .collect::<Vec<_>>()
                .join("\n"),
        )
    })
}

fn load_target(args: &ScanArgs) -> Result<Snapshot, ScanError> {
    match &args.snapshot {
        Some(dir) => Ok(load_snapshot(dir)?),
        None => Ok(crate::demo::demo_snapshot()),
    }
}

fn scan(args: &ScanArgs) -> anyhow::Result<u8> {
    let eval = &args.evaluation;
    let fail_on: Severity = eval
        .fail_on
        .trim()
        .to_ascii_lowercase()
        .parse()
        .map_err(|e| ScanError::Usage(format!("--fail-on: {e}")))?;
    let formats = eval
        .format
        .iter()
        .map(|f| Format::parse(f))
        .collect::<Result<Vec<_>, _>>()
        .map_err(ScanError::Usage)?;
    let now = args.now.as_deref().map(parse_now).transpose()?;
    if !(eval.policy_timeout.is_finite() && eval.policy_timeout > 0.0) {
        return Err(ScanError::Usage(format!(
            "--policy-timeout: expected a positive number of seconds, found {}",
            eval.policy_timeout
        ))
        .into());
    }
    let config = Config::load(eval.config.as_deref())?;
    if config.implicit {
        eprintln!(
            "note: using {} from the current directory (--config PATH names another); the report records its sha256",
            crate::config::DEFAULT_CONFIG_FILE
        );
    }
    let compliance = compliance_frameworks(eval, &config)?;
    let baseline = eval
        .baseline
        .as_deref()
        .map(crate::report::history::Baseline::load)
        .transpose()?;
    let (history, history_warnings) = match &eval.history {
        Some(dir) => crate::report::history::load_history(dir)?,
        None => (Vec::new(), Vec::new()),
    };
    // One org's request; a fleet scan makes one per org.
    let request = |snapshot: Snapshot, out: std::path::PathBuf| ScanRequest {
        snapshot,
        policy_dirs: eval.policies.clone(),
        include_shipped: !eval.no_default_policies,
        config: config.clone(),
        warnings: Vec::new(),
        gate: crate::gate::GateRules {
            fail_on,
            exit_zero: eval.exit_zero,
            min_coverage: eval.min_coverage,
        },
        now,
        timeout: Duration::from_secs_f64(eval.policy_timeout),
        formats: formats.clone(),
        out,
        dump_input: None,
        baseline: None,
        fail_on_new: false,
        history: Vec::new(),
        redact: eval.redact.then(crate::redact::RedactKey::from_environment),
        compliance: compliance.clone(),
    };
    if args.fleet.fleet.is_some() {
        if eval.redact {
            // The portfolio names every org by id and name; until it redacts them too, a
            // redacted fleet run would leak what --redact promises to hide.
            return Err(ScanError::Usage(
                "--redact with --fleet: the portfolio report does not redact org ids and names yet; scan each snapshot with --redact instead".to_string(),
            )
            .into());
        }
        return crate::fleet_cmd::scan(args, &request);
    }
    let snapshot = load_target(args)?;
    let outcome = run_scan(ScanRequest {
        warnings: history_warnings,
        dump_input: args.dump_input.clone(),
        baseline,
        fail_on_new: eval.fail_on_new,
        history,
        ..request(snapshot, args.out.clone())
    })?;
    for w in &outcome.report.warnings {
        eprintln!("warning: {w}");
    }
    if !args.quiet {
        print_summary(&outcome);
    }
    Ok(outcome.outcome.exit_code())
}

fn print_summary(outcome: &crate::scan::ScanOutcome) {
    let report = &outcome.report;
    let score = &report.score.overall;
    if report.is_demo() {
        println!(
            "{}: the bundled demo snapshot; give a SNAPSHOT_DIR to scan yours",
            crate::report::model::DEMO_MARKER
        );
    }
    println!(
        "orgscan {} — {} ({})",
        crate::TOOL_VERSION,
        report.org.name.as_deref().unwrap_or("unnamed org"),
        report.org.id
    );
    println!("Secure score: {}", score.describe());
    if let Some(coverage) = score.coverage {
        println!(
            "Coverage: {coverage:.1}% of the points could be evaluated (gate minimum {}%)",
            crate::results::round2(report.gate.min_coverage)
        );
    }
    let count = |s: Status| report.summary.by_status.get(&s).copied().unwrap_or(0);
    println!(
        "Controls ({}): {} passed, {} failed, {} waived, {} not evaluable, {} not applicable, {} error",
        report.summary.controls,
        count(Status::Pass),
        count(Status::Fail),
        count(Status::Waived),
        count(Status::NotEvaluable),
        count(Status::NotApplicable),
        count(Status::Error)
    );
    let by_sev: Vec<String> = Severity::ALL
        .iter()
        .rev()
        .filter_map(|s| {
            report
                .summary
                .failed_by_severity
                .get(s)
                .map(|n| format!("{n} {s}"))
        })
        .collect();
    if !by_sev.is_empty() {
        println!("Failed by severity: {}", by_sev.join(", "));
    }
    for path in &outcome.written {
        println!("Wrote {}", path.display());
    }
    for path in &outcome.removed {
        println!(
            "Removed {} (an earlier run's report this run did not write)",
            path.display()
        );
    }
    let gate = &report.gate;
    match gate.outcome {
        Outcome::Pass => println!("Gate: pass (fail on {})", gate.fail_on),
        Outcome::GateFailed => println!(
            "Gate: FAILED (fail on {}): {} control(s)",
            gate.fail_on,
            gate.reasons.len()
        ),
        Outcome::NotEnforced => println!(
            "Gate: not enforced (--exit-zero; would fail on {}: {} control(s))",
            gate.fail_on,
            gate.reasons.len()
        ),
        Outcome::Incomplete => {
            println!("Gate: INCOMPLETE (fail on {}):", gate.fail_on);
            for r in &gate.reasons {
                println!("  {r}");
            }
        }
    }
}

fn exit_u8(code: i32) -> u8 {
    u8::try_from(code).unwrap_or(EXIT_INCOMPLETE)
}

/// Errors are usage/config/input problems (exit 2) unless the library that raised them says
/// otherwise (a collection that failed part-way is incomplete, exit 3).
pub fn exit_code_for_error(error: &anyhow::Error) -> u8 {
    match error.downcast_ref::<crate::collect::CollectError>() {
        Some(e) => exit_u8(e.exit_code()),
        None => EXIT_USAGE,
    }
}
