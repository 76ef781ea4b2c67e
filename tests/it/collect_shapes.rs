//! Issue 11, item 1, through the real binary against the fake Atlassian API on 127.0.0.1: a
//! field in a shape orgscan does not expect never fails a collection. Workspaces carrying the
//! documented `"sandbox": {"type": "CHILD"}` are collected (exit 0) and stored as served; a
//! read field of the wrong type becomes a manifest warning and makes only the controls that
//! read it `not_evaluable`, at collect time and again when the stored snapshot is scanned.

use crate::support::fake_atlassian;

use chrono::{Duration as ChronoDuration, Utc};
use fake_atlassian::{Dataset, FakeConfig, FakeServer};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const KEY: &str = "shape-KEY-7f3a9c21";
const ORG: &str = "org-shape";
const NOW: &str = "2026-12-01T00:00:00Z";

fn dataset() -> Dataset {
    Dataset::generate(
        ORG,
        40,
        4,
        30,
        Utc::now() - ChronoDuration::days(2),
        ChronoDuration::minutes(30),
    )
}

/// Runs the binary with `args` in `cwd` (on a blocking thread: the fake server shares this
/// runtime) and returns exit code, stdout and stderr.
async fn orgscan(args: Vec<String>, cwd: PathBuf) -> (Option<i32>, String, String) {
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_orgscan"))
            .args(&args)
            .env("ATLASSIAN_API_KEY", KEY)
            .env_remove("ORGSCAN_TIMINGS")
            .current_dir(cwd)
            .output()
    })
    .await
    .unwrap()
    .unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

async fn collect(server: &FakeServer, cwd: &Path, out: &str) -> (Option<i32>, String) {
    let args = [
        "collect",
        "--org",
        ORG,
        "--out",
        out,
        "--api-url",
        &server.base_url,
        "--since",
        "7d",
        "--quiet",
    ]
    .map(str::to_string)
    .to_vec();
    let (code, stdout, stderr) = orgscan(args, cwd.to_path_buf()).await;
    (code, format!("{stdout}\n{stderr}"))
}

/// Scans a snapshot at a fixed time and returns each control's status and reasons.
async fn scan(cwd: &Path, snap: &str) -> BTreeMap<String, (String, Vec<String>)> {
    let out = format!("{snap}-report");
    let args = [
        "scan",
        snap,
        "--out",
        &out,
        "--now",
        NOW,
        "--format",
        "json",
        "--exit-zero",
        "--quiet",
        // These small orgs have no attestation: the coverage gate is not what is tested here.
        "--min-coverage",
        "0",
    ]
    .map(str::to_string)
    .to_vec();
    let (code, stdout, stderr) = orgscan(args, cwd.to_path_buf()).await;
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    let report: Value =
        serde_json::from_slice(&std::fs::read(cwd.join(&out).join("report.json")).unwrap())
            .unwrap();
    report["controls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let reasons = c["reasons"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r.as_str().unwrap().to_string())
                .collect();
            (
                c["id"].as_str().unwrap().to_string(),
                (c["status"].as_str().unwrap().to_string(), reasons),
            )
        })
        .collect()
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workspaces_with_a_sandbox_object_are_collected_and_stored_as_served() {
    let mut data = dataset();
    for (i, ws) in data.workspaces.iter_mut().enumerate() {
        // The shape in Atlassian's Org Workspaces reference; one item without it at all.
        match i {
            0 => ws["attributes"]["sandbox"] = json!({"type": "CHILD"}),
            1 => ws["attributes"]["sandbox"] = json!({"type": "PARENT", "parentId": "ws-0"}),
            _ => {
                ws["attributes"].as_object_mut().unwrap().remove("sandbox");
            }
        }
    }
    let served = data.workspaces.clone();
    let served_groups = data.groups.clone();
    let server = FakeServer::start(FakeConfig::new(ORG, KEY), data).await;
    let dir = tempfile::tempdir().unwrap();
    let (code, output) = collect(&server, dir.path(), "snap").await;
    assert_eq!(code, Some(0), "{output}");

    let snap = dir.path().join("snap");
    let manifest = read_json(&snap.join("manifest.json"));
    let workspaces = &manifest["collections"]["workspaces"];
    assert_eq!(workspaces["status"], "collected", "{manifest:#}");
    assert_eq!(workspaces["records"], 3);
    assert!(
        workspaces.get("shape_warnings").is_none(),
        "no warning for a field orgscan does not read: {workspaces}"
    );
    // Stored exactly as served, key order included.
    assert_eq!(
        read_json(&snap.join("workspaces.json")),
        Value::Array(served)
    );
    let stored = std::fs::read_to_string(snap.join("workspaces.json")).unwrap();
    assert!(stored.contains("\"sandbox\": {\n"), "{stored}");
    assert_eq!(
        read_json(&snap.join("groups.json")),
        Value::Array(served_groups)
    );

    // The stored snapshot scans; data residency (which reads workspaces) evaluates.
    let controls = scan(dir.path(), "snap").await;
    let (status, reasons) = &controls["ATL-DAT-008"];
    assert_ne!(status, "not_evaluable", "{reasons:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_misshapen_read_field_stops_only_the_controls_that_read_it() {
    let clean = dataset();
    let mut bent = clean.clone();
    // acct-00000 is an org admin (every 17th user is); two users get a 2SV flag as text.
    bent.users[0]["mfaEnabled"] = json!("yes");
    bent.users[3]["mfaEnabled"] = json!({"enabled": true});
    let served_user = bent.users[0].clone();

    let dir = tempfile::tempdir().unwrap();
    let clean_server = FakeServer::start(FakeConfig::new(ORG, KEY), clean).await;
    let (code, output) = collect(&clean_server, dir.path(), "clean").await;
    assert_eq!(code, Some(0), "{output}");
    drop(clean_server);
    let bent_server = FakeServer::start(FakeConfig::new(ORG, KEY), bent).await;
    let (code, output) = collect(&bent_server, dir.path(), "bent").await;
    assert_eq!(
        code,
        Some(0),
        "a shape warning is not a failed collection: {output}"
    );

    // The manifest names collection, item, field, expected and found.
    let manifest = read_json(&dir.path().join("bent/manifest.json"));
    let users = &manifest["collections"]["users"];
    assert_eq!(users["status"], "collected");
    assert_eq!(
        users["shape_warnings"],
        json!([
            {"item": "acct-00000", "field": "mfaEnabled", "expected": "a boolean", "found": "a string \"yes\""},
            {"item": "acct-00003", "field": "mfaEnabled", "expected": "a boolean", "found": "an object {\"enabled\":true}"}
        ]),
        "{users:#}"
    );
    let clean_manifest = read_json(&dir.path().join("clean/manifest.json"));
    assert!(clean_manifest["collections"]["users"]
        .get("shape_warnings")
        .is_none());
    // The served value is kept.
    let stored = read_json(&dir.path().join("bent/users.json"));
    assert_eq!(stored[0]["mfaEnabled"], served_user["mfaEnabled"]);
    assert_eq!(stored[0]["futureField"], served_user["futureField"]);

    let before = scan(dir.path(), "clean").await;
    let after = scan(dir.path(), "bent").await;
    let report = read_json(&dir.path().join("bent-report/report.json"));
    assert!(
        report["warnings"].as_array().unwrap().iter().any(|w| w
            == "users: 2 item(s) with a field in an unexpected shape (mfaEnabled); the served values are kept in the snapshot and only the controls reading those fields are not evaluable (details: shape_warnings in the manifest)"),
        "{}",
        report["warnings"]
    );
    let clean_report = read_json(&dir.path().join("clean-report/report.json"));
    assert!(!clean_report["warnings"]
        .to_string()
        .contains("unexpected shape"));
    assert_eq!(before.len(), after.len());
    let reads_mfa = ["ATL-IDN-001", "ATL-IDN-002"];
    for id in reads_mfa {
        let (status, reasons) = &after[id];
        assert_eq!(status, "not_evaluable", "{id}: {reasons:?}");
        assert!(
            reasons.iter().any(|r| r.contains(
                "users: field `mfaEnabled` of item acct-00000 and 1 more has an unexpected shape (expected a boolean, found a string \"yes\")"
            )),
            "{id}: {reasons:?}"
        );
        assert_ne!(
            before[id].0, "not_evaluable",
            "{id} evaluates on clean data"
        );
    }
    // Every other control, users controls included, keeps its status and reasons.
    let mut compared = 0;
    for (id, was) in &before {
        if reads_mfa.contains(&id.as_str()) {
            continue;
        }
        assert_eq!(
            &after[id], was,
            "{id} changed though it does not read mfaEnabled"
        );
        compared += 1;
    }
    let statuses: Vec<&str> = before.values().map(|(s, _)| s.as_str()).collect();
    assert!(compared > 40, "{compared}");
    assert!(
        statuses.contains(&"pass") && statuses.contains(&"fail"),
        "{statuses:?}"
    );
    for id in ["ATL-IDN-008", "ATL-IDN-011"] {
        assert!(
            ["pass", "fail"].contains(&after[id].0.as_str()),
            "{id} (reads users, not mfaEnabled) still evaluates: {:?}",
            after[id]
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_events_keeps_the_served_value_of_a_misshapen_field() {
    let mut data = dataset();
    data.users[0]["mfaEnabled"] = json!("yes");
    let server = FakeServer::start(FakeConfig::new(ORG, KEY), data).await;
    let dir = tempfile::tempdir().unwrap();
    let (code, output) = collect(&server, dir.path(), "snap").await;
    assert_eq!(code, Some(0), "{output}");
    let before = std::fs::read(dir.path().join("snap/users.json")).unwrap();
    let export = dir.path().join("more.ndjson");
    let at = fake_atlassian::rfc3339(Utc::now() - ChronoDuration::hours(1));
    let line = json!({"id": "imported-1", "type": "events", "attributes": {"time": at,
        "action": "user_login", "actor": {"id": "acct-00001"}, "context": [],
        "container": [{"id": ORG, "type": "orgs"}]}});
    std::fs::write(&export, format!("{line}\n")).unwrap();
    let args = ["import-events", "more.ndjson", "--into", "snap", "--quiet"]
        .map(str::to_string)
        .to_vec();
    let (code, stdout, stderr) = orgscan(args, dir.path().to_path_buf()).await;
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert_eq!(
        std::fs::read(dir.path().join("snap/users.json")).unwrap(),
        before,
        "import rewrites users.json byte for byte"
    );
    let controls = scan(dir.path(), "snap").await;
    assert_eq!(controls["ATL-IDN-002"].0, "not_evaluable");
}
