//! `--format ocsf` (findings.ocsf.json) against the OCSF 1.8.0 JSON Schemas of Compliance
//! Finding and Detection Finding, vendored in tests/fixtures/ocsf/ (nothing fetched), with the
//! `jsonschema` package of .tools/lint and tests/it/support/validate_ocsf.py (which also ties
//! each caption to its id): the fixture reports and the demo org scanned plainly, redacted and
//! against a baseline. The goldens are `sample.findings.ocsf.json` (report_golden) and
//! `cli/findings.ocsf.json` (report_cli).

use crate::support::report::{jsonschema_path, root, run_validator};
use orgscan::report::fixture::{hostile_report, large_report, sample_report};
use orgscan::report::{render, Format};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs validate_ocsf.py over `files`: (success, what it printed).
fn validate(lint: &Path, files: &[PathBuf]) -> (bool, String) {
    let fixtures = root().join("tests/fixtures/ocsf");
    let mut args = vec![fixtures.as_os_str()];
    args.extend(files.iter().map(|f| f.as_os_str()));
    run_validator(lint, "validate_ocsf.py", &args)
}

fn scan_demo(dir: &Path, out: &str, extra: &[&str]) -> PathBuf {
    let o = Command::new(env!("CARGO_BIN_EXE_orgscan"))
        .args(["scan", "--format", "json,ocsf", "--exit-zero", "--quiet"])
        .args(["--out", out])
        .args(extra)
        .current_dir(dir)
        .env("ORGSCAN_REDACT_KEY", "ocsf-test-key")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    dir.join(out).join("findings.ocsf.json")
}

fn events(path: &Path) -> Vec<Value> {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The fixture reports and the demo org (plain twice, redacted, against a baseline) validate;
/// the same scan gives the same bytes; a redacted scan's OCSF holds no person the plain one
/// names.
#[test]
fn every_ocsf_output_validates_and_is_deterministic_and_redacted() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = vec![root().join("tests/golden/sample.findings.ocsf.json")];
    for (name, report) in [
        ("sample", sample_report()),
        ("large", large_report(300)),
        ("hostile", hostile_report()),
    ] {
        let path = dir.path().join(format!("{name}.ocsf.json"));
        std::fs::write(&path, render(&report, Format::Ocsf).unwrap()).unwrap();
        files.push(path);
    }
    // A waiver, so that the demo has suppressed findings too (read from ./orgscan.toml).
    std::fs::write(
        dir.path().join("orgscan.toml"),
        "[[waivers]]\ncontrol = \"ATL-IDN-002\"\nreason = \"break-glass, in the safe\"\n",
    )
    .unwrap();
    let now = ["--now", "2026-11-21T00:00:00Z"];
    let plain = scan_demo(dir.path(), "plain", &now);
    let twice = scan_demo(dir.path(), "twice", &now);
    assert_eq!(
        std::fs::read(&plain).unwrap(),
        std::fs::read(&twice).unwrap(),
        "same scan, same bytes"
    );
    let redacted = scan_demo(dir.path(), "redacted", &["--redact"]);
    let again = scan_demo(dir.path(), "again", &["--baseline", "plain/report.json"]);
    files.extend([plain.clone(), redacted.clone(), again.clone()]);

    // The demo gives both classes, suppressed and new findings, and control-level results.
    let demo = events(&plain);
    let classes: std::collections::BTreeSet<u64> = demo
        .iter()
        .filter_map(|e| e["class_uid"].as_u64())
        .collect();
    assert_eq!(classes, [2003, 2004].into(), "both classes");
    assert!(demo.iter().any(|e| e["status_code"] == "PASS"));
    assert!(demo.iter().any(|e| e["status"] == "Suppressed"));
    let report: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("plain/report.json")).unwrap(),
    )
    .unwrap();
    let findings = report["summary"]["findings"].as_u64().unwrap() as usize;
    assert_eq!(
        demo.iter().filter(|e| e["status_code"] == "FAIL").count(),
        findings,
        "one event per finding"
    );
    assert!(events(&again)
        .iter()
        .filter(|e| e["status_code"] == "FAIL")
        .all(|e| e["unmapped"]["baseline_state"] == "unchanged"));
    let redacted = std::fs::read_to_string(redacted).unwrap();
    let mut people = 0;
    for e in demo.iter().filter(|e| e["resources"][0]["type"] == "user") {
        for field in ["uid", "name"] {
            if let Some(text) = e["resources"][0][field].as_str() {
                people += 1;
                assert!(
                    !redacted.contains(text),
                    "{text} is still in the redacted OCSF"
                );
            }
        }
    }
    assert!(people > 0, "the demo has findings about people");

    let Some(lint) = jsonschema_path() else {
        return;
    };
    let (ok, said) = validate(&lint, &files);
    assert!(ok, "{said}");
    assert!(
        said.contains(&format!("{} file(s),", files.len())) && said.contains(" 0 error(s)"),
        "{said}"
    );
}

#[test]
fn the_validator_rejects_what_the_ocsf_schema_forbids() {
    let Some(lint) = jsonschema_path() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut doc: Vec<Value> =
        serde_json::from_str(&render(&sample_report(), Format::Ocsf).unwrap()).unwrap();
    let first = doc[0].as_object_mut().unwrap();
    first.insert("severity_id".into(), 7.into()); // not in the enum
    first["finding_info"].as_object_mut().unwrap().remove("uid"); // required
    first.insert("surprise".into(), true.into()); // not an attribute of the class
    first.insert("class_name".into(), "Finding".into()); // caption of another id
    let bad = dir.path().join("broken.json");
    std::fs::write(&bad, serde_json::to_string(&doc).unwrap()).unwrap();
    let (ok, said) = validate(&lint, &[bad]);
    assert!(!ok, "{said}");
    assert!(said.contains(" 4 error(s)"), "{said}");
}
