//! `orgscan collect --fleet` (and the collection half of `run --fleet`): every `[[orgs]]` org of
//! the configuration collected into `SNAPSHOTS/<org-id>/`, `parallel` at a time. Each org is an
//! ordinary `collect::collect` run with its own key, attestation and API client (so its own
//! rate-limit state), incremental from its previous snapshot when there is one (as
//! `--resume-from` with `--out` the same directory). The collector never replaces a good
//! snapshot with an incomplete run (it writes that run beside it, `<org-id>.incomplete-…`),
//! so a failing org keeps its last good snapshot. One org failing (a refused key, a 403, the
//! network) does not stop the others; only a stop signal does.
//!
//! The key sources and attestation files of every org are checked before any request, with
//! every problem at once (`FILE:LINE: orgs[N].FIELD: …`, never quoting a key source).

use super::scan::{report_dir_name, FleetError, FleetSource};
use crate::collect::{
    attest, collect_blocking, ApiKey, CollectConfig, CollectError, CollectOutcome,
};
use crate::config::{Config, FleetOrg, KeySource};
use crate::snapshot::manifest::MANIFEST_FILE;
use crate::snapshot::Timestamp;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

/// The one-org collection settings for an org id, its snapshot directory and its key: the
/// options every org shares (API URL, `--since`, `--allow-partial`, events format, …) and how
/// its progress is shown (orgs run side by side: one progress display each would overwrite
/// the others; lines should say whose they are).
pub type OrgCollectConfig<'a> = dyn Fn(&str, PathBuf, ApiKey) -> CollectConfig + Sync + 'a;

/// The value of an environment variable (the library reads none itself: the command line
/// passes `std::env::var`).
pub type Environment<'a> = dyn Fn(&str) -> Option<String> + Sync + 'a;

pub struct FleetCollectRequest<'a> {
    /// The configuration whose `[[orgs]]` are collected.
    pub config: &'a Config,
    /// `SNAPSHOTS`: each org's snapshot goes to `SNAPSHOTS/<org-id>/`.
    pub snapshots: PathBuf,
    /// Orgs collected at the same time (at least 1; the CLI's default is 2).
    pub parallel: usize,
    pub collect: &'a OrgCollectConfig<'a>,
    /// Where `api_key_env` keys are read.
    pub env: &'a Environment<'a>,
}

/// What became of one org.
pub struct OrgCollected {
    pub id: String,
    /// `Acme EU (5a1b…)`, or the id.
    pub label: String,
    /// `SNAPSHOTS/<org-id>`: its snapshot (the previous one, when this run could not replace it).
    pub dir: PathBuf,
    pub result: Result<CollectOutcome, CollectError>,
}

impl OrgCollected {
    /// Collected, and the run exits 0 as a single `collect` would (`--allow-partial` counts).
    pub fn is_complete(&self) -> bool {
        matches!(&self.result, Ok(o) if o.exit_code() == 0)
    }

    /// One summary line.
    pub fn describe(&self) -> String {
        let kept = if self.dir.join(MANIFEST_FILE).is_file() {
            format!(
                "; its previous snapshot {} is unchanged",
                self.dir.display()
            )
        } else {
            String::new()
        };
        match &self.result {
            Ok(o) if o.exit_code() == 0 => format!(
                "{}: complete: {} ({} events, {} new)",
                self.label,
                o.snapshot.display(),
                o.events_total,
                o.events_new
            ),
            Ok(o) => {
                let mut why: Vec<String> = o
                    .unavailable
                    .iter()
                    .map(|u| format!("{} unavailable ({})", u.collection.name(), u.reason))
                    .collect();
                if let Some(e) = &o.events_interrupted {
                    why.push(format!("events incomplete ({e})"));
                }
                let kept = match &o.kept_previous {
                    Some(prev) => format!(
                        "; the previous snapshot {} was kept, this run's result is in {}",
                        prev.display(),
                        o.snapshot.display()
                    ),
                    None => format!("; written to {}", o.snapshot.display()),
                };
                format!("{}: INCOMPLETE: {}{kept}", self.label, why.join("; "))
            }
            Err(e) => format!("{}: FAILED: {e}{kept}", self.label),
        }
    }
}

pub struct FleetCollectOutcome {
    /// Every org of the configuration, in its order.
    pub orgs: Vec<OrgCollected>,
}

impl FleetCollectOutcome {
    /// The labels of the orgs that are not complete.
    pub fn incomplete(&self) -> Vec<&str> {
        self.orgs
            .iter()
            .filter(|o| !o.is_complete())
            .map(|o| o.label.as_str())
            .collect()
    }

    /// 0 when every org is complete, 3 otherwise; a stop signal's 130/143 wins.
    pub fn exit_code(&self) -> i32 {
        let signal = self.orgs.iter().find_map(|o| match &o.result {
            Err(CollectError::Interrupted { code, .. }) => Some(*code),
            _ => None,
        });
        match signal {
            Some(code) => code,
            None if self.incomplete().is_empty() => 0,
            None => 3,
        }
    }

    /// One line per org, then the fleet's outcome naming the incomplete orgs.
    pub fn summary(&self) -> String {
        let mut lines: Vec<String> = self.orgs.iter().map(OrgCollected::describe).collect();
        let incomplete = self.incomplete();
        let complete = self.orgs.len() - incomplete.len();
        lines.push(if incomplete.is_empty() {
            format!("fleet: all {} org(s) complete", self.orgs.len())
        } else {
            format!(
                "fleet: {complete} of {} org(s) complete; incomplete: {}",
                self.orgs.len(),
                incomplete.join(", ")
            )
        });
        lines.join("\n")
    }

    /// What `run --fleet` scans: the snapshot each org's run wrote (beside the previous one
    /// when it was incomplete, as `orgscan run` does), and an org that wrote none as not
    /// scanned, with why.
    pub fn sources(&self) -> Vec<FleetSource> {
        self.orgs
            .iter()
            .map(|o| match &o.result {
                Ok(outcome) => FleetSource::Dir(outcome.snapshot.clone()),
                Err(e) => FleetSource::Failed {
                    source: o.label.clone(),
                    error: format!("not collected: {e}"),
                },
            })
            .collect()
    }
}

/// An org ready to collect.
struct Ready {
    position: usize,
    org: FleetOrg,
    key: ApiKey,
}

/// Every org's key and attestation, checked before any request: all problems at once.
fn prepare(
    config: &Config,
    snapshots: &Path,
    env: &Environment<'_>,
) -> Result<Vec<Ready>, FleetError> {
    if config.orgs.is_empty() {
        let file = config
            .source
            .as_deref()
            .map_or("no configuration file was read".to_string(), |s| {
                format!("{s} has none")
            });
        return Err(FleetError::Usage(format!(
            "--fleet collects the organizations listed as [[orgs]] in orgscan.toml (--config FILE); {file}"
        )));
    }
    let now = Timestamp(chrono::Utc::now());
    let mut problems = Vec::new();
    let mut ready = Vec::new();
    let mut dirs: BTreeMap<String, &str> = BTreeMap::new();
    for (position, org) in config.orgs.iter().enumerate() {
        if let Some(other) = dirs.insert(report_dir_name(&org.id), &org.id) {
            problems.push(format!(
                "{}: {:?} and {other:?} would share the snapshot directory {}",
                org.field("id"),
                org.id,
                snapshots.join(report_dir_name(&org.id)).display()
            ));
        }
        let key = match &org.key {
            None => {
                problems.push(format!(
                    "{}: orgs[{}]: no API key source; set api_key_env or api_key_file",
                    org.location, org.index
                ));
                None
            }
            Some(source) => match load_key(source, env) {
                Ok(key) => Some(key),
                Err(message) => {
                    let field = match source {
                        KeySource::Env(_) => "api_key_env",
                        KeySource::File(_) => "api_key_file",
                    };
                    problems.push(format!("{}: {message}", org.field(field)));
                    None
                }
            },
        };
        if let Some(path) = &org.attestation {
            if let Err(e) = attest::load(path, now) {
                problems.push(format!("{}: {e}", org.field("attestation")));
            }
        }
        if let Some(key) = key {
            ready.push(Ready {
                position,
                org: org.clone(),
                key,
            });
        }
    }
    if problems.is_empty() {
        Ok(ready)
    } else {
        Err(FleetError::Usage(problems.join("\n")))
    }
}

/// An org's key from its source. The messages name neither the variable nor the file: the
/// caller points at the configuration line instead.
fn load_key(source: &KeySource, env: &Environment<'_>) -> Result<ApiKey, String> {
    match source {
        KeySource::Env(name) => env(name)
            .and_then(ApiKey::new)
            .ok_or_else(|| "the environment variable named there is not set or empty".to_string()),
        KeySource::File(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read the key file named there ({})", e.kind()))?;
            ApiKey::new(text).ok_or_else(|| "the key file named there is empty".to_string())
        }
    }
}

pub fn collect_fleet(request: FleetCollectRequest<'_>) -> Result<FleetCollectOutcome, FleetError> {
    let ready = prepare(request.config, &request.snapshots, request.env)?;
    let count = ready.len();
    let jobs: Mutex<Vec<Ready>> = Mutex::new(ready.into_iter().rev().collect());
    let done: Mutex<Vec<(usize, OrgCollected)>> = Mutex::new(Vec::new());
    let stopped = AtomicBool::new(false);
    let make = request.collect;
    let snapshots = &request.snapshots;
    std::thread::scope(|scope| {
        for _ in 0..request.parallel.max(1).min(count.max(1)) {
            scope.spawn(|| loop {
                if stopped.load(Ordering::SeqCst) {
                    break;
                }
                let next = jobs.lock().ok().and_then(|mut j| j.pop());
                let Some(job) = next else { break };
                let collected = collect_one(job.org, job.key, snapshots, make);
                if matches!(collected.result, Err(CollectError::Interrupted { .. })) {
                    stopped.store(true, Ordering::SeqCst);
                }
                if let Ok(mut d) = done.lock() {
                    d.push((job.position, collected));
                }
            });
        }
    });
    let mut done = done.into_inner().unwrap_or_default();
    // Orgs a stop signal kept from starting.
    for job in jobs.into_inner().unwrap_or_default() {
        let dir = snapshots.join(report_dir_name(&job.org.id));
        done.push((
            job.position,
            OrgCollected {
                id: job.org.id.clone(),
                label: job.org.label(),
                dir,
                result: Err(CollectError::Setup(
                    "not started: the fleet collection was stopped".to_string(),
                )),
            },
        ));
    }
    done.sort_by_key(|(position, _)| *position);
    Ok(FleetCollectOutcome {
        orgs: done.into_iter().map(|(_, o)| o).collect(),
    })
}

fn collect_one(
    org: FleetOrg,
    key: ApiKey,
    snapshots: &Path,
    make: &OrgCollectConfig<'_>,
) -> OrgCollected {
    let dir = snapshots.join(report_dir_name(&org.id));
    let mut config = make(&org.id, dir.clone(), key);
    // Incremental from the org's previous snapshot, updated in place (never replaced by an
    // incomplete run: see `collect::collect`).
    if dir.join(MANIFEST_FILE).is_file() {
        config.resume_from = Some(dir.clone());
    }
    if org.attestation.is_some() {
        config.attestation = org.attestation.clone();
    }
    OrgCollected {
        id: org.id.clone(),
        label: org.label(),
        dir,
        result: collect_blocking(config),
    }
}
