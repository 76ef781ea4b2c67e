//! Writes a benchmark snapshot: the demo org's configuration (users, policies, IP allowlist,
//! event-action catalogue with the MCP/OAuth actions, …) with `events.ndjson` replaced by N
//! seeded synthetic events from the demo's `EventGenerator` (≈1 KB each, 2,000 people, 30
//! days), and the manifest updated (record count, sha256, window). Used by `bench/scan.sh`.
//!
//! `cargo run --release --example bench_snapshot -- --count 1000000 --out bench-out/snap-1000000`

use orgscan::demo::json::MS_PER_DAY;
use orgscan::demo::{EventGenerator, GeneratorConfig, COLLECTED_AT_MS};
use orgscan::snapshot::manifest::{Collection, EventWindow, FileEntry, Manifest, MANIFEST_FILE};
use orgscan::snapshot::Timestamp;
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::PathBuf;

struct HashingWriter<W: Write> {
    inner: W,
    hasher: Sha256,
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
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
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if out.exists() {
        std::fs::remove_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    }
    orgscan::demo::write_demo(&out).map_err(|e| e.to_string())?;
    let end = COLLECTED_AT_MS;
    let start = end - 30 * MS_PER_DAY;
    let config = GeneratorConfig::synthetic(7, actors, start, end);
    let generator = EventGenerator::new(&config);
    let events_path = out.join(Collection::Events.file_name());
    let file = std::fs::File::create(&events_path).map_err(|e| e.to_string())?;
    let mut w = HashingWriter {
        inner: std::io::BufWriter::with_capacity(1 << 20, file),
        hasher: Sha256::new(),
    };
    let started = std::time::Instant::now();
    let bytes = generator
        .write_ndjson(&mut w, count)
        .map_err(|e| e.to_string())?;
    w.flush().map_err(|e| e.to_string())?;
    let sha = hex::encode(w.hasher.finalize());
    let manifest_path = out.join(MANIFEST_FILE);
    let text = std::fs::read_to_string(&manifest_path).map_err(|e| e.to_string())?;
    let mut manifest: Manifest = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    manifest.files.insert(
        Collection::Events.file_name().to_string(),
        FileEntry {
            sha256: sha,
            records: count,
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
        "{}: {count} events, {:.0} MB in {:.1} s",
        out.display(),
        bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
