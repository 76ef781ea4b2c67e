//! `orgscan scan`: validates the flags, loads the configuration, baseline, history and the
//! snapshot, runs `scan::run_scan` (or the fleet, `cmd/fleet.rs`), prints the warnings and
//! the summary, and exits with the gate's code.

use super::usage;
use crate::cli::{EvaluationArgs, ScanArgs};
use crate::config::Config;
use crate::gate::Outcome;
use crate::prepare::timing::{Timing, Timings};
use crate::prepare::PrepareOptions;
use crate::report::Format;
use crate::results::{Severity, Status};
use crate::scan::{parse_now, run_scan, ScanError, ScanRequest};
use crate::snapshot::{load_snapshot, Snapshot};
use std::process::ExitCode;
use std::time::Duration;

/// `--compliance`, else `[compliance] frameworks` from the configuration; an unknown id is a
/// usage error naming where it came from.
fn compliance_frameworks(
    eval: &EvaluationArgs,
    config: &Config,
) -> anyhow::Result<Vec<crate::framework::Framework>> {
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
        usage(
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

pub fn run(args: &ScanArgs) -> anyhow::Result<ExitCode> {
    let eval = &args.evaluation;
    let fail_on =
        crate::gate::parse_fail_on(&eval.fail_on).map_err(|e| usage(format!("--fail-on: {e}")))?;
    let formats = eval
        .format
        .iter()
        .map(|f| Format::parse(f))
        .collect::<Result<Vec<_>, _>>()
        .map_err(usage)?;
    let now = args.now.as_deref().map(parse_now).transpose()?;
    if !(eval.policy_timeout.is_finite() && eval.policy_timeout > 0.0) {
        return Err(usage(format!(
            "--policy-timeout: expected a positive number of seconds, found {}",
            eval.policy_timeout
        )));
    }
    let config = Config::load(eval.config.as_deref())?;
    if config.implicit {
        eprintln!(
            "note: using {} from the current directory (--config PATH names another); the report records its sha256",
            crate::config::DEFAULT_CONFIG_FILE
        );
    }
    let compliance = compliance_frameworks(eval, &config)?;
    let (history, history_warnings) = match &eval.history {
        Some(dir) => crate::report::history::load_history(dir)?,
        None => (Vec::new(), Vec::new()),
    };
    let prepare = prepare_options_from_environment();
    let redact_key = std::env::var(crate::redact::KEY_VARIABLE).ok();
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
        redact: eval
            .redact
            .then(|| crate::redact::RedactKey::from_value(redact_key.as_deref())),
        compliance: compliance.clone(),
        prepare: prepare.clone(),
    };
    if args.fleet.fleet.is_some() {
        if eval.redact {
            // The portfolio and the per-org reports name every org (ids, names, domains, site
            // URLs): redaction hides people, IPs and credentials, not the org, so a redacted
            // fleet run would leak what a shared portfolio is expected to hide (README).
            return Err(usage(
                "--redact with --fleet: a fleet's reports name each org (its id and name, and its domains, site URLs and workspaces, which redaction keeps), so they cannot be shared as redacted; scan each snapshot with --redact instead",
            ));
        }
        return super::fleet::run(args, &request, &config);
    }
    // (With --fleet, --baseline is an earlier portfolio: `cmd/fleet.rs` reads it.)
    let baseline = eval
        .baseline
        .as_deref()
        .map(crate::report::history::Baseline::load)
        .transpose()?;
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
    Ok(ExitCode::from(outcome.outcome.exit_code()))
}

/// `ORGSCAN_PARSE_THREADS=N`: the event pass's parser threads (default one per core).
/// `ORGSCAN_TIMINGS=1`: phase durations on stderr (for `bench/scan.sh`), with the process's
/// current and peak resident memory where Linux reports them, so a phase that grows memory can
/// be found without a profiler.
fn prepare_options_from_environment() -> PrepareOptions {
    let parse_threads = std::env::var("ORGSCAN_PARSE_THREADS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok());
    let timings = match std::env::var_os("ORGSCAN_TIMINGS") {
        Some(_) => Timings::new(|timing| {
            match timing {
            Timing::Phase { what, elapsed } => eprintln!(
                "timing: {what}: {:.3} s{}",
                elapsed.as_secs_f64(),
                memory_note()
            ),
            Timing::AggregatorCpu { seconds, threads } => eprintln!(
                "timing: event pass aggregator thread CPU: {seconds:.2} s ({threads} parser threads)"
            ),
        }
        }),
        None => Timings::default(),
    };
    PrepareOptions {
        parse_threads,
        timings,
    }
}

/// `, rss N MB, peak N MB` from /proc/self/status, or nothing elsewhere.
fn memory_note() -> String {
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else {
        return String::new();
    };
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|kb| kb.parse::<u64>().ok())
            .map(|kb| kb / 1024)
    };
    match (field("VmRSS:"), field("VmHWM:")) {
        (Some(rss), Some(peak)) => format!(", rss {rss} MB, peak {peak} MB"),
        _ => String::new(),
    }
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
        Outcome::Pass => println!("Gate: pass (fail on {})", gate.fail_on_label()),
        Outcome::GateFailed => println!(
            "Gate: FAILED (fail on {}): {} control(s)",
            gate.fail_on_label(),
            gate.reasons.len()
        ),
        Outcome::NotEnforced => println!(
            "Gate: not enforced (--exit-zero; would fail on {}: {} control(s))",
            gate.fail_on_label(),
            gate.reasons.len()
        ),
        Outcome::Incomplete => {
            println!("Gate: INCOMPLETE (fail on {}):", gate.fail_on_label());
            for r in &gate.reasons {
                println!("  {r}");
            }
        }
    }
}
