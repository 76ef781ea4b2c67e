//! Shared helpers for integration tests: running the real binary and writing small snapshots
//! through the real `SnapshotWriter`.
#![allow(dead_code)]

pub mod fake_atlassian;
pub mod report;
mod stored_events;
pub use stored_events::*;

use orgscan::snapshot::manifest::{
    EventWindow, Manifest, OrgIdentity, FORMAT_NAME, FORMAT_VERSION,
};
use orgscan::snapshot::{Collection, Provenance, SnapshotSource, SnapshotWriter, Timestamp};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn orgscan(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_orgscan"))
        .args(args)
        .current_dir(cwd)
        .env_remove("ATLASSIAN_API_KEY")
        .output()
        .expect("run orgscan")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn ts(s: &str) -> Timestamp {
    Timestamp::parse(s).expect("valid timestamp")
}

pub const COLLECTED_AT: &str = "2026-11-20T12:00:00.000Z";

/// A tiny, healthy org: one admin with 2SV, one user, a verified domain.
pub fn small_org() -> BTreeMap<Collection, Value> {
    let mut c = BTreeMap::new();
    c.insert(
        Collection::Org,
        json!({"id": "org-small", "type": "orgs", "attributes": {"name": "Small Co"}}),
    );
    c.insert(
        Collection::Users,
        json!([
            {"accountId": "a-admin", "name": "Ada Admin", "email": "ada@small.example", "status": "active", "accountStatus": "active",
             "claimStatus": "managed", "platformRoles": ["atlassian/org-admin"], "mfaEnabled": true,
             "productAccess": [{"key": "jira", "id": "r1", "lastActiveTimestamp": "2026-11-19T10:00:00Z"}], "groups": []},
            {"accountId": "a-user", "name": "Uma User", "email": "uma@small.example", "status": "active", "accountStatus": "active",
             "claimStatus": "managed", "platformRoles": [], "mfaEnabled": false,
             "productAccess": [{"key": "confluence", "id": "r2", "lastActiveTimestamp": "2026-11-18T10:00:00Z"}], "groups": []}
        ]),
    );
    c.insert(Collection::Domains, json!([{"id": "small.example", "type": "domains", "attributes": {"name": "small.example", "claim": {"type": "dns", "status": "verified"}}}]));
    c
}

/// Writes a snapshot with the given collections (and optional raw event lines) to `dir`.
pub fn write_snapshot(
    dir: &Path,
    collections: &BTreeMap<Collection, Value>,
    events: Option<&[String]>,
) -> PathBuf {
    let at = ts(COLLECTED_AT);
    let mut w = SnapshotWriter::create(dir).expect("create snapshot");
    // Plain NDJSON: tests edit event lines by hand (compression: tests/it/compressed_snapshot.rs).
    w.set_events_format(orgscan::snapshot::event_file::EventsFormat::Ndjson);
    for (c, value) in collections {
        let n = value.as_array().map(|a| a.len() as u64).unwrap_or(1);
        w.write_collection(*c, value, n, Provenance::collected("test", at, 1, n))
            .expect("write collection");
    }
    if let Some(lines) = events {
        let lines = stored_order(lines);
        w.write_event_lines(
            lines.iter().map(String::as_str),
            Provenance::collected("test", at, 1, lines.len() as u64),
        )
        .expect("write events");
    }
    let manifest = Manifest {
        format: FORMAT_NAME.to_string(),
        format_version: FORMAT_VERSION,
        tool_version: "test".to_string(),
        org: OrgIdentity {
            id: "org-small".to_string(),
            name: Some("Small Co".to_string()),
        },
        collected_at: at,
        source: SnapshotSource::Import,
        event_window: events.map(|_| EventWindow {
            from: ts("2026-10-21T12:00:00Z"),
            to: at,
        }),
        stream_cursor: None,
        files: BTreeMap::new(),
        collections: BTreeMap::new(),
    };
    w.finish(manifest).expect("finish snapshot")
}

/// Event lines in the order every producer stores them and the scan requires: by time, then id
/// (stable, so a line given twice stays twice, beside itself). When a line has no readable time
/// and id (a test of bad input), the lines stay as given.
pub fn stored_order(lines: &[String]) -> Vec<String> {
    let key = |line: &String| -> Option<(i64, String)> {
        let v: Value = serde_json::from_str(line).ok()?;
        let time = orgscan::snapshot::Timestamp::parse(v["attributes"]["time"].as_str()?)?;
        Some((time.epoch_nanos(), v["id"].as_str()?.to_string()))
    };
    let Some(mut keyed) = lines
        .iter()
        .map(|l| key(l).map(|k| (k, l.clone())))
        .collect::<Option<Vec<_>>>()
    else {
        return lines.to_vec();
    };
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    keyed.into_iter().map(|(_, l)| l).collect()
}

pub fn event_line(id: &str, time: &str, action: &str, actor: &str) -> String {
    json!({"id": id, "type": "events", "attributes": {"time": time, "action": action,
        "actor": {"id": actor, "name": actor}, "context": [], "container": [],
        "location": {"ip": "203.0.113.7", "countryName": "Germany", "city": "Berlin"}},
        "message": {"content": action, "format": "simple"}})
    .to_string()
}

pub const POLICY_META: &str = "# METADATA\n# title: Custom check\n# description: A test control.\n# custom:\n#   id: TEST-001\n#   severity: high\n#   category: Identity and authentication\n#   points: 5\n#   user_impact: low\n#   implementation_cost: low\n#   remediation: [Fix it]\n#   data:\n#     api: [users]\n";

/// Writes a one-policy folder with the given rule body.
pub fn policy_dir(dir: &Path, body: &str) -> PathBuf {
    std::fs::create_dir_all(dir).expect("mkdir");
    std::fs::write(
        dir.join("custom.rego"),
        format!("{POLICY_META}package custom.check\n\nimport rego.v1\n\n{body}\n"),
    )
    .expect("write policy");
    dir.to_path_buf()
}

/// [`orgscan`] with extra environment variables.
pub fn orgscan_env(args: &[&str], cwd: &Path, env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_orgscan"))
        .args(args)
        .current_dir(cwd)
        .env_remove("ATLASSIAN_API_KEY")
        .env_remove("ORGSCAN_REDACT_KEY")
        .envs(env.iter().copied())
        .output()
        .expect("run orgscan")
}

/// Compares `actual` with the golden file `tests/golden/<relative>`, or writes it when
/// `ORGSCAN_UPDATE_GOLDEN` is set. `module` is the test module whose run regenerates it, named in
/// the failure message. The first differing line is shown, clipped to 300 characters.
pub fn check_golden_file(relative: &str, actual: &str, module: &str) {
    let path = report::root().join("tests/golden").join(relative);
    let regenerate = format!("ORGSCAN_UPDATE_GOLDEN=1 cargo test --test it {module}::");
    if std::env::var_os("ORGSCAN_UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().expect("golden files sit in a folder"))
            .expect("create the golden folder");
        std::fs::write(&path, actual).expect("write the golden file");
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; run {regenerate}", path.display()));
    if expected != actual {
        let line = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| expected.lines().count().min(actual.lines().count()));
        let clip = |text: &str| -> String {
            text.lines()
                .nth(line)
                .unwrap_or("<end>")
                .chars()
                .take(300)
                .collect()
        };
        panic!(
            "{} differs from the output first at line {}:\n  golden: {:?}\n  actual: {:?}\nIf the change is intended, run {regenerate} and review the diff.",
            path.display(),
            line + 1,
            clip(&expected),
            clip(actual),
        );
    }
}

/// Scans `snap` with the shipped pack into `<cwd>/out` as JSON (exit code and coverage gate
/// off: these callers test findings, not the gate), with `extra` arguments; returns report.json.
pub fn scan_json_report(snap: &Path, cwd: &Path, extra: &[&str]) -> Value {
    let mut args = vec![snap.to_str().unwrap()];
    args.extend_from_slice(extra);
    scan_report_into(cwd, "out", &args)
}

/// `orgscan scan ARGS` into `<cwd>/<out>` as JSON, exit code and coverage gate off; returns
/// report.json.
pub fn scan_report_into(cwd: &Path, out: &str, scan_args: &[&str]) -> Value {
    let out = cwd.join(out);
    let mut args = vec!["scan"];
    args.extend_from_slice(scan_args);
    args.extend_from_slice(&[
        "--out",
        out.to_str().unwrap(),
        "--format",
        "json",
        "--exit-zero",
        "--min-coverage",
        "0",
        "-q",
    ]);
    let o = orgscan(&args, cwd);
    assert!(o.status.success(), "{}", stderr(&o));
    serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap()
}

/// The control `id` of a report.json, or a panic naming it.
pub fn report_control<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no control {id}"))
}
