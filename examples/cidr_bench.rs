//! Benchmark of a declared fact with an IP list (issue 16 item 3): the event pass over N
//! synthetic events with one `values` fact filtered by `ip_not_in` a list of M random CIDR
//! blocks, against the same pass with the same fact and no list. Goal: within 10% of the
//! no-list time at 10^6 events × 10^5 blocks. Also times the lookups alone, through the merged
//! table and by testing every block in turn (what `prepare/cidr.rs` did before), on a sample.
//!
//! `cargo run --release --example cidr_bench -- --events 1000000 --cidrs 100000`
//!
//! The events file is generated once into `bench-out/cidr-events-N.ndjson` and reused.

use orgscan::demo::json::MS_PER_DAY;
use orgscan::demo::{EventGenerator, GeneratorConfig, COLLECTED_AT_MS};
use orgscan::prepare::actionsets::ActionSets;
use orgscan::prepare::cidr::CidrList;
use orgscan::prepare::events::{scan_source, ScanPlan};
use orgscan::prepare::facts::{parse_specs, SnapshotRefs, SpecState};
use orgscan::snapshot::EventSource;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

fn main() {
    if let Err(e) = run() {
        eprintln!("cidr_bench: {e}");
        std::process::exit(2);
    }
}

/// xorshift64: seeded, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn run() -> Result<(), String> {
    let mut events: u64 = 1_000_000;
    let mut cidrs: usize = 100_000;
    let mut threads: usize = 2;
    let mut runs: usize = 3;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let n = |v: &str| {
            v.replace('_', "")
                .parse::<u64>()
                .map_err(|e| format!("{flag}: {e}"))
        };
        match flag.as_str() {
            "--events" => events = n(&value)?,
            "--cidrs" => cidrs = n(&value)? as usize,
            "--threads" => threads = n(&value)? as usize,
            "--runs" => runs = n(&value)?.max(1) as usize,
            other => return Err(format!("unknown argument {other}")),
        }
    }
    let out = PathBuf::from("bench-out");
    std::fs::create_dir_all(&out).map_err(|e| e.to_string())?;
    let events_path = out.join(format!("cidr-events-{events}.ndjson"));
    if !events_path.is_file() {
        write_events(&events_path, events)?;
    }
    let list_path = out.join(format!("cidr-list-{cidrs}.txt"));
    let blocks = write_list(&list_path, cidrs)?;

    let source = EventSource::File(events_path.clone());
    let no_list = json!({"kind": "values", "actions": ["*"], "value": "ip"});
    let with_list = json!({"kind": "values", "actions": ["*"], "value": "ip",
        "where": {"ip_not_in": format!("@{}", list_path.display())}});
    println!(
        "events {events}, list {cidrs} blocks, {threads} parser threads, best of {runs}; load average {}",
        std::fs::read_to_string("/proc/loadavg").unwrap_or_default().split(' ').take(3).collect::<Vec<_>>().join(" ")
    );
    println!("{:<28} {:>9} {:>12}", "pass", "wall_s", "events/s");
    let base = best_of(runs, || pass(&source, &no_list, threads))?;
    println!(
        "{:<28} {:>9.3} {:>12.0}",
        "values, no list",
        base.0,
        events as f64 / base.0
    );
    let listed = best_of(runs, || pass(&source, &with_list, threads))?;
    println!(
        "{:<28} {:>9.3} {:>12.0}",
        format!("values, ip_not_in {cidrs}"),
        listed.0,
        events as f64 / listed.0
    );
    if base.1 != listed.1 {
        println!("(items: {} without the list, {} with it)", base.1, listed.1);
    }
    println!("ratio with list / without: {:.3}", listed.0 / base.0);

    // The lookups alone, on a sample of addresses.
    let mut list = CidrList::default();
    list.add_file(&list_path.display().to_string())?;
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let sample: Vec<String> = (0..10_000)
        .map(|_| std::net::Ipv4Addr::from((rng.next() >> 32) as u32).to_string())
        .collect();
    let started = Instant::now();
    let table_hits = sample.iter().filter(|ip| list.contains(ip)).count();
    let table_s = started.elapsed().as_secs_f64();
    let nets: Vec<ipnet::IpNet> = blocks.iter().filter_map(|b| b.parse().ok()).collect();
    let linear_sample = &sample[..1_000];
    let started = Instant::now();
    let linear_hits = linear_sample
        .iter()
        .filter(|ip| {
            ip.parse::<std::net::IpAddr>()
                .is_ok_and(|a| nets.iter().any(|n| n.contains(&a)))
        })
        .count();
    let linear_s = started.elapsed().as_secs_f64();
    println!(
        "lookup, merged table: {:.3} µs each ({table_hits} of {} held; includes the first lookup's merge)",
        table_s * 1e6 / sample.len() as f64,
        sample.len()
    );
    println!(
        "lookup, every block:  {:.3} µs each ({linear_hits} of {} held) -> {:.1} s per 10^6 events",
        linear_s * 1e6 / linear_sample.len() as f64,
        linear_sample.len(),
        linear_s * 1e6 / linear_sample.len() as f64
    );
    Ok(())
}

fn best_of(runs: usize, mut f: impl FnMut() -> Result<u64, String>) -> Result<(f64, u64), String> {
    let mut best = f64::INFINITY;
    let mut items = 0;
    for _ in 0..runs {
        let started = Instant::now();
        items = f()?;
        best = best.min(started.elapsed().as_secs_f64());
    }
    Ok((best, items))
}

/// One event pass with one fact; returns its item count (so both passes do comparable work).
fn pass(source: &EventSource, spec: &Value, threads: usize) -> Result<u64, String> {
    let allowlist = CidrList::default();
    let refs = SnapshotRefs {
        ip_allowlist: &allowlist,
        known_set: &|_| false,
        attested_at: None,
        inactive_users: &[],
    };
    let controls: BTreeMap<String, Value> =
        [("BENCH".to_string(), json!({"facts": {"f": spec}}))].into();
    let (specs, errors) = parse_specs(&controls, &refs);
    if let Some(e) = errors.first() {
        return Err(e.to_string());
    }
    let plan = ScanPlan {
        wanted: Default::default(),
        specs: specs.into_iter().map(SpecState::new).collect(),
        sets: ActionSets::resolve(None),
    };
    let facts =
        scan_source(source, plan, threads, None, &Default::default()).map_err(|e| e.to_string())?;
    Ok(facts
        .declared
        .take("BENCH")
        .and_then(|f| f["f"]["total"].as_u64())
        .unwrap_or_default())
}

fn write_events(path: &Path, count: u64) -> Result<(), String> {
    let end = COLLECTED_AT_MS;
    let config = GeneratorConfig::synthetic(7, 2_000, end - 30 * MS_PER_DAY, end);
    let generator = EventGenerator::new(&config);
    let file = std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
    generator
        .write_ndjson(&mut w, count)
        .map_err(|e| e.to_string())?;
    w.flush().map_err(|e| e.to_string())
}

/// M random blocks, mostly IPv4 /16../32 as threat lists hold, one in ten IPv6.
fn write_list(path: &Path, count: usize) -> Result<Vec<String>, String> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut blocks = Vec::with_capacity(count);
    for i in 0..count {
        let r = rng.next();
        if i % 10 == 9 {
            let addr = std::net::Ipv6Addr::from(u128::from(r) << 64 | 0x2001_0db8 << 96);
            blocks.push(format!("{addr}/{}", 48 + r % 81));
        } else {
            let addr = std::net::Ipv4Addr::from((r >> 32) as u32);
            blocks.push(format!("{addr}/{}", 16 + r % 17));
        }
    }
    std::fs::write(path, blocks.join("\n") + "\n").map_err(|e| e.to_string())?;
    Ok(blocks)
}
