//! The report features end to end through the real binary: every format written and compared
//! with golden files, waivers from `orgscan.toml`, `--baseline`/`--fail-on-new`, `diff`,
//! `--history` and `--redact`. Paths are relative to a temp dir, so outputs hold no temp path.
//! Regenerate goldens with `ORGSCAN_UPDATE_GOLDEN=1 cargo test --test it report_cli::`.

use crate::support;

use serde_json::{json, Value};
use std::path::Path;
use support::*;

const BODY: &str = r#"deny contains {"resource": {"type": "user", "id": u.accountId, "name": u.name}, "message": sprintf("%s (%s) has not enrolled in two-step verification", [u.name, u.email]), "evidence": {"source": "api", "collection": "users", "field": "mfaEnabled", "observed": false, "expected": true}} if { some u in input.users; not u.mfaEnabled }"#;

const NOW: &str = "2026-11-21T00:00:00Z";

fn setup(tmp: &Path, extra_users: &[Value]) {
    let mut org = small_org();
    if let Some(Value::Array(users)) = org.get_mut(&orgscan::snapshot::Collection::Users) {
        users.extend(extra_users.iter().cloned());
    }
    let events = vec![
        event_line("e1", "2026-11-19T10:00:00Z", "user_login", "a-user"),
        event_line("e2", "2026-11-19T11:00:00Z", "user_login", "a-admin"),
    ];
    let _ = std::fs::remove_dir_all(tmp.join("snap"));
    write_snapshot(&tmp.join("snap"), &org, Some(&events));
    policy_dir(&tmp.join("pol"), BODY);
}

fn scan(tmp: &Path, out: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "scan",
        "snap",
        "--no-default-policies",
        "--policies",
        "pol",
        "--now",
        NOW,
        "--out",
        out,
        "--format",
        "json,html,sarif,junit,md,csv,ocsf",
    ];
    args.extend_from_slice(extra);
    orgscan(&args, tmp)
}

fn read(tmp: &Path, file: &str) -> String {
    std::fs::read_to_string(tmp.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// The policy pack hash covers the shipped library files too, which other work changes;
/// goldens hold a placeholder for it (the determinism checks compare real bytes).
fn normalize(text: &str, pack_hash: &str) -> String {
    text.replace(pack_hash, "<POLICY-PACK-HASH>")
}

fn pack_hash(tmp: &Path, out: &str) -> String {
    let report: Value = serde_json::from_str(&read(tmp, &format!("{out}/report.json"))).unwrap();
    report["policy_pack"]["hash"].as_str().unwrap().to_string()
}

#[test]
fn every_format_from_the_cli_matches_its_golden_file() {
    let tmp = tempfile::tempdir().unwrap();
    setup(tmp.path(), &[]);
    let o = scan(tmp.path(), "out", &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    for file in [
        "report.json",
        "report.html",
        "report.sarif",
        "report.junit.xml",
        "report.md",
        "findings.csv",
        "findings.ocsf.json",
    ] {
        let hash = pack_hash(tmp.path(), "out");
        golden(
            file,
            &normalize(&read(tmp.path(), &format!("out/{file}")), &hash),
        );
    }
    // A second run gives the same bytes.
    let o = scan(tmp.path(), "again", &[]);
    assert_eq!(o.status.code(), Some(1));
    for file in [
        "report.json",
        "report.html",
        "report.sarif",
        "findings.csv",
        "findings.ocsf.json",
    ] {
        assert_eq!(
            read(tmp.path(), &format!("out/{file}")),
            read(tmp.path(), &format!("again/{file}")),
            "{file}"
        );
    }
}

#[test]
fn waivers_from_the_config_apply_and_warn_on_stderr() {
    let tmp = tempfile::tempdir().unwrap();
    setup(tmp.path(), &[]);
    std::fs::write(
        tmp.path().join("orgscan.toml"),
        r#"[[waivers]]
control = "TEST-001"
resource = "a-user"
reason = "Contractor; SSO enforces MFA"
status = "resolved_third_party"
owner = "secops"
ticket = "SEC-9"
expires = 2026-11-30

[[waivers]]
control = "TEST-001"
resource = "nobody"
reason = "stale"
"#,
    )
    .unwrap();
    let o = scan(tmp.path(), "out", &[]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "the waived finding no longer fails the gate: {}",
        stderr(&o)
    );
    let err = stderr(&o);
    assert!(err.contains("warning: orgscan.toml:1: waiver for TEST-001 (resource \"a-user\") expires on 2026-11-30 (in 10 day(s))"), "{err}");
    assert!(err.contains("warning: orgscan.toml:10: waiver for TEST-001 (resource \"nobody\") matches no finding"), "{err}");
    let report: Value = serde_json::from_str(&read(tmp.path(), "out/report.json")).unwrap();
    let c = &report["controls"][0];
    assert_eq!(c["status"], "waived");
    // The terminal's control counts include the waived one and add up to the total.
    let (total, counts) = controls_line(&stdout(&o));
    assert_eq!(counts.iter().sum::<usize>(), total);
    assert_eq!(
        total,
        report["summary"]["controls"].as_u64().unwrap() as usize
    );
    assert!(
        stdout(&o).contains("Controls (1): 0 passed, 0 failed, 1 waived, 0 not evaluable"),
        "{}",
        stdout(&o)
    );
    assert_eq!(c["points_achieved"], 5.0, "third party earns the points");
    assert_eq!(c["findings"][0]["waiver"]["ticket"], "SEC-9");
    assert_eq!(report["warnings"].as_array().unwrap().len(), 2);
    let sarif: Value = serde_json::from_str(&read(tmp.path(), "out/report.sarif")).unwrap();
    assert_eq!(
        sarif["runs"][0]["results"][0]["suppressions"][0]["kind"],
        "external"
    );
}

/// `Controls (N): a passed, b failed, …` as N and the counts.
fn controls_line(stdout: &str) -> (usize, Vec<usize>) {
    let line = stdout
        .lines()
        .find(|l| l.starts_with("Controls ("))
        .unwrap_or_else(|| panic!("no Controls line in {stdout}"));
    let (head, rest) = line.split_once("): ").unwrap();
    let total = head.trim_start_matches("Controls (").parse().unwrap();
    let counts = rest
        .split(", ")
        .map(|part| part.split(' ').next().unwrap().parse().unwrap())
        .collect();
    (total, counts)
}

#[test]
fn exit_zero_reads_not_enforced_with_the_would_be_outcome_in_every_format() {
    let tmp = tempfile::tempdir().unwrap();
    setup(tmp.path(), &[]);
    let o = scan(tmp.path(), "out", &["--exit-zero"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("Gate: not enforced (--exit-zero; would fail on high: 1 control(s))"),
        "{out}"
    );
    assert!(!out.contains("Gate: pass"), "{out}");
    let report: Value = serde_json::from_str(&read(tmp.path(), "out/report.json")).unwrap();
    assert_eq!(report["gate"]["outcome"], "not_enforced");
    assert_eq!(report["gate"]["would_be"], "gate_failed");
    assert_eq!(report["gate"]["exit_zero"], true);
    assert_eq!(
        report["gate"]["reasons"][0],
        "TEST-001 (high): 1 open finding(s) at or above high"
    );
    let html = read(tmp.path(), "out/report.html");
    assert!(
        html.contains(
            "data-outcome=\"not_enforced\">not enforced (--exit-zero; would fail)</span>"
        ),
        "html"
    );
    assert!(html.contains("Why the gate is not enforced (--exit-zero; would fail)"));
    let md = read(tmp.path(), "out/report.md");
    assert!(
        md.contains("**Gate: not enforced (--exit-zero; would fail)** (fail on high)"),
        "{md}"
    );
    let sarif: Value = serde_json::from_str(&read(tmp.path(), "out/report.sarif")).unwrap();
    let props = &sarif["runs"][0]["properties"];
    assert_eq!(props["gate"], "not_enforced");
    assert_eq!(props["gate_would_be"], "gate_failed");
    // JUnit has no gate: its testcases are the controls, failing as they are.
    let junit = read(tmp.path(), "out/report.junit.xml");
    assert!(junit.contains("failures=\"1\""), "{junit}");
    for text in [&out, &html, &md] {
        assert!(!text.contains("Gate: pass") && !text.contains(">pass</span>"));
    }
    // Without findings at the threshold, --exit-zero changes nothing: a plain pass.
    let o = scan(
        tmp.path(),
        "crit",
        &["--exit-zero", "--fail-on", "critical"],
    );
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stdout(&o).contains("Gate: pass (fail on critical)"),
        "{}",
        stdout(&o)
    );
    let report: Value = serde_json::from_str(&read(tmp.path(), "crit/report.json")).unwrap();
    assert_eq!(report["gate"]["outcome"], "pass");
    assert!(report["gate"].get("would_be").is_none());
}

#[test]
fn bad_waivers_are_exit_2_with_every_problem() {
    let tmp = tempfile::tempdir().unwrap();
    setup(tmp.path(), &[]);
    std::fs::write(
        tmp.path().join("orgscan.toml"),
        "[[waivers]]\ncontrol = \"NOPE-1\"\nreason = \"x\"\n\n[[waivers]]\ncontrol = \"TEST-001\"\nstatus = \"ignored\"\n",
    )
    .unwrap();
    let o = scan(tmp.path(), "out", &[]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("orgscan.toml:2: waivers[0].control: no control with id \"NOPE-1\""),
        "{err}"
    );
    assert!(
        err.contains("orgscan.toml:5: waivers[1].reason: missing"),
        "{err}"
    );
    assert!(
        err.contains("orgscan.toml:7: waivers[1].status: expected one of"),
        "{err}"
    );
}

fn extra_user() -> Value {
    json!({"accountId": "a-new", "name": "Nia New", "email": "nia@small.example", "status": "active",
        "accountStatus": "active", "claimStatus": "managed", "platformRoles": [], "mfaEnabled": false,
        "productAccess": [], "groups": []})
}

#[test]
fn baseline_fail_on_new_and_diff() {
    let tmp = tempfile::tempdir().unwrap();
    setup(tmp.path(), &[]);
    assert_eq!(scan(tmp.path(), "old", &[]).status.code(), Some(1));
    // Same findings as the baseline: the gate passes under --fail-on-new.
    let o = scan(
        tmp.path(),
        "same",
        &["--baseline", "old/report.json", "--fail-on-new"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // A new user without 2SV: that finding is new, so the gate fails.
    setup(tmp.path(), &[extra_user()]);
    let o = scan(
        tmp.path(),
        "new",
        &["--baseline", "old/report.json", "--fail-on-new"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let report: Value = serde_json::from_str(&read(tmp.path(), "new/report.json")).unwrap();
    assert_eq!(
        report["baseline"]["new_findings"].as_array().unwrap().len(),
        1
    );
    assert_eq!(report["gate"]["new_only"], true);
    assert!(report["gate"]["reasons"][0]
        .as_str()
        .unwrap()
        .contains("1 new open finding(s)"));
    let sarif: Value = serde_json::from_str(&read(tmp.path(), "new/report.sarif")).unwrap();
    let states: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["baselineState"].as_str().unwrap())
        .collect();
    assert_eq!(states.iter().filter(|s| **s == "new").count(), 1);
    assert_eq!(states.iter().filter(|s| **s == "unchanged").count(), 1);
    let md = read(tmp.path(), "new/report.md");
    assert!(
        md.contains("### New findings") && md.contains("| TEST-001 | high | user/a-new |"),
        "{md}"
    );
    // --fail-on-new without --baseline is a usage error.
    assert_eq!(
        scan(tmp.path(), "x", &["--fail-on-new"]).status.code(),
        Some(2)
    );

    for (format, name) in [
        ("text", "diff.txt"),
        ("markdown", "diff.md"),
        ("json", "diff.json"),
    ] {
        let o = orgscan(
            &[
                "diff",
                "old/report.json",
                "new/report.json",
                "--format",
                format,
            ],
            tmp.path(),
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        golden(name, &normalize(&stdout(&o), &pack_hash(tmp.path(), "new")));
    }
    let text = stdout(&orgscan(
        &["diff", "old/report.json", "new/report.json"],
        tmp.path(),
    ));
    assert!(
        text.contains("New findings (1):") && text.contains("a-new"),
        "{text}"
    );
    let o = orgscan(
        &[
            "diff",
            "old/report.json",
            "new/report.json",
            "--fail-on-new",
        ],
        tmp.path(),
    );
    assert_eq!(o.status.code(), Some(1));
    let o = orgscan(&["diff", "new/report.json", "old/report.json"], tmp.path());
    assert!(
        stdout(&o).contains("Resolved findings (1):"),
        "{}",
        stdout(&o)
    );
    let o = orgscan(
        &["diff", "old/report.json", "snap/manifest.json"],
        tmp.path(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("snap/manifest.json: not an orgscan report"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn history_draws_a_trend() {
    let tmp = tempfile::tempdir().unwrap();
    setup(tmp.path(), &[extra_user()]);
    let o = orgscan(
        &[
            "scan",
            "snap",
            "--no-default-policies",
            "--policies",
            "pol",
            "--now",
            "2026-11-01T00:00:00Z",
            "--out",
            "h1",
            "--exit-zero",
        ],
        tmp.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    std::fs::create_dir_all(tmp.path().join("hist")).unwrap();
    std::fs::copy(
        tmp.path().join("h1/report.json"),
        tmp.path().join("hist/2026-11-01.json"),
    )
    .unwrap();
    std::fs::write(tmp.path().join("hist/notes.json"), "{\"hello\": 1}").unwrap();
    setup(tmp.path(), &[]);
    let o = scan(tmp.path(), "out", &["--history", "hist"]);
    assert!(
        stderr(&o).contains("warning: --history: skipped hist/notes.json: not an orgscan report"),
        "{}",
        stderr(&o)
    );
    let report: Value = serde_json::from_str(&read(tmp.path(), "out/report.json")).unwrap();
    let trend = report["trend"].as_array().unwrap();
    assert_eq!(trend.len(), 2);
    assert_eq!(trend[0]["open_findings"], 2);
    assert_eq!(trend[1]["open_findings"], 1);
    assert!(read(tmp.path(), "out/report.html").contains("aria-label=\"Score trend\""));
}

#[test]
fn redact_replaces_people_and_addresses_consistently() {
    let tmp = tempfile::tempdir().unwrap();
    setup(tmp.path(), &[]);
    let o = scan(tmp.path(), "out", &["--redact"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    for file in [
        "report.json",
        "report.html",
        "report.sarif",
        "report.junit.xml",
        "report.md",
        "findings.csv",
        "findings.ocsf.json",
    ] {
        let text = read(tmp.path(), &format!("out/{file}"));
        for secret in [
            "uma@small.example",
            "Uma User",
            "203.0.113.7",
            "ada@small.example",
        ] {
            assert!(!text.contains(secret), "{file} still holds {secret}");
        }
    }
    let report: Value = serde_json::from_str(&read(tmp.path(), "out/report.json")).unwrap();
    assert_eq!(report["redacted"], true);
    let f = &report["controls"][0]["findings"][0];
    let token = f["resource"]["id"].as_str().unwrap();
    assert!(token.starts_with("user-"), "{token}");
    assert_eq!(
        f["resource"]["name"], token,
        "name and account id: one person, one token"
    );
    assert_eq!(
        f["message"],
        format!("{token} ({token}) has not enrolled in two-step verification")
    );
    // The fingerprint is keyed: the plain one would confirm a guessed account id.
    let plain = scan(tmp.path(), "plain", &[]);
    assert_eq!(plain.status.code(), Some(1));
    let p: Value = serde_json::from_str(&read(tmp.path(), "plain/report.json")).unwrap();
    assert_ne!(
        p["controls"][0]["findings"][0]["fingerprint"],
        f["fingerprint"]
    );
    // No key: a random one per run, said in the report.
    assert_eq!(report["redaction"]["key"], "per-run");
    assert_eq!(report["redaction"]["comparable_across_runs"], false);
    // Same key, same tokens and fingerprints on the next run (byte-identical reports).
    let keyed = |out: &str| {
        let args = [
            "scan",
            "snap",
            "--no-default-policies",
            "--policies",
            "pol",
            "--now",
            NOW,
            "--out",
            out,
            "--format",
            "json,html,sarif,junit,md,csv,ocsf",
            "--redact",
        ];
        orgscan_env(&args, tmp.path(), &[("ORGSCAN_REDACT_KEY", "k1")])
    };
    assert_eq!(keyed("k1a").status.code(), Some(1));
    assert_eq!(keyed("k1b").status.code(), Some(1));
    for file in [
        "report.json",
        "report.html",
        "report.sarif",
        "findings.csv",
        "findings.ocsf.json",
    ] {
        assert_eq!(
            read(tmp.path(), &format!("k1a/{file}")),
            read(tmp.path(), &format!("k1b/{file}")),
            "{file}"
        );
    }
}

fn golden(name: &str, actual: &str) {
    crate::support::check_golden_file(&format!("cli/{name}"), actual, "report_cli");
}

/// `[report] information_uri` in orgscan.toml is the SARIF driver's informationUri; without it,
/// the project's docs.
#[test]
fn sarif_information_uri_comes_from_the_config() {
    let tmp = tempfile::tempdir().unwrap();
    setup(tmp.path(), &[]);
    let uri = |out: &str| -> Value {
        let sarif: Value =
            serde_json::from_str(&read(tmp.path(), &format!("{out}/report.sarif"))).unwrap();
        sarif["runs"][0]["tool"]["driver"]["informationUri"].clone()
    };
    assert_eq!(scan(tmp.path(), "plain", &[]).status.code(), Some(1));
    assert_eq!(uri("plain"), orgscan::report::sarif::DOCS_URL);
    std::fs::write(
        tmp.path().join("orgscan.toml"),
        "[report]\ninformation_uri = \"https://wiki.example/security/orgscan\"\n",
    )
    .unwrap();
    assert_eq!(
        scan(tmp.path(), "wiki", &["--redact"]).status.code(),
        Some(1)
    );
    assert_eq!(uri("wiki"), "https://wiki.example/security/orgscan");
    // Not a web URL: a configuration error naming the file, line and field, nothing written.
    std::fs::write(
        tmp.path().join("orgscan.toml"),
        "[report]\ninformation_uri = \"javascript:alert(1)\"\n",
    )
    .unwrap();
    let o = scan(tmp.path(), "bad", &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o)
            .contains("orgscan.toml:2: report.information_uri: expected an http or https URL"),
        "{}",
        stderr(&o)
    );
    assert!(!tmp.path().join("bad").exists());
}
