//! Writes seeded synthetic audit events as NDJSON and reports the throughput, for benchmarks:
//!
//! `cargo run --release --example gen_events -- --count 10000000 --out events.ndjson`
//!
//! Options: `--count N` (default 1,000,000), `--out FILE` (default stdout; `-` = stdout),
//! `--seed S` (default 1), `--actors N` (default 2,000), `--days D` (default 30, ending at the
//! demo's collection time).

use orgscan::demo::json::{utc_ms, MS_PER_DAY};
use orgscan::demo::{EventGenerator, GeneratorConfig};
use std::io::Write;
use std::time::Instant;

fn main() {
    if let Err(message) = run() {
        eprintln!("gen_events: {message}");
        std::process::exit(2);
    }
}

fn run() -> Result<(), String> {
    let mut count: u64 = 1_000_000;
    let mut out: Option<String> = None;
    let mut seed: u64 = 1;
    let mut actors: usize = 2_000;
    let mut days: i64 = 30;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        let number = |v: String| {
            v.replace('_', "")
                .parse::<u64>()
                .map_err(|e| format!("{flag}: {e}"))
        };
        match flag.as_str() {
            "--count" => count = number(value()?)?,
            "--out" => out = Some(value()?),
            "--seed" => seed = number(value()?)?,
            "--actors" => actors = number(value()?)? as usize,
            "--days" => days = number(value()?)?.max(1) as i64,
            "-h" | "--help" => {
                eprintln!(
                    "usage: gen_events [--count N] [--out FILE] [--seed S] [--actors N] [--days D]"
                );
                return Ok(());
            }
            other => return Err(format!("unknown argument {other:?} (try --help)")),
        }
    }
    let end = utc_ms(2026, 11, 20, 12, 0, 0);
    let config = GeneratorConfig::synthetic(seed, actors, end - days * MS_PER_DAY, end);
    let generator = EventGenerator::new(&config);
    let started = Instant::now();
    let bytes = match out.as_deref() {
        None | Some("-") => {
            let stdout = std::io::stdout();
            let mut lock = stdout.lock();
            let n = generator.write_ndjson(&mut lock, count);
            lock.flush().map_err(|e| e.to_string())?;
            n
        }
        Some(path) => {
            let file = std::fs::File::create(path).map_err(|e| format!("{path}: {e}"))?;
            let mut file = std::io::BufWriter::with_capacity(1 << 20, file);
            let n = generator.write_ndjson(&mut file, count);
            file.flush().map_err(|e| format!("{path}: {e}"))?;
            n
        }
    };
    let bytes = match bytes {
        Ok(n) => n,
        // A closed pipe (`| head`) is the reader's choice, not a failure.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(()),
        Err(e) => return Err(e.to_string()),
    };
    let seconds = started.elapsed().as_secs_f64().max(1e-9);
    eprintln!(
        "{count} events, {bytes} bytes ({:.0} bytes/event) in {seconds:.2} s: {:.0} events/s, {:.0} MB/s",
        bytes as f64 / count.max(1) as f64,
        count as f64 / seconds,
        bytes as f64 / seconds / 1e6
    );
    Ok(())
}
