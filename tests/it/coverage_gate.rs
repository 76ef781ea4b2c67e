//! Coverage is part of the verdict (issue 12, item 3), through the real binary: a snapshot in
//! which the API refused everything, and one holding only imported events, never pass; the
//! report says how much could be evaluated and what was missing; `--min-coverage 0` turns the
//! coverage check off but still never passes a scan that evaluated nothing.

use crate::support;
use crate::support::fake_atlassian;

use chrono::{Duration as ChronoDuration, Utc};
use fake_atlassian::{Dataset, FakeConfig, FakeServer};
use serde_json::Value;
use std::path::Path;
use support::{event_line, orgscan, stderr, stdout};

const KEY: &str = "cov-KEY-5d2e71b0c4";
const ORG: &str = "org-cov";

fn report(dir: &Path, out: &str) -> Value {
    let path = dir.join(out).join("report.json");
    serde_json::from_slice(&std::fs::read(&path).unwrap_or_else(|e| panic!("{path:?}: {e}")))
        .unwrap()
}

fn scan(dir: &Path, out: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["scan", "snap", "--out", out, "--format", "json,html,md"];
    args.extend_from_slice(extra);
    orgscan(&args, dir)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_endpoint_refused_is_incomplete_with_the_reasons() {
    let data = Dataset::generate(
        ORG,
        10,
        2,
        20,
        Utc::now() - ChronoDuration::days(3),
        ChronoDuration::minutes(30),
    );
    let server = FakeServer::start(FakeConfig::new(ORG, KEY), data).await;
    server.deny("", 403); // every path: a key with none of the scopes
    let dir = tempfile::tempdir().unwrap();
    let (url, cwd) = (server.base_url.clone(), dir.path().to_path_buf());
    let collected = tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_orgscan"))
            .args([
                "collect",
                "--org",
                ORG,
                "--out",
                "snap",
                "--api-url",
                &url,
                "--allow-partial",
                "--quiet",
            ])
            .env("ATLASSIAN_API_KEY", KEY)
            .current_dir(cwd)
            .output()
    })
    .await
    .unwrap()
    .unwrap();
    assert_eq!(collected.status.code(), Some(0), "{}", stderr(&collected));
    drop(server);
    let dir = dir.path();

    let o = scan(dir, "out", &[]);
    let (out, err) = (stdout(&o), stderr(&o));
    assert_eq!(o.status.code(), Some(3), "{out}\n{err}");
    let r = report(dir, "out");
    assert_eq!(r["gate"]["outcome"], "incomplete");
    assert_eq!(r["score"]["overall"]["coverage"], 0.0);
    assert_eq!(r["score"]["overall"]["max"], 0.0);
    let evaluated = r["controls"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| ["pass", "fail", "waived"].contains(&c["status"].as_str().unwrap()))
        .count();
    assert_eq!(evaluated, 0, "nothing can be evaluated without data");
    let reasons: Vec<&str> = r["gate"]["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(
        reasons[0].starts_with("no control could be evaluated"),
        "{reasons:?}"
    );
    // Each refused collection is named once, with the controls it blocked.
    let users = reasons
        .iter()
        .find(|r| r.starts_with("missing: users could not be read from"))
        .unwrap_or_else(|| panic!("no reason names the users collection: {reasons:?}"));
    assert!(
        users.contains("HTTP 403") || users.contains("403"),
        "{users}"
    );
    let blocked = users.split("— blocks ").nth(1).unwrap_or_default();
    assert!(blocked.split(", ").any(|id| id == "ATL-IDN-001"), "{users}");
    // The terminal says the same, and the score is not a number it could not compute.
    assert!(out.contains("Gate: INCOMPLETE"), "{out}");
    assert!(out.contains("  no control could be evaluated"), "{out}");
    assert!(
        out.contains("  missing: users could not be read from"),
        "{out}"
    );
    assert!(
        out.contains("Secure score: n/a: none of the ") && out.contains("Coverage: 0.0%"),
        "{out}"
    );
    let md = std::fs::read_to_string(dir.join("out/report.md")).unwrap();
    assert!(md.contains("**Gate: INCOMPLETE**"), "{md}");
    let html = std::fs::read_to_string(dir.join("out/report.html")).unwrap();
    assert!(html.contains("data-outcome=\"incomplete\""));
    assert!(
        html.contains(">n/a</text>"),
        "the gauge shows no score it could not compute"
    );

    // Neither turning the coverage check off nor --exit-zero passes a scan that saw nothing.
    for extra in [&["--min-coverage", "0"][..], &["--exit-zero"]] {
        let o = scan(dir, "again", extra);
        assert_eq!(o.status.code(), Some(3), "{extra:?}: {}", stdout(&o));
        assert_eq!(report(dir, "again")["gate"]["outcome"], "incomplete");
    }
}

/// A snapshot started by `import-events` from exported audit events, with nothing else.
fn events_only_snapshot(dir: &Path) {
    let lines: Vec<String> = (0..12)
        .map(|i| {
            event_line(
                &format!("ev-{i:03}"),
                &format!("2026-11-{:02}T10:{i:02}:00Z", 8 + i % 10),
                "user_login",
                "a-user",
            )
        })
        .collect();
    std::fs::write(dir.join("events.ndjson"), lines.join("\n") + "\n").unwrap();
    let o = orgscan(
        &[
            "import-events",
            "events.ndjson",
            "--into",
            "snap",
            "--org",
            "org-imp",
        ],
        dir,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn imported_events_only_show_their_coverage_and_are_incomplete_below_the_minimum() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    events_only_snapshot(dir);

    let o = scan(dir, "out", &[]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(3), "{out}\n{}", stderr(&o));
    let r = report(dir, "out");
    let overall = &r["score"]["overall"];
    let coverage = overall["coverage"].as_f64().unwrap();
    assert!(coverage < 50.0, "{overall}");
    let (max, unevaluated) = (
        overall["max"].as_f64().unwrap(),
        overall["unevaluated_points"].as_f64().unwrap(),
    );
    assert_eq!(
        coverage,
        (max / (max + unevaluated) * 1000.0).round() / 10.0,
        "coverage = evaluated points ÷ all points"
    );
    assert_eq!(r["gate"]["outcome"], "incomplete");
    assert_eq!(r["gate"]["min_coverage"], 50.0);
    let reasons = r["gate"]["reasons"].as_array().unwrap();
    assert!(
        reasons[0].as_str().unwrap().starts_with(&format!(
            "coverage {coverage:.1}% is below --min-coverage 50%"
        )),
        "{reasons:?}"
    );
    assert!(
        reasons.iter().any(|r| r
            .as_str()
            .unwrap()
            .starts_with("missing: the snapshot has no users collection — blocks ")),
        "{reasons:?}"
    );
    // The score is shown with how little of it could be evaluated.
    assert!(
        out.contains(&format!(
            "Coverage: {coverage:.1}% of the points could be evaluated (gate minimum 50%)"
        )),
        "{out}"
    );
    assert!(
        out.contains("could not be evaluated — see Data coverage"),
        "{out}"
    );
    let md = std::fs::read_to_string(dir.join("out/report.md")).unwrap();
    assert!(
        md.contains(&format!("**Coverage: {coverage:.1}%** (gate minimum 50%)")),
        "{md}"
    );
    let html = std::fs::read_to_string(dir.join("out/report.html")).unwrap();
    assert!(
        !html.contains(">100.0%</text>"),
        "most points are unevaluated: no 100% gauge"
    );

    // --min-coverage 0 restores the verdict on what could be evaluated: the gate decides on
    // findings alone, exactly as before coverage counted.
    let o = scan(dir, "zero", &["--min-coverage", "0"]);
    let r = report(dir, "zero");
    let outcome = r["gate"]["outcome"].as_str().unwrap().to_string();
    let failing = r["controls"].as_array().unwrap().iter().any(|c| {
        c["status"] == "fail"
            && c["severity"] != "low"
            && c["severity"] != "medium"
            && c["severity"] != "info"
    });
    let expected = if failing {
        ("gate_failed", 1)
    } else {
        ("pass", 0)
    };
    assert_eq!(
        (outcome.as_str(), o.status.code().unwrap()),
        (expected.0, expected.1),
        "{}",
        stdout(&o)
    );
    assert_eq!(r["score"]["overall"]["coverage"].as_f64(), Some(coverage));
    // A minimum at or under the coverage passes the check too.
    let at = format!("{coverage}");
    let o = scan(dir, "at", &["--min-coverage", &at]);
    assert_ne!(o.status.code(), Some(3), "{}", stdout(&o));
    // A bad minimum is a usage error.
    let o = scan(dir, "bad", &["--min-coverage", "150"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("expected a percentage from 0 to 100"),
        "{}",
        stderr(&o)
    );
    assert!(
        !dir.join("bad").exists(),
        "nothing is written on a usage error"
    );
}
