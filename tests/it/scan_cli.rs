//! `orgscan scan` end to end through the real binary: exit codes, reports on disk, and the
//! exact messages for bad input.

use crate::support;

use support::*;

fn scan_custom(body: &str, extra: &[&str]) -> (std::process::Output, tempfile::TempDir) {
    let tmp = tempfile::tempdir().unwrap();
    let snap = write_snapshot(&tmp.path().join("snap"), &small_org(), None);
    let policies = policy_dir(&tmp.path().join("pol"), body);
    let out = tmp.path().join("out");
    let mut args = vec![
        "scan",
        snap.to_str().unwrap(),
        "--no-default-policies",
        "--policies",
        policies.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    (orgscan(&args, tmp.path()), tmp)
}

#[test]
fn exit_0_when_every_control_passes() {
    let (o, tmp) = scan_custom("deny contains {\"resource\": {\"type\": \"user\", \"id\": u.accountId}, \"message\": \"x\"} if { some u in input.users; u.mfaEnabled == \"never\" }", &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("Secure score: 100.0% (5 of 5 points; all could be evaluated)"),
        "{}",
        stdout(&o)
    );
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(tmp.path().join("out/report.json")).unwrap())
            .unwrap();
    assert_eq!(report["schema"], "orgscan.report/v1");
    assert_eq!(report["controls"][0]["status"], "pass");
    assert!(tmp.path().join("out/report.html").is_file());
}

#[test]
fn exit_1_when_a_finding_reaches_fail_on_and_0_with_exit_zero_or_a_higher_bar() {
    let body = "deny contains {\"resource\": {\"type\": \"user\", \"id\": u.accountId}, \"message\": \"no 2SV\", \"evidence\": {\"source\": \"api\", \"field\": \"mfaEnabled\"}} if { some u in input.users; not u.mfaEnabled }";
    let (o, tmp) = scan_custom(body, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(tmp.path().join("out/report.json")).unwrap())
            .unwrap();
    assert_eq!(
        report["controls"][0]["findings"][0]["resource"]["id"],
        "a-user"
    );
    assert_eq!(report["gate"]["outcome"], "gate_failed");
    let (o, _t) = scan_custom(body, &["--exit-zero"]);
    assert_eq!(o.status.code(), Some(0));
    let (o, _t) = scan_custom(body, &["--fail-on", "critical"]);
    assert_eq!(o.status.code(), Some(0));
    // Any case: `--fail-on CRITICAL` is `critical`, `--fail-on Low` fails on the high finding.
    let (o, _t) = scan_custom(body, &["--fail-on", "CRITICAL"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let (o, _t) = scan_custom(body, &["--fail-on", "Low"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    // `none`: no finding fails the gate; the report says so.
    let (o, t) = scan_custom(body, &["--fail-on", "None"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("Gate: pass (fail on none)"),
        "{}",
        stdout(&o)
    );
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(t.path().join("out/report.json")).unwrap())
            .unwrap();
    assert_eq!(report["gate"]["fail_on_none"], true);
    assert_eq!(report["gate"]["outcome"], "pass");
}

#[test]
fn exit_3_when_a_policy_errors_and_never_a_pass() {
    let (o, tmp) = scan_custom("deny contains {\"resource\": {\"type\": \"user\", \"id\": \"x\"}, \"message\": \"m\"} if { to_number(\"not a number\") > 1 }", &[]);
    assert_eq!(o.status.code(), Some(3), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("TEST-001 could not be evaluated"),
        "{}",
        stdout(&o)
    );
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(tmp.path().join("out/report.json")).unwrap())
            .unwrap();
    assert_eq!(report["controls"][0]["status"], "error");
}

#[test]
fn a_runaway_policy_hits_the_time_limit() {
    let body = "deny contains {\"resource\": {\"type\": \"n\", \"id\": format_int(n, 10)}, \"message\": \"m\"} if { some n in numbers.range(1, 50000000); n < 0 }";
    let (o, tmp) = scan_custom(body, &["--policy-timeout", "0.3"]);
    assert_eq!(o.status.code(), Some(3), "{}{}", stdout(&o), stderr(&o));
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(tmp.path().join("out/report.json")).unwrap())
            .unwrap();
    let reason = report["controls"][0]["reasons"][0]
        .as_str()
        .unwrap()
        .to_string();
    assert!(reason.contains("time limit"), "{reason}");
}

#[test]
fn a_malformed_finding_is_an_error_with_its_reason() {
    let (o, tmp) = scan_custom(
        "deny contains {\"resource\": {\"type\": \"user\"}, \"message\": \"m\"} if { true }",
        &[],
    );
    assert_eq!(o.status.code(), Some(3));
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(tmp.path().join("out/report.json")).unwrap())
            .unwrap();
    assert_eq!(
        report["controls"][0]["reasons"][0],
        "deny item 1: `resource.id` must be a non-empty string"
    );
}

#[test]
fn reports_are_byte_identical_across_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let snap = write_snapshot(
        &tmp.path().join("snap"),
        &small_org(),
        Some(&[event_line(
            "e1",
            "2026-11-19T10:00:00Z",
            "user_login",
            "a-user",
        )]),
    );
    let run = |out: &str| {
        let o = orgscan(
            // A tiny org leaves most of the shipped pack without data: the coverage check is
            // off here, this test is about identical bytes.
            &[
                "scan",
                snap.to_str().unwrap(),
                "--out",
                out,
                "--exit-zero",
                "--min-coverage",
                "0",
            ],
            tmp.path(),
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        (
            std::fs::read(tmp.path().join(out).join("report.json")).unwrap(),
            std::fs::read(tmp.path().join(out).join("report.html")).unwrap(),
        )
    };
    assert_eq!(run("a"), run("b"));
}

#[test]
fn missing_manifest_is_exit_2_with_a_clear_message() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("empty")).unwrap();
    let o = orgscan(&["scan", "empty"], tmp.path());
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o).trim(),
        "error: empty: not a snapshot (no manifest.json); give a directory written by `orgscan collect`, or omit it to scan the bundled demo org"
    );
}

#[test]
fn future_manifest_version_is_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let snap = write_snapshot(&tmp.path().join("snap"), &small_org(), None);
    let path = snap.join("manifest.json");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("\"format_version\": 1", "\"format_version\": 2");
    std::fs::write(&path, text).unwrap();
    let o = orgscan(&["scan", "snap"], tmp.path());
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr(&o).trim(), "error: snap/manifest.json: format version 2 is newer than this orgscan supports (up to 1); upgrade orgscan");
}

#[test]
fn malformed_event_line_names_file_line_and_field() {
    let tmp = tempfile::tempdir().unwrap();
    let lines = vec![
        event_line("e1", "2026-11-19T10:00:00Z", "user_login", "a-user"),
        event_line("e2", "2026-11-19T11:00:00Z", "user_login", "a-user")
            .replace("2026-11-19T11:00:00Z", "yesterday"),
    ];
    write_snapshot(&tmp.path().join("snap"), &small_org(), Some(&lines));
    let o = orgscan(&["scan", "snap", "--out", "out"], tmp.path());
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.trim().starts_with("error: snap/events.ndjson: line 2: column ")
            && err.contains("field `attributes.time`: expected an RFC 3339 timestamp such as 2026-05-01T10:00:00Z, found \"yesterday\""),
        "{err}"
    );
    assert!(
        !tmp.path().join("out").exists(),
        "no report is written from bad input"
    );
}

#[test]
fn truncated_event_line_is_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let mut line = event_line("e1", "2026-11-19T10:00:00Z", "user_login", "a-user");
    line.truncate(40);
    write_snapshot(&tmp.path().join("snap"), &small_org(), Some(&[line]));
    let o = orgscan(&["scan", "snap"], tmp.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("snap/events.ndjson: line 1: column 40: field"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn wrong_type_in_a_stored_item_stops_only_the_controls_that_read_it() {
    // A read field in an unexpected shape is not bad input: as at collection time, the item
    // is kept as stored and the controls that declare the field are not evaluable, naming it.
    let tmp = tempfile::tempdir().unwrap();
    let mut org = small_org();
    org.insert(
        orgscan::snapshot::Collection::Users,
        serde_json::json!([{"accountId": "a1", "mfaEnabled": "yes", "platformRoles": ["atlassian/org-admin"]}]),
    );
    write_snapshot(&tmp.path().join("snap"), &org, None);
    let o = orgscan(
        &[
            "scan",
            "snap",
            "--exit-zero",
            "--format",
            "json",
            "--min-coverage",
            "0",
        ],
        tmp.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_slice(
        &std::fs::read(tmp.path().join("orgscan-report/report.json")).unwrap(),
    )
    .unwrap();
    let control = |id: &str| {
        report["controls"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .cloned()
            .unwrap()
    };
    let admin_mfa = control("ATL-IDN-002");
    assert_eq!(admin_mfa["status"], "not_evaluable");
    assert_eq!(admin_mfa["reasons"][0], "users: field `mfaEnabled` of item a1 has an unexpected shape (expected a boolean, found a string \"yes\"); the served value is kept in the snapshot");
    assert_ne!(control("ATL-IDN-008")["status"], "not_evaluable");
}

#[test]
fn a_collection_file_of_the_wrong_outer_shape_names_the_field() {
    let tmp = tempfile::tempdir().unwrap();
    let mut org = small_org();
    org.insert(
        orgscan::snapshot::Collection::Users,
        serde_json::json!({"accountId": "a1"}),
    );
    write_snapshot(&tmp.path().join("snap"), &org, None);
    let o = orgscan(&["scan", "snap"], tmp.path());
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o).trim(),
        "error: snap/users.json: line 1, column 0: field `(document)`: invalid type: map, expected a sequence"
    );
}

#[test]
fn edited_snapshot_file_fails_its_hash() {
    let tmp = tempfile::tempdir().unwrap();
    let snap = write_snapshot(&tmp.path().join("snap"), &small_org(), None);
    let path = snap.join("domains.json");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("verified", "unverified");
    std::fs::write(&path, text).unwrap();
    let o = orgscan(&["scan", "snap"], tmp.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("snap/domains.json: does not match manifest.json: expected sha256")
            && stderr(&o).contains("changed or damaged after the snapshot was written"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn config_with_a_wrong_type_is_exit_2_naming_file_line_and_field() {
    let (o, _t) = {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("orgscan.toml"), "[org]\nname = \"x\"\n\n[controls.ATL-IDN-002]\nsso_accounts_exempt = \"ada@small.example\"\n").unwrap();
        let snap = write_snapshot(&tmp.path().join("snap"), &small_org(), None);
        (
            orgscan(
                &["scan", snap.to_str().unwrap(), "--out", "out"],
                tmp.path(),
            ),
            tmp,
        )
    };
    assert_eq!(o.status.code(), Some(2));
    // The file was picked up from the current directory: a note says so, then the error.
    let err = stderr(&o);
    let lines: Vec<&str> = err.trim().lines().collect();
    assert!(
        lines[0].starts_with("note: using orgscan.toml from the current directory"),
        "{err}"
    );
    assert_eq!(
        lines[1..].join("\n"),
        "error: orgscan.toml:5: controls.ATL-IDN-002.sso_accounts_exempt: expected a list (like the default []), found \"ada@small.example\""
    );
}

#[test]
fn config_that_is_not_toml_is_exit_2_with_its_line() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("bad.toml"), "[org]\nname = \n").unwrap();
    let snap = write_snapshot(&tmp.path().join("snap"), &small_org(), None);
    let o = orgscan(
        &["scan", snap.to_str().unwrap(), "--config", "bad.toml"],
        tmp.path(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).trim().starts_with("error: bad.toml: line 2: "),
        "{}",
        stderr(&o)
    );
}

#[test]
fn bad_policy_metadata_is_exit_2_naming_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("pol");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(
        dir.join("p.rego"),
        POLICY_META.replace("severity: high", "severity: urgent") + "package custom.p\n",
    )
    .unwrap();
    let snap = write_snapshot(&tmp.path().join("snap"), &small_org(), None);
    let o = orgscan(
        &[
            "scan",
            snap.to_str().unwrap(),
            "--no-default-policies",
            "--policies",
            "pol",
        ],
        tmp.path(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr(&o).trim(), "error: pol/p.rego:6: custom.severity: expected one of info, low, medium, high, critical; found \"urgent\"");
}

#[test]
fn usage_errors_are_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    for (args, expected) in [
        (vec!["scan", "--fail-on", "severe"], "error: --fail-on: expected one of info, low, medium, high, critical or none (any case); found \"severe\""),
        (vec!["scan", "--now", "tomorrow"], "error: --now: expected an RFC 3339 time such as 2026-11-21T00:00:00Z, found \"tomorrow\""),
        (vec!["scan", "--format", "json,pdf"], "error: --format: unknown report format \"pdf\"; expected a comma-separated list of json, html, sarif, junit, md, csv, ocsf"),
    ] {
        let o = orgscan(&args, tmp.path());
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert_eq!(stderr(&o).trim(), expected);
    }
    let o = orgscan(&["scan", "--bogus"], tmp.path());
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn unavailable_collection_makes_dependent_controls_not_evaluable() {
    let tmp = tempfile::tempdir().unwrap();
    let snap = write_snapshot(&tmp.path().join("snap"), &small_org(), None);
    // Rewrite the manifest as if the users collection had been refused (403).
    let path = snap.join("manifest.json");
    let mut manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    manifest["collections"]["users"] = serde_json::json!({"status": "unavailable", "source": "/admin/v2/orgs/org-small/directories/-/users/search",
        "reason": "403 ADMIN-403-3: the key may not read users", "http_status": 403});
    std::fs::write(&path, serde_json::to_string_pretty(&manifest).unwrap()).unwrap();
    let policies = policy_dir(&tmp.path().join("pol"), "deny contains {\"resource\": {\"type\": \"user\", \"id\": u.accountId}, \"message\": \"m\"} if { some u in input.users }");
    let o = orgscan(
        &[
            "scan",
            "snap",
            "--no-default-policies",
            "--policies",
            policies.to_str().unwrap(),
            "--out",
            "out",
        ],
        tmp.path(),
    );
    // The only control could not look at anything: never a pass (it once was, exit 0).
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(tmp.path().join("out/report.json")).unwrap())
            .unwrap();
    assert_eq!(report["controls"][0]["status"], "not_evaluable");
    let reason = "users could not be read from /admin/v2/orgs/org-small/directories/-/users/search: 403 ADMIN-403-3: the key may not read users";
    assert_eq!(report["controls"][0]["reasons"][0], reason);
    assert_eq!(report["gate"]["outcome"], "incomplete");
    assert_eq!(
        report["gate"]["reasons"],
        serde_json::json!([
            "no control could be evaluated (1 loaded); a scan that evaluated nothing never passes",
            format!("missing: {reason} — blocks TEST-001"),
        ])
    );
    assert!(
        stdout(&o).contains("Controls (1): 0 passed, 0 failed, 0 waived, 1 not evaluable, 0 not applicable, 0 error"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn an_empty_or_blank_snapshot_argument_is_exit_2_not_the_demo() {
    let tmp = tempfile::tempdir().unwrap();
    for blank in ["", " ", "\t", " \n "] {
        let o = orgscan(&["scan", blank, "--out", "out"], tmp.path());
        assert_eq!(o.status.code(), Some(2), "{blank:?}: {}", stdout(&o));
        let err = stderr(&o);
        assert!(
            err.contains("expected a snapshot directory")
                && err.contains("omit the argument entirely to scan the bundled demo org"),
            "{err}"
        );
        assert!(!stdout(&o).contains("DEMO ORG"), "the demo did not run");
        assert!(!tmp.path().join("out").exists(), "nothing is written");
    }
}

#[test]
fn the_demo_says_so_in_the_terminal_html_json_and_markdown() {
    let tmp = tempfile::tempdir().unwrap();
    let o = orgscan(
        &[
            "scan",
            "--out",
            "demo",
            "--format",
            "json,html,md",
            "--exit-zero",
        ],
        tmp.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let marker = "DEMO ORG — not your organization";
    let out = stdout(&o);
    assert!(
        out.starts_with(marker),
        "the summary opens with the marker: {out}"
    );
    assert!(
        stderr(&o).starts_with(&format!("warning: {marker}: ")),
        "{}",
        stderr(&o)
    );
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(tmp.path().join("demo/report.json")).unwrap())
            .unwrap();
    assert_eq!(report["snapshot"]["source"], "demo");
    assert!(report["warnings"][0].as_str().unwrap().starts_with(marker));
    let html = std::fs::read_to_string(tmp.path().join("demo/report.html")).unwrap();
    let header = &html[html.find("<header>").unwrap()..html.find("</header>").unwrap()];
    assert!(
        header.contains(&format!(
            "<p class=\"demo-banner\" id=\"demo-marker\">{marker}:"
        )),
        "{header}"
    );
    let md = std::fs::read_to_string(tmp.path().join("demo/report.md")).unwrap();
    assert!(md.contains(&format!("> **{marker}**")), "{md}");
    // Under --quiet the summary is gone, the warning on stderr stays.
    let o = orgscan(
        &[
            "scan",
            "--out",
            "q",
            "--format",
            "json",
            "--exit-zero",
            "--quiet",
        ],
        tmp.path(),
    );
    assert!(stdout(&o).is_empty());
    assert!(stderr(&o).contains(marker));
}
