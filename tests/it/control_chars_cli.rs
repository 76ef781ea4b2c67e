//! Control characters from org data and API error bodies never reach a reader raw: every C0
//! and C1 control, DEL and the bidi overrides/isolates, fed through user names, token labels,
//! policy messages and an API error `title` (`ESC]0;…BEL ESC[2J`, which would retitle and
//! clear a terminal), are absent from every report format, the dumped input and the binary's
//! stdout and stderr (`safe_text`: visible `\u{1b}` text, JSON escapes).

use crate::support;
use crate::support::fake_atlassian;

use chrono::{Duration as ChronoDuration, Utc};
use fake_atlassian::{Dataset, FakeConfig, FakeServer, Fault};
use serde_json::json;
use std::path::Path;
use support::*;

const FORMATS: &str = "json,html,sarif,junit,md,csv";

/// Every character that must not survive raw.
fn hazards() -> String {
    (0u32..0x20)
        .chain(0x7f..0xa0)
        .chain(0x202a..0x202f)
        .chain(0x2066..0x206a)
        .filter_map(char::from_u32)
        .collect()
}

/// The hazards of `text`, except the layout characters `allowed`.
fn raw_hazards(text: &str, allowed: &[char]) -> Vec<String> {
    let all = hazards();
    text.chars()
        .filter(|c| all.contains(*c) && !allowed.contains(c))
        .map(|c| format!("U+{:04X}", c as u32))
        .collect()
}

fn assert_clean_outputs(dir: &Path, what: &str) {
    for entry in std::fs::read_dir(dir).expect("out dir") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("utf-8 output");
        // Newline, tab and CR are each format's own layout (CSV ends records with CRLF).
        let found = raw_hazards(&text, &['\n', '\t', '\r']);
        assert!(
            found.is_empty(),
            "{what}: {} holds raw {found:?}",
            path.display()
        );
    }
}

fn assert_clean_terminal(o: &std::process::Output, what: &str) {
    for (stream, bytes) in [("stdout", &o.stdout), ("stderr", &o.stderr)] {
        let text = String::from_utf8_lossy(bytes);
        let found = raw_hazards(&text, &['\n', '\t']);
        assert!(
            found.is_empty(),
            "{what}: {stream} holds raw {found:?}: {text}"
        );
    }
}

const ECHO_POLICY: &str = r#"# METADATA
# title: Echo
# description: Quotes names, labels and event actors.
# custom:
#   id: TEST-ECHO
#   severity: high
#   category: Identity and authentication
#   points: 5
#   user_impact: low
#   implementation_cost: low
#   remediation: [None]
#   data:
#     api: [users, api_tokens]
#     events: [user_login]
package custom.echo

import rego.v1

deny contains {"resource": {"type": "user", "id": u.accountId, "name": u.name}, "message": sprintf("%s has no 2SV", [u.name]), "evidence": {"source": "api", "observed": {"name": u.name, "nested": [u.name]}}} if {
	some u in input.users
}

deny contains {"resource": {"type": "api_token", "id": t.id, "name": t.label}, "message": sprintf("token %s", [t.label]), "evidence": {"source": "api", "tokens": [t.label]}} if {
	some t in input.api_tokens
}

deny contains {"resource": {"type": "event", "id": e.id}, "message": sprintf("%s signed in", [e.actor.name]), "evidence": {"source": "events", "event": e}} if {
	some e in input.events_by_action.user_login
}
"#;

#[test]
fn hostile_names_labels_and_messages_reach_no_output_raw() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let h = hazards();
    let mut org = small_org();
    org.insert(
        orgscan::snapshot::Collection::Users,
        json!([{"accountId": "a-hostile", "name": format!("Eve{h}Hostile"), "email": "eve@x.example",
                "status": "active", "accountStatus": "active", "platformRoles": ["atlassian/org-admin"],
                "mfaEnabled": false, "groups": []}]),
    );
    org.insert(
        orgscan::snapshot::Collection::ApiTokens,
        json!([{"id": "tok-1", "label": format!("label\u{1b}]0;pwned\u{7}\u{1b}[2J{h}"), "status": "ALLOWED",
                "user": {"id": "a-hostile", "name": format!("Eve{h}")}}]),
    );
    let mut event: serde_json::Value = serde_json::from_str(&event_line(
        "e1",
        "2026-11-19T10:00:00Z",
        "user_login",
        "a-hostile",
    ))
    .expect("event");
    event["attributes"]["actor"]["name"] = json!(format!("actor{h}"));
    write_snapshot(&tmp.path().join("snap"), &org, Some(&[event.to_string()]));
    let pol = tmp.path().join("pol");
    std::fs::create_dir_all(&pol).expect("mkdir");
    std::fs::write(pol.join("echo.rego"), ECHO_POLICY).expect("policy");

    for (out, extra) in [("plain", None), ("redacted", Some("--redact"))] {
        let mut args = vec![
            "scan",
            "snap",
            "--policies",
            "pol",
            "--out",
            out,
            "--format",
            FORMATS,
        ];
        args.extend(["--dump-input", "input.json"]);
        // A hand-made org without attestation: below the coverage gate, not this test's subject.
        args.extend(["--min-coverage", "0"]);
        args.extend(extra);
        let o = orgscan(&args, tmp.path());
        assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
        assert_clean_outputs(&tmp.path().join(out), out);
        assert_clean_terminal(&o, out);
        let dumped = std::fs::read_to_string(tmp.path().join("input.json")).expect("input");
        assert!(raw_hazards(&dumped, &['\n']).is_empty(), "--dump-input");
    }
    // JSON keeps the exact string.
    let report: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(tmp.path().join("plain/report.json")).expect("report"),
    )
    .expect("json");
    let names: Vec<&str> = report["controls"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|c| c["findings"].as_array().into_iter().flatten())
        .filter_map(|f| f["resource"]["name"].as_str())
        .collect();
    assert!(
        names.contains(&format!("Eve{h}Hostile").as_str()),
        "{names:?}"
    );
    // The terminal: diff prints finding messages; policy list prints titles.
    let d = orgscan(
        &["diff", "plain/report.json", "plain/report.json"],
        tmp.path(),
    );
    assert_clean_terminal(&d, "diff");
    let empty = tmp.path().join("empty.json");
    let mut old = report.clone();
    old["controls"] = json!([]);
    std::fs::write(&empty, old.to_string()).expect("write");
    for format in ["text", "markdown", "json"] {
        let d = orgscan(
            &[
                "diff",
                "empty.json",
                "plain/report.json",
                "--format",
                format,
            ],
            tmp.path(),
        );
        assert!(
            String::from_utf8_lossy(&d.stdout).contains("Eve"),
            "{}",
            stderr(&d)
        );
        assert_clean_terminal(&d, format);
    }
}

/// An API error whose title would retitle and clear the terminal.
const HOSTILE_TITLE: &str = "\u{1b}]0;pwned\u{7}\u{1b}[2J\u{1b}[31mred\u{9b}31m\u{202e}evil\u{7f}";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_api_error_bodies_reach_no_output_raw() {
    const KEY: &str = "cc-KEY-5d1e0a77";
    const ORG: &str = "org-cc";
    let data = Dataset::generate(
        ORG,
        5,
        2,
        10,
        Utc::now() - ChronoDuration::days(2),
        ChronoDuration::hours(1),
    );
    let server = FakeServer::start(FakeConfig::new(ORG, KEY), data).await;
    server.inject(
        "/api-tokens",
        0,
        1000,
        Fault::Titled(403, HOSTILE_TITLE.to_string()),
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let (url, cwd) = (server.base_url.clone(), dir.path().to_path_buf());
    let run = |args: Vec<String>| {
        let cwd = cwd.clone();
        tokio::task::spawn_blocking(move || {
            std::process::Command::new(env!("CARGO_BIN_EXE_orgscan"))
                .args(&args)
                .env("ATLASSIAN_API_KEY", KEY)
                .current_dir(cwd)
                .output()
                .expect("run orgscan")
        })
    };
    let args: Vec<String> = [
        "run",
        "--org",
        ORG,
        "--out",
        "snap",
        "--api-url",
        &url,
        "--report-dir",
        "reports",
        "--allow-partial",
        "--since",
        "1d",
        "--format",
        FORMATS,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let o = run(args).await.expect("join");
    let text = format!("{}{}", stdout(&o), stderr(&o));
    assert!(
        text.contains("pwned")
            || std::fs::read_to_string(dir.path().join("reports/report.json"))
                .expect("report")
                .contains("pwned"),
        "the hostile title must reach an output for this test to mean anything: {text}"
    );
    assert_clean_terminal(&o, "run");
    assert_clean_outputs(&dir.path().join("reports"), "run");

    // A fatal error: the title is in the error message printed by main.
    server.clear_faults();
    server.inject("", 0, 1000, Fault::Titled(401, HOSTILE_TITLE.to_string()));
    let args: Vec<String> = [
        "collect",
        "--org",
        ORG,
        "--out",
        "snap2",
        "--api-url",
        &url,
        "--since",
        "1d",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let o = run(args).await.expect("join");
    assert_ne!(o.status.code(), Some(0));
    assert!(stderr(&o).contains("pwned"), "{}", stderr(&o));
    assert_clean_terminal(&o, "collect");
}
