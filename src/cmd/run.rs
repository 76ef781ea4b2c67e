//! `orgscan run`: collect, then scan what was collected. A collection that could not finish
//! is an error as in `collect`; one that finished with refused collections is still scanned
//! (their controls are not evaluable) and the run then exits 3 unless `--allow-partial`.

use super::{exit_u8, EXIT_INCOMPLETE};
use crate::cli::{RunArgs, ScanArgs};
use std::process::ExitCode;

pub fn run(args: &RunArgs) -> anyhow::Result<ExitCode> {
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
