//! Times `orgscan import-events` on a generated export and prints the numbers:
//!
//! `cargo build --release && cargo run --release --example import_bench -- --count 1000000`
//!
//! Writes `--count` real-shape audit events (the demo generator, seeded) as NDJSON (`--gzip`:
//! gzip-compressed) under `--dir` (default `target/import-bench`), imports them into a new
//! snapshot with the release `orgscan` beside this example (or `--orgscan PATH`) under
//! `/usr/bin/time -v`, and prints events/s, wall and CPU seconds and peak RSS. `--into-existing`
//! imports a second, overlapping export into that snapshot (the interleaved merge). Files are
//! removed afterwards unless `--keep`.

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

fn write_export(path: &Path, seed: u64, count: u64, gzip: bool, days: i64) -> Result<u64, String> {
    let end = utc_ms(2026, 11, 20, 12, 0, 0);
    let config = GeneratorConfig::synthetic(seed, 2_000, end - days * MS_PER_DAY, end);
    let generator = EventGenerator::new(&config);
    let file = std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let file = std::io::BufWriter::with_capacity(1 << 20, file);
    let fail = |e: std::io::Error| format!("{}: {e}", path.display());
    if gzip {
        let mut enc = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
        let bytes = generator.write_ndjson(&mut enc, count).map_err(fail)?;
        enc.finish().map_err(fail)?.flush().map_err(fail)?;
        Ok(bytes)
    } else {
        let mut file = file;
        let bytes = generator.write_ndjson(&mut file, count).map_err(fail)?;
        file.flush().map_err(fail)?;
        Ok(bytes)
    }
}

fn report(label: &str, events: u64, m: &Measured) {
    println!(
        "{label}: {events} events in {:.2} s wall: {:.0} events/s; CPU {:.2} s user + {:.2} s system; peak RSS {:.1} MB",
        m.wall,
        events as f64 / m.wall.max(1e-9),
        m.user,
        m.system,
        m.peak_kb as f64 / 1024.0
    );
}

fn run() -> Result<(), String> {
    let mut count: u64 = 1_000_000;
    let mut dir = PathBuf::from("target/import-bench");
    let mut gzip = false;
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
            "--gzip" => gzip = true,
            "--keep" => keep = true,
            "--into-existing" => into_existing = true,
            "-h" | "--help" => {
                eprintln!("usage: import_bench [--count N] [--dir DIR] [--gzip] [--into-existing] [--orgscan PATH] [--keep]");
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
    let export = dir.join(if gzip {
        "events.ndjson.gz"
    } else {
        "events.ndjson"
    });
    let snap = dir.join("snap");
    let _ = std::fs::remove_dir_all(&snap);

    let started = Instant::now();
    let bytes = write_export(&export, 1, count, gzip, 30)?;
    let on_disk = std::fs::metadata(&export).map(|m| m.len()).unwrap_or(0);
    println!(
        "export: {count} events, {bytes} bytes of NDJSON ({:.0} bytes/event), {on_disk} bytes on disk, written in {:.1} s",
        bytes as f64 / count.max(1) as f64,
        started.elapsed().as_secs_f64()
    );
    let export_arg = export.to_string_lossy().into_owned();
    let snap_arg = snap.to_string_lossy().into_owned();
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
    report("import into a new snapshot", count, &m);

    if into_existing {
        // A second export: a tenth of the count, half of it already in the snapshot.
        let second = dir.join("second.ndjson");
        let extra = (count / 10).max(1);
        write_export(&second, 1, extra / 2, false, 30)?;
        let more = dir.join("more.ndjson");
        write_export(&more, 2, extra - extra / 2, false, 60)?;
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
        report(
            &format!("interleaved import of {extra} into {count}"),
            count + extra,
            &m,
        );
        for f in [&second, &more] {
            let _ = std::fs::remove_file(f);
        }
    }
    if !keep {
        let _ = std::fs::remove_file(&export);
        let _ = std::fs::remove_dir_all(&snap);
    }
    Ok(())
}
