//! `orgscan collect`: read an Atlassian Cloud org through the admin APIs into a snapshot
//! (docs/architecture.md). Every collection is fetched concurrently (each URL path paced by its own
//! rate-limit budget), a refused collection is recorded as unavailable with its reason, and
//! the snapshot is written atomically, so an interrupted run leaves the previous one intact.
//!
//! Entry points: [`CollectConfig`] and [`collect`] (or [`collect_blocking`]); `import`'s
//! [`import::import_events_as`]; `attest`'s template. The command line (`cmd/collect.rs`,
//! `cmd/run.rs`, `cmd/attest.rs`, `cmd/import_events.rs`) builds the configuration from its
//! arguments and prints the outcome.

mod api_error;
mod assemble;
pub mod attest;
pub mod checkpoint;
pub mod client;
pub mod endpoints;
mod error;
pub mod events;
pub mod import;
mod outcome;
pub mod paginate;
pub mod progress;
pub mod ratelimit;
mod resume;
mod running;
pub mod signals;
mod stats;
pub mod window;

pub use assemble::remove_stale_staging;
pub use client::{
    ApiClient, ApiError, ApiKey, ClientConfig, LogSink, RetryPolicy, StatsSnapshot, API_KEY_ENV,
};
pub use endpoints::PageSizes;
pub use error::CollectError;
pub use import::ImportOutcome;
pub use outcome::{CollectOutcome, Unavailable};
pub use progress::Reporter;
pub use resume::DEFAULT_LATE_OVERLAP;

use crate::snapshot::load::load_manifest;
use crate::snapshot::manifest::{OrgIdentity, FORMAT_NAME, FORMAT_VERSION};
use crate::snapshot::{Collection, Manifest, Provenance, SnapshotSource, Timestamp};
use assemble::Sink;
use checkpoint::Checkpoint;
use endpoints::Ctx;
use events::WalkResume;
use progress::Progress;
use resume::{load_previous, plan_events};
use running::spawn_all;
use std::path::{Path, PathBuf};

/// Default bound on pages per listing: 10 000 pages of 500 events is five million events.
pub const DEFAULT_PAGE_CAP: u64 = 10_000;

/// Everything one collection run needs. Build it with [`CollectConfig::new`] (library
/// defaults) and adjust the fields (the command line does so from its arguments).
#[derive(Clone)]
pub struct CollectConfig {
    pub org: String,
    pub out: PathBuf,
    pub key: ApiKey,
    pub client: ClientConfig,
    /// Start of the event window; default 30 days before the run.
    pub since: Option<Timestamp>,
    pub resume_from: Option<PathBuf>,
    pub attestation: Option<PathBuf>,
    pub allow_partial: bool,
    pub sizes: PageSizes,
    pub page_cap: u64,
    /// When to prepare the events file during rate-limit waits.
    pub speculation: events::SpeculationPolicy,
    /// Where progress, notices and `--verbose` lines go; `None`: nowhere (the library never
    /// prints).
    pub progress: Option<std::sync::Arc<dyn Reporter>>,
    pub verbose: bool,
    /// No notices (resumed or removed checkpoints) on stderr.
    pub quiet: bool,
    /// How far before the previous snapshot's end an incremental `/events` walk re-queries,
    /// for events the API makes visible late.
    pub late_overlap: chrono::Duration,
    /// Where request lines go instead of stderr (tests capture them here).
    pub log: Option<LogSink>,
    /// How the snapshot stores its events.
    pub events_format: crate::snapshot::event_file::EventsFormat,
}

impl std::fmt::Debug for CollectConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CollectConfig")
            .field("org", &self.org)
            .field("out", &self.out)
            .field("key", &self.key)
            .field("api_url", &self.client.base_url.as_str())
            .field("since", &self.since)
            .field("resume_from", &self.resume_from)
            .finish_non_exhaustive()
    }
}

impl CollectConfig {
    pub fn new(org: &str, out: &Path, api_url: reqwest::Url, key: ApiKey) -> CollectConfig {
        CollectConfig {
            org: org.to_string(),
            out: out.to_path_buf(),
            key,
            client: ClientConfig::new(api_url),
            since: None,
            resume_from: None,
            attestation: None,
            allow_partial: false,
            sizes: PageSizes::default(),
            page_cap: DEFAULT_PAGE_CAP,
            speculation: events::SpeculationPolicy::default(),
            progress: None,
            verbose: false,
            quiet: false,
            late_overlap: DEFAULT_LATE_OVERLAP,
            log: None,
            events_format: crate::snapshot::event_file::EventsFormat::DEFAULT,
        }
    }
}

/// The key from a file (preferred when given) or the environment value.
pub fn load_key(file: Option<&Path>, env: Option<String>) -> Result<ApiKey, CollectError> {
    if let Some(path) = file {
        let shown = path.display().to_string();
        // The error names the file and the failure, never the content.
        let text = std::fs::read_to_string(path).map_err(|e| CollectError::KeyFile {
            path: shown.clone(),
            message: format!("cannot read: {}", e.kind()),
        })?;
        return ApiKey::new(text).ok_or(CollectError::KeyFile {
            path: shown,
            message: "the file is empty".to_string(),
        });
    }
    env.and_then(ApiKey::new).ok_or(CollectError::MissingKey)
}

/// `--out` is replaced as a whole, so it must be an orgscan snapshot holding only its own
/// files, an empty directory, or absent: anything else (another tool's directory, a home
/// directory given by mistake) is refused before any request.
fn check_out(out: &Path) -> Result<(), CollectError> {
    crate::snapshot::write::check_replaceable(out).map_err(|e| CollectError::Input {
        path: out.display().to_string(),
        message: match e {
            crate::snapshot::SnapshotError::Invalid { message, .. } => message,
            other => other.to_string(),
        },
    })
}

/// Org ids are UUID-like; anything that could alter a URL path is refused early.
fn validate_org(org: &str) -> Result<(), CollectError> {
    let ok = !org.is_empty()
        && org.len() <= 128
        && org
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
        && org != "."
        && org != "..";
    if ok {
        Ok(())
    } else {
        Err(CollectError::Org {
            org: org.to_string(),
            message: "expected the organization id from admin.atlassian.com/o/ORG_ID".to_string(),
        })
    }
}

/// [`collect`] on a runtime of its own (for synchronous callers such as `orgscan run`).
/// Inside an async runtime, await [`collect`] instead (a nested runtime cannot block).
pub fn collect_blocking(config: CollectConfig) -> Result<CollectOutcome, CollectError> {
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(CollectError::Setup(
            "collect_blocking was called inside an async runtime; await collect() there".into(),
        ));
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| CollectError::Setup(format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(collect(config))
}

/// Collects into `config.out`: validates the inputs (attestation, previous snapshot) before
/// any request, continues an interrupted run's checkpoint when there is one, fetches the
/// rest, and writes the snapshot atomically — over `--out` only when this run may replace
/// what is there (see [`replaces_previous`]), else beside it.
pub async fn collect(config: CollectConfig) -> Result<CollectOutcome, CollectError> {
    let started = std::time::Instant::now();
    let now = Timestamp(chrono::Utc::now());
    validate_org(&config.org)?;
    check_out(&config.out)?;
    // Staging directories of runs before checkpoints existed (`.OUT.partial-PID`).
    remove_stale_staging(&config.out);
    let attestation = match &config.attestation {
        Some(path) => Some((path.clone(), attest::load(path, now)?)),
        None => None,
    };

    let progress = Progress::new(config.progress.clone());
    let log = config
        .log
        .clone()
        .or_else(|| config.verbose.then(|| progress.log_sink()));
    let note = |line: String| {
        if let Some(log) = &log {
            log(&line)
        }
    };
    // What the user must know even without --verbose (resumed or removed checkpoints).
    let notice = |line: String| match &log {
        Some(log) => log(&line),
        None if !config.quiet => progress.println(&line),
        None => {}
    };
    let previous = match &config.resume_from {
        Some(path) => {
            let t = std::time::Instant::now();
            let prev = load_previous(path, &config.org)?;
            note(format!(
                "read {} events from {} in {} ms",
                prev.events.count,
                path.display(),
                t.elapsed().as_millis()
            ));
            Some(prev)
        }
        None => None,
    };
    let since = config
        .since
        .unwrap_or(Timestamp(now.0 - chrono::Duration::days(30)));
    let (fresh_plan, fresh_window_from) =
        plan_events(since, now, previous.as_ref(), config.late_overlap);
    let intent = checkpoint::Intent {
        org: &config.org,
        resume_from: config.resume_from.as_deref(),
        window_from: fresh_window_from,
        plan: &fresh_plan,
        now,
    };
    let (mut writer, checkpoint, resumed) = Checkpoint::open(&config.out, &intent, &notice)?;
    writer.set_events_format(config.events_format);
    let checkpoint = std::sync::Arc::new(checkpoint);
    let (plan, window_from, done, walk, resumed_org_name) = match resumed {
        Some(r) => {
            notice(format!(
                "resuming an interrupted collection from {} ({} events and {} configuration collections already fetched, in {})",
                r.started_at,
                r.events.len(),
                r.collections.len(),
                checkpoint.dir().display()
            ));
            let walk = WalkResume {
                state: r.walk,
                events: r.events,
            };
            (r.plan, r.window_from, r.collections, walk, r.org_name)
        }
        None => (
            fresh_plan,
            fresh_window_from,
            Vec::new(),
            WalkResume::default(),
            None,
        ),
    };

    let client = ApiClient::new(config.client.clone(), config.key.clone(), log.clone())
        .map_err(CollectError::Setup)?;
    let ctx = Ctx {
        client: client.clone(),
        org: config.org.clone(),
        page_cap: config.page_cap.max(1),
        sizes: config.sizes.clone(),
        speculation: config.speculation.clone(),
        checkpoint: Some(checkpoint.clone()),
    };
    let mut stop = signals::Stop::listen()?;
    // Configuration collections are written to the staging directory as they arrive, while
    // the (rate-limited) event walk goes on; only the events are left for the end.
    let (speculate, mut speculated) = tokio::sync::mpsc::unbounded_channel();
    let mut running = spawn_all(&ctx, &plan, &progress, speculate, &done, walk);
    let mut sink = Sink {
        writer: &mut writer,
        key: &config.key,
        org: &config.org,
        previous: previous.as_ref(),
        plan: &plan,
        window_from,
        now,
        unavailable: Vec::new(),
        org_name: resumed_org_name,
        events: None,
        prewritten: None,
    };
    let mut writing = std::time::Instant::now();
    loop {
        let fetch = tokio::select! {
            // A provisional events result first, so it never lands after the final one.
            biased;
            signal = stop.next() => {
                // Every page and collection so far is in the checkpoint; stop the walk at
                // its next await (no page is half-recorded) and leave the checkpoint.
                running.stop().await;
                return Err(CollectError::Interrupted {
                    signal: signal.name(),
                    code: signal.exit_code(),
                    checkpoint: checkpoint.dir().display().to_string(),
                    holds: checkpoint.summary(),
                });
            }
            Some(provisional) = speculated.recv() => {
                let count = provisional.records.len();
                let t = std::time::Instant::now();
                sink.prewrite_events(provisional)?;
                note(format!(
                    "prepared events.ndjson early ({count} fetched events, while the walk waits) in {} ms",
                    t.elapsed().as_millis()
                ));
                continue;
            }
            fetch = running.next() => match fetch {
                Some(fetch) => fetch,
                None => break,
            },
        };
        // A refused key or an unknown org make the whole run pointless: stop, write nothing
        // and keep no checkpoint.
        if let Err(e) = &fetch.result {
            let fatal = if e.status() == Some(401) {
                Some(CollectError::Unauthorized {
                    source: Box::new(e.clone()),
                })
            } else if fetch.collection == Collection::Org && e.status() == Some(404) {
                Some(CollectError::OrgNotFound {
                    org: config.org.clone(),
                    source: Box::new(e.clone()),
                })
            } else {
                None
            };
            if let Some(fatal) = fatal {
                running.stop().await;
                drop(sink);
                writer.discard();
                return Err(fatal);
            }
        }
        writing = std::time::Instant::now();
        sink.handle(fetch)?;
        checkpoint.record_collections(sink.writer, sink.org_name.as_deref())?;
    }
    let Sink {
        mut unavailable,
        org_name,
        events: events_summary,
        ..
    } = sink;
    unavailable.sort_by_key(|u| u.collection);
    if let Some((path, att)) = &attestation {
        let prov = Provenance::collected(path.display().to_string(), now, 0, 1);
        writer
            .write_collection(Collection::Attestation, att, 1, prov)
            .map_err(CollectError::Write)?;
    }

    let events = events_summary.unwrap_or_default();
    let manifest = Manifest {
        format: FORMAT_NAME.to_string(),
        format_version: FORMAT_VERSION,
        tool_version: crate::TOOL_VERSION.to_string(),
        org: OrgIdentity {
            id: config.org.clone(),
            name: org_name,
        },
        collected_at: now,
        source: SnapshotSource::Api,
        event_window: events.window.clone(),
        stream_cursor: events.cursor.clone(),
        files: Default::default(),
        collections: Default::default(),
    };
    let exit_code = outcome::exit_code_of(
        &unavailable,
        events.interrupted.is_some(),
        config.allow_partial,
    );
    let replace = replaces_previous(&config.out, exit_code, &unavailable);
    let destination = if replace {
        config.out.clone()
    } else {
        incomplete_path(&config.out, now)
    };
    checkpoint.consume()?;
    let snapshot = writer
        .finish_to(manifest, &destination)
        .map_err(CollectError::Write)?;
    note(format!(
        "wrote {} in {} ms",
        snapshot.display(),
        writing.elapsed().as_millis()
    ));
    let manifest = load_manifest(&snapshot).map_err(CollectError::Write)?;
    Ok(CollectOutcome {
        snapshot,
        manifest,
        stats: client.stats().snapshot(),
        elapsed: started.elapsed(),
        unavailable,
        events_interrupted: events.interrupted,
        events_new: events.new,
        events_total: events.total,
        allow_partial: config.allow_partial,
        kept_previous: (!replace).then(|| config.out.clone()),
    })
}

/// Whether a run may replace the snapshot at `out`: always when there is none; else only a
/// run that exits 0 and, when `--allow-partial` let it, lost nothing the old one had (every
/// collection it could not read was not collected in the old one either). A failed run must
/// never destroy the last good snapshot.
fn replaces_previous(out: &Path, exit_code: i32, unavailable: &[Unavailable]) -> bool {
    if !out.join(crate::snapshot::manifest::MANIFEST_FILE).is_file() {
        return true;
    }
    if exit_code != 0 {
        return false;
    }
    if unavailable.is_empty() {
        return true;
    }
    let Ok(old) = load_manifest(out) else {
        return false;
    };
    unavailable.iter().all(|u| {
        old.collections
            .get(&u.collection)
            .is_none_or(|p| p.status != crate::snapshot::CollectionStatus::Collected)
    })
}

/// `OUT.incomplete-20261205T235500Z` beside `out` (a counter added if that exists).
fn incomplete_path(out: &Path, now: Timestamp) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "snapshot".to_string());
    let stamp = now.0.format("%Y%m%dT%H%M%SZ");
    let base = out.with_file_name(format!("{name}.incomplete-{stamp}"));
    let mut candidate = base.clone();
    let mut n = 1;
    while candidate.exists() {
        n += 1;
        candidate = out.with_file_name(format!("{name}.incomplete-{stamp}-{n}"));
    }
    candidate
}

#[cfg(test)]
mod tests {
    use super::assemble::empty_manifest;
    use super::resume::Previous;
    use super::*;
    use crate::snapshot::manifest::EventWindow;
    use std::time::Duration;

    #[test]
    fn stale_staging_of_dead_processes_is_removed() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("snap");
        // Linux pids stay below 2^22, so this one is surely dead.
        let dead = root.path().join(".snap.partial-99999999");
        let dead_backup = root.path().join(".snap.partial-99999999.previous");
        let mine = root
            .path()
            .join(format!(".snap.partial-{}", std::process::id()));
        let other = root.path().join(".other.partial-99999999");
        for d in [&dead, &dead_backup, &mine, &other] {
            std::fs::create_dir(d).unwrap();
        }
        remove_stale_staging(&out);
        if Path::new("/proc/self").exists() {
            assert!(!dead.exists() && !dead_backup.exists());
        }
        assert!(mine.exists() && other.exists());
    }

    #[test]
    fn validates_org_ids() {
        assert!(validate_org("5a1b-c2d3_e4.f5:g").is_ok());
        for bad in ["", "..", ".", "a/b", "a?b", "a b", &"x".repeat(129)] {
            assert!(validate_org(bad).is_err(), "{bad}");
        }
    }

    fn previous(cursor: Option<&str>, window: Option<(&str, &str)>) -> Previous {
        let t = |s: &str| Timestamp::parse(s).unwrap();
        let mut manifest = empty_manifest("o", t("2026-11-01T00:00:00Z"));
        manifest.stream_cursor = cursor.map(str::to_string);
        manifest.event_window = window.map(|(from, to)| EventWindow {
            from: t(from),
            to: t(to),
        });
        Previous {
            manifest,
            events: Default::default(),
        }
    }

    #[test]
    fn resume_plans() {
        let t = |s: &str| Timestamp::parse(s).unwrap();
        let since = t("2026-10-22T00:00:00Z");
        let now = t("2026-11-21T00:00:00Z");
        let overlap = DEFAULT_LATE_OVERLAP;
        let (fresh, from) = plan_events(since, now, None, overlap);
        assert_eq!((fresh.from, fresh.cursor, from), (since, None, since));

        let prev = previous(
            Some("c9"),
            Some(("2026-10-01T00:00:00Z", "2026-11-20T00:00:00Z")),
        );
        let (plan, from) = plan_events(since, now, Some(&prev), overlap);
        assert_eq!(plan.cursor.as_deref(), Some("c9"));
        assert_eq!(
            from,
            t("2026-10-01T00:00:00Z"),
            "the window keeps its start"
        );
        assert_eq!(
            plan.restart_from,
            t("2026-11-19T23:00:00Z"),
            "one hour of overlap"
        );

        assert_eq!(
            plan.search_from,
            t("2026-11-19T00:00:00Z"),
            "24 h re-queried"
        );
        assert_eq!(plan.requeried_from, Some(plan.search_from));
        assert_eq!(plan.late_overlap_seconds, 86_400);

        let prev = previous(None, Some(("2026-10-01T00:00:00Z", "2026-11-20T00:00:00Z")));
        let (plan, _) = plan_events(since, now, Some(&prev), overlap);
        assert_eq!(plan.cursor, None);
        assert_eq!(
            plan.from,
            t("2026-11-19T00:00:00Z"),
            "without a cursor, from the late-events overlap"
        );
        let short = chrono::Duration::hours(2);
        let (plan, _) = plan_events(since, now, Some(&prev), short);
        assert_eq!(plan.search_from, t("2026-11-19T22:00:00Z"));
        // The overlap never reaches before the previous window.
        let prev = previous(None, Some(("2026-11-19T23:00:00Z", "2026-11-20T00:00:00Z")));
        let (plan, _) = plan_events(since, now, Some(&prev), overlap);
        assert_eq!(plan.search_from, t("2026-11-19T23:00:00Z"));
    }

    #[test]
    fn exit_codes() {
        let outcome =
            |unavailable: Vec<Unavailable>, interrupted: Option<&str>, allow| CollectOutcome {
                snapshot: PathBuf::from("s"),
                manifest: empty_manifest("o", Timestamp::parse("2026-11-01").unwrap()),
                stats: StatsSnapshot::default(),
                elapsed: Duration::ZERO,
                unavailable,
                events_interrupted: interrupted.map(str::to_string),
                events_new: 0,
                events_total: 0,
                allow_partial: allow,
                kept_previous: None,
            };
        let refused = Unavailable {
            collection: Collection::ApiTokens,
            reason: "403".into(),
            http_status: Some(403),
            permission: true,
        };
        let failed = Unavailable {
            permission: false,
            ..refused.clone()
        };
        assert_eq!(outcome(vec![], None, false).exit_code(), 0);
        assert_eq!(outcome(vec![refused.clone()], None, false).exit_code(), 3);
        assert_eq!(outcome(vec![refused.clone()], None, true).exit_code(), 0);
        assert_eq!(outcome(vec![failed], None, true).exit_code(), 3);
        assert_eq!(outcome(vec![], Some("503"), true).exit_code(), 3);
    }
}
