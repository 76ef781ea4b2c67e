//! The policy authoring toolchain through the real binary: `orgscan policy test|check|list|doc`
//! and `scan --policies`, on the shipped pack, on the authoring guide's example controls
//! (`examples/custom-policies`, shown verbatim in `docs/authoring.md`), and on broken folders,
//! with the documented exit codes.

use crate::support;

use orgscan::snapshot::Collection;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use support::*;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn examples() -> String {
    root()
        .join("examples/custom-policies")
        .display()
        .to_string()
}

fn code(o: &std::process::Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

const META: &str = "# METADATA\n# title: T\n# description: D\n# custom:\n#   id: MY-001\n#   severity: low\n#   category: Identity and authentication\n#   points: 1\n#   user_impact: low\n#   implementation_cost: low\n#   remediation: [fix it]\n";

/// A one-policy folder: `deny` fires for every `input.bad` item; `test_body` is the test file.
fn folder(tmp: &Path, test_body: &str) -> String {
    let dir = tmp.join("mine");
    write(
        &dir,
        "check.rego",
        &format!("{META}package my.check\n\nimport rego.v1\n\ndeny contains {{\"resource\": {{\"type\": \"user\", \"id\": x}}, \"message\": \"bad\"}} if {{\n\tsome x in input.bad\n}}\n\nunused if {{\n\tinput.nothing\n\tinput.never == 1\n}}\n"),
    );
    write(&dir, "check_test.rego", test_body);
    dir.display().to_string()
}

const TEST_HEAD: &str = "package my.check_test\n\nimport data.my.check\nimport rego.v1\n\n";

#[test]
fn the_guide_shows_the_example_files_verbatim() {
    let guide = std::fs::read_to_string(root().join("docs/authoring.md")).expect("the guide");
    let mut shown = Vec::new();
    for part in guide.split("<!-- example: ").skip(1) {
        let (name, rest) = part
            .split_once(" -->\n```rego\n")
            .expect("a rego block follows");
        let code = rest.split("```").next().expect("closed block");
        let file = std::fs::read_to_string(root().join("examples/custom-policies").join(name))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(code, file, "docs/authoring.md shows {name} differently");
        shown.push(name.to_string());
    }
    shown.sort();
    assert_eq!(
        shown,
        vec![
            "detect/token_created_off_hours.rego",
            "detect/token_created_off_hours_test.rego",
            "keys/admin_key_lifetime.rego",
            "keys/admin_key_lifetime_test.rego"
        ]
    );
}

#[test]
fn policy_test_runs_the_shipped_pack_and_the_examples() {
    let tmp = tempfile::tempdir().expect("tmp");
    // The whole shipped suite runs in tests/it/rego_unit_tests.rs; here one policy's tests, through
    // the binary.
    let o = orgscan(&["policy", "test", "--run", "admin_mfa_test"], tmp.path());
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains("  PASS  data.orgscan.identity.admin_mfa_test."),
        "{}",
        stdout(&o)
    );

    let o = orgscan(
        &["policy", "test", &examples(), "--run", "admin_key"],
        tmp.path(),
    );
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains("PASS: 5 passed, 0 failed, 0 errors, 0 skipped of 5 tests"),
        "{}",
        stdout(&o)
    );

    let o = orgscan(
        &[
            "policy",
            "test",
            &examples(),
            "--threshold",
            "100",
            "--quiet",
        ],
        tmp.path(),
    );
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(
        !out.contains("  PASS  "),
        "--quiet lists only failures: {out}"
    );
    assert!(out.contains("admin_key_lifetime.rego"), "{out}");
    assert!(
        !out.contains("builtin:lib/util.rego"),
        "only the user's files are covered: {out}"
    );

    let o = orgscan(
        &[
            "policy",
            "test",
            &examples(),
            "--format",
            "json",
            "--coverage",
        ],
        tmp.path(),
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let doc: Value = serde_json::from_str(&stdout(&o)).expect("json output");
    assert_eq!(doc["passed"], true);
    assert_eq!(doc["summary"]["pass"], 9);
    assert_eq!(doc["coverage"]["percent"], 100.0);
}

#[test]
fn policy_test_exit_codes() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = folder(
        tmp.path(),
        &format!("{TEST_HEAD}test_finds_bad if {{\n\tcount(check.deny) == 1 with input as {{\"bad\": [1]}}\n}}\n\ntest_wrong if {{\n\tcount(check.deny) == 2 with input as {{\"bad\": [1]}}\n}}\n\ntest_errors if {{\n\tto_number(\"x\") == 1\n}}\n"),
    );
    let o = orgscan(&["policy", "test", &dir], tmp.path());
    let out = stdout(&o);
    assert_eq!(code(&o), 1, "{out}{}", stderr(&o));
    assert!(
        out.contains("  FAIL  data.my.check_test.test_wrong"),
        "{out}"
    );
    assert!(
        out.contains("check_test.rego:10: the test rule is false or undefined"),
        "{out}"
    );
    assert!(
        out.contains("  ERROR data.my.check_test.test_errors"),
        "{out}"
    );
    assert!(out.contains("check_test.rego:15: "), "{out}");
    assert!(
        out.contains("FAIL: 1 passed, 1 failed, 1 errors, 0 skipped of 3 tests"),
        "{out}"
    );

    // Only the passing test: 0; with a coverage threshold it cannot reach: 1.
    let o = orgscan(&["policy", "test", &dir, "--run", "finds_bad$"], tmp.path());
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    let o = orgscan(
        &[
            "policy",
            "test",
            &dir,
            "--run",
            "finds_bad$",
            "--threshold",
            "99",
        ],
        tmp.path(),
    );
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert!(
        stdout(&o).contains("is below the threshold 99.0%"),
        "{}",
        stdout(&o)
    );
    assert!(stdout(&o).contains("not covered: "), "{}", stdout(&o));

    // No test ran (a --run typo): 1.
    let o = orgscan(
        &["policy", "test", &dir, "--run", "no_such_test"],
        tmp.path(),
    );
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert!(stdout(&o).contains("FAIL: no tests ran"), "{}", stdout(&o));

    // Usage and load errors: 2.
    for args in [
        vec!["policy", "test", &dir, "--run", "("],
        vec!["policy", "test", &dir, "--threshold", "101"],
        vec!["policy", "test", &dir, "--format", "xml"],
        vec!["policy", "test", "no-such-folder"],
    ] {
        let o = orgscan(&args, tmp.path());
        assert_eq!(code(&o), 2, "{args:?}: {}{}", stdout(&o), stderr(&o));
        assert!(
            stderr(&o).starts_with("error: "),
            "{args:?}: {}",
            stderr(&o)
        );
    }
    let broken = folder(&tmp.path().join("b"), &format!("{TEST_HEAD}test_x if {{\n"));
    let o = orgscan(&["policy", "test", &broken], tmp.path());
    assert_eq!(code(&o), 2, "{}{}", stdout(&o), stderr(&o));
    assert!(stderr(&o).contains("check_test.rego:"), "{}", stderr(&o));
}

#[test]
fn policy_check_is_clean_on_the_shipped_pack_and_the_examples() {
    let tmp = tempfile::tempdir().expect("tmp");
    let o = orgscan(&["policy", "check"], tmp.path());
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).starts_with("OK"), "{}", stdout(&o));

    let o = orgscan(&["policy", "check", &examples()], tmp.path());
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains(
            "OK: checked 4 files (2 policies, 0 libraries, 2 test files): 0 errors, 0 warnings"
        ),
        "{}",
        stdout(&o)
    );
}

#[test]
fn policy_check_reports_every_problem_with_its_line() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("bad");
    let bad_meta = META
        .replace("severity: low", "severity: urgent")
        .replace("points: 1", "points: -2");
    write(
        &dir,
        "meta.rego",
        &format!("{bad_meta}package my.meta\n\nimport rego.v1\n\ndeny contains 1 if false\n"),
    );
    let meta2 = META.replace("MY-001", "MY-002");
    write(
        &dir,
        "runtime.rego",
        &format!("{meta2}package my.runtime\n\nimport rego.v1\n\ndeny contains {{\"resource\": {{\"type\": \"x\", \"id\": \"1\"}}, \"message\": m}} if {{\n\tm := sprintf(\"%v\", [y])\n}}\n\nhash := crypto.sha256(\"a\")\n"),
    );
    write(
        &dir,
        "runtime_test.rego",
        "package my.runtime_test\n\nimport rego.v1\n\ntest_nothing if true\n",
    );
    write(&dir, "syntax.rego", "package my.syntax\n\nx := {\n");
    let o = orgscan(&["policy", "check", &dir.display().to_string()], tmp.path());
    let out = stdout(&o);
    assert_eq!(code(&o), 1, "{out}{}", stderr(&o));
    let d = dir.display();
    for expected in [
        format!("{d}/meta.rego:6: error: custom.severity: expected one of info, low, medium, high, critical; found \"urgent\""),
        format!("{d}/meta.rego:8: error: custom.points must be a number greater than 0, found -2"),
        format!("{d}/runtime.rego:17: error: on the empty input: use of undefined variable `y` is unsafe"),
        format!("{d}/runtime.rego:20: error: `crypto.sha256` is an OPA builtin that regorus (orgscan's engine) lacks"),
        format!("{d}/syntax.rego:4: error: "),
    ] {
        assert!(out.contains(&expected), "missing {expected:?} in:\n{out}");
    }
    assert!(
        !out.contains("runtime.rego:1: warning: no test file"),
        "runtime.rego has its test: {out}"
    );
    assert!(out.contains("FAIL: checked 4 files"), "{out}");

    let o = orgscan(
        &[
            "policy",
            "check",
            &dir.display().to_string(),
            "--format",
            "json",
        ],
        tmp.path(),
    );
    assert_eq!(code(&o), 1);
    let doc: Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert!(
        doc["problems"].as_array().is_some_and(|p| p.len() >= 5),
        "{doc}"
    );
    assert!(doc["problems"][0]["line"].is_number(), "{doc}");

    // Warnings pass unless --strict.
    let warn = tmp.path().join("warn");
    write(
        &warn,
        "lonely.rego",
        &format!("{META}package my.lonely\n\nimport rego.v1\n\ndeny contains 1 if false\n"),
    );
    let warn_s = warn.display().to_string();
    let o = orgscan(&["policy", "check", &warn_s], tmp.path());
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert!(
        stdout(&o).contains("lonely.rego:1: warning: no test file"),
        "{}",
        stdout(&o)
    );
    assert!(stdout(&o).contains("OK with warnings"), "{}", stdout(&o));
    let o = orgscan(&["policy", "check", &warn_s, "--strict"], tmp.path());
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    // Exit 1 reads as a failure, never "OK with warnings".
    assert!(
        stdout(&o).contains("FAILED (--strict: warnings fail)") && !stdout(&o).contains("OK"),
        "{}",
        stdout(&o)
    );

    for args in [
        vec!["policy", "check", "--format", "xml"],
        vec!["policy", "check", "no-such-folder"],
    ] {
        let o = orgscan(&args, tmp.path());
        assert_eq!(code(&o), 2, "{args:?}: {}{}", stdout(&o), stderr(&o));
    }
}

#[test]
fn scan_with_the_example_policies_finds_what_the_guide_says() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut org = small_org();
    org.insert(
        Collection::ApiKeys,
        json!([
            {"id": "k1", "label": "ci", "createdAt": "2026-01-10T08:00:00Z", "expiresAt": "2027-01-09T08:00:00Z"},
            {"id": "k2", "label": "legacy", "createdAt": "2023-05-01T08:00:00Z"}
        ]),
    );
    let events = vec![
        event_line(
            "e1",
            "2026-11-04T02:10:00Z",
            "ts_api_token_creation",
            "a-user",
        ),
        event_line(
            "e2",
            "2026-11-04T14:10:00Z",
            "ts_api_token_creation",
            "a-admin",
        ),
    ];
    let snap = write_snapshot(&tmp.path().join("snap"), &org, Some(&events));
    let o = orgscan(
        &[
            "scan",
            &snap.display().to_string(),
            "--policies",
            &examples(),
            "--out",
            "out",
            "--format",
            "json",
            "--exit-zero",
            // A small org without attestation: most posture points cannot be evaluated, and
            // this test is about what the example policies find, not the coverage gate.
            "--min-coverage",
            "0",
        ],
        tmp.path(),
    );
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let report: Value =
        serde_json::from_slice(&std::fs::read(tmp.path().join("out/report.json")).expect("report"))
            .expect("json");
    let control = |id: &str| {
        report["controls"]
            .as_array()
            .and_then(|c| c.iter().find(|c| c["id"] == id))
            .cloned()
            .unwrap_or_else(|| panic!("{id} is in the report"))
    };
    let key = control("ACME-KEY-001");
    assert_eq!(key["status"], "fail", "{key}");
    assert_eq!(key["score"], 0.5, "{key}");
    assert_eq!(
        key["findings"][0]["message"],
        "Admin API key legacy has no expiry date"
    );
    let detection = control("ACME-DET-001");
    assert_eq!(detection["status"], "fail", "{detection}");
    assert_eq!(detection["kind"], "detection");
    assert_eq!(
        detection["findings"].as_array().map(Vec::len),
        Some(1),
        "{detection}"
    );
    assert_eq!(detection["findings"][0]["resource"]["id"], "a-user");
}

#[test]
fn policy_list_and_doc() {
    let tmp = tempfile::tempdir().expect("tmp");
    let o = orgscan(&["policy", "list", &examples()], tmp.path());
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.starts_with("ID "), "{out}");
    assert!(out.contains("ACME-DET-001  medium    detection"), "{out}");
    assert!(
        out.contains("2 controls (1 posture, 5 points; 1 detection)"),
        "{out}"
    );

    let o = orgscan(
        &["policy", "list", &examples(), "--format", "json"],
        tmp.path(),
    );
    let rows: Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(rows[1]["id"], "ACME-KEY-001", "{rows}");
    assert_eq!(rows[1]["config"]["max_lifetime_days"], 365);
    // The shipped pack too: JSON in id order, like the table.
    let o = orgscan(&["policy", "list", "--format", "json"], tmp.path());
    let rows: Value = serde_json::from_str(&stdout(&o)).expect("json");
    let ids: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    assert!(ids.len() > 40 && ids == sorted, "{ids:?}");

    let o = orgscan(&["policy", "list", "--format", "xml"], tmp.path());
    assert_eq!(code(&o), 2);

    let o = orgscan(
        &["policy", "doc", &examples(), "--out", "cat/README.md"],
        tmp.path(),
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let written = std::fs::read_to_string(tmp.path().join("cat/README.md")).expect("catalogue");
    assert!(written.contains("ACME-KEY-001"), "{written}");
    let o = orgscan(
        &[
            "policy",
            "doc",
            &examples(),
            "--out",
            "cat/README.md",
            "--check",
        ],
        tmp.path(),
    );
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    std::fs::write(tmp.path().join("cat/README.md"), "stale").expect("write");
    let o = orgscan(
        &[
            "policy",
            "doc",
            &examples(),
            "--out",
            "cat/README.md",
            "--check",
        ],
        tmp.path(),
    );
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert!(stdout(&o).contains("out of date"), "{}", stdout(&o));

    // A README somebody wrote is never replaced: exit 2, the file untouched. The catalogue it
    // generated itself is rewritten as before.
    let own = tmp.path().join("own/README.md");
    std::fs::create_dir_all(own.parent().expect("parent")).expect("mkdir");
    std::fs::write(&own, "# Our policies\n\nHand-written notes.\n").expect("write");
    let o = orgscan(
        &["policy", "doc", &examples(), "--out", "own/README.md"],
        tmp.path(),
    );
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("not written by"), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(&own).expect("read"),
        "# Our policies\n\nHand-written notes.\n"
    );
    // "stale" above carries no marker either; a catalogue orgscan wrote is rewritten.
    std::fs::remove_file(tmp.path().join("cat/README.md")).expect("remove");
    for _ in 0..2 {
        let o = orgscan(
            &["policy", "doc", &examples(), "--out", "cat/README.md"],
            tmp.path(),
        );
        assert_eq!(
            code(&o),
            0,
            "a generated catalogue is rewritten: {}",
            stderr(&o)
        );
    }
}
