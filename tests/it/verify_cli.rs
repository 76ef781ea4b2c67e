//! Evidence integrity through the real binary: `scan` checks every snapshot file against
//! `manifest.json` (sha256 and record count, the events file in the single event pass) before
//! it writes anything, and `--out` keeps only this run's reports (`orgscan-run.json`).

use crate::support;

use serde_json::Value;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use support::*;

const EVENTS: usize = 40;

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn event_lines() -> Vec<String> {
    (0..EVENTS)
        .map(|n| {
            event_line(
                &format!("ev-{n:03}"),
                // In time order, as a snapshot stores them, one time each (so an edited id
                // keeps the order and only the hash can tell).
                &format!("2026-11-{:02}T{}:00:00.000Z", 1 + n / 3, 10 + n % 3),
                "user_login",
                if n % 2 == 0 { "a-admin" } else { "a-user" },
            )
        })
        .collect()
}

/// A snapshot with configuration and 40 events, a one-policy pack, and where reports go.
struct Case {
    tmp: tempfile::TempDir,
    snap: PathBuf,
    policies: PathBuf,
}

impl Case {
    fn new() -> Case {
        let tmp = tempfile::tempdir().unwrap();
        let snap = write_snapshot(&tmp.path().join("snap"), &small_org(), Some(&event_lines()));
        let policies = policy_dir(
            &tmp.path().join("pol"),
            "deny contains {\"resource\": {\"type\": \"user\", \"id\": u.accountId}, \"message\": \"no 2SV\"} if { some u in input.users; not u.mfaEnabled }",
        );
        Case {
            tmp,
            snap,
            policies,
        }
    }

    fn out(&self) -> PathBuf {
        self.tmp.path().join("out")
    }

    fn scan(&self, extra: &[&str]) -> std::process::Output {
        let out = self.out();
        let mut args = vec![
            "scan",
            self.snap.to_str().unwrap(),
            "--no-default-policies",
            "--policies",
            self.policies.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        orgscan(&args, self.tmp.path())
    }

    fn manifest(&self) -> Value {
        serde_json::from_slice(&std::fs::read(self.snap.join("manifest.json")).unwrap()).unwrap()
    }

    fn entry(&self, file: &str) -> (String, u64) {
        let m = self.manifest();
        (
            m["files"][file]["sha256"].as_str().unwrap().to_string(),
            m["files"][file]["records"].as_u64().unwrap(),
        )
    }

    fn events_path(&self) -> PathBuf {
        self.snap.join("events.ndjson")
    }

    /// Scans a damaged snapshot: exit 2 naming the file, both hashes and both counts, with
    /// no report and no `--dump-input` written.
    fn assert_refused(&self, file: &str, expected: (String, u64), found_records: &str) {
        let dump = self.tmp.path().join("input.json");
        let o = self.scan(&["--dump-input", dump.to_str().unwrap()]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{err}\n{}", stdout(&o));
        let path = self.snap.join(file);
        let found = sha256_hex(&std::fs::read(&path).unwrap());
        let want = format!(
            "{}: does not match manifest.json: expected sha256 {} and {} records, found sha256 {found} and {found_records}",
            path.display(),
            expected.0,
            expected.1
        );
        assert!(err.contains(&want), "wanted {want}\nin {err}");
        assert!(!self.out().exists(), "no report directory is created");
        assert!(!dump.exists(), "--dump-input writes nothing either");
    }
}

#[test]
fn an_intact_snapshot_scans_and_its_content_hash_is_of_the_files_read() {
    let case = Case::new();
    let o = case.scan(&[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let report: Value =
        serde_json::from_slice(&std::fs::read(case.out().join("report.json")).unwrap()).unwrap();
    // sha256 over "name\0sha256(file bytes)\n" for every file read, in name order.
    let mut names: Vec<String> = case.manifest()["files"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    names.sort();
    let mut h = Sha256::new();
    for name in &names {
        h.update(name.as_bytes());
        h.update(b"\0");
        h.update(sha256_hex(&std::fs::read(case.snap.join(name)).unwrap()).as_bytes());
        h.update(b"\n");
    }
    assert_eq!(
        report["snapshot"]["content_hash"],
        hex::encode(h.finalize())
    );
    assert_eq!(report["snapshot"]["collections"]["events"]["records"], 40);
}

#[test]
fn an_emptied_events_file_is_refused() {
    let case = Case::new();
    let expected = case.entry("events.ndjson");
    std::fs::write(case.events_path(), b"").unwrap();
    case.assert_refused("events.ndjson", expected, "0 records");
}

#[test]
fn half_the_events_deleted_is_refused() {
    let case = Case::new();
    let expected = case.entry("events.ndjson");
    let mut half = event_lines()[..EVENTS / 2].join("\n");
    half.push('\n');
    std::fs::write(case.events_path(), half).unwrap();
    case.assert_refused("events.ndjson", expected, "20 records");
}

#[test]
fn one_byte_changed_in_the_events_is_refused() {
    let case = Case::new();
    let expected = case.entry("events.ndjson");
    let text = std::fs::read_to_string(case.events_path()).unwrap();
    // Same length, still valid JSON: only the hash can tell.
    let changed = text.replacen("\"ev-007\"", "\"ev-907\"", 1);
    assert_eq!(changed.len(), text.len());
    assert_ne!(changed, text);
    std::fs::write(case.events_path(), changed).unwrap();
    case.assert_refused("events.ndjson", expected, "40 records");
}

#[test]
fn a_damaged_line_is_reported_as_the_mismatch_it_is() {
    let case = Case::new();
    let expected = case.entry("events.ndjson");
    let text = std::fs::read_to_string(case.events_path()).unwrap();
    std::fs::write(
        case.events_path(),
        text.replacen("{\"id\"", "{\"id\u{1}", 1),
    )
    .unwrap();
    let o = case.scan(&[]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains(&format!("expected sha256 {} and 40 records", expected.0)),
        "{err}"
    );
    assert!(
        err.contains("records that cannot be counted (") && err.contains("line 1"),
        "{err}"
    );
    assert!(!case.out().exists());
}

#[test]
fn an_added_event_is_refused() {
    let case = Case::new();
    let expected = case.entry("events.ndjson");
    let mut text = std::fs::read_to_string(case.events_path()).unwrap();
    text.push_str(&event_line(
        "ev-extra",
        "2026-11-19T23:00:00.000Z",
        "user_login",
        "a-user",
    ));
    text.push('\n');
    std::fs::write(case.events_path(), text).unwrap();
    case.assert_refused("events.ndjson", expected, "41 records");
}

#[test]
fn a_changed_configuration_file_is_refused() {
    let case = Case::new();
    let expected = case.entry("users.json");
    let path = case.snap.join("users.json");
    let text = std::fs::read_to_string(&path).unwrap();
    // Turn the user without 2SV into one with it: the finding would vanish.
    let changed = text.replace("\"mfaEnabled\": false", "\"mfaEnabled\": true ");
    assert_ne!(changed, text);
    std::fs::write(&path, changed).unwrap();
    case.assert_refused("users.json", expected, "2 records");
}

#[test]
fn a_record_count_the_file_does_not_hold_is_refused() {
    let case = Case::new();
    let mut manifest = case.manifest();
    manifest["files"]["events.ndjson"]["records"] = 41.into();
    let (sha, _) = case.entry("events.ndjson");
    std::fs::write(
        case.snap.join("manifest.json"),
        serde_json::to_vec_pretty(&manifest).unwrap(),
    )
    .unwrap();
    case.assert_refused("events.ndjson", (sha, 41), "40 records");
}

#[test]
fn a_collected_file_the_manifest_gives_no_hash_for_is_refused() {
    // Decision: refused, not warned about. Every snapshot orgscan writes carries both; a
    // manifest without them is hand-made or damaged, and unverified evidence must not gate.
    for file in ["events.ndjson", "users.json"] {
        let case = Case::new();
        let mut manifest = case.manifest();
        manifest["files"].as_object_mut().unwrap().remove(file);
        std::fs::write(
            case.snap.join("manifest.json"),
            serde_json::to_vec_pretty(&manifest).unwrap(),
        )
        .unwrap();
        let o = case.scan(&[]);
        assert_eq!(o.status.code(), Some(2), "{file}");
        let err = stderr(&o);
        let collection = file.split('.').next().unwrap();
        assert!(
            err.contains(&format!(
                "manifest.json: lists collection `{collection}` as collected but `files` has no sha256 and record count for {file}"
            )),
            "{err}"
        );
        assert!(!case.out().exists());
    }
    // An entry without its hash is a manifest error naming the field.
    let case = Case::new();
    let mut manifest = case.manifest();
    manifest["files"]["events.ndjson"]
        .as_object_mut()
        .unwrap()
        .remove("sha256");
    std::fs::write(
        case.snap.join("manifest.json"),
        serde_json::to_vec_pretty(&manifest).unwrap(),
    )
    .unwrap();
    let o = case.scan(&[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("field `files.events.ndjson`: missing field `sha256`"),
        "{}",
        stderr(&o)
    );
}

fn content_hash_of(dir: &Path) -> Value {
    let report: Value =
        serde_json::from_slice(&std::fs::read(dir.join("report.json")).unwrap()).unwrap();
    report["snapshot"]["content_hash"].clone()
}

#[test]
fn snapshots_orgscan_writes_always_verify() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let o = orgscan(args, tmp.path());
        assert_ne!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        o
    };
    // The demo written to disk scans like the demo in memory, with the same content hash.
    let demo = orgscan::demo::write_demo(&tmp.path().join("demo")).unwrap();
    run(&["scan", "--out", "mem", "--format", "json", "-q"]);
    run(&[
        "scan",
        demo.to_str().unwrap(),
        "--out",
        "disk",
        "--format",
        "json",
        "-q",
    ]);
    assert_eq!(
        content_hash_of(&tmp.path().join("mem")),
        content_hash_of(&tmp.path().join("disk"))
    );
    // import-events: a new snapshot, then more events merged into it.
    let lines = event_lines();
    std::fs::write(tmp.path().join("a.ndjson"), lines[..25].join("\n")).unwrap();
    std::fs::write(tmp.path().join("b.ndjson"), lines[20..].join("\n")).unwrap();
    for file in ["a.ndjson", "b.ndjson"] {
        let o = orgscan(
            &["import-events", file, "--into", "imp", "--org", "org-small"],
            tmp.path(),
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        run(&["scan", "imp", "--out", "imp-out", "--format", "json", "-q"]);
    }
    let report: Value =
        serde_json::from_slice(&std::fs::read(tmp.path().join("imp-out/report.json")).unwrap())
            .unwrap();
    assert_eq!(report["snapshot"]["collections"]["events"]["records"], 40);
    // (`orgscan collect` is scanned by tests/it/run_cli.rs and tests/it/collect.rs.)
}

fn run_files(out: &Path) -> Vec<String> {
    let v: Value =
        serde_json::from_slice(&std::fs::read(out.join("orgscan-run.json")).unwrap()).unwrap();
    assert_eq!(v["format"], "orgscan.run");
    v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn out_keeps_only_this_runs_reports_and_never_a_users_file() {
    let case = Case::new();
    let out = case.out();
    std::fs::create_dir_all(&out).unwrap();
    // The user's own files, one of them named like a report orgscan writes.
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    std::fs::write(out.join("report.md"), "my own markdown").unwrap();
    let o = case.scan(&["--format", "json,sarif"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(run_files(&out), ["report.json", "report.sarif"]);
    assert!(out.join("report.sarif").is_file());

    let o = case.scan(&["--format", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        !out.join("report.sarif").exists(),
        "the earlier run's SARIF is gone"
    );
    assert!(
        stdout(&o).contains(&format!(
            "Removed {} (an earlier run's report this run did not write)",
            out.join("report.sarif").display()
        )),
        "{}",
        stdout(&o)
    );
    assert!(out.join("report.json").is_file());
    assert_eq!(run_files(&out), ["report.json"]);
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).unwrap(),
        "mine"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("report.md")).unwrap(),
        "my own markdown"
    );
}

#[test]
fn a_hostile_run_list_never_deletes_outside_out_or_a_foreign_file() {
    let case = Case::new();
    let out = case.out();
    std::fs::create_dir_all(&out).unwrap();
    let outside = case.tmp.path().join("report.sarif");
    let outside_x = case.tmp.path().join("x");
    std::fs::write(&outside, "outside").unwrap();
    std::fs::write(&outside_x, "outside").unwrap();
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    let hostile = serde_json::json!({"format": "orgscan.run", "files": [
        "../x", "../report.sarif", outside.display().to_string(), outside_x.display().to_string(),
        "notes.txt", "../snap/events.ndjson", "./../x",
    ]});
    std::fs::write(out.join("orgscan-run.json"), hostile.to_string()).unwrap();
    let o = case.scan(&["--format", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(outside.exists() && outside_x.exists());
    assert!(out.join("notes.txt").exists());
    assert!(case.snap.join("events.ndjson").exists());
    assert!(!stdout(&o).contains("Removed"), "{}", stdout(&o));
    assert_eq!(run_files(&out), ["report.json"]);
}
