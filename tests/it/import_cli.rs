//! `orgscan import-events` end to end through the real binary: compressed exports, errors on a
//! bad line deep in a large file (worded as `scan` words them, nothing written), output
//! byte-identical to the pre-streaming importer, interleaving into an existing snapshot, and
//! deduplication by id.
//!
//! The golden files in tests/golden/import/ were written by the importer before it streamed
//! (commit 28a471b, which read each export into memory) from tests/fixtures/import/: the
//! streaming importer must give the same bytes and the same manifest entries.

use crate::support;

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use support::*;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name)
}

fn golden(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden/import")
        .join(name)
}

/// Imports as plain NDJSON: the goldens hold its bytes and its manifest entry.
fn import(cwd: &Path, files: &[&Path], into: &str) -> std::process::Output {
    import_with(cwd, files, into, &["--events-format", "ndjson"])
}

/// Imports with `extra` arguments (none: the default, compressed events).
fn import_with(cwd: &Path, files: &[&Path], into: &str, extra: &[&str]) -> std::process::Output {
    let mut args: Vec<String> = vec!["import-events".into()];
    args.extend(files.iter().map(|f| f.to_string_lossy().into_owned()));
    args.extend(["--into".into(), into.into()]);
    args.extend(extra.iter().map(|a| a.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    orgscan(&args, cwd)
}

/// What the manifest says about the events, without the run's time and file names.
fn manifest_events(snap: &Path) -> Value {
    let m: Value =
        serde_json::from_slice(&std::fs::read(snap.join("manifest.json")).unwrap()).unwrap();
    serde_json::json!({
        "org": m["org"],
        "source": m["source"],
        "event_window": m["event_window"],
        "files": m["files"],
        "records": m["collections"]["events"]["records"],
    })
}

fn summary_counts(o: &std::process::Output) -> String {
    let err = stderr(o);
    let line = err.lines().last().unwrap_or_default();
    line.split_once(": ")
        .map(|(_, c)| c.to_string())
        .unwrap_or_default()
}

/// Every file and directory under `dir`, with contents: to show nothing changed.
fn tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        let bytes = if entry.file_type().is_file() {
            std::fs::read(entry.path()).unwrap()
        } else {
            Vec::new()
        };
        out.push((entry.path().to_path_buf(), bytes));
    }
    out
}

fn assert_golden(snap: &Path, name: &str) {
    let events = std::fs::read(snap.join("events.ndjson")).unwrap();
    let expected = std::fs::read(golden(&format!("{name}.events.ndjson"))).unwrap();
    assert!(
        events == expected,
        "{name}: events.ndjson differs from the pre-streaming importer's"
    );
    let expected: Value =
        serde_json::from_slice(&std::fs::read(golden(&format!("{name}.manifest.json"))).unwrap())
            .unwrap();
    pretty_assertions::assert_eq!(manifest_events(snap), expected, "{name}: manifest");
}

#[test]
fn the_fixtures_import_exactly_as_before() {
    let tmp = tempfile::tempdir().unwrap();
    let (nd, page) = (fixture("events.ndjson"), fixture("page.json"));
    let o = import(tmp.path(), &[&nd, &page], "both");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        summary_counts(&o),
        "66 events read, 60 added, 6 duplicates skipped, 60 in all"
    );
    assert_golden(&tmp.path().join("both"), "both");

    // The default stores them compressed: the same lines, the same counts.
    let o = import_with(tmp.path(), &[&nd, &page], "default", &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let snap = tmp.path().join("default");
    assert!(snap.join("events.ndjson.zst").is_file());
    assert_eq!(
        stored_events(&snap).as_bytes(),
        std::fs::read(golden("both.events.ndjson")).unwrap()
    );
    let m: Value =
        serde_json::from_slice(&std::fs::read(snap.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["files"]["events.ndjson.zst"]["compression"], "zstd");
    assert_eq!(m["files"]["events.ndjson.zst"]["records"], 60);
}

#[test]
fn an_import_into_an_existing_snapshot_interleaves_exactly_as_before() {
    let tmp = tempfile::tempdir().unwrap();
    let o = import(tmp.path(), &[&fixture("events.ndjson")], "snap");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // The page's events fall before, between and after the stored ones; some are stored.
    let o = import(tmp.path(), &[&fixture("page.json")], "snap");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        summary_counts(&o),
        "16 events read, 12 added, 4 duplicates skipped, 60 in all"
    );
    assert_golden(&tmp.path().join("snap"), "step2");
}

#[test]
fn duplicates_are_dropped_by_id_and_the_first_copy_wins() {
    let tmp = tempfile::tempdir().unwrap();
    let nd = fixture("events.ndjson");
    // The same export twice: every second copy is a duplicate. Stored in the default form.
    let import = |cwd: &Path, files: &[&Path], into: &str| import_with(cwd, files, into, &[]);
    let o = import(tmp.path(), &[&nd, &nd], "snap");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        summary_counts(&o),
        "100 events read, 48 added, 52 duplicates skipped, 48 in all"
    );
    let text = stored_events(&tmp.path().join("snap"));
    let events: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let mut ids: Vec<&str> = events.iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 48);
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 48, "no id twice");
    // The export repeats event 3 later with another time: the first copy read is kept.
    let third = events
        .iter()
        .find(|e| e["id"] == "00000003-1c2d-4e5f-8a9b-000000000003")
        .unwrap();
    assert_eq!(third["attributes"]["time"], "2026-11-04T03:03:21.003Z");
    // And a stored copy wins over an imported one: import the variant alone.
    let variant = tmp.path().join("variant.ndjson");
    let line = text
        .lines()
        .find(|l| l.contains("00000003-1c2d"))
        .unwrap()
        .replace("2026-11-04T03:03:21.003Z", "2026-12-31T00:00:00Z");
    std::fs::write(&variant, line).unwrap();
    let o = import(tmp.path(), &[&variant], "snap");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        summary_counts(&o),
        "1 events read, 0 added, 1 duplicates skipped, 48 in all"
    );
    assert_eq!(stored_events(&tmp.path().join("snap")), text);
}

#[test]
fn gzip_and_zstd_exports_import_like_the_plain_file() {
    let tmp = tempfile::tempdir().unwrap();
    let plain = std::fs::read(fixture("events.ndjson")).unwrap();
    let gz = tmp.path().join("events.ndjson.gz");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(&plain).unwrap();
    std::fs::write(&gz, enc.finish().unwrap()).unwrap();
    let zst = tmp.path().join("events.ndjson.zst");
    std::fs::write(&zst, zstd::encode_all(&plain[..], 3).unwrap()).unwrap();
    // The page too, compressed and renamed: told by its bytes.
    let page_zst = tmp.path().join("page.export");
    std::fs::write(
        &page_zst,
        zstd::encode_all(&std::fs::read(fixture("page.json")).unwrap()[..], 3).unwrap(),
    )
    .unwrap();
    let o = import(tmp.path(), &[&gz, &page_zst], "from-gz");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_golden(&tmp.path().join("from-gz"), "both");
    let o = import(tmp.path(), &[&zst, &page_zst], "from-zst");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_golden(&tmp.path().join("from-zst"), "both");

    // A truncated gzip file is an input error, and nothing is written.
    let truncated = tmp.path().join("cut.ndjson.gz");
    let bytes = std::fs::read(&gz).unwrap();
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let o = import(tmp.path(), &[&truncated], "cut");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("cut.ndjson.gz: line "),
        "{}",
        stderr(&o)
    );
    assert!(!tmp.path().join("cut").exists());
}

#[test]
fn a_bad_line_deep_in_a_large_export_is_named_as_scan_names_it_and_nothing_changes() {
    let tmp = tempfile::tempdir().unwrap();
    let bad_at = 39_990usize;
    let mut lines: Vec<String> = (0..40_000)
        .map(|i| {
            event_line(
                &format!("e{i:06}"),
                // In time order, as a snapshot stores them (the scan refuses any other).
                &format!(
                    "2026-11-19T{:02}:{:02}:{:02}Z",
                    i / 3600,
                    (i / 60) % 60,
                    i % 60
                ),
                "user_login",
                "a-user",
            )
        })
        .collect();
    lines[bad_at - 1] = lines[bad_at - 1].replace("\"2026-11-19T", "\"yesterday 2026-11-19T");
    let export = tmp.path().join("big.ndjson.gz");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(lines.join("\n").as_bytes()).unwrap();
    std::fs::write(&export, enc.finish().unwrap()).unwrap();

    // An existing snapshot: untouched by the failed import.
    let o = import(tmp.path(), &[&fixture("events.ndjson")], "snap");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let before = tree(tmp.path());
    let o = import(tmp.path(), &[&export], "snap");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let import_err = stderr(&o);
    let (_, import_tail) = import_err
        .split_once("big.ndjson.gz: ")
        .unwrap_or_else(|| panic!("names the file: {import_err}"));
    assert!(
        import_tail.starts_with(&format!("line {bad_at}: column ")),
        "{import_err}"
    );
    assert!(
        import_tail.contains("field `attributes.time`"),
        "{import_err}"
    );
    assert_eq!(
        tree(tmp.path()),
        before,
        "nothing written, nothing left over"
    );

    // scan reading the same lines from a snapshot says the same after the file name.
    let scan_dir = tmp.path().join("scan");
    write_snapshot(&scan_dir.join("s"), &small_org(), Some(&lines));
    let o = orgscan(&["scan", "s"], &scan_dir);
    assert_eq!(o.status.code(), Some(2));
    let scan_err = stderr(&o);
    let (_, scan_tail) = scan_err
        .split_once("s/events.ndjson: ")
        .unwrap_or_else(|| panic!("names the file: {scan_err}"));
    assert_eq!(import_tail.trim(), scan_tail.trim());
}
