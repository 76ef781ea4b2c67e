//! Collection speed against the rate-limit floor.
//!
//!     cargo run --release --example collect_bench -- [--events N] [--new K] [--scale S]
//!
//! Starts the fake Atlassian admin API (tests/it/support/fake_atlassian.rs) with production limits
//! scaled in time (`--scale 60`: a production minute lasts one second; events endpoints 10
//! requests per window and per path, every other path 100), collects a whole org, then adds `K`
//! events and collects again with `--resume-from`. Prints, per run: requests, the rate-limit
//! floor, the actual wall time, their ratio, 429s, and for the incremental run the number of
//! event requests against ⌈K ÷ page size⌉ + 1.
//!
//! The floor is, for each URL path, (⌈requests ÷ limit⌉ − 1) windows (the fake's windows start
//! at a path's first request), and the largest of those over all paths, since independent
//! paths run concurrently.

// Test support code: `pub` for the tests' modules, and it may unwrap (Cargo.toml [lints]).
#[allow(unreachable_pub, clippy::unwrap_used)]
#[path = "../tests/it/support/fake_atlassian.rs"]
mod fake_atlassian;

use chrono::{Duration as ChronoDuration, Utc};
use fake_atlassian::{Dataset, FakeConfig, FakeServer, Logged};
use orgscan::collect::ratelimit::RateLimitConfig;
use orgscan::collect::{collect, ApiKey, CollectConfig, CollectOutcome};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

const ORG: &str = "bench-org";
const KEY: &str = "bench-key";
const EVENTS_PAGE: usize = 500;

struct Options {
    events: usize,
    new: usize,
    users: usize,
    scale: f64,
    verbose: bool,
}

fn options() -> Options {
    let mut o = Options {
        events: 25_000,
        new: 1_234,
        users: 2_000,
        scale: 60.0,
        verbose: false,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        if args[i] == "--verbose" {
            o.verbose = true;
            i += 1;
            continue;
        }
        let value = args.get(i + 1).cloned().unwrap_or_default();
        match args[i].as_str() {
            "--events" => o.events = value.parse().unwrap_or(o.events),
            "--new" => o.new = value.parse().unwrap_or(o.new),
            "--users" => o.users = value.parse().unwrap_or(o.users),
            "--scale" => o.scale = value.parse().unwrap_or(o.scale),
            other => {
                eprintln!("unknown argument {other}; use --events N --new K --users U --scale S --verbose");
                std::process::exit(2);
            }
        }
        i += 2;
    }
    o
}

/// The rate-limit floor of the requests in `log`, with each path's limit.
fn floor(log: &[Logged], config: &FakeConfig) -> (Duration, u64) {
    let mut per_path: BTreeMap<&str, u64> = BTreeMap::new();
    for l in log {
        *per_path.entry(l.path.as_str()).or_insert(0) += 1;
    }
    let window = config.window();
    let worst = per_path
        .iter()
        .map(|(path, &n)| {
            let limit = if path.ends_with("/events") || path.ends_with("/events-stream") {
                config.events_limit
            } else {
                config.default_limit
            } as u64;
            window * (n.div_ceil(limit).saturating_sub(1)) as u32
        })
        .max()
        .unwrap_or_default();
    (worst, log.len() as u64)
}

fn report(
    name: &str,
    outcome: &CollectOutcome,
    log: &[Logged],
    config: &FakeConfig,
    wall: Duration,
) {
    let (floor, requests) = floor(log, config);
    let too_many = log.iter().filter(|l| l.status == 429).count();
    let ratio = if floor.is_zero() {
        "n/a (no wait needed)".to_string()
    } else {
        format!("{:.3}", wall.as_secs_f64() / floor.as_secs_f64())
    };
    println!("{name}:");
    println!("  requests       {requests}");
    println!("  floor          {:.3} s", floor.as_secs_f64());
    println!("  actual         {:.3} s", wall.as_secs_f64());
    println!("  ratio          {ratio}");
    println!("  429s           {too_many}");
    println!(
        "  events         {} in snapshot, {} new",
        outcome.events_total, outcome.events_new
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let o = options();
    let mut fc = FakeConfig::new(ORG, KEY);
    fc.time_scale = o.scale;
    fc.v2_max_page = 100;
    let now = Utc::now();
    let span = ChronoDuration::days(20);
    let step = ChronoDuration::milliseconds(span.num_milliseconds() / o.events.max(1) as i64);
    let data = Dataset::generate(ORG, o.users, 200, o.events, now - span, step);
    let server = FakeServer::start(fc.clone(), data).await;
    println!(
        "fake admin API: production limits at 1/{} time (window {:.3} s; events {} per window per path, others {})",
        o.scale,
        fc.window().as_secs_f64(),
        fc.events_limit,
        fc.default_limit
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let config = |out: &std::path::Path| {
        let url = reqwest::Url::parse(&server.base_url).expect("url");
        let mut c = CollectConfig::new(ORG, out, url, ApiKey::new(KEY).expect("key"));
        c.client.rate_limit = RateLimitConfig::documented(o.scale);
        if o.verbose {
            // Request lines with the time since the start, to see where time goes.
            let t0 = Instant::now();
            c.log = Some(std::sync::Arc::new(move |line: &str| {
                eprintln!("{:8.3} {line}", t0.elapsed().as_secs_f64())
            }));
        }
        c
    };

    let started = Instant::now();
    let full = collect(config(&dir.path().join("full")))
        .await
        .expect("collect");
    let wall = started.elapsed();
    let log = server.log();
    report("full collection", &full, &log, &fc, wall);

    // A new client cannot know how much of a window an earlier run used: start the
    // incremental run in a fresh window, as a scheduled run would.
    tokio::time::sleep(fc.window()).await;
    server.add_events(
        o.new,
        Utc::now() - ChronoDuration::hours(1),
        ChronoDuration::seconds(1),
    );
    server.clear_log();
    let mut c = config(&dir.path().join("incremental"));
    c.resume_from = Some(full.snapshot.clone());
    let started = Instant::now();
    let incremental = collect(c).await.expect("collect");
    let wall = started.elapsed();
    let log = server.log();
    report(
        "incremental collection (--resume-from)",
        &incremental,
        &log,
        &fc,
        wall,
    );
    let event_requests = log
        .iter()
        .filter(|l| l.path.ends_with("/events-stream"))
        .count();
    println!(
        "  event requests {event_requests} (expected ⌈{} ÷ {EVENTS_PAGE}⌉ + 1 = {})",
        o.new,
        o.new.div_ceil(EVENTS_PAGE) + 1
    );
    let ok = incremental.events_new == o.new as u64
        && event_requests == o.new.div_ceil(EVENTS_PAGE) + 1
        && incremental.events_total == full.events_total + o.new as u64;
    if !ok {
        eprintln!("incremental run did not fetch exactly the new events");
        std::process::exit(1);
    }
}
