//! Writes a benchmark snapshot: the demo org's configuration (users, policies, IP allowlist,
//! event-action catalogue with the MCP/OAuth actions, …) with its events replaced by N
//! seeded synthetic events from the demo's `EventGenerator` (≈1 KB each, 2,000 people, 30
//! days unless `--days`), and the manifest updated (record count, sha256, window). Used by `bench/scan.sh`.
//! The events are written compressed (`events.ndjson.zst`, straight from the generator: 10^8
//! events need ~15 GB, not 125 GB) unless `--events-format ndjson`.
//!
//! `cargo run --release --example bench_snapshot -- --count 1000000 --out bench-out/snap-1000000 [--events-format ndjson] [--actors N] [--days N]`

use orgscan::demo::json::MS_PER_DAY;
use orgscan::demo::{EventGenerator, GeneratorConfig, COLLECTED_AT_MS};
use orgscan::snapshot::event_file::{EventFileWriter, EventsFormat};
use orgscan::snapshot::manifest::{Collection, EventWindow, FileEntry, Manifest, MANIFEST_FILE};
use orgscan::snapshot::Timestamp;
use std::io::Write;
use std::path::PathBuf;

/// The generator's NDJSON bytes, handed to the events file writer a line at a time.
struct Lines {
    out: EventFileWriter,
    carry: Vec<u8>,
}

impl Write for Lines {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.carry.extend_from_slice(buf);
        let Some(end) = self.carry.iter().rposition(|&b| b == b'\n') else {
            return Ok(buf.len());
        };
        let rest = self.carry.split_off(end + 1);
        let whole = std::mem::replace(&mut self.carry, rest);
        let text = std::str::from_utf8(&whole).map_err(std::io::Error::other)?;
        for line in text.lines() {
            self.out
                .write_line(line)
                .map_err(|e| std::io::Error::other(e.to_string()))?;
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn main() {
    if let Err(e) = run() {
        eprintln!("bench_snapshot: {e}");
        std::process::exit(2);
    }
}

fn run() -> Result<(), String> {
    let mut count: u64 = 1_000_000;
    let mut out = PathBuf::from("bench-out/snap");
    let mut actors = 2_000usize;
    // The window's length: fewer days make each person's history as dense as a larger count
    // over 30 days (10^7 events over 3 days ≈ 10^8 over 30, per person and hour).
    let mut days = 30i64;
    let mut format = EventsFormat::Zstd;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--count" => {
                count = value
                    .replace('_', "")
                    .parse()
                    .map_err(|e| format!("--count: {e}"))?
            }
            "--out" => out = PathBuf::from(value),
            "--actors" => actors = value.parse().map_err(|e| format!("--actors: {e}"))?,
            "--days" => {
                days = value.parse().map_err(|e| format!("--days: {e}"))?;
                if days < 1 {
                    return Err(format!("--days: at least 1, not {days}"));
                }
            }
            "--events-format" => {
                format = match value.as_str() {
                    "zstd" => EventsFormat::Zstd,
                    "ndjson" => EventsFormat::Ndjson,
                    _ => return Err(format!("--events-format: zstd or ndjson, not {value}")),
                }
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if out.exists() {
        std::fs::remove_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    }
    orgscan::demo::write_demo(&out).map_err(|e| e.to_string())?;
    let end = COLLECTED_AT_MS;
    let start = end - days * MS_PER_DAY;
    let config = GeneratorConfig::synthetic(7, actors, start, end);
    let generator = EventGenerator::new(&config);
    for old in EventsFormat::ALL {
        let _ = std::fs::remove_file(out.join(old.file_name()));
    }
    let events_path = out.join(format.file_name());
    let mut w = Lines {
        out: EventFileWriter::create(&events_path, format).map_err(|e| e.to_string())?,
        carry: Vec::new(),
    };
    let started = std::time::Instant::now();
    generator
        .write_ndjson(&mut w, count)
        .map_err(|e| e.to_string())?;
    if !w.carry.is_empty() {
        return Err("the generator's last line has no newline".to_string());
    }
    let written = w.out.finish().map_err(|e| e.to_string())?;
    let bytes = written.ndjson_bytes;
    let manifest_path = out.join(MANIFEST_FILE);
    let text = std::fs::read_to_string(&manifest_path).map_err(|e| e.to_string())?;
    let mut manifest: Manifest = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    for old in EventsFormat::ALL {
        manifest.files.remove(old.file_name());
    }
    manifest.files.insert(
        format.file_name().to_string(),
        FileEntry {
            sha256: written.sha256.clone(),
            records: count,
            compression: format.compression(),
            content_sha256: written.content_sha256.clone(),
        },
    );
    if let Some(p) = manifest.collections.get_mut(&Collection::Events) {
        p.records = count;
    }
    let ts = |ms: i64| Timestamp::from_epoch_millis(ms).ok_or("bad time");
    manifest.event_window = Some(EventWindow {
        from: ts(start)?,
        to: ts(end)?,
    });
    std::fs::write(
        &manifest_path,
        serde_json::to_string_pretty(&manifest).map_err(|e| e.to_string())? + "\n",
    )
    .map_err(|e| e.to_string())?;
    eprintln!(
        "{}: {count} events, {:.0} MB of NDJSON stored in {:.0} MB ({:.0} bytes/event) in {:.1} s",
        out.display(),
        bytes as f64 / 1e6,
        written.stored_bytes as f64 / 1e6,
        written.stored_bytes as f64 / count.max(1) as f64,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
