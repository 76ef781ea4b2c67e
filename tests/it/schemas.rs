//! The published JSON Schemas (schemas/, `orgscan schema NAME`) against the reports orgscan
//! writes: every golden report, the demo org scanned plainly, redacted and against a baseline
//! with history, and the fixture reports are validated with a real draft 2020-12 validator
//! (the `jsonschema` package in .tools/lint, installed by scripts/install-test-deps.sh); a drift
//! test checks that every property the report schema declares is written by the serde types.

use crate::support::report as report_support;

// (The hostile fixture is left out: every string and activity key in it is an attack
// payload, dates included, so it is not a report orgscan writes.)
use orgscan::report::fixture::{large_report, sample_report};
use orgscan::report::{render, Format};
use report_support::*;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn orgscan(dir: &Path, args: &[&str]) {
    let out = Command::new(env!("CARGO_BIN_EXE_orgscan"))
        .args(args)
        .current_dir(dir)
        .env("ORGSCAN_REDACT_KEY", "schema-test-key")
        .output()
        .unwrap();
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "orgscan {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Every report.json this test can make: goldens, demo scans, fixtures.
fn reports(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = Vec::new();
    for golden in [
        "tests/golden/sample.report.json",
        "tests/golden/cli/report.json",
    ] {
        files.push(root().join(golden));
    }
    let demo = [
        "scan",
        "--format",
        "json",
        "--exit-zero",
        "--quiet",
        "--out",
    ];
    orgscan(dir, &[&demo[..], &["plain"]].concat());
    orgscan(dir, &[&demo[..], &["redacted", "--redact"]].concat());
    // The last scan reads ./orgscan.toml implicitly: the report records it.
    std::fs::write(dir.join("orgscan.toml"), "[org]\n").unwrap();
    std::fs::create_dir_all(dir.join("history")).unwrap();
    std::fs::copy(
        dir.join("plain/report.json"),
        dir.join("history/report.json"),
    )
    .unwrap();
    // Not a report: skipped with a warning that report.json's warnings[] carries too.
    std::fs::write(dir.join("history/notes.json"), "{}").unwrap();
    orgscan(
        dir,
        &[
            &demo[..],
            &[
                "again",
                "--baseline",
                "plain/report.json",
                "--history",
                "history",
            ],
        ]
        .concat(),
    );
    for out in ["plain", "redacted", "again"] {
        files.push(dir.join(out).join("report.json"));
    }
    for (name, report) in [
        ("sample.json", sample_report()),
        ("large.json", large_report(500)),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, render(&report, Format::Json).unwrap()).unwrap();
        files.push(path);
    }
    files
}

#[test]
fn every_report_validates_against_the_published_schema() {
    let Some(lint) = jsonschema_path() else { return };
    let dir = tempfile::tempdir().unwrap();
    let files = reports(dir.path());
    let out = Command::new("python3")
        .arg(root().join("tests/it/support/validate_schema.py"))
        .arg(root().join("schemas"))
        .arg("report.v1.schema.json")
        .args(&files)
        .env("PYTHONPATH", &lint)
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{said}");
    assert!(
        said.contains(&format!("{} file(s) checked, 0 error(s)", files.len())),
        "{said}"
    );

    // The validator is not a rubber stamp: a report with a wrong type, an unknown status or
    // an undeclared field fails.
    let mut broken: Value =
        serde_json::from_str(&std::fs::read_to_string(&files[0]).unwrap()).unwrap();
    broken["controls"][0]["status"] = "maybe".into();
    broken["gate"]["surprise"] = true.into();
    broken["summary"]["findings"] = "six".into();
    let bad = dir.path().join("broken.json");
    std::fs::write(&bad, broken.to_string()).unwrap();
    let out = Command::new("python3")
        .arg(root().join("tests/it/support/validate_schema.py"))
        .arg(root().join("schemas"))
        .arg("report.v1.schema.json")
        .arg(&bad)
        .env("PYTHONPATH", &lint)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "{said}");
    assert!(said.contains("3 error(s)"), "{said}");
}

/// Every property name the schema declares in its closed objects (evidence and activity are
/// open by design and left out).
fn declared(schema: &Value, out: &mut BTreeSet<String>) {
    match schema {
        Value::Object(map) => {
            if let Some(Value::Object(props)) = map.get("properties") {
                for (name, sub) in props {
                    out.insert(name.clone());
                    if name != "evidence" && name != "activity" {
                        declared(sub, out);
                    }
                }
            }
            for (key, sub) in map {
                if key != "properties" {
                    declared(sub, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| declared(i, out)),
        _ => {}
    }
}

/// Every object key of a document, except inside maps keyed by data (collections, categories,
/// statuses, frameworks) and the open evidence and activity blocks.
fn written(doc: &Value, out: &mut BTreeSet<String>) {
    match doc {
        Value::Object(map) => {
            for (k, v) in map {
                out.insert(k.clone());
                let keyed_by_data = matches!(
                    k.as_str(),
                    "collections"
                        | "by_category"
                        | "by_status"
                        | "failed_by_severity"
                        | "frameworks"
                );
                if k == "evidence" || k == "activity" {
                    continue;
                }
                if keyed_by_data {
                    if let Value::Object(m) = v {
                        m.values().for_each(|x| written(x, out));
                    }
                } else {
                    written(v, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| written(i, out)),
        _ => {}
    }
}

/// The schema and the serde types stay in step: what the schema declares is what the reports
/// write (the validation above checks the other direction: nothing undeclared is written).
#[test]
fn the_report_schema_declares_what_the_serde_types_write() {
    let schema: Value = serde_json::from_str(orgscan::schemas::schema("report").unwrap()).unwrap();
    let mut names = BTreeSet::new();
    declared(&schema, &mut names);
    let dir = tempfile::tempdir().unwrap();
    let mut seen = BTreeSet::new();
    for file in reports(dir.path()) {
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        written(&doc, &mut seen);
    }
    // Written only in situations these reports do not reach (documented in the schema).
    let rarely = ["would_be", "resource_type"];
    let missing: Vec<&String> = names
        .iter()
        .filter(|n| !seen.contains(*n) && !rarely.contains(&n.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "declared but never written: {missing:?}"
    );
    let undeclared: Vec<&String> = seen.iter().filter(|n| !names.contains(*n)).collect();
    assert!(
        undeclared.is_empty(),
        "written but not declared: {undeclared:?}"
    );
}

/// An implicitly read ./orgscan.toml is recorded (path, sha256) and noted on stderr; a
/// skipped --history file is a warning in report.json as well as on stderr.
#[test]
fn the_report_records_its_config_file_and_history_warnings() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("orgscan.toml"), "[org]\n").unwrap();
    std::fs::create_dir_all(dir.path().join("history")).unwrap();
    std::fs::write(dir.path().join("history/notes.json"), "{}").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_orgscan"))
        .args([
            "scan",
            "--format",
            "json",
            "--exit-zero",
            "--quiet",
            "--out",
            "o",
        ])
        .args(["--history", "history"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("note: using orgscan.toml from the current directory"),
        "{stderr}"
    );
    assert!(stderr.contains("--history: skipped"), "{stderr}");
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("o/report.json")).unwrap())
            .unwrap();
    assert_eq!(report["config"]["path"], "orgscan.toml");
    assert_eq!(report["config"]["implicit"], true);
    // sha256 of "[org]\n".
    use sha2::Digest;
    let want: String = sha2::Sha256::digest(b"[org]\n")
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(report["config"]["sha256"], want.as_str());
    let warnings: Vec<&str> = report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        warnings.iter().any(|w| w.starts_with("--history: skipped")),
        "{warnings:?}"
    );
    // Named with --config: not implicit, no note.
    let out = Command::new(env!("CARGO_BIN_EXE_orgscan"))
        .args([
            "scan",
            "--format",
            "json",
            "--exit-zero",
            "--quiet",
            "--out",
            "p",
        ])
        .args(["--config", "orgscan.toml"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("note: using"));
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("p/report.json")).unwrap())
            .unwrap();
    assert_eq!(report["config"]["implicit"], false);
}

#[test]
fn orgscan_schema_prints_each_schema_and_refuses_an_unknown_name() {
    for (name, _, text) in orgscan::schemas::SCHEMAS {
        let out = Command::new(env!("CARGO_BIN_EXE_orgscan"))
            .args(["schema", name])
            .output()
            .unwrap();
        assert!(out.status.success());
        assert_eq!(String::from_utf8_lossy(&out.stdout), text);
    }
    let out = Command::new(env!("CARGO_BIN_EXE_orgscan"))
        .args(["schema", "nope"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("expected one of report, activity"));
}
