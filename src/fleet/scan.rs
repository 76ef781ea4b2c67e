//! `orgscan scan --fleet`: every org's snapshot scanned as `orgscan scan` would (its reports in
//! `OUT/<org-id>/`), `parallel` at a time, then `OUT/portfolio.json` and `portfolio.html`.
//! A snapshot that cannot be read does not stop the others: it is listed in the portfolio as
//! not scanned and makes the fleet incomplete. Problems every org would share (the
//! configuration, the policies, an output directory that cannot be written) stop the run.

use crate::policy::evaluate::CompiledPack;
use crate::policy::PolicyLoadError;
use crate::report::portfolio::{
    build_portfolio, render_portfolio_json, Portfolio, PortfolioMember, Unscanned, PORTFOLIO_HTML,
    PORTFOLIO_JSON,
};
use crate::report::portfolio_baseline::compare_with_baseline;
use crate::report::portfolio_html::render_portfolio_html;
use crate::report::{Report, ReportError};
use crate::scan::{load_policies, run_scan, run_scan_with, ScanError, ScanRequest};
use crate::snapshot::load::{load_manifest, load_snapshot};
use crate::snapshot::manifest::MANIFEST_FILE;
use crate::snapshot::Snapshot;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

#[derive(Debug, thiserror::Error)]
pub enum FleetError {
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Scan(#[from] ScanError),
    #[error(transparent)]
    Report(#[from] ReportError),
}

/// One org of the fleet: a snapshot directory, or a snapshot already in memory (the demo
/// fleet).
pub enum FleetSource {
    Dir(PathBuf),
    Loaded(Box<Snapshot>),
    /// An org with no snapshot to scan (`run --fleet`: its collection failed), listed in the
    /// portfolio as not scanned with why.
    Failed {
        source: String,
        error: String,
    },
}

pub struct FleetScanRequest<'a> {
    pub sources: Vec<FleetSource>,
    /// Scans run at the same time (at least 1).
    pub parallel: usize,
    /// The fleet's output directory: `OUT/<org-id>/` per org and the portfolio files.
    pub out: PathBuf,
    /// The single-org request for a snapshot and its report directory: the same options for
    /// every org, except what the configuration sets per org.
    pub request: &'a (dyn Fn(Snapshot, PathBuf) -> ScanRequest + Sync),
    /// `--baseline OLD/portfolio.json` (as given, and read with
    /// `report::portfolio_baseline::load_portfolio`): each org's changes since then.
    pub baseline: Option<(String, Portfolio)>,
    /// The orgs the configuration lists (`[[orgs]]`: id and label). One with no snapshot among
    /// `sources` is listed as not scanned, so the fleet is incomplete: a pipeline must not pass
    /// while an org's snapshot silently went missing. Empty for the demo fleet.
    pub configured: Vec<(String, String)>,
}

/// What became of one org.
pub struct OrgScanned {
    pub id: String,
    pub report_dir: PathBuf,
    pub report: Report,
}

pub struct FleetScanOutcome {
    pub portfolio: Portfolio,
    /// The orgs scanned, in org id order.
    pub orgs: Vec<OrgScanned>,
    pub written: Vec<PathBuf>,
}

/// The snapshot directories of `paths`: one path without a manifest is a fleet directory
/// whose subdirectories holding a `manifest.json` are the snapshots (hidden ones skipped,
/// name order); otherwise every path is a snapshot directory.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<PathBuf>, FleetError> {
    if let [dir] = paths {
        if !dir.join(MANIFEST_FILE).is_file() {
            let entries = std::fs::read_dir(dir).map_err(|e| {
                FleetError::Usage(format!(
                    "--fleet {}: cannot read the directory: {e}",
                    dir.display()
                ))
            })?;
            let mut found: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .filter(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    // An incomplete collection written beside the org's good snapshot (see
                    // `collect::collect`): the good one is the org's snapshot.
                    !name.starts_with('.') && !is_incomplete_run(&name)
                })
                .map(|e| e.path())
                .filter(|p| p.join(MANIFEST_FILE).is_file())
                .collect();
            found.sort();
            if found.is_empty() {
                return Err(FleetError::Usage(format!(
                    "--fleet {}: expected a snapshot directory or a directory of snapshot directories (each with a {MANIFEST_FILE}), found none",
                    dir.display()
                )));
            }
            return Ok(found);
        }
    }
    Ok(paths.to_vec())
}

/// `ORG.incomplete-20261205T235500Z` (or `…-2`): a run `collect` kept beside the snapshot.
fn is_incomplete_run(name: &str) -> bool {
    name.split_once(".incomplete-").is_some_and(|(_, stamp)| {
        stamp.len() >= 16
            && stamp.as_bytes()[8] == b'T'
            && stamp.as_bytes()[..8].iter().all(u8::is_ascii_digit)
    })
}

/// An org's report directory name: its id with anything but ASCII letters, digits, `-`, `_`
/// and `.` replaced by `_` (org ids are untrusted: no `/`, `..` or control character may reach
/// a path), never hidden or empty.
pub fn report_dir_name(org_id: &str) -> String {
    let mut name: String = org_id
        .chars()
        .take(100)
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if name.is_empty() || name.starts_with('.') {
        name.insert_str(0, "org-");
    }
    name
}

/// A member before its scan: where it comes from and its report directory.
struct Planned {
    source: FleetSource,
    label: String,
    dir_name: String,
}

pub fn scan_fleet(request: FleetScanRequest<'_>) -> Result<FleetScanOutcome, FleetError> {
    // Name every org's directory first (from the manifest alone), so two orgs never share one.
    let mut planned = Vec::new();
    let mut unscanned = Vec::new();
    let mut ids = std::collections::BTreeSet::new();
    for source in request.sources {
        let (label, id) = match &source {
            FleetSource::Dir(dir) => {
                let label = dir.display().to_string();
                match load_manifest(dir) {
                    Ok(m) => (label, m.org.id),
                    Err(e) => {
                        unscanned.push(Unscanned {
                            source: label,
                            error: e.to_string(),
                        });
                        continue;
                    }
                }
            }
            FleetSource::Loaded(s) => (s.location.clone(), s.manifest.org.id.clone()),
            FleetSource::Failed { source, error } => {
                unscanned.push(Unscanned {
                    source: source.clone(),
                    error: error.clone(),
                });
                continue;
            }
        };
        planned.push(Planned {
            source,
            label,
            dir_name: report_dir_name(&id),
        });
        ids.insert(id);
    }
    for (id, label) in &request.configured {
        if !ids.contains(id) {
            unscanned.push(Unscanned {
                source: label.clone(),
                error:
                    "listed in [[orgs]] of the configuration, but no snapshot of this org was given"
                        .to_string(),
            });
        }
    }
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    for p in &planned {
        if let Some(other) = seen.insert(&p.dir_name, &p.label) {
            return Err(FleetError::Usage(format!(
                "--fleet: {other} and {} are the same org (report directory {}); give each org once",
                p.label, p.dir_name
            )));
        }
        if p.dir_name == PORTFOLIO_JSON || p.dir_name == PORTFOLIO_HTML {
            return Err(FleetError::Usage(format!(
                "--fleet: {}: an org id that names a portfolio file cannot be scanned in a fleet",
                p.label
            )));
        }
    }

    let jobs: Mutex<Vec<Planned>> = Mutex::new(planned.into_iter().rev().collect());
    type Done = Result<OrgScanned, Box<(String, ScanError)>>;
    let done: Mutex<Vec<Done>> = Mutex::new(Vec::new());
    let make = request.request;
    let out = &request.out;
    let workers = request.parallel.max(1);
    let policies = OnceLock::new();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let next = jobs.lock().ok().and_then(|mut j| j.pop());
                let Some(job) = next else { break };
                let result = scan_one(job, out, make, &policies);
                if let Ok(mut d) = done.lock() {
                    d.push(result);
                }
            });
        }
    });
    let done = done.into_inner().unwrap_or_default();
    let mut orgs = Vec::new();
    for result in done {
        match result.map_err(|e| *e) {
            Ok(org) => orgs.push(org),
            // A snapshot that cannot be read is this org's problem; anything else is everyone's.
            Err((label, ScanError::Snapshot(e))) => unscanned.push(Unscanned {
                source: label,
                error: e.to_string(),
            }),
            Err((_, e)) => return Err(e.into()),
        }
    }
    orgs.sort_by(|a, b| a.id.cmp(&b.id));
    unscanned.sort_by(|a, b| a.source.cmp(&b.source));

    let members: Vec<PortfolioMember<'_>> = orgs
        .iter()
        .map(|o| PortfolioMember {
            report: &o.report,
            report_dir: o
                .report_dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            reports: report_files(&o.report_dir),
        })
        .collect();
    let mut portfolio = build_portfolio(&members, unscanned);
    if let Some((source, baseline)) = &request.baseline {
        compare_with_baseline(&mut portfolio, baseline, source);
    }
    let written = write_portfolio(&portfolio, out)?;
    Ok(FleetScanOutcome {
        portfolio,
        orgs,
        written,
    })
}

/// The fleet's policies, loaded and compiled by the first org's scan for every org: where they
/// come from (`include_shipped`, `policy_dirs`), and the pack or why it did not load.
type SharedPolicies = OnceLock<(bool, Vec<PathBuf>, Result<CompiledPack, PolicyLoadError>)>;

fn scan_one(
    job: Planned,
    out: &Path,
    make: &(dyn Fn(Snapshot, PathBuf) -> ScanRequest + Sync),
    policies: &SharedPolicies,
) -> Result<OrgScanned, Box<(String, ScanError)>> {
    let label = job.label;
    let snapshot = match job.source {
        FleetSource::Dir(dir) => {
            load_snapshot(&dir).map_err(|e| Box::new((label.clone(), e.into())))?
        }
        FleetSource::Loaded(s) => *s,
        // Listed as not scanned when planned.
        FleetSource::Failed { error, .. } => {
            return Err(Box::new((label, ScanError::Usage(error))));
        }
    };
    let id = snapshot.manifest.org.id.clone();
    let report_dir = out.join(&job.dir_name);
    let request = with_org_overrides(make(snapshot, report_dir.clone()), &id);
    // Every org of a fleet evaluates the same policies (`[[orgs]]` overrides settings, not
    // the pack): loading, parsing and analysing them once is most of what a fleet saves over
    // separate scans. A request naming other policies (no caller makes one) loads its own.
    let (shipped, dirs, shared) = policies.get_or_init(|| {
        let loaded = load_policies(request.include_shipped, &request.policy_dirs);
        (request.include_shipped, request.policy_dirs.clone(), loaded)
    });
    let outcome = if (*shipped, dirs) == (request.include_shipped, &request.policy_dirs) {
        match shared {
            Ok(policies) => run_scan_with(request, policies),
            Err(e) => Err(ScanError::Policy(PolicyLoadError {
                problems: e.problems.clone(),
            })),
        }
    } else {
        run_scan(request)
    };
    let outcome = outcome.map_err(|e| Box::new((label, e)))?;
    Ok(OrgScanned {
        id,
        report_dir,
        report: outcome.report,
    })
}

/// The request with what `[[orgs]]` sets for this org: its control thresholds and waivers
/// over the global ones, and its `fail_on`.
fn with_org_overrides(mut request: ScanRequest, org_id: &str) -> ScanRequest {
    if let Some(fail_on) = request.config.fleet_org(org_id).and_then(|o| o.fail_on) {
        request.gate.fail_on = Some(fail_on);
    }
    request.config = request.config.for_org(org_id);
    request
}

/// The report files in an org's directory, in the order the portfolio links them.
fn report_files(dir: &Path) -> Vec<String> {
    crate::report::Format::ALL
        .iter()
        .map(|f| f.file_name())
        .filter(|name| dir.join(name).is_file())
        .map(str::to_string)
        .collect()
}

/// Both portfolio files rendered first, then each written through a temp file and a rename.
fn write_portfolio(portfolio: &Portfolio, out: &Path) -> Result<Vec<PathBuf>, ReportError> {
    let files = [
        (PORTFOLIO_JSON, render_portfolio_json(portfolio)?),
        (PORTFOLIO_HTML, render_portfolio_html(portfolio)),
    ];
    let io = |path: &Path, source| ReportError::Io {
        path: path.display().to_string(),
        source,
    };
    std::fs::create_dir_all(out).map_err(|e| io(out, e))?;
    let mut written = Vec::new();
    for (name, text) in files {
        let path = out.join(name);
        let tmp = out.join(format!(".{name}.tmp"));
        std::fs::write(&tmp, text.as_bytes()).map_err(|e| io(&tmp, e))?;
        std::fs::rename(&tmp, &path).map_err(|e| io(&path, e))?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn org_ids_become_safe_directory_names() {
        assert_eq!(report_dir_name("demo-org-01"), "demo-org-01");
        assert_eq!(report_dir_name("../../etc"), "org-.._.._etc");
        assert_eq!(report_dir_name(""), "org-");
        assert_eq!(report_dir_name("a/b\u{1b}c"), "a_b_c");
        assert_eq!(report_dir_name(".hidden"), "org-.hidden");
    }

    #[test]
    fn a_fleet_directory_lists_its_snapshots() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["b", "a", ".hidden"] {
            std::fs::create_dir(dir.path().join(name)).unwrap();
            std::fs::write(dir.path().join(name).join(MANIFEST_FILE), "{}").unwrap();
        }
        std::fs::create_dir(dir.path().join("not-a-snapshot")).unwrap();
        let found = discover(&[dir.path().to_path_buf()]).unwrap();
        assert_eq!(found, [dir.path().join("a"), dir.path().join("b")]);
        let empty = tempfile::tempdir().unwrap();
        let err = discover(&[empty.path().to_path_buf()]).unwrap_err();
        assert!(err.to_string().contains("found none"), "{err}");
    }
}
