//! `orgscan collect`: read an Atlassian Cloud org through the admin APIs into a snapshot
//! (DESIGN §2, §4). Every collection is fetched concurrently (each URL path paced by its own
//! rate-limit budget), a refused collection is recorded as unavailable with its reason, and
//! the snapshot is written atomically, so an interrupted run leaves the previous one intact.
//!
//! Entry points for the binary: [`run_collect`], [`run_attest`], [`run_import_events`]; for
//! embedding (`orgscan run`, the benchmark, tests): [`CollectConfig`] and [`collect`].

pub mod args;
pub mod attest;
pub mod client;
pub mod endpoints;
mod error;
pub mod events;
pub mod import;
pub mod paginate;
pub mod progress;
pub mod ratelimit;
pub mod window;

pub use args::{AttestCommand, AttestInitArgs, CollectArgs, ImportEventsArgs, API_KEY_ENV};
pub use client::{ApiClient, ApiError, ApiKey, ClientConfig, LogSink, RetryPolicy, StatsSnapshot};
pub use endpoints::PageSizes;
pub use error::CollectError;
pub use import::{run_import_events, ImportOutcome};
pub use progress::ProgressMode;

use crate::snapshot::load::load_manifest;
use crate::snapshot::manifest::{EventWindow, OrgIdentity, FORMAT_NAME, FORMAT_VERSION};
use crate::snapshot::{
    Collection, CollectionStatus, Manifest, Provenance, SnapshotSource, SnapshotWriter, Timestamp,
};
use endpoints::{Ctx, Fetched};
use events::{EventRecord, EventSet, EventsFetch, EventsPlan};
use progress::{Bar, Progress};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Default bound on pages per listing: 10 000 pages of 500 events is five million events.
pub const DEFAULT_PAGE_CAP: u64 = 10_000;

/// Late-processed events can carry a time before the previous snapshot's end; a resume
/// without a stream cursor starts this far back and drops the duplicates by id.
const RESUME_OVERLAP: chrono::Duration = chrono::Duration::hours(1);

/// Everything one collection run needs. Build it with [`CollectConfig::from_args`] (CLI) or
/// [`CollectConfig::new`] (library defaults) and adjust the fields.
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
    pub progress: ProgressMode,
    pub verbose: bool,
    /// Where request lines go instead of stderr (tests capture them here).
    pub log: Option<LogSink>,
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
            progress: ProgressMode::Auto,
            verbose: false,
            log: None,
        }
    }

    /// From the command line, the key from `--api-key-file` or `ATLASSIAN_API_KEY`.
    pub fn from_args(args: &CollectArgs) -> Result<CollectConfig, CollectError> {
        let key = load_key(
            args.api_key_file.as_deref(),
            std::env::var(API_KEY_ENV).ok(),
        )?;
        let url = client::parse_api_url(&args.api_url).map_err(|message| CollectError::ApiUrl {
            url: args.api_url.clone(),
            message,
        })?;
        let now = Timestamp(chrono::Utc::now());
        let since = match &args.since {
            Some(text) => {
                Some(
                    window::parse_since(text, now).map_err(|message| CollectError::Since {
                        value: text.clone(),
                        message,
                    })?,
                )
            }
            None => None,
        };
        let mut config = CollectConfig::new(&args.org, &args.out, url, key);
        config.since = since;
        config.resume_from = args.resume_from.clone();
        config.attestation = args.attestation.clone();
        config.allow_partial = args.allow_partial;
        config.verbose = args.verbose;
        if args.quiet {
            config.progress = ProgressMode::Hidden;
        }
        Ok(config)
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

/// A collection that could not be read.
#[derive(Clone, Debug, PartialEq)]
pub struct Unavailable {
    pub collection: Collection,
    pub reason: String,
    pub http_status: Option<u16>,
    /// 403/404: a missing scope or feature, accepted with `--allow-partial`.
    pub permission: bool,
}

/// What a run produced.
#[derive(Clone, Debug)]
pub struct CollectOutcome {
    pub snapshot: PathBuf,
    pub manifest: Manifest,
    pub stats: StatsSnapshot,
    pub elapsed: Duration,
    pub unavailable: Vec<Unavailable>,
    /// Why the event walk stopped early, when it did (the snapshot keeps a resume cursor).
    pub events_interrupted: Option<String>,
    /// Events added by this run, and in the snapshot in all.
    pub events_new: u64,
    pub events_total: u64,
    pub allow_partial: bool,
}

impl CollectOutcome {
    /// Every collection read, the event walk finished.
    pub fn is_complete(&self) -> bool {
        self.unavailable.is_empty() && self.events_interrupted.is_none()
    }

    /// DESIGN §9: 0 complete (or only refused collections with `--allow-partial`), 3 otherwise.
    pub fn exit_code(&self) -> i32 {
        let failed =
            self.events_interrupted.is_some() || self.unavailable.iter().any(|u| !u.permission);
        if failed || (!self.unavailable.is_empty() && !self.allow_partial) {
            3
        } else {
            0
        }
    }

    /// The closing lines printed after a collection.
    pub fn summary(&self) -> String {
        let collected = self
            .manifest
            .collections
            .values()
            .filter(|p| p.status == CollectionStatus::Collected)
            .count();
        let mut out = format!(
            "snapshot {} ({} of {} collections, {} events, {} new)\n{} requests, {} pages, {} records, {} retries ({} rate limited), {:.1} s waited, {:.1} s in all",
            self.snapshot.display(),
            collected,
            self.manifest.collections.len(),
            self.events_total,
            self.events_new,
            self.stats.requests,
            self.stats.pages,
            self.stats.records,
            self.stats.retries,
            self.stats.rate_limited,
            self.stats.seconds_waited,
            self.elapsed.as_secs_f64(),
        );
        for u in &self.unavailable {
            out.push_str(&format!(
                "\nunavailable: {}: {}",
                u.collection.name(),
                u.reason
            ));
        }
        if let Some(why) = &self.events_interrupted {
            out.push_str(&format!(
                "\nevents incomplete: {why}\n  continue with --resume-from {}",
                self.snapshot.display()
            ));
        }
        if !self.unavailable.is_empty()
            && self.exit_code() != 0
            && self.events_interrupted.is_none()
            && self.unavailable.iter().all(|u| u.permission)
        {
            out.push_str("\n(pass --allow-partial to accept missing collections)");
        }
        out
    }
}

/// `orgscan collect`: collects, prints the summary (unless `--quiet`), returns the outcome;
/// map it with [`CollectOutcome::exit_code`], an error with [`CollectError::exit_code`].
pub fn run_collect(args: &CollectArgs) -> Result<CollectOutcome, CollectError> {
    let config = CollectConfig::from_args(args)?;
    let outcome = collect_blocking(config)?;
    if !args.quiet {
        eprintln!("{}", outcome.summary());
    }
    Ok(outcome)
}

/// [`collect`] on a runtime of its own (for synchronous callers such as `orgscan run`).
pub fn collect_blocking(config: CollectConfig) -> Result<CollectOutcome, CollectError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| CollectError::Setup(format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(collect(config))
}

/// `orgscan attest init`: the template on stdout, or in `--out` (never overwriting).
pub fn run_attest(command: &AttestCommand) -> Result<(), CollectError> {
    match command {
        AttestCommand::Init(args) => {
            let text = attest::template(args.by.as_deref(), Timestamp(chrono::Utc::now()));
            match &args.out {
                None => {
                    use std::io::Write;
                    let mut stdout = std::io::stdout().lock();
                    match stdout
                        .write_all(text.as_bytes())
                        .and_then(|_| stdout.flush())
                    {
                        Ok(()) => Ok(()),
                        // `attest init | head` is not an error.
                        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                        Err(e) => Err(CollectError::Setup(format!("cannot write: {e}"))),
                    }
                }
                Some(path) => {
                    use std::io::Write;
                    let shown = path.display().to_string();
                    let mut file = std::fs::OpenOptions::new()
                        .write(true)
                        .create_new(true)
                        .open(path)
                        .map_err(|e| CollectError::Input {
                            path: shown.clone(),
                            message: format!("cannot create ({e}); it is never overwritten"),
                        })?;
                    file.write_all(text.as_bytes())
                        .map_err(|e| CollectError::Input {
                            path: shown,
                            message: format!("cannot write: {e}"),
                        })
                }
            }
        }
    }
}

/// A previous snapshot to resume from.
struct Previous {
    manifest: Manifest,
    events: Vec<EventRecord>,
}

fn load_previous(path: &Path, org: &str) -> Result<Previous, CollectError> {
    let shown = path.display().to_string();
    let fail = |message: String| CollectError::Resume {
        path: shown.clone(),
        message,
    };
    let manifest = load_manifest(path).map_err(|e| fail(e.to_string()))?;
    if manifest.org.id != org {
        return Err(fail(format!(
            "the snapshot is of org {:?}, not {org:?}",
            manifest.org.id
        )));
    }
    let events = events::read_snapshot_events(path, &manifest).map_err(fail)?;
    Ok(Previous { manifest, events })
}

/// Where the event walk starts, and the window the snapshot will claim.
fn plan_events(
    since: Timestamp,
    now: Timestamp,
    previous: Option<&Previous>,
) -> (EventsPlan, Timestamp) {
    let Some(prev) = previous else {
        return (
            EventsPlan {
                from: since,
                to: now,
                cursor: None,
                restart_from: since,
            },
            since,
        );
    };
    let times = || prev.events.iter().map(|e| e.time);
    let window = prev.manifest.event_window.as_ref();
    let prev_from = window
        .map(|w| w.from)
        .or_else(|| times().min())
        .unwrap_or(since);
    let prev_to = window
        .map(|w| w.to)
        .or_else(|| times().max())
        .unwrap_or(since);
    let restart = Timestamp(prev_to.0 - RESUME_OVERLAP).max(prev_from);
    let plan = match &prev.manifest.stream_cursor {
        Some(cursor) => EventsPlan {
            from: prev_from,
            to: now,
            cursor: Some(cursor.clone()),
            restart_from: restart,
        },
        None => EventsPlan {
            from: restart,
            to: now,
            cursor: None,
            restart_from: restart,
        },
    };
    (plan, prev_from)
}

enum Data {
    Org(Fetched<crate::snapshot::Org>),
    Directories(Fetched<crate::snapshot::Directory>),
    Users(Fetched<crate::snapshot::DirectoryUser>),
    Groups(Fetched<crate::snapshot::Group>),
    Domains(Fetched<crate::snapshot::Domain>),
    OrgPolicies(Fetched<crate::snapshot::Policy>),
    ControlPolicies(Fetched<crate::snapshot::Policy>),
    ApiKeys(Fetched<crate::snapshot::ApiKey>),
    ApiTokens(Fetched<crate::snapshot::ApiToken>),
    EventActions(Fetched<crate::snapshot::EventAction>),
    Workspaces(Fetched<crate::snapshot::Workspace>),
    Events(EventsFetch),
}

struct Fetch {
    collection: Collection,
    result: Result<Data, ApiError>,
    at: Timestamp,
}

/// The running collections, and which task is which.
struct Running {
    set: tokio::task::JoinSet<Fetch>,
    ids: HashMap<tokio::task::Id, Collection>,
}

/// Starts every collection concurrently.
fn spawn_all(ctx: &Ctx, plan: &EventsPlan, progress: &Progress) -> Running {
    let mut set = tokio::task::JoinSet::new();
    let mut ids = HashMap::new();
    macro_rules! spawn {
        ($collection:expr, $variant:ident, |$ctx:ident, $bar:ident| $fetch:expr) => {{
            let $ctx = ctx.clone();
            let $bar = progress.collection($collection.name());
            let handle = set.spawn(async move {
                let result = $fetch;
                finish_bar(&$bar, &result);
                Fetch {
                    collection: $collection,
                    result: result.map(Data::$variant),
                    at: Timestamp(chrono::Utc::now()),
                }
            });
            ids.insert(handle.id(), $collection);
        }};
    }
    // Events first: in production it is the longest walk (10 requests a minute).
    let plan = plan.clone();
    spawn!(Collection::Events, Events, |c, bar| events::collect(
        &c, &plan, &bar
    )
    .await);
    spawn!(Collection::Users, Users, |c, bar| endpoints::users(
        &c, &bar
    )
    .await);
    spawn!(Collection::Groups, Groups, |c, bar| endpoints::groups(
        &c, &bar
    )
    .await);
    spawn!(Collection::Org, Org, |c, bar| endpoints::org(&c, &bar)
        .await);
    spawn!(Collection::Directories, Directories, |c, bar| {
        endpoints::directories(&c, &bar).await
    });
    spawn!(Collection::Domains, Domains, |c, bar| endpoints::domains(
        &c, &bar
    )
    .await);
    spawn!(Collection::OrgPolicies, OrgPolicies, |c, bar| {
        endpoints::org_policies(&c, &bar).await
    });
    spawn!(Collection::ControlPolicies, ControlPolicies, |c, bar| {
        endpoints::control_policies(&c, &bar).await
    });
    spawn!(Collection::ApiKeys, ApiKeys, |c, bar| endpoints::api_keys(
        &c, &bar
    )
    .await);
    spawn!(Collection::ApiTokens, ApiTokens, |c, bar| {
        endpoints::api_tokens(&c, &bar).await
    });
    spawn!(Collection::EventActions, EventActions, |c, bar| {
        endpoints::event_actions(&c, &bar).await
    });
    spawn!(Collection::Workspaces, Workspaces, |c, bar| {
        endpoints::workspaces(&c, &bar).await
    });

    Running { set, ids }
}

impl Running {
    /// The next collection to finish, or `None` when all have.
    async fn next(&mut self) -> Option<Fetch> {
        let joined = self.set.join_next_with_id().await?;
        Some(match joined {
            Ok((_, fetch)) => fetch,
            Err(e) => {
                // Only a panic gets here; the collection is reported, the run goes on.
                let collection = self.ids.get(&e.id()).copied().unwrap_or(Collection::Events);
                Fetch {
                    collection,
                    result: Err(ApiError::Shape {
                        endpoint: collection.name().to_string(),
                        message: format!("internal error: {e}"),
                    }),
                    at: Timestamp(chrono::Utc::now()),
                }
            }
        })
    }
}

trait Counted {
    fn count(&self) -> usize;
}

impl<T> Counted for Fetched<T> {
    fn count(&self) -> usize {
        self.records.len()
    }
}

impl Counted for EventsFetch {
    fn count(&self) -> usize {
        self.records.len()
    }
}

fn finish_bar<T: Counted>(bar: &Bar, result: &Result<T, ApiError>) {
    match result {
        Ok(data) => bar.finish(&format!("{} records", data.count())),
        Err(e) if e.is_permission() => bar.finish(&format!("unavailable: {e}")),
        Err(e) => bar.finish(&format!("failed: {e}")),
    }
}

/// The path recorded for a collection that failed before any page.
fn primary_path(org: &str, collection: Collection) -> String {
    let org = endpoints::segment(org);
    match collection {
        Collection::Org => format!("/admin/v1/orgs/{org}"),
        Collection::Directories => format!("/admin/v2/orgs/{org}/directories"),
        Collection::Users => format!("/admin/v2/orgs/{org}/directories/-/users/search"),
        Collection::Groups => format!("/admin/v2/orgs/{org}/directories/-/groups/search"),
        Collection::Domains => format!("/admin/v1/orgs/{org}/domains"),
        Collection::OrgPolicies => format!("/admin/v1/orgs/{org}/policies"),
        Collection::ControlPolicies => format!("/admin/control/v2/orgs/{org}/policies"),
        Collection::ApiKeys => format!("/admin/api-access/v1/orgs/{org}/api-keys"),
        Collection::ApiTokens => format!("/admin/api-access/v1/orgs/{org}/api-tokens"),
        Collection::EventActions => format!("/admin/v1/orgs/{org}/event-actions"),
        Collection::Workspaces => format!("/admin/v2/orgs/{org}/workspaces"),
        Collection::Events => format!("/admin/v1/orgs/{org}/events-stream"),
        Collection::Attestation => "attestation".to_string(),
    }
}

/// Collects into `config.out`: validates the inputs (attestation, previous snapshot) before
/// any request, fetches everything, writes the snapshot atomically.
pub async fn collect(config: CollectConfig) -> Result<CollectOutcome, CollectError> {
    let started = std::time::Instant::now();
    let now = Timestamp(chrono::Utc::now());
    validate_org(&config.org)?;
    let attestation = match &config.attestation {
        Some(path) => Some((path.clone(), attest::load(path, now)?)),
        None => None,
    };

    let progress = Progress::new(config.progress);
    let log = config
        .log
        .clone()
        .or_else(|| config.verbose.then(|| progress.log_sink()));
    let note = |line: String| {
        if let Some(log) = &log {
            log(&line)
        }
    };
    let previous = match &config.resume_from {
        Some(path) => {
            let t = std::time::Instant::now();
            let prev = load_previous(path, &config.org)?;
            note(format!(
                "read {} events from {} in {} ms",
                prev.events.len(),
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
    let (plan, window_from) = plan_events(since, now, previous.as_ref());

    let client = ApiClient::new(config.client.clone(), config.key.clone(), log.clone())
        .map_err(CollectError::Setup)?;
    let ctx = Ctx {
        client: client.clone(),
        org: config.org.clone(),
        page_cap: config.page_cap.max(1),
        sizes: config.sizes.clone(),
    };
    // Configuration collections are written to the staging directory as they arrive, while
    // the (rate-limited) event walk goes on; only the events are left for the end.
    let mut running = spawn_all(&ctx, &plan, &progress);
    let mut writer = SnapshotWriter::create(&config.out).map_err(CollectError::Write)?;
    let mut sink = Sink {
        writer: &mut writer,
        key: &config.key,
        org: &config.org,
        previous: previous.as_ref(),
        plan: &plan,
        window_from,
        now,
        unavailable: Vec::new(),
        org_name: None,
        events: None,
    };
    let mut writing = std::time::Instant::now();
    while let Some(fetch) = running.next().await {
        // A refused key or an unknown org make the whole run pointless: stop, write nothing
        // (dropping the writer removes its staging directory).
        if let Err(e) = &fetch.result {
            if e.status() == Some(401) {
                running.set.abort_all();
                return Err(CollectError::Unauthorized {
                    source: Box::new(e.clone()),
                });
            }
            if fetch.collection == Collection::Org && e.status() == Some(404) {
                running.set.abort_all();
                return Err(CollectError::OrgNotFound {
                    org: config.org.clone(),
                    source: Box::new(e.clone()),
                });
            }
        }
        writing = std::time::Instant::now();
        sink.handle(fetch)?;
    }
    let Sink {
        unavailable,
        org_name,
        events: events_summary,
        ..
    } = sink;
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
    let snapshot = writer.finish(manifest).map_err(CollectError::Write)?;
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
    })
}

/// Receives each finished collection and writes it into the staging directory.
struct Sink<'a> {
    writer: &'a mut SnapshotWriter,
    key: &'a ApiKey,
    org: &'a str,
    previous: Option<&'a Previous>,
    plan: &'a EventsPlan,
    window_from: Timestamp,
    now: Timestamp,
    unavailable: Vec<Unavailable>,
    org_name: Option<String>,
    events: Option<EventsSummary>,
}

impl Sink<'_> {
    fn handle(&mut self, fetch: Fetch) -> Result<(), CollectError> {
        let collection = fetch.collection;
        let data = match fetch.result {
            Ok(data) => data,
            Err(e) => {
                if collection == Collection::Events {
                    if let Some(prev) = self.previous {
                        // Keep what the previous snapshot had, and its resume point.
                        self.events = Some(write_events(
                            self.writer,
                            prev,
                            None,
                            Some(e),
                            self.plan,
                            self.window_from,
                            self.now,
                            self.key,
                        )?);
                        return Ok(());
                    }
                }
                self.unavailable.push(Unavailable {
                    collection,
                    reason: e.to_string(),
                    http_status: e.status(),
                    permission: e.is_permission(),
                });
                self.writer.mark_unavailable(
                    collection,
                    Provenance::unavailable(
                        primary_path(self.org, collection),
                        e.to_string(),
                        e.status(),
                    ),
                );
                return Ok(());
            }
        };
        let at = fetch.at;
        match data {
            Data::Org(f) => {
                let mut f = f;
                match f.records.pop() {
                    Some(org) => {
                        let (org, _) = scrub(org, self.key);
                        self.org_name = org.attributes.name.clone();
                        let prov = provenance(&f.source, at, f.pages, 1, &f.warnings);
                        self.writer
                            .write_collection(collection, &org, 1, prov)
                            .map_err(CollectError::Write)?;
                    }
                    None => {
                        let reason = format!("GET {}: the response had no org", f.source);
                        self.unavailable.push(Unavailable {
                            collection,
                            reason: reason.clone(),
                            http_status: None,
                            permission: false,
                        });
                        self.writer.mark_unavailable(
                            collection,
                            Provenance::unavailable(f.source, reason, None),
                        );
                    }
                }
            }
            Data::Directories(f) => write_fetched(self.writer, collection, f, at, self.key)?,
            Data::Users(f) => write_fetched(self.writer, collection, f, at, self.key)?,
            Data::Groups(f) => write_fetched(self.writer, collection, f, at, self.key)?,
            Data::Domains(f) => write_fetched(self.writer, collection, f, at, self.key)?,
            Data::OrgPolicies(f) => write_fetched(self.writer, collection, f, at, self.key)?,
            Data::ControlPolicies(f) => write_fetched(self.writer, collection, f, at, self.key)?,
            Data::ApiKeys(f) => write_fetched(self.writer, collection, f, at, self.key)?,
            Data::ApiTokens(f) => write_fetched(self.writer, collection, f, at, self.key)?,
            Data::EventActions(f) => write_fetched(self.writer, collection, f, at, self.key)?,
            Data::Workspaces(f) => write_fetched(self.writer, collection, f, at, self.key)?,
            Data::Events(fetch) => {
                let empty = Previous {
                    manifest: empty_manifest(self.org, self.now),
                    events: Vec::new(),
                };
                let prev = self.previous.unwrap_or(&empty);
                self.events = Some(write_events(
                    self.writer,
                    prev,
                    Some(fetch),
                    None,
                    self.plan,
                    self.window_from,
                    self.now,
                    self.key,
                )?);
            }
        }
        Ok(())
    }
}

fn empty_manifest(org: &str, now: Timestamp) -> Manifest {
    Manifest {
        format: FORMAT_NAME.to_string(),
        format_version: FORMAT_VERSION,
        tool_version: crate::TOOL_VERSION.to_string(),
        org: OrgIdentity {
            id: org.to_string(),
            name: None,
        },
        collected_at: now,
        source: SnapshotSource::Api,
        event_window: None,
        stream_cursor: None,
        files: Default::default(),
        collections: Default::default(),
    }
}

fn provenance(
    source: &str,
    at: Timestamp,
    pages: u64,
    records: u64,
    warnings: &[String],
) -> Provenance {
    let mut p = Provenance::collected(source, at, pages, records);
    p.warnings = warnings.to_vec();
    p
}

fn write_fetched<T: Serialize + DeserializeOwned>(
    writer: &mut SnapshotWriter,
    collection: Collection,
    fetched: Fetched<T>,
    at: Timestamp,
    key: &ApiKey,
) -> Result<(), CollectError> {
    let count = fetched.records.len() as u64;
    let (records, scrubbed) = scrub(fetched.records, key);
    let mut prov = provenance(&fetched.source, at, fetched.pages, count, &fetched.warnings);
    if scrubbed {
        prov.warnings
            .push("the API key appeared in the data and was replaced by ***".to_string());
    }
    writer
        .write_collection(collection, &records, count, prov)
        .map_err(CollectError::Write)
}

#[derive(Default)]
struct EventsSummary {
    window: Option<EventWindow>,
    cursor: Option<String>,
    interrupted: Option<String>,
    new: u64,
    total: u64,
}

/// Merges the previous snapshot's events with the fetched ones (dedupe by id, previous copy
/// first), orders them and writes `events.ndjson`.
#[allow(clippy::too_many_arguments)]
fn write_events(
    writer: &mut SnapshotWriter,
    prev: &Previous,
    fetch: Option<EventsFetch>,
    failed: Option<ApiError>,
    plan: &EventsPlan,
    window_from: Timestamp,
    now: Timestamp,
    key: &ApiKey,
) -> Result<EventsSummary, CollectError> {
    let mut set = EventSet::default();
    for record in &prev.events {
        set.insert(record.clone());
    }
    let carried = set.len() as u64;
    let mut warnings = Vec::new();
    if carried > 0 {
        warnings.push(format!(
            "{carried} events carried forward from the previous snapshot"
        ));
    }
    let (source, pages, interrupted, cursor, fetched_max) = match fetch {
        Some(f) => {
            let fetched_max = f.records.iter().map(|r| r.time).max();
            let mut scrubbed = false;
            for mut record in f.records {
                if key.occurs_in(&record.line) {
                    record.line = key.redact(&record.line);
                    scrubbed = true;
                }
                set.insert(record);
            }
            if scrubbed {
                warnings.push("the API key appeared in events and was replaced by ***".into());
            }
            warnings.extend(f.warnings);
            let cursor = if f.used_search {
                None
            } else {
                f.cursor.or(plan.cursor.clone())
            };
            (
                f.source,
                f.pages,
                f.interrupted.map(|e| e.to_string()),
                cursor,
                fetched_max,
            )
        }
        None => (
            primary_path(&prev.manifest.org.id, Collection::Events),
            0,
            failed.map(|e| e.to_string()),
            plan.cursor.clone(),
            None,
        ),
    };
    if let Some(why) = &interrupted {
        warnings.push(format!("incomplete: {why}"));
    }
    let total = set.len() as u64;
    let new = total - carried;
    let to = match &interrupted {
        // Only what was fetched is known: the window ends at the last event seen.
        Some(_) => fetched_max
            .or(prev.manifest.event_window.as_ref().map(|w| w.to))
            .unwrap_or(window_from)
            .max(window_from),
        None => now,
    };
    let sorted = set.into_sorted();
    let mut prov = Provenance::collected(source, now, pages, total);
    prov.warnings = warnings;
    writer
        .write_event_lines(sorted.iter().map(|r| r.line.as_str()), prov)
        .map_err(CollectError::Write)?;
    Ok(EventsSummary {
        window: Some(EventWindow {
            from: window_from,
            to,
        }),
        cursor,
        interrupted,
        new,
        total,
    })
}

/// Serializes, and if the key occurs anywhere in the data, replaces it by `***` (a server
/// echoing the key must not put it into a snapshot).
fn scrub<T: Serialize + DeserializeOwned>(value: T, key: &ApiKey) -> (T, bool) {
    let Ok(text) = serde_json::to_string(&value) else {
        return (value, false);
    };
    if !key.occurs_in(&text) {
        return (value, false);
    }
    match serde_json::from_str(&key.redact(&text)) {
        Ok(clean) => (clean, true),
        Err(_) => (value, false),
    }
}
