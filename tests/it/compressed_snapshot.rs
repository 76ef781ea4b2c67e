//! Compressed snapshots (issue 16 item 1) through the real binary: the same events stored as
//! `events.ndjson.zst` and as plain `events.ndjson` scan to byte-identical reports, the
//! manifest hashes the stored (compressed) bytes, and a damaged compressed file is refused
//! naming both hashes.

use crate::support;

use serde_json::Value;
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::Path;
use support::*;

fn manifest(snap: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(snap.join("manifest.json")).unwrap()).unwrap()
}

/// Every file under `dir` (relative name, bytes), sorted.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn compressed_and_plain_snapshots_give_byte_identical_reports() {
    let tmp = tempfile::tempdir().unwrap();
    let demo = orgscan::demo::write_demo(&tmp.path().join("demo")).unwrap();
    std::fs::write(tmp.path().join("none.ndjson"), "").unwrap();
    // The same org in two directories (same relative names, so the reports name the same
    // snapshot path), rewritten by an import of nothing in each format.
    for (side, format) in [("z", "zstd"), ("p", "ndjson")] {
        let cwd = tmp.path().join(side);
        std::fs::create_dir(&cwd).unwrap();
        let snap = cwd.join("snap");
        std::fs::create_dir(&snap).unwrap();
        for (name, bytes) in files(&demo) {
            std::fs::write(snap.join(name), bytes).unwrap();
        }
        let o = orgscan(
            &[
                "import-events",
                "../none.ndjson",
                "--into",
                "snap",
                "--events-format",
                format,
            ],
            &cwd,
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let o = orgscan(
            &[
                "scan",
                "snap",
                "--out",
                "out",
                "--format",
                "json,html,sarif,junit,md,csv",
                "--exit-zero",
                "-q",
            ],
            &cwd,
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    let (z, p) = (tmp.path().join("z"), tmp.path().join("p"));

    // Stored as asked; the manifest hashes the bytes on disk and says how they are stored.
    let zm = manifest(&z.join("snap"));
    let pm = manifest(&p.join("snap"));
    let stored = std::fs::read(z.join("snap/events.ndjson.zst")).unwrap();
    assert_eq!(
        zm["files"]["events.ndjson.zst"]["sha256"],
        hex::encode(Sha256::digest(&stored))
    );
    assert_eq!(zm["files"]["events.ndjson.zst"]["compression"], "zstd");
    assert!(zm["files"].get("events.ndjson").is_none());
    assert!(!z.join("snap/events.ndjson").exists());
    assert!(pm["files"]["events.ndjson"].get("compression").is_none());
    assert_eq!(
        zm["files"]["events.ndjson.zst"]["records"],
        pm["files"]["events.ndjson"]["records"]
    );
    // The compressed file is the plain file, compressed (any zstd reader reads it).
    let plain = std::fs::read(p.join("snap/events.ndjson")).unwrap();
    let mut decoded = Vec::new();
    zstd::stream::read::Decoder::new(&stored[..])
        .unwrap()
        .read_to_end(&mut decoded)
        .unwrap();
    assert_eq!(decoded, plain);
    assert!(
        stored.len() * 4 < plain.len(),
        "{} of {}",
        stored.len(),
        plain.len()
    );

    // The reports: the same bytes, every format.
    let (zr, pr) = (files(&z.join("out")), files(&p.join("out")));
    assert!(
        zr.len() >= 6,
        "{:?}",
        zr.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    assert_eq!(
        zr.iter().map(|f| &f.0).collect::<Vec<_>>(),
        pr.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    for ((name, a), (_, b)) in zr.iter().zip(&pr) {
        assert!(
            a == b,
            "{name} differs between the compressed and the plain snapshot"
        );
    }
}

#[test]
fn a_damaged_compressed_events_file_is_refused_naming_both_hashes() {
    let tmp = tempfile::tempdir().unwrap();
    let demo = orgscan::demo::write_demo(&tmp.path().join("demo")).unwrap();
    let o = orgscan(
        &[
            "import-events",
            "none.ndjson",
            "--into",
            "demo",
            "--events-format",
            "zstd",
        ],
        tmp.path(),
    );
    // (none.ndjson does not exist yet: an input error, nothing touched.)
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    std::fs::write(tmp.path().join("none.ndjson"), "").unwrap();
    let o = orgscan(
        &[
            "import-events",
            "none.ndjson",
            "--into",
            "demo",
            "--events-format",
            "zstd",
        ],
        tmp.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let path = demo.join("events.ndjson.zst");
    let mut bytes = std::fs::read(&path).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x55;
    std::fs::write(&path, &bytes).unwrap();
    let o = orgscan(&["scan", "demo", "--out", "out", "-q"], tmp.path());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("events.ndjson.zst: does not match manifest.json")
            && err.contains(&hex::encode(Sha256::digest(&bytes))),
        "{err}"
    );
}
