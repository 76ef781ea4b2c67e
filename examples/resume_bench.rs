//! Requests a resumed collection makes after a kill (issue 11: ≤ uninterrupted − before the
//! kill + 2), and that its snapshot equals an uninterrupted one.
//!
//!     cargo build --bin orgscan && cargo run --example resume_bench -- [--events N] [--scale S]
//!
//! Starts the fake Atlassian admin API (tests/it/support/fake_atlassian.rs) with N events (default
//! 100 000, 500 a page), runs the real `orgscan collect` binary (ORGSCAN_BIN, else
//! target/release/orgscan, else target/debug/orgscan) once uninterrupted, then again with the
//! server holding the middle page of the event walk until the binary is killed with SIGKILL,
//! then once more to resume. Prints the request counts, the bound and the wall times.

// Test support code: `pub` for the tests' modules, and it may unwrap (Cargo.toml [lints]).
#[allow(unreachable_pub, clippy::unwrap_used)]
#[path = "../tests/it/support/fake_atlassian.rs"]
mod fake_atlassian;

use chrono::{Duration as ChronoDuration, Utc};
use fake_atlassian::{Dataset, FakeConfig, FakeServer, Fault};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const ORG: &str = "bench-org";
const KEY: &str = "bench-key";
const EVENTS_PAGE: usize = 500;

fn binary() -> PathBuf {
    if let Ok(path) = std::env::var("ORGSCAN_BIN") {
        return PathBuf::from(path);
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("target");
    let release = root.join("release/orgscan");
    if release.exists() {
        release
    } else {
        root.join("debug/orgscan")
    }
}

fn option(name: &str, default: f64) -> f64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn command(bin: &Path, server: &FakeServer, out: &Path, key: &Path, since: &str) -> Command {
    let mut c = Command::new(bin);
    c.args(["collect", "--org", ORG, "--out"])
        .arg(out)
        .args(["--api-url", &server.base_url, "--api-key-file"])
        .arg(key)
        .args(["--since", since, "-q"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .env_remove("ATLASSIAN_API_KEY");
    c
}

fn counts(dir: &Path) -> String {
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).expect("manifest"))
            .expect("manifest JSON");
    m["files"]
        .as_object()
        .map(|files| {
            files
                .iter()
                .map(|(k, v)| format!("{k}={}", v["records"]))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let events = option("--events", 100_000.0) as usize;
    let scale = option("--scale", 600.0);
    let bin = binary();
    let mut fc = FakeConfig::new(ORG, KEY);
    fc.time_scale = scale;
    let now = Utc::now();
    let span = ChronoDuration::days(20);
    let step = ChronoDuration::milliseconds(span.num_milliseconds() / events.max(1) as i64);
    let data = Dataset::generate(ORG, 500, 50, events, now - span, step);
    let server = FakeServer::start(fc, data).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let key = dir.path().join("key");
    std::fs::write(&key, KEY).expect("key file");
    let since = (now - ChronoDuration::days(30))
        .format("%Y-%m-%d")
        .to_string();
    println!(
        "binary {}; {events} events, {EVENTS_PAGE} a page; fake API at 1/{scale} time",
        bin.display()
    );

    let run = |out: &Path| {
        let started = Instant::now();
        let o = command(&bin, &server, out, &key, &since)
            .output()
            .expect("run orgscan");
        (o, started.elapsed())
    };

    let reference = dir.path().join("reference");
    server.clear_log();
    let (o, wall) = run(&reference);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let uninterrupted = server.log().len();
    let stream = server.requests_to("/events-stream");
    println!(
        "uninterrupted: {uninterrupted} requests ({stream} to /events-stream), {:.2} s",
        wall.as_secs_f64()
    );

    // Hold the middle page until the kill.
    let middle = stream / 2;
    let out = dir.path().join("snap");
    server.clear_log();
    server.inject(
        "/events-stream",
        middle as u32,
        1,
        Fault::Delay(Duration::from_secs(60)),
    );
    let started = Instant::now();
    let mut child = command(&bin, &server, &out, &key, &since)
        .spawn()
        .expect("spawn orgscan");
    while server.requests_to("/events-stream") <= middle {
        std::thread::sleep(Duration::from_millis(5));
    }
    std::thread::sleep(Duration::from_millis(500));
    child.kill().expect("SIGKILL");
    let _ = child.wait();
    let before_kill = server.log().len();
    server.clear_faults();
    println!(
        "killed (SIGKILL) on /events-stream request {}: {before_kill} requests before the kill, {:.2} s",
        middle + 1,
        started.elapsed().as_secs_f64()
    );

    server.clear_log();
    let (o, wall) = run(&out);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let resumed = server.log().len();
    let bound = uninterrupted - before_kill + 2;
    println!(
        "resumed: {resumed} requests ({} to /events-stream), {:.2} s",
        server.requests_to("/events-stream"),
        wall.as_secs_f64()
    );
    println!(
        "bound: {uninterrupted} - {before_kill} + 2 = {bound}: {}",
        if resumed <= bound { "met" } else { "EXCEEDED" }
    );
    let same_events = std::fs::read(out.join("events.ndjson")).ok()
        == std::fs::read(reference.join("events.ndjson")).ok();
    let same_counts = counts(&out) == counts(&reference);
    println!(
        "events.ndjson identical to the uninterrupted run: {same_events}; manifest counts identical: {same_counts} ({})",
        counts(&out)
    );
    if resumed > bound || !same_events || !same_counts {
        std::process::exit(1);
    }
}
