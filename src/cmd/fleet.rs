//! `orgscan scan --fleet`: turns the arguments into a `fleet::scan_fleet` call and prints one
//! line per org and the fleet's gate.

use super::usage;
use crate::cli::ScanArgs;
use crate::fleet::{discover, scan_fleet, FleetScanRequest, FleetSource};
use crate::scan::ScanRequest;
use crate::snapshot::Snapshot;
use std::path::PathBuf;
use std::process::ExitCode;

/// `scan --fleet`: `request` is the single-org request `scan` would make, used for every org.
pub fn run(
    args: &ScanArgs,
    request: &(dyn Fn(Snapshot, PathBuf) -> ScanRequest + Sync),
) -> anyhow::Result<ExitCode> {
    let fleet = &args.fleet;
    let eval = &args.evaluation;
    // Per-org baselines and history are not wired through a fleet yet: refuse rather than
    // silently ignore them.
    for (given, flag) in [
        (eval.baseline.is_some(), "--baseline"),
        (eval.history.is_some(), "--history"),
        (args.dump_input.is_some(), "--dump-input"),
    ] {
        if given {
            return Err(usage(format!(
                "{flag} cannot be combined with --fleet (it applies to one org's scan)"
            )));
        }
    }
    let dirs = fleet.fleet.clone().unwrap_or_default();
    let sources: Vec<FleetSource> = match (fleet.demo, dirs.is_empty()) {
        (true, true) => {
            if fleet.demo_orgs == 0 {
                return Err(usage("--demo-orgs: expected at least 1"));
            }
            crate::demo::fleet::demo_fleet(fleet.demo_orgs)
                .into_iter()
                .map(|s| FleetSource::Loaded(Box::new(s)))
                .collect()
        }
        (true, false) => {
            return Err(usage(
                "--demo scans the demo fleet: give either --demo or snapshot directories to --fleet, not both",
            ))
        }
        (false, true) => {
            return Err(usage(
                "--fleet: expected a directory of snapshot directories or several snapshot directories (or --demo for the demo fleet)",
            ))
        }
        (false, false) => discover(&dirs)?
            .into_iter()
            .map(FleetSource::Dir)
            .collect(),
    };
    let parallel = match fleet.parallel {
        Some(0) => return Err(usage("--parallel: expected at least 1")),
        Some(n) => n,
        None => std::thread::available_parallelism().map_or(2, |n| n.get()),
    };
    let outcome = scan_fleet(FleetScanRequest {
        sources,
        parallel,
        out: args.out.clone(),
        request,
        baseline: None,
        configured: Vec::new(),
    })?;
    let p = &outcome.portfolio;
    if !args.quiet {
        for org in &p.orgs {
            let coverage = org
                .score
                .coverage
                .map(|c| format!(", coverage {c:.1}%"))
                .unwrap_or_default();
            println!(
                "{} ({}): score {:.1}%{coverage}, gate {}, {} open finding(s)",
                org.name.as_deref().unwrap_or("unnamed org"),
                org.id,
                org.score.percent,
                org.gate.outcome.as_str(),
                org.open_findings
            );
        }
        for path in &outcome.written {
            println!("Wrote {}", path.display());
        }
    }
    for u in &p.unscanned {
        eprintln!("error: {}: not scanned: {}", u.source, u.error);
    }
    println!(
        "Fleet gate: {} ({} org(s){})",
        p.gate.outcome.as_str(),
        p.orgs.len(),
        if p.unscanned.is_empty() {
            String::new()
        } else {
            format!(", {} not scanned", p.unscanned.len())
        }
    );
    Ok(ExitCode::from(p.gate.exit_code))
}
