//! What survives when `orgscan collect` (and `run`, `import-events`) goes wrong, through the
//! binary against the fake Atlassian admin API on 127.0.0.1 (issue 11, items 2–5): a failed
//! run never replaces the last good snapshot, a directory that is not an orgscan snapshot is
//! never replaced, a killed run resumes from its checkpoint to exactly what an uninterrupted
//! run gives, and an incremental run on `/events` picks up events the API made visible late.

use crate::support::fake_atlassian;

use chrono::{Duration as ChronoDuration, Utc};
use fake_atlassian::{Dataset, FakeConfig, FakeServer, Fault};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const KEY: &str = "durable-KEY-5c0ffee";
const ORG: &str = "org-durable";
const EVENTS_PAGE: usize = 50;

struct Env {
    server: FakeServer,
    dir: tempfile::TempDir,
    key_file: PathBuf,
    since: String,
}

async fn env(events: usize) -> Env {
    let mut config = FakeConfig::new(ORG, KEY);
    // 0.2 s windows of 10 event requests: a walk of a few dozen pages takes a few seconds.
    config.time_scale = 300.0;
    config.events_max_page = EVENTS_PAGE;
    let from = Utc::now() - ChronoDuration::days(5);
    let step = ChronoDuration::seconds((4 * 86_400 / events.max(1)) as i64);
    let data = Dataset::generate(ORG, 60, 8, events, from, step);
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("key");
    std::fs::write(&key_file, KEY).unwrap();
    Env {
        server: FakeServer::start(config, data).await,
        dir,
        key_file,
        // Absolute, so runs minutes apart ask for the same window.
        since: (Utc::now() - ChronoDuration::days(10))
            .format("%Y-%m-%d")
            .to_string(),
    }
}

impl Env {
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn command(&self, sub: &str, out: &Path, extra: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_orgscan"));
        c.arg(sub)
            .args(["--org", ORG, "--out"])
            .arg(out)
            .args(["--api-url", &self.server.base_url, "--api-key-file"])
            .arg(&self.key_file)
            .args(["--since", &self.since])
            .args(extra)
            .current_dir(self.dir.path())
            .env_remove("ATLASSIAN_API_KEY");
        c
    }

    fn collect(&self, out: &Path, extra: &[&str]) -> Output {
        self.command("collect", out, extra).output().unwrap()
    }
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Files of a directory: name and bytes.
type Files = Vec<(String, Vec<u8>)>;

/// Every file of a directory with its bytes, by name.
fn contents(dir: &Path) -> Files {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

fn siblings(dir: &Path) -> Vec<String> {
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn manifest(dir: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap()
}

/// Per file, the record count the manifest claims.
fn counts(dir: &Path) -> Vec<(String, u64)> {
    let m = manifest(dir);
    let mut out: Vec<(String, u64)> = m["files"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v["records"].as_u64().unwrap()))
        .collect();
    out.sort();
    out
}

fn incomplete_beside(env: &Env, name: &str) -> PathBuf {
    let prefix = format!("{name}.incomplete-");
    let found: Vec<_> = siblings(env.dir.path())
        .into_iter()
        .filter(|n| n.starts_with(&prefix))
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    env.path(&found[0])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_collection_never_replaces_the_previous_snapshot() {
    let env = env(300).await;
    let good = env.path("good");
    let first = env.collect(&good, &[]);
    assert_eq!(code(&first), 0, "{}", stderr(&first));
    let before = contents(&good);

    // A refused collection: exit 3, the old snapshot untouched, the new one beside it.
    env.server.deny("/api-tokens", 403);
    let refused = env.collect(&good, &[]);
    assert_eq!(code(&refused), 3, "{}", stderr(&refused));
    assert_eq!(contents(&good), before);
    let beside = incomplete_beside(&env, "good");
    let text = stderr(&refused);
    assert!(
        text.contains(&format!(
            "the previous snapshot {} was kept",
            good.display()
        )) && text.contains(&beside.display().to_string()),
        "{text}"
    );
    assert_eq!(
        manifest(&beside)["collections"]["api_tokens"]["status"],
        "unavailable"
    );
    std::fs::remove_dir_all(&beside).unwrap();

    // --allow-partial exits 0, but the old snapshot had the tokens: still not replaced.
    let partial = env.collect(&good, &["--allow-partial"]);
    assert_eq!(code(&partial), 0, "{}", stderr(&partial));
    assert_eq!(contents(&good), before);
    std::fs::remove_dir_all(incomplete_beside(&env, "good")).unwrap();

    // A snapshot that never had them is replaced by an --allow-partial run.
    let scoped = env.path("scoped");
    assert_eq!(code(&env.collect(&scoped, &["--allow-partial"])), 0);
    let scoped_before = manifest(&scoped)["collected_at"].clone();
    let again = env.collect(&scoped, &["--allow-partial"]);
    assert_eq!(code(&again), 0, "{}", stderr(&again));
    assert_ne!(manifest(&scoped)["collected_at"], scoped_before, "replaced");
    assert!(!siblings(env.dir.path())
        .iter()
        .any(|n| n.starts_with("scoped.incomplete")));

    // A failure that is not a permission (400), with --resume-from GOOD --out GOOD: the
    // configuration collections and events of GOOD survive.
    env.server
        .inject("/groups/search", 0, 1000, Fault::Status(400));
    let resumed = env.collect(
        &good,
        &["--resume-from", good.to_str().unwrap(), "--allow-partial"],
    );
    assert_eq!(code(&resumed), 3, "{}", stderr(&resumed));
    assert_eq!(contents(&good), before);
    let beside = incomplete_beside(&env, "good");
    let events_count = |dir: &Path| {
        let entry = crate::support::events_entry(&manifest(dir));
        counts(dir).into_iter().find(|(f, _)| *f == entry)
    };
    assert!(events_count(&good).is_some_and(|(_, n)| n > 0));
    assert_eq!(
        events_count(&beside),
        events_count(&good),
        "the partial result carries the events forward"
    );
    assert_eq!(
        crate::support::stored_events(&beside),
        crate::support::stored_events(&good)
    );
    std::fs::remove_dir_all(&beside).unwrap();

    // No server at all (the issue's first reproduction), through `run` as well.
    let unreachable = |sub: &str| {
        let mut c = env.command(sub, &good, &["-q"]);
        let args: Vec<String> = c
            .get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        let url_at = args.iter().position(|a| a == "--api-url").unwrap() + 1;
        let mut args = args;
        args[url_at] = "http://127.0.0.1:1".to_string();
        if sub == "run" {
            args.extend(["--report-dir".to_string(), "reports".to_string()]);
        }
        c = Command::new(env!("CARGO_BIN_EXE_orgscan"));
        c.args(&args)
            .current_dir(env.dir.path())
            .env_remove("ATLASSIAN_API_KEY");
        c.output().unwrap()
    };
    for sub in ["collect", "run"] {
        let o = unreachable(sub);
        assert_eq!(code(&o), 3, "{sub}: {}", stderr(&o));
        assert_eq!(contents(&good), before, "{sub}");
        let beside = incomplete_beside(&env, "good");
        assert!(
            stderr(&o).contains(&beside.display().to_string()),
            "{sub}: even with -q the kept snapshot is named: {}",
            stderr(&o)
        );
        std::fs::remove_dir_all(&beside).unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn directories_that_are_not_orgscan_snapshots_are_never_replaced() {
    let env = env(20).await;
    let good = env.path("good");
    assert_eq!(code(&env.collect(&good, &[])), 0);
    let events = env.path("events.ndjson");
    let line = serde_json::to_string(&env.server.data().events[0]).unwrap();
    std::fs::write(&events, format!("{line}\n")).unwrap();

    let mut with_notes = contents(&good);
    with_notes.push(("notes.txt".to_string(), b"mine".to_vec()));
    let cases: Vec<(&str, Files)> = vec![
        (
            "not-json",
            vec![
                ("manifest.json".into(), b"not json".to_vec()),
                ("thesis.tex".into(), b"precious".to_vec()),
            ],
        ),
        (
            "other-tool",
            vec![
                (
                    "manifest.json".into(),
                    br#"{"format":"other.tool","files":{}}"#.to_vec(),
                ),
                ("data.bin".into(), b"\x00\x01".to_vec()),
            ],
        ),
        ("snapshot-plus-notes", with_notes),
    ];
    for (name, files) in cases {
        let dir = env.path(name);
        std::fs::create_dir(&dir).unwrap();
        for (file, bytes) in &files {
            std::fs::write(dir.join(file), bytes).unwrap();
        }
        let before = contents(&dir);
        let runs = [
            env.collect(&dir, &[]),
            env.command("run", &dir, &["--report-dir", "reports"])
                .output()
                .unwrap(),
            Command::new(env!("CARGO_BIN_EXE_orgscan"))
                .args(["import-events", events.to_str().unwrap(), "--into"])
                .arg(&dir)
                .output()
                .unwrap(),
        ];
        for (o, sub) in runs.iter().zip(["collect", "run", "import-events"]) {
            assert_eq!(code(o), 2, "{name} {sub}: {}", stderr(o));
            assert!(
                stderr(o).contains("not an orgscan snapshot, refusing to replace"),
                "{name} {sub}: {}",
                stderr(o)
            );
            assert_eq!(contents(&dir), before, "{name} {sub}: nothing touched");
        }
    }
    // An empty directory is fine.
    let empty = env.path("empty");
    std::fs::create_dir(&empty).unwrap();
    assert_eq!(code(&env.collect(&empty, &[])), 0);
}

/// Waits until the server has seen `n` requests to the event stream.
fn wait_for_stream_requests(server: &FakeServer, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while server.requests_to("/events-stream") < n {
        assert!(
            Instant::now() < deadline,
            "the walk never reached request {n}"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// The snapshot's events as NDJSON (never empty here: every case collects events).
fn events_bytes(dir: &Path) -> String {
    let text = crate::support::stored_events(dir);
    assert!(!text.is_empty(), "{}: no events", dir.display());
    text
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_collection_resumes_to_what_an_uninterrupted_run_gives() {
    // 1 000 events, 50 a page: 20 pages and the empty one that ends the walk.
    let env = env(1000).await;
    let reference = env.path("reference");
    env.server.clear_log();
    let uninterrupted = env.collect(&reference, &[]);
    assert_eq!(code(&uninterrupted), 0, "{}", stderr(&uninterrupted));
    let total_requests = env.server.log().len();
    let stream_requests = env.server.requests_to("/events-stream");
    assert_eq!(stream_requests, 21);

    // Killed (SIGKILL) while the server holds request k+1: early, middle, and on the last
    // (empty) page.
    for k in [1usize, 10, 20] {
        let out = env.path(&format!("killed-{k}"));
        env.server.clear_log();
        env.server.inject(
            "/events-stream",
            k as u32,
            1,
            Fault::Delay(Duration::from_secs(5)),
        );
        let mut child = env
            .command("collect", &out, &[])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        wait_for_stream_requests(&env.server, k + 1);
        // The configuration collections (fast, not rate limited) are done by then.
        std::thread::sleep(Duration::from_millis(500));
        child.kill().unwrap();
        child.wait().unwrap();
        let before_kill = env.server.log().len();
        env.server.clear_faults();
        assert!(!out.exists(), "k={k}: no snapshot yet");
        let checkpoint = env.path(&format!(".killed-{k}.checkpoint"));
        assert!(checkpoint.is_dir(), "k={k}: {:?}", siblings(env.dir.path()));

        env.server.clear_log();
        let resumed = env.collect(&out, &[]);
        let text = stderr(&resumed);
        assert_eq!(code(&resumed), 0, "k={k}: {text}");
        assert!(
            text.contains("resuming an interrupted collection from")
                && text.contains(&format!("{} events", k * EVENTS_PAGE)),
            "k={k}: {text}"
        );
        assert!(
            !checkpoint.exists(),
            "k={k}: the checkpoint became the snapshot"
        );
        assert_eq!(events_bytes(&out), events_bytes(&reference), "k={k}");
        assert_eq!(counts(&out), counts(&reference), "k={k}");
        assert_eq!(
            manifest(&out)["collections"]["events"]["pages"],
            manifest(&reference)["collections"]["events"]["pages"],
            "k={k}"
        );
        // Only what was missing: the walk continues at page k+1.
        assert_eq!(
            env.server.requests_to("/events-stream"),
            stream_requests - k,
            "k={k}"
        );
        let after = env.server.log().len();
        assert!(
            after <= total_requests - before_kill + 2,
            "k={k}: {after} requests after the kill, {total_requests} uninterrupted, {before_kill} before"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_stops_cleanly_and_stale_checkpoints_are_removed() {
    let env = env(600).await;
    let reference = env.path("reference");
    assert_eq!(code(&env.collect(&reference, &[])), 0);

    let out = env.path("snap");
    env.server.clear_log();
    env.server
        .inject("/events-stream", 4, 1, Fault::Delay(Duration::from_secs(5)));
    let child = env
        .command("collect", &out, &[])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for_stream_requests(&env.server, 5);
    std::thread::sleep(Duration::from_millis(500));
    let term = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    let o = child.wait_with_output().unwrap();
    env.server.clear_faults();
    let text = stderr(&o);
    assert_eq!(code(&o), 143, "{text}");
    let checkpoint = env.path(".snap.checkpoint");
    assert!(
        text.contains("interrupted by SIGTERM")
            && text.contains(&checkpoint.display().to_string())
            && text.contains("200 events"),
        "{text}"
    );

    // A checkpoint of another orgscan version is removed with a message, and the run starts
    // over (the whole walk again).
    let record = checkpoint.join("checkpoint.json");
    let mut value: Value = serde_json::from_slice(&std::fs::read(&record).unwrap()).unwrap();
    value["tool_version"] = Value::String("0.0.0-other".into());
    std::fs::write(&record, serde_json::to_vec(&value).unwrap()).unwrap();
    env.server.clear_log();
    let rerun = env.collect(&out, &[]);
    let text = stderr(&rerun);
    assert_eq!(code(&rerun), 0, "{text}");
    assert!(
        text.contains(&format!("removed the checkpoint {}", checkpoint.display()))
            && text.contains("orgscan 0.0.0-other"),
        "{text}"
    );
    assert!(!text.contains("resuming"), "{text}");
    assert_eq!(
        env.server.requests_to("/events-stream"),
        600 / EVENTS_PAGE + 1
    );
    assert_eq!(events_bytes(&out), events_bytes(&reference));
    assert!(!checkpoint.exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_events_fallback_requeries_an_overlap_for_late_events() {
    let env = env(400).await;
    env.server.deny("/events-stream", 404);
    let first = env.path("first");
    assert_eq!(code(&env.collect(&first, &[])), 0);
    let first_to = manifest(&first)["event_window"]["to"]
        .as_str()
        .unwrap()
        .to_string();
    let horizon = &manifest(&first)["collections"]["events"]["lateness_horizon"];
    assert_eq!(horizon["overlap_seconds"], 86_400);
    assert!(
        horizon.get("requeried_from").is_none(),
        "a first run re-queries nothing"
    );

    // Events processed late: their time is 3 h before the first run's end, but they become
    // visible only now. Plus two on time.
    let end = chrono::DateTime::parse_from_rfc3339(&first_to)
        .unwrap()
        .with_timezone(&Utc);
    env.server.add_events(
        5,
        end - ChronoDuration::hours(3),
        ChronoDuration::minutes(1),
    );
    env.server.add_events(
        2,
        end + ChronoDuration::milliseconds(1),
        ChronoDuration::zero(),
    );

    // With a 1 h overlap the late ones are missed (the horizon says so)...
    let short = env.path("short");
    let o = env.collect(
        &short,
        &[
            "--resume-from",
            first.to_str().unwrap(),
            "--late-overlap",
            "1h",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let m = manifest(&short);
    assert_eq!(
        m["collections"]["events"]["lateness_horizon"]["overlap_seconds"],
        3_600
    );
    let since: chrono::DateTime<Utc> = chrono::NaiveDate::parse_from_str(&env.since, "%Y-%m-%d")
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc();
    let all = env.server.expected_event_ids(since);
    let ids = |dir: &Path| -> Vec<String> { crate::support::stored_event_ids(dir) };
    assert_eq!(ids(&short).len(), all.len() - 5);

    // ...with the default 24 h they are in, each once, and the re-queried start is recorded.
    let second = env.path("second");
    let o = env.collect(&second, &["--resume-from", first.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(ids(&second), all);
    let m = manifest(&second);
    let horizon = &m["collections"]["events"]["lateness_horizon"];
    assert_eq!(horizon["overlap_seconds"], 86_400);
    let requeried =
        chrono::DateTime::parse_from_rfc3339(horizon["requeried_from"].as_str().unwrap())
            .unwrap()
            .with_timezone(&Utc);
    assert_eq!(requeried, end - ChronoDuration::hours(24));

    let bad = env.collect(&env.path("x"), &["--late-overlap", "soon"]);
    assert_eq!(code(&bad), 2);
    assert!(stderr(&bad).contains("--late-overlap"), "{}", stderr(&bad));
}
