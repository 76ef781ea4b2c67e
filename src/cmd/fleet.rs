//! The fleet's command line: `orgscan scan --fleet` turns the arguments into a
//! `fleet::scan_fleet` call and prints one line per org and the fleet's gate; `collect
//! --fleet` (and the collection half of `run --fleet`) a `fleet::collect_fleet` call, printing
//! each org's outcome.

use super::progress::StderrProgress;
use super::usage;
use crate::cli::{CollectArgs, ScanArgs};
use crate::collect::progress::{Bar, Reporter};
use crate::collect::ApiKey;
use crate::config::Config;
use crate::fleet::{
    collect_fleet, discover, scan_fleet, FleetCollectOutcome, FleetCollectRequest,
    FleetScanRequest, FleetSource,
};
use crate::scan::ScanRequest;
use crate::snapshot::Snapshot;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

/// Orgs collected at the same time by default: the admin API budgets each key on its own,
/// but every org's collection still runs its own concurrent requests and event writing.
pub const DEFAULT_COLLECT_PARALLEL: usize = 2;

/// `scan --fleet`: `request` is the single-org request `scan` would make, used for every org
/// (with that org's `[[orgs]]` overrides of `config`).
pub fn run(
    args: &ScanArgs,
    request: &(dyn Fn(Snapshot, PathBuf) -> ScanRequest + Sync),
    config: &Config,
) -> anyhow::Result<ExitCode> {
    let fleet = &args.fleet;
    let eval = &args.evaluation;
    // Per-org history and input dumps are not wired through a fleet: refuse rather than
    // silently ignore them.
    for (given, flag) in [
        (eval.fail_on_new, "--fail-on-new"),
        (eval.history.is_some(), "--history"),
        (args.dump_input.is_some(), "--dump-input"),
    ] {
        if given {
            return Err(usage(format!(
                "{flag} cannot be combined with --fleet (it applies to one org's scan)"
            )));
        }
    }
    // With --fleet, --baseline is an earlier portfolio.json.
    let baseline = match &eval.baseline {
        Some(path) => Some((
            path.display().to_string(),
            crate::report::portfolio_baseline::load_portfolio(path)?,
        )),
        None => None,
    };
    let dirs = fleet.fleet.clone().unwrap_or_default();
    // `run --fleet`: the orgs whose collection wrote no snapshot.
    let failed = fleet
        .failed
        .iter()
        .map(|(source, error)| FleetSource::Failed {
            source: source.clone(),
            error: error.clone(),
        });
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
        (false, true) if !fleet.failed.is_empty() => failed.collect(),
        (false, true) => {
            return Err(usage(
                "--fleet: expected a directory of snapshot directories or several snapshot directories (or --demo for the demo fleet)",
            ))
        }
        (false, false) => discover(&dirs)?
            .into_iter()
            .map(FleetSource::Dir)
            .chain(failed)
            .collect(),
    };
    // Every configured org must be accounted for (not the demo fleet's, nor after `run
    // --fleet`, whose collection already lists each configured org).
    let configured = if fleet.demo || !fleet.failed.is_empty() || fleet.collected {
        Vec::new()
    } else {
        config
            .orgs
            .iter()
            .map(|o| (o.id.clone(), o.label()))
            .collect()
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
        baseline,
        configured,
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

/// `collect --fleet` (and the collection half of `run --fleet`): every `[[orgs]]` org of the
/// configuration at `config_path` into `args.out/<org-id>/`; each org's outcome on stderr
/// (with `--quiet`, only the orgs that are not complete).
pub fn collect(
    args: &CollectArgs,
    config_path: Option<&Path>,
) -> anyhow::Result<FleetCollectOutcome> {
    let parallel = match args.fleet.parallel {
        Some(0) => return Err(usage("--parallel: expected at least 1")),
        Some(n) => n,
        None => DEFAULT_COLLECT_PARALLEL,
    };
    let config = Config::load(config_path)?;
    if config.implicit {
        eprintln!(
            "note: collecting the [[orgs]] of {} from the current directory (--config PATH names another)",
            crate::config::DEFAULT_CONFIG_FILE
        );
    }
    // The options every org shares, checked once (a bad --api-url or --since is a usage error
    // before any org starts); each org then gets its own id, directory, key and lines. The
    // placeholder key is replaced before any request.
    let placeholder = ApiKey::new("unused").ok_or_else(|| usage("no placeholder key"))?;
    let base = super::collect::config_with_key(args, placeholder)?;
    let make = |org: &str, out: PathBuf, key: ApiKey| {
        let mut c = base.clone();
        c.org = org.to_string();
        c.out = out;
        c.key = key;
        c.progress = Some(Arc::new(OrgLines {
            org: org.to_string(),
            lines: StderrProgress::lines_only(),
        }));
        c
    };
    let env = |name: &str| std::env::var(name).ok();
    let outcome = collect_fleet(FleetCollectRequest {
        config: &config,
        snapshots: args.out.clone(),
        parallel,
        collect: &make,
        env: &env,
    })?;
    if !args.quiet {
        eprintln!("{}", outcome.summary());
    } else if outcome.exit_code() != 0 {
        for org in outcome.orgs.iter().filter(|o| !o.is_complete()) {
            eprintln!("{}", org.describe());
        }
    }
    Ok(outcome)
}

/// One org's progress lines (notices, `--verbose` requests) prefixed with its id; no bars:
/// the bars of orgs collected side by side would overwrite each other.
struct OrgLines {
    org: String,
    lines: StderrProgress,
}

impl Reporter for OrgLines {
    fn collection(&self, _name: &str) -> Bar {
        Bar::hidden()
    }

    fn line(&self, line: &str) {
        self.lines.line(&format!("{}: {line}", self.org));
    }
}
