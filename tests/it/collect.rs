//! `orgscan collect` against the fake Atlassian admin API on 127.0.0.1: exact record sets,
//! paging styles, rate limits (time-scaled), retries, partial permission, resume, and the key
//! never appearing anywhere.

use crate::support::fake_atlassian;

use chrono::{Duration as ChronoDuration, Utc};
use fake_atlassian::{Dataset, FakeConfig, FakeServer, Fault, RetryAfter};
use orgscan::collect::ratelimit::RateLimitConfig;
use orgscan::collect::{collect, ApiKey, CollectConfig, CollectError, CollectOutcome, RetryPolicy};
use orgscan::snapshot::{load_snapshot, Collection, CollectionStatus, Timestamp};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const KEY: &str = "test-KEY-7f3a9c1e5b0d";
const ORG: &str = "org-1234";
/// Production minutes become 0.2 s windows.
const SCALE: f64 = 300.0;
/// 6 pages of 20 in the v2 user search.
const USERS: usize = 120;

fn fake_config() -> FakeConfig {
    let mut c = FakeConfig::new(ORG, KEY);
    c.time_scale = SCALE;
    c
}

struct Env {
    server: FakeServer,
    dir: tempfile::TempDir,
    logs: Arc<Mutex<Vec<String>>>,
    since: Timestamp,
}

fn dataset(events: usize) -> Dataset {
    // 40 days of events, so a 30-day window leaves some out.
    let from = Utc::now() - ChronoDuration::days(40);
    let step = ChronoDuration::seconds((40 * 86_400 / events.max(1)) as i64);
    Dataset::generate(ORG, USERS, 45, events, from, step)
}

async fn env_with(config: FakeConfig, data: Dataset) -> Env {
    Env {
        server: FakeServer::start(config, data).await,
        dir: tempfile::tempdir().unwrap(),
        logs: Arc::new(Mutex::new(Vec::new())),
        since: Timestamp::from_epoch_millis(
            (Utc::now() - ChronoDuration::days(30)).timestamp_millis(),
        )
        .unwrap(),
    }
}

async fn env() -> Env {
    env_with(fake_config(), dataset(800)).await
}

impl Env {
    fn out(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn config(&self, out: &Path) -> CollectConfig {
        let url = reqwest::Url::parse(&self.server.base_url).unwrap();
        let mut c = CollectConfig::new(ORG, out, url, ApiKey::new(KEY).unwrap());
        c.client.rate_limit = RateLimitConfig::documented(SCALE);
        c.client.retry = RetryPolicy {
            max_retries: 3,
            base_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(40),
            max_rate_limit_retries: 5,
            max_rate_limit_wait: Duration::from_secs(10),
        };
        c.client.timeout = Duration::from_secs(5);
        c.since = Some(self.since);
        c.verbose = true;
        let logs = self.logs.clone();
        c.log = Some(Arc::new(move |line: &str| {
            logs.lock().unwrap().push(line.to_string())
        }));
        c
    }

    async fn collect(&self, name: &str) -> CollectOutcome {
        collect(self.config(&self.out(name))).await.unwrap()
    }

    /// The key is nowhere: not in any file under the temp dir, not in the request log.
    fn assert_no_key(&self, extra: &[String]) {
        for entry in walk(self.dir.path()) {
            let bytes = std::fs::read(&entry).unwrap();
            assert!(
                !String::from_utf8_lossy(&bytes).contains(KEY),
                "key found in {}",
                entry.display()
            );
        }
        let logs = self.logs.lock().unwrap();
        assert!(!logs.is_empty(), "verbose logging produced nothing");
        for line in logs.iter().chain(extra) {
            assert!(!line.contains(KEY), "key found in {line}");
        }
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

fn event_ids(dir: &Path) -> Vec<String> {
    crate::support::stored_event_ids(dir)
}

fn ids(values: &[serde_json::Value], field: &str) -> Vec<String> {
    values
        .iter()
        .map(|v| v[field].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn collects_every_collection_exactly() {
    let env = env().await;
    let outcome = env.collect("snap").await;
    assert_eq!(outcome.exit_code(), 0, "{}", outcome.summary());
    assert!(outcome.is_complete());
    let data = env.server.data();
    let snap = load_snapshot(&outcome.snapshot).unwrap();

    assert_eq!(
        snap.org.as_ref().unwrap().attributes.name.as_deref(),
        Some("Acme")
    );
    assert_eq!(snap.manifest.org.name.as_deref(), Some("Acme"));
    let users: Vec<String> = snap.users.iter().map(|u| u.account_id.clone()).collect();
    assert_eq!(users, ids(&data.users, "accountId"), "users in API order");
    assert_eq!(snap.users[0].platform_roles, ["atlassian/org-admin"]);
    // Last activity comes from the v1 managed-accounts list (paged by full URLs).
    let managed = snap
        .users
        .iter()
        .filter(|u| u.claim_status.as_deref() == Some("managed"))
        .count();
    assert_eq!(managed, data.v1_users.len());
    assert!(data.v1_users.len() > 50, "more than one v1 page");
    for u in &snap.users {
        let managed = u.claim_status.as_deref() == Some("managed");
        assert_eq!(u.last_active.is_some(), managed, "{}", u.account_id);
    }
    assert!(
        snap.users[1].extra.contains_key("futureField"),
        "unknown fields kept"
    );
    let groups: Vec<String> = snap.groups.iter().map(|g| g.id.clone()).collect();
    assert_eq!(groups, ids(&data.groups, "id"));
    let dirs: Vec<String> = snap
        .directories
        .iter()
        .map(|d| d.directory_id.clone())
        .collect();
    assert_eq!(dirs, ids(&data.directories, "directoryId"));
    let domains: Vec<String> = snap.domains.iter().map(|d| d.id.clone()).collect();
    assert_eq!(domains, ids(&data.domains, "id"), "links.next URL paging");
    let policies: Vec<String> = snap.org_policies.iter().map(|p| p.id.clone()).collect();
    assert_eq!(policies, ids(&data.org_policies, "id"), "meta.next paging");
    let control: Vec<String> = snap.control_policies.iter().map(|p| p.id.clone()).collect();
    assert_eq!(control, ["cp-1", "cp-2", "cp-3", "cp-4"], "v2 then v1-only");
    assert_eq!(
        snap.control_policies[0].attributes.status.as_deref(),
        Some("active")
    );
    for p in &snap.control_policies {
        assert_eq!(p.attributes.resources.len(), 3, "resources of {}", p.id);
    }
    let tokens: Vec<String> = snap.api_tokens.iter().map(|t| t.id.clone()).collect();
    assert_eq!(
        tokens,
        ids(&data.api_tokens, "id"),
        "opaque links.next paging"
    );
    assert!(snap.api_tokens[0].expires_at.is_none());
    assert_eq!(snap.api_keys.len(), 4);
    assert_eq!(snap.event_actions.len(), 8);
    assert_eq!(snap.workspaces.len(), 3);

    let expected = env.server.expected_event_ids(env.since.0);
    assert!(
        expected.len() > 500 && expected.len() < 800,
        "{}",
        expected.len()
    );
    assert_eq!(
        event_ids(&outcome.snapshot),
        expected,
        "window, order by time then id"
    );
    assert_eq!(outcome.events_total, expected.len() as u64);
    let window = snap.manifest.event_window.as_ref().unwrap();
    assert_eq!(window.from, env.since);
    assert!(snap.manifest.stream_cursor.is_some());
    for c in Collection::ALL {
        if c != Collection::Attestation {
            assert!(snap.is_collected(c), "{c:?}");
        }
    }
    let users_prov = &snap.manifest.collections[&Collection::Users];
    assert_eq!(
        users_prov.pages,
        (USERS.div_ceil(20) + data.v1_users.len().div_ceil(50)) as u64
    );
    assert_eq!(users_prov.records, USERS as u64);
    // ⌈events ÷ 500⌉ data pages + 1 empty page.
    let stream_requests = env.server.requests_to("/events-stream");
    assert_eq!(stream_requests, expected.len().div_ceil(500) + 1);
    assert_eq!(env.server.over_limit(), 0);
    assert_eq!(outcome.stats.rate_limited, 0);
    assert_eq!(outcome.stats.retries, 0);
    env.assert_no_key(&[outcome.summary()]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resume_fetches_only_new_events_and_carries_the_rest() {
    let env = env().await;
    let first = env.collect("s1").await;
    let before = event_ids(&first.snapshot);
    env.server.add_events(
        734,
        Utc::now() - ChronoDuration::hours(2),
        ChronoDuration::seconds(3),
    );
    env.server.clear_log();

    let mut config = env.config(&env.out("s2"));
    config.resume_from = Some(first.snapshot.clone());
    let second = collect(config).await.unwrap();
    assert_eq!(second.exit_code(), 0, "{}", second.summary());
    assert_eq!(
        env.server.requests_to("/events-stream"),
        734usize.div_ceil(500) + 1
    );
    assert_eq!(second.events_new, 734);
    let after = event_ids(&second.snapshot);
    assert_eq!(after.len(), before.len() + 734);
    assert_eq!(after, env.server.expected_event_ids(env.since.0));

    // Same event set as an uninterrupted collection from scratch.
    let fresh = env.collect("fresh").await;
    assert_eq!(event_ids(&fresh.snapshot), after);
    let m2 = load_snapshot(&second.snapshot).unwrap().manifest;
    assert_eq!(m2.event_window.unwrap().from, env.since);

    // Resuming in place (--out = --resume-from) works too, and is a no-op for events.
    let mut config = env.config(&second.snapshot);
    config.resume_from = Some(second.snapshot.clone());
    let third = collect(config).await.unwrap();
    assert_eq!(third.events_new, 0);
    assert_eq!(event_ids(&third.snapshot), after);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_resume_leaves_a_checkpoint_and_a_rerun_matches_an_uninterrupted_one() {
    let env = env().await;
    let first = env.collect("s1").await;
    env.server.add_events(
        900,
        Utc::now() - ChronoDuration::hours(1),
        ChronoDuration::seconds(2),
    );
    // The second stream page hangs, so the run is surely killed mid-walk.
    env.server
        .inject("/events-stream", 1, 1, Fault::Delay(Duration::from_secs(3)));
    let mut config = env.config(&env.out("s2"));
    config.resume_from = Some(first.snapshot.clone());
    let task = tokio::spawn(collect(config.clone()));
    tokio::time::sleep(Duration::from_millis(600)).await;
    task.abort();
    let _ = task.await;
    assert!(!env.out("s2").exists(), "no half-written snapshot");
    let mut names: Vec<_> = std::fs::read_dir(env.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [".s2.checkpoint", "s1"],
        "only the checkpoint is left"
    );

    let rerun = collect(config).await.unwrap();
    assert!(!env.dir.path().join(".s2.checkpoint").exists(), "consumed");
    let fresh = env.collect("fresh").await;
    assert_eq!(event_ids(&rerun.snapshot), event_ids(&fresh.snapshot));
    assert_eq!(
        event_ids(&rerun.snapshot),
        env.server.expected_event_ids(env.since.0)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_walk_keeps_a_resume_point() {
    let env = env_with(fake_config(), dataset(600)).await;
    env.server.add_events(
        1500,
        Utc::now() - ChronoDuration::hours(3),
        ChronoDuration::seconds(5),
    );
    // Page 1 succeeds, then the stream fails for good.
    env.server
        .inject("/events-stream", 1, 100, Fault::Status(503));
    let partial = env.collect("partial").await;
    assert_eq!(partial.exit_code(), 3);
    let why = partial.events_interrupted.clone().unwrap();
    assert!(
        why.contains("HTTP 503") && why.contains("gave up after 4 attempts"),
        "{why}"
    );
    assert_eq!(partial.events_total, 500);
    let m = load_snapshot(&partial.snapshot).unwrap().manifest;
    assert!(m.stream_cursor.is_some());
    assert!(m.collections[&Collection::Events]
        .warnings
        .iter()
        .any(|w| w.starts_with("incomplete")));

    // Heal the server, let the window reset, and resume from the partial snapshot.
    env.server.clear_faults();
    tokio::time::sleep(Duration::from_millis(250)).await;
    let mut config = env.config(&env.out("done"));
    config.resume_from = Some(partial.snapshot.clone());
    let done = collect(config).await.unwrap();
    assert_eq!(done.exit_code(), 0, "{}", done.summary());
    assert_eq!(
        event_ids(&done.snapshot),
        env.server.expected_event_ids(env.since.0)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_collections_are_recorded_and_exit_3_unless_allowed() {
    let env = env().await;
    env.server.deny("/api-tokens", 403);
    env.server.deny("/workspaces", 404);
    let outcome = env.collect("snap").await;
    assert_eq!(outcome.exit_code(), 3);
    assert_eq!(outcome.unavailable.len(), 2);
    let snap = load_snapshot(&outcome.snapshot).unwrap();
    let tokens = &snap.manifest.collections[&Collection::ApiTokens];
    assert_eq!(tokens.status, CollectionStatus::Unavailable);
    assert_eq!(tokens.http_status, Some(403));
    let reason = tokens.reason.as_deref().unwrap();
    assert!(
        reason.contains("ADMIN-403-3")
            && reason.contains("/api-tokens")
            && reason.contains("needs read:tokens:admin"),
        "{reason}"
    );
    assert_eq!(
        snap.manifest.collections[&Collection::Workspaces].http_status,
        Some(404)
    );
    assert!(snap.is_collected(Collection::Users));
    assert!(outcome.summary().contains("--allow-partial"));
    // Without read:accounts:admin the users are complete, only last activity is missing.
    env.server.deny(&format!("/{ORG}/users"), 403);
    let no_v1 = env.collect("no-v1").await;
    let snap = load_snapshot(&no_v1.snapshot).unwrap();
    assert_eq!(snap.users.len(), USERS);
    assert!(
        snap.users.iter().all(|u| u.last_active.is_none()),
        "{:?} {:?}",
        snap.manifest.collections[&Collection::Users],
        snap.users.iter().find(|u| u.last_active.is_some())
    );
    let prov = &snap.manifest.collections[&Collection::Users];
    assert!(
        prov.warnings[0].starts_with("account last activity unavailable"),
        "{:?}",
        prov.warnings
    );

    let mut config = env.config(&env.out("allowed"));
    config.allow_partial = true;
    let allowed = collect(config).await.unwrap();
    assert_eq!(allowed.exit_code(), 0);
    assert!(!allowed.is_complete());
    env.assert_no_key(&[outcome.summary()]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_key_fails_the_run_without_writing_or_leaking() {
    let mut fc = fake_config();
    fc.key = "the-real-key-000".to_string();
    let env = env_with(fc, dataset(50)).await;
    let err = collect(env.config(&env.out("snap"))).await.unwrap_err();
    assert_eq!(err.exit_code(), 2);
    let text = err.to_string();
    assert!(matches!(err, CollectError::Unauthorized { .. }), "{text}");
    assert!(text.contains("HTTP 401"), "{text}");
    assert!(!env.out("snap").exists());
    env.assert_no_key(&[text, format!("{err:?}")]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_org_is_a_usage_error() {
    let env = env().await;
    let mut config = env.config(&env.out("snap"));
    config.org = "other-org".to_string();
    let err = collect(config).await.unwrap_err();
    assert!(matches!(err, CollectError::OrgNotFound { .. }), "{err}");
    assert!(err.to_string().contains("ADMIN-404-2"), "{err}");
    assert_eq!(err.exit_code(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_pace_to_the_limit_without_a_single_429() {
    // 0.5 s windows of 10 requests; 2 600 events at 100 a page = 27 stream requests.
    let mut fc = FakeConfig::new(ORG, KEY);
    fc.time_scale = 120.0;
    fc.events_max_page = 100;
    let env = env_with(fc, dataset(0)).await;
    env.server.add_events(
        2600,
        Utc::now() - ChronoDuration::days(2),
        ChronoDuration::seconds(30),
    );
    let mut config = env.config(&env.out("snap"));
    config.client.rate_limit = RateLimitConfig::documented(120.0);
    config.sizes.events = 100;
    let started = std::time::Instant::now();
    let outcome = collect(config).await.unwrap();
    let elapsed = started.elapsed();
    assert_eq!(outcome.exit_code(), 0, "{}", outcome.summary());
    assert_eq!(outcome.events_total, 2600);
    let requests = env.server.requests_to("/events-stream");
    assert_eq!(requests, 27);
    assert_eq!(env.server.over_limit(), 0, "no request over the limit");
    assert_eq!(outcome.stats.rate_limited, 0);
    // Floor: ⌈27 / 10⌉ − 1 = 2 full windows of 0.5 s.
    assert!(elapsed >= Duration::from_millis(1000), "{elapsed:?}");
    // Not much slower either (a loose bound: debug builds on a shared 2-core machine; the
    // benchmark measures the real ratio).
    assert!(elapsed < Duration::from_secs(8), "{elapsed:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_waits_for_retry_after_or_the_reset() {
    let env = env().await;
    env.server.inject(
        "/users/search",
        2,
        1,
        Fault::RateLimited(RetryAfter::Seconds(1)),
    );
    env.server.inject(
        "/groups/search",
        0,
        1,
        Fault::RateLimited(RetryAfter::HttpDate(Duration::from_secs(1))),
    );
    env.server
        .inject("/domains", 1, 1, Fault::RateLimited(RetryAfter::None));
    let started = std::time::Instant::now();
    let outcome = env.collect("snap").await;
    assert_eq!(outcome.exit_code(), 0, "{}", outcome.summary());
    assert_eq!(outcome.stats.rate_limited, 3);
    assert_eq!(outcome.stats.retries, 3);
    // Retry-After: 1 s is honoured (the HTTP date has one-second precision, so it may be less).
    assert!(started.elapsed() >= Duration::from_millis(950));
    let snap = load_snapshot(&outcome.snapshot).unwrap();
    assert_eq!(snap.users.len(), USERS);
    assert_eq!(snap.groups.len(), 45);
    assert_eq!(snap.domains.len(), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limit_retries_are_bounded() {
    let env = env().await;
    env.server.inject(
        "/event-actions",
        0,
        50,
        Fault::RateLimited(RetryAfter::Seconds(0)),
    );
    let outcome = env.collect("snap").await;
    assert_eq!(outcome.exit_code(), 3);
    let u = &outcome.unavailable[0];
    assert_eq!(u.collection, Collection::EventActions);
    assert!(
        u.reason.contains("ADMIN-429-1") && u.reason.contains("6 attempts"),
        "{}",
        u.reason
    );
    assert_eq!(env.server.requests_to("/event-actions"), 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_are_retried_with_backoff_and_bounded() {
    let env = env().await;
    env.server.inject("/users/search", 1, 1, Fault::Status(500));
    env.server
        .inject("/groups/search", 0, 1, Fault::Status(502));
    env.server.inject("/directories", 0, 1, Fault::Status(503));
    env.server.inject("/domains", 0, 100, Fault::Status(503));
    let outcome = env.collect("snap").await;
    assert_eq!(
        outcome.exit_code(),
        3,
        "a failure other than 403/404 is not partial"
    );
    let snap = load_snapshot(&outcome.snapshot).unwrap();
    assert_eq!(snap.users.len(), USERS);
    assert_eq!(snap.groups.len(), 45);
    assert_eq!(snap.directories.len(), 3);
    let domains = &outcome.unavailable[0];
    assert_eq!(domains.collection, Collection::Domains);
    assert!(!domains.permission);
    assert!(
        domains.reason.contains("HTTP 503 ADMIN-500-1") && domains.reason.contains("4 attempts"),
        "{}",
        domains.reason
    );
    assert_eq!(env.server.requests_to("/domains"), 4, "1 try + 3 retries");
    assert_eq!(outcome.stats.retries, 3 + 3);

    let mut config = env.config(&env.out("allowed"));
    config.allow_partial = true;
    env.server.inject("/domains", 0, 100, Fault::Status(503));
    assert_eq!(
        collect(config).await.unwrap().exit_code(),
        3,
        "--allow-partial covers 403/404 only"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn truncated_bodies_and_timeouts_are_retried() {
    let env = env().await;
    env.server.inject("/groups/search", 1, 1, Fault::Truncate);
    env.server.inject(
        "/directories",
        0,
        1,
        Fault::Delay(Duration::from_millis(2500)),
    );
    let mut config = env.config(&env.out("snap"));
    config.client.timeout = Duration::from_millis(1500);
    let outcome = collect(config).await.unwrap();
    assert_eq!(outcome.exit_code(), 0, "{}", outcome.summary());
    assert_eq!(
        env.server.requests_to("/directories"),
        2,
        "timed out once, then ok"
    );
    assert_eq!(
        env.server.requests_to("/groups/search"),
        45usize.div_ceil(20) + 1
    );
    assert!(env
        .logs
        .lock()
        .unwrap()
        .iter()
        .any(|l| l.contains("/directories: retrying") && l.contains("timed out")));
    let snap = load_snapshot(&outcome.snapshot).unwrap();
    assert_eq!(snap.groups.len(), 45);
    assert_eq!(snap.directories.len(), 3);

    env.server.inject("/api-keys", 0, 100, Fault::Truncate);
    let outcome = env.collect("again").await;
    let u = &outcome.unavailable[0];
    assert_eq!(u.collection, Collection::ApiKeys);
    assert!(
        u.reason.contains(&format!(
            "GET /admin/api-access/v1/orgs/{ORG}/api-keys: the response is not valid JSON"
        )),
        "{}",
        u.reason
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repeated_cursor_stops_instead_of_looping() {
    let env = env().await;
    env.server
        .inject("/users/search", 1, 100, Fault::RepeatCursor);
    env.server.inject("/policies", 1, 1, Fault::RepeatCursor);
    let outcome = env.collect("snap").await;
    assert_eq!(outcome.exit_code(), 3);
    let users = outcome
        .unavailable
        .iter()
        .find(|u| u.collection == Collection::Users)
        .unwrap();
    assert!(
        users.reason.contains("cursor already followed"),
        "{}",
        users.reason
    );
    assert_eq!(env.server.requests_to("/users/search"), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_cap_bounds_a_walk() {
    let env = env().await;
    let mut config = env.config(&env.out("snap"));
    config.page_cap = 5;
    let outcome = collect(config).await.unwrap();
    let users = outcome
        .unavailable
        .iter()
        .find(|u| u.collection == Collection::Users)
        .unwrap();
    assert!(users.reason.contains("page cap"), "{}", users.reason);
    assert_eq!(env.server.requests_to("/users/search"), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_stream_events_come_from_search_with_filters_resent() {
    let mut fc = fake_config();
    fc.events_max_page = 100;
    let env = env_with(fc, dataset(1200)).await;
    env.server.deny("/events-stream", 404);
    let mut config = env.config(&env.out("snap"));
    config.sizes.events = 100;
    let outcome = collect(config).await.unwrap();
    assert_eq!(outcome.exit_code(), 0, "{}", outcome.summary());
    assert_eq!(
        event_ids(&outcome.snapshot),
        env.server.expected_event_ids(env.since.0)
    );
    let searches: Vec<_> = env
        .server
        .log()
        .into_iter()
        .filter(|l| l.path.ends_with("/events"))
        .collect();
    assert!(searches.len() > 5);
    for l in &searches {
        assert!(
            l.query.contains("from=") && l.query.contains("to="),
            "{}",
            l.query
        );
    }
    let snap = load_snapshot(&outcome.snapshot).unwrap();
    assert!(snap.manifest.stream_cursor.is_none());
    let prov = &snap.manifest.collections[&Collection::Events];
    assert!(prov.source.ends_with("/events"));
    assert!(prov
        .warnings
        .iter()
        .any(|w| w.contains("fell back to /events")));
    assert_eq!(env.server.over_limit(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attestation_is_validated_first_and_stored() {
    let env = env().await;
    let path = env.out("attestation.toml");
    let now = Timestamp(Utc::now());
    let text = orgscan::collect::attest::template(Some("jane@acme.com"), now)
        .replace("# two_step_enforced = true", "two_step_enforced = true");
    std::fs::write(&path, &text).unwrap();
    let mut config = env.config(&env.out("snap"));
    config.attestation = Some(path.clone());
    let outcome = collect(config).await.unwrap();
    let snap = load_snapshot(&outcome.snapshot).unwrap();
    let att = snap.attestation.clone().unwrap();
    assert_eq!(att.attested_by, "jane@acme.com");
    assert_eq!(att.authentication.unwrap().two_step_enforced, Some(true));
    assert!(snap.is_collected(Collection::Attestation));

    // The untouched template is refused before any request is made.
    env.server.clear_log();
    std::fs::write(&path, orgscan::collect::attest::template(None, now)).unwrap();
    let mut config = env.config(&env.out("snap2"));
    config.attestation = Some(path.clone());
    let err = collect(config).await.unwrap_err();
    assert_eq!(err.exit_code(), 2);
    assert!(err.to_string().contains("attested_by"), "{err}");
    assert!(env.server.log().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imported_events_merge_into_a_collected_snapshot() {
    let env = env_with(fake_config(), dataset(300)).await;
    let outcome = env.collect("snap").await;
    let before = event_ids(&outcome.snapshot);
    // An export overlapping the snapshot, plus older events outside its window.
    let data = env.server.data();
    let mut page = serde_json::json!({"data": data.events[..50].to_vec()});
    let mut old = data.events[0].clone();
    old["id"] = serde_json::json!("old-event");
    old["attributes"]["time"] = serde_json::json!("2020-01-01T00:00:00Z");
    page["data"].as_array_mut().unwrap().push(old);
    let file = env.out("export.json");
    std::fs::write(&file, serde_json::to_vec(&page).unwrap()).unwrap();
    let result = orgscan::collect::import::import_events(&[file], &outcome.snapshot, None).unwrap();
    assert!(!result.created);
    assert_eq!(result.read, 51);
    assert_eq!(
        result.added,
        1 + 50
            - data.events[..50]
                .iter()
                .filter(|e| before.contains(&e["id"].as_str().unwrap().to_string()))
                .count() as u64
    );
    let snap = load_snapshot(&outcome.snapshot).unwrap();
    let after = event_ids(&outcome.snapshot);
    assert_eq!(after[0], "old-event", "ordered by time");
    assert_eq!(after.len() as u64, result.total);
    assert_eq!(
        snap.manifest.event_window.unwrap().from.to_rfc3339(),
        "2020-01-01T00:00:00.000Z"
    );
    assert_eq!(snap.users.len(), USERS, "other collections carried over");
    assert_eq!(snap.manifest.stream_cursor, outcome.manifest.stream_cursor);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_echoing_the_key_gets_it_redacted_everywhere() {
    let mut fc = fake_config();
    fc.echo_auth = true;
    let mut data = dataset(100);
    data.groups[0]["description"] = serde_json::json!(format!("shared key {KEY}"));
    data.events[0]["message"]["content"] = serde_json::json!(format!("used {KEY}"));
    // Keep the doctored event inside the window.
    let inside = rfc3339_now_minus_days(1);
    data.events[0]["attributes"]["time"] = serde_json::json!(inside);
    data.event_times[0] = Timestamp::parse(&inside).unwrap().epoch_millis();
    let env = env_with(fc, data).await;
    env.server.deny("/api-keys", 403);
    let outcome = env.collect("snap").await;
    let reason = &outcome.unavailable[0].reason;
    assert!(reason.contains("Bearer ***"), "{reason}");
    let snap = load_snapshot(&outcome.snapshot).unwrap();
    assert_eq!(
        snap.groups[0].description.as_deref(),
        Some("shared key ***")
    );
    let groups = &snap.manifest.collections[&Collection::Groups];
    assert!(groups
        .warnings
        .iter()
        .any(|w| w.contains("replaced by ***")));
    let events = &snap.manifest.collections[&Collection::Events];
    assert!(events
        .warnings
        .iter()
        .any(|w| w.contains("replaced by ***")));
    env.assert_no_key(&[outcome.summary(), format!("{outcome:?}")]);
}

fn rfc3339_now_minus_days(days: i64) -> String {
    fake_atlassian::rfc3339(Utc::now() - ChronoDuration::days(days))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn independent_collections_run_concurrently() {
    let env = env_with(fake_config(), dataset(50)).await;
    for path in ["/domains", "/api-keys", "/workspaces", "/event-actions"] {
        env.server
            .inject(path, 0, 1, Fault::Delay(Duration::from_millis(700)));
    }
    let started = std::time::Instant::now();
    let outcome = env.collect("snap").await;
    assert_eq!(outcome.exit_code(), 0, "{}", outcome.summary());
    // One after the other would take at least 2.8 s.
    assert!(
        started.elapsed() < Duration::from_millis(2000),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_excessive_retry_after_fails_the_collection_instead_of_hanging() {
    let env = env_with(fake_config(), dataset(50)).await;
    env.server.inject(
        "/workspaces",
        0,
        1,
        Fault::RateLimited(RetryAfter::Seconds(3600)),
    );
    let started = std::time::Instant::now();
    let outcome = env.collect("snap").await;
    assert!(started.elapsed() < Duration::from_secs(5));
    let u = &outcome.unavailable[0];
    assert_eq!(u.collection, Collection::Workspaces);
    assert!(
        u.reason
            .contains("asked to wait 3600 s, longer than the 10 s allowed"),
        "{}",
        u.reason
    );
    assert_eq!(outcome.exit_code(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_prepared_during_waits_are_identical_to_a_final_write() {
    // 1 s windows, 20-event pages (cheap, so ten surely fit in a window): the walk waits twice, and the snapshot is prepared then.
    let mut fc = fake_config();
    fc.time_scale = 60.0;
    fc.events_max_page = 20;
    let env = env_with(fc, dataset(0)).await;
    env.server.add_events(
        390,
        Utc::now() - ChronoDuration::days(2),
        ChronoDuration::seconds(30),
    );
    let run = |name: &str, enabled: bool| {
        let mut config = env.config(&env.out(name));
        config.client.rate_limit = RateLimitConfig::documented(60.0);
        config.sizes.events = 20;
        config.speculation.enabled = enabled;
        config.speculation.min_wait = Duration::from_millis(50);
        collect(config)
    };
    let with = run("with", true).await.unwrap();
    let prepared = env
        .logs
        .lock()
        .unwrap()
        .iter()
        .filter(|l| l.starts_with("prepared events.ndjson early"))
        .count();
    assert!(
        prepared >= 2,
        "speculation happened: {:#?}",
        env.logs
            .lock()
            .unwrap()
            .iter()
            .filter(|l| l.contains("events-stream") || !l.contains(" -> "))
            .collect::<Vec<_>>()
    );
    tokio::time::sleep(Duration::from_millis(1100)).await; // a fresh window
    let without = run("without", false).await.unwrap();
    let events = |dir: &Path| crate::support::stored_events(dir);
    assert_eq!(events(&with.snapshot), events(&without.snapshot));
    assert_eq!(events(&with.snapshot).lines().count(), 390);
    let prov = |o: &CollectOutcome| {
        let mut p =
            load_snapshot(&o.snapshot).unwrap().manifest.collections[&Collection::Events].clone();
        p.fetched_at = None;
        p
    };
    assert_eq!(prov(&with), prov(&without));
    assert_eq!(with.events_total, 390);
    let file = orgscan::snapshot::event_file::EventsFormat::DEFAULT.file_name();
    assert_eq!(with.manifest.files[file], without.manifest.files[file]);
}
