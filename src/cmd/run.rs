//! `orgscan run`: collect, then scan what was collected. A collection that could not finish
//! is an error as in `collect`; one that finished with refused collections is still scanned
//! (their controls are not evaluable) and the run then exits 3 unless `--allow-partial`.

use super::{exit_u8, EXIT_INCOMPLETE, EXIT_OK};
use crate::cli::{FleetScanArgs, RunArgs, ScanArgs};
use crate::fleet::FleetSource;
use std::process::ExitCode;

pub fn run(args: &RunArgs) -> anyhow::Result<ExitCode> {
    if args.collect.fleet.fleet {
        return run_fleet(args);
    }
    let collected = super::collect::collect(&args.collect)?;
    // Ctrl-C and SIGTERM still stop the scan that follows.
    crate::collect::signals::exit_on_stop_signals();
    let incomplete = exit_u8(collected.exit_code()) == EXIT_INCOMPLETE;
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
    let scanned = super::scan::run(&scan_args)?;
    Ok(if incomplete {
        ExitCode::from(EXIT_INCOMPLETE)
    } else {
        scanned
    })
}

/// `run --fleet`: every `[[orgs]]` org collected into `--out/<org-id>/`, then the snapshots
/// this run wrote scanned as a fleet into `--report-dir`; an org that wrote none is listed in
/// the portfolio as not scanned. Exit 3 when any org's collection was incomplete, else the
/// fleet's gate.
fn run_fleet(args: &RunArgs) -> anyhow::Result<ExitCode> {
    let collected = super::fleet::collect(&args.collect, args.evaluation.config.as_deref())?;
    crate::collect::signals::exit_on_stop_signals();
    let code = exit_u8(collected.exit_code());
    if code != EXIT_OK && code != EXIT_INCOMPLETE {
        // A stop signal: nothing to scan.
        return Ok(ExitCode::from(code));
    }
    let mut dirs = Vec::new();
    let mut failed = Vec::new();
    for source in collected.sources() {
        match source {
            FleetSource::Dir(dir) => dirs.push(dir),
            FleetSource::Failed { source, error } => failed.push((source, error)),
            FleetSource::Loaded(_) => {}
        }
    }
    let scan_args = ScanArgs {
        snapshot: None,
        out: args.report_dir.clone(),
        now: None,
        dump_input: None,
        quiet: args.collect.quiet,
        evaluation: args.evaluation.clone(),
        fleet: FleetScanArgs {
            fleet: Some(dirs),
            failed,
            collected: true,
            ..Default::default()
        },
    };
    let scanned = super::scan::run(&scan_args)?;
    Ok(if code == EXIT_INCOMPLETE {
        ExitCode::from(EXIT_INCOMPLETE)
    } else {
        scanned
    })
}
