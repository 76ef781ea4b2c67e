//! Times `orgscan import-events` on a generated export and prints a table:
//!
//! `cargo build --release && cargo run --release --example import_bench -- --count 1000000`
//!
//! Writes `--count` real-shape audit events (the demo generator, seeded) as NDJSON under `--dir`
//! (default `target/import-bench`), and the same export compressed as each of `--inputs`
//! (default `ndjson,zst`; also `gz`); imports each into a new snapshot (events stored in the
//! default form) with the release `orgscan` beside this example (or `--orgscan PATH`) under
//! `/usr/bin/time -v`, and prints one row per input: events, input bytes, wall and CPU seconds,
//! peak RSS, events/s (wall and CPU) and the stored bytes per event. `--into-existing` then
//! imports a second, overlapping export into the last snapshot (the interleaved merge). Files
//! are removed afterwards unless `--keep`.

use orgscan::demo::json::{utc_ms, MS_PER_DAY};
use orgscan::demo::{EventGenerator, GeneratorConfig};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

fn main() {
    if let Err(message) = run() {
        eprintln!("import_bench: {message}");
        std::process::exit(2);
    }
}

struct Measured {
    wall: f64,
    user: f64,
    system: f64,
    peak_kb: u64,
}

/// Runs `orgscan` under `/usr/bin/time -v` and reads its report.
fn timed(orgscan: &Path, args: &[&str]) -> Result<Measured, String> {
    let started = Instant::now();
    let out = Command::new("/usr/bin/time")
        .arg("-v")
        .arg(orgscan)
        .args(args)
        .output()
        .map_err(|e| format!("/usr/bin/time: {e} (install the `time` package)"))?;
    let wall = started.elapsed().as_secs_f64();
    let report = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        return Err(format!("orgscan failed: {report}"));
    }
    let field = |name: &str| -> Result<f64, String> {
        report
            .lines()
            .find_map(|l| l.trim().strip_prefix(name))
            .and_then(|v| v.trim().parse::<f64>().ok())
            .ok_or_else(|| format!("no {name:?} in the time report"))
    };
    Ok(Measured {
        wall,
        user: field("User time (seconds):")?,
        system: field("System time (seconds):")?,
        peak_kb: field("Maximum resident set size (kbytes):")? as u64,
    })
}

#[derive(Clone, Copy, PartialEq)]
enum Input {
    Ndjson,
    Zst,
    Gz,
}

impl Input {
    fn parse(name: &str) -> Result<Input, String> {
        match name {
            "ndjson" => Ok(Input::Ndjson),
            "zst" | "zstd" => Ok(Input::Zst),
            "gz" | "gzip" => Ok(Input::Gz),
            other => Err(format!("--inputs: unknown {other:?} (ndjson, zst, gz)")),
        }
    }

    fn file_name(self) -> &'static str {
        match self {
            Input::Ndjson => "export.ndjson",
            Input::Zst => "export.ndjson.zst",
            Input::Gz => "export.ndjson.gz",
        }
    }
}

/// The plain export compressed as `input` into `path` (zstd level 3, gzip fast).
fn compress(plain: &Path, input: Input, path: &Path) -> Result<(), String> {
    let fail = |e: std::io::Error| format!("{}: {e}", path.display());
    let mut from = std::fs::File::open(plain).map_err(|e| format!("{}: {e}", plain.display()))?;
    let to = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(path).map_err(fail)?);
    match input {
        Input::Ndjson => return Err("no compression to apply".into()),
        Input::Zst => {
            let mut enc = zstd::stream::write::Encoder::new(to, 3).map_err(fail)?;
            std::io::copy(&mut from, &mut enc).map_err(fail)?;
            enc.finish().map_err(fail)?.flush().map_err(fail)?;
        }
        Input::Gz => {
            let mut enc = flate2::write::GzEncoder::new(to, flate2::Compression::fast());
            std::io::copy(&mut from, &mut enc).map_err(fail)?;
            enc.finish().map_err(fail)?.flush().map_err(fail)?;
        }
    }
    Ok(())
}

fn write_export(path: &Path, seed: u64, count: u64, days: i64) -> Result<u64, String> {
    let end = utc_ms(2026, 11, 20, 12, 0, 0);
    let config = GeneratorConfig::synthetic(seed, 2_000, end - days * MS_PER_DAY, end);
    let generator = EventGenerator::new(&config);
    let file = std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut file = std::io::BufWriter::with_capacity(1 << 20, file);
    let fail = |e: std::io::Error| format!("{}: {e}", path.display());
    let bytes = generator.write_ndjson(&mut file, count).map_err(fail)?;
    file.flush().map_err(fail)?;
    Ok(bytes)
}

/// `events/CPU-s` is what the wall rate would be on one free core: on a machine shared with
/// other work the wall time measures the others too, the CPU time only the import.
const HEADER: &str = "| import | events | input bytes | wall s | CPU s (user+sys) | peak RSS MB | events/s | events/CPU-s | stored bytes/event |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|";

/// Bytes of the snapshot's events file (the default, compressed form).
fn stored_bytes(snap: &Path) -> u64 {
    std::fs::metadata(snap.join("events.ndjson.zst")).map_or(0, |m| m.len())
}

fn row(label: &str, events: u64, input_bytes: u64, m: &Measured, stored: u64) {
    println!(
        "| {label} | {events} | {input_bytes} | {:.2} | {:.2} ({:.2}+{:.2}) | {:.1} | {:.0} | {:.0} | {:.1} |",
        m.wall,
        m.user + m.system,
        m.user,
        m.system,
        m.peak_kb as f64 / 1024.0,
        events as f64 / m.wall.max(1e-9),
        events as f64 / (m.user + m.system).max(1e-9),
        stored as f64 / events.max(1) as f64,
    );
}

fn run() -> Result<(), String> {
    let mut count: u64 = 1_000_000;
    let mut dir = PathBuf::from("target/import-bench");
    let mut inputs = vec![Input::Ndjson, Input::Zst];
    let mut keep = false;
    let mut into_existing = false;
    let mut orgscan: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--count" => {
                count = value()?
                    .replace('_', "")
                    .parse()
                    .map_err(|e| format!("--count: {e}"))?
            }
            "--dir" => dir = PathBuf::from(value()?),
            "--orgscan" => orgscan = Some(PathBuf::from(value()?)),
            "--inputs" => {
                inputs = value()?
                    .split(',')
                    .map(|n| Input::parse(n.trim()))
                    .collect::<Result<_, _>>()?
            }
            "--keep" => keep = true,
            "--into-existing" => into_existing = true,
            "-h" | "--help" => {
                eprintln!("usage: import_bench [--count N] [--dir DIR] [--inputs ndjson,zst,gz] [--into-existing] [--orgscan PATH] [--keep]");
                return Ok(());
            }
            other => return Err(format!("unknown argument {other:?} (try --help)")),
        }
    }
    let orgscan = match orgscan {
        Some(p) => p,
        None => std::env::current_exe()
            .map_err(|e| e.to_string())?
            .parent()
            .and_then(Path::parent)
            .map(|release| release.join("orgscan"))
            .ok_or("cannot find the orgscan binary; pass --orgscan PATH")?,
    };
    if !orgscan.is_file() {
        return Err(format!(
            "{} not found: run `cargo build --release` first, or pass --orgscan PATH",
            orgscan.display()
        ));
    }
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let plain = dir.join(Input::Ndjson.file_name());
    let snap = dir.join("snap");
    let _ = std::fs::remove_dir_all(&snap);

    let started = Instant::now();
    let bytes = write_export(&plain, 1, count, 30)?;
    println!(
        "export: {count} events, {bytes} bytes of NDJSON ({:.0} bytes/event), written in {:.1} s; load average {}",
        bytes as f64 / count.max(1) as f64,
        started.elapsed().as_secs_f64(),
        std::fs::read_to_string("/proc/loadavg")
            .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
            .unwrap_or_default()
    );
    let snap_arg = snap.to_string_lossy().into_owned();
    let mut made = Vec::new();
    println!("{HEADER}");
    for input in &inputs {
        let export = dir.join(input.file_name());
        if *input != Input::Ndjson {
            compress(&plain, *input, &export)?;
            made.push(export.clone());
        }
        let on_disk = std::fs::metadata(&export).map(|m| m.len()).unwrap_or(0);
        let _ = std::fs::remove_dir_all(&snap);
        let export_arg = export.to_string_lossy().into_owned();
        let m = timed(
            &orgscan,
            &[
                "import-events",
                &export_arg,
                "--into",
                &snap_arg,
                "--org",
                "org-bench",
                "-q",
            ],
        )?;
        row(input.file_name(), count, on_disk, &m, stored_bytes(&snap));
    }
    let export = plain.clone();

    if into_existing {
        // A second export: a tenth of the count, half of it already in the snapshot.
        let second = dir.join("second.ndjson");
        let extra = (count / 10).max(1);
        write_export(&second, 1, extra / 2, 30)?;
        let more = dir.join("more.ndjson");
        write_export(&more, 2, extra - extra / 2, 60)?;
        let (second_arg, more_arg) = (
            second.to_string_lossy().into_owned(),
            more.to_string_lossy().into_owned(),
        );
        let m = timed(
            &orgscan,
            &[
                "import-events",
                &second_arg,
                &more_arg,
                "--into",
                &snap_arg,
                "-q",
            ],
        )?;
        let input_bytes = [&second, &more]
            .iter()
            .map(|f| std::fs::metadata(f).map(|m| m.len()).unwrap_or(0))
            .sum();
        println!("{HEADER}");
        row(
            &format!("{extra} interleaved into {count}"),
            count + extra,
            input_bytes,
            &m,
            stored_bytes(&snap),
        );
        for f in [&second, &more] {
            let _ = std::fs::remove_file(f);
        }
    }
    if !keep {
        let _ = std::fs::remove_file(&export);
        for f in made {
            let _ = std::fs::remove_file(f);
        }
        let _ = std::fs::remove_dir_all(&snap);
    }
    Ok(())
}
