//! Many organizations (issue 17) through the real binary: `scan --fleet` over the demo fleet
//! written to disk and generated in memory (`--fleet --demo`), the portfolio compared with
//! golden files and validated against its published JSON Schema, an unreadable snapshot that
//! does not stop the others, hostile org names. Paths are relative to a temp dir.
//! Regenerate goldens with `ORGSCAN_UPDATE_GOLDEN=1 cargo test --test it fleet_cli::`.

use crate::support;
use crate::support::report::{require_tool, root};

use orgscan::demo::fleet::{member, write_demo_fleet, Posture};
use serde_json::Value;
use std::path::Path;
use support::*;

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn check_schema(portfolio: &Path) {
    let tool = root().join(".tools/lint/bin/check-jsonschema");
    let Some(tool) = require_tool("check-jsonschema", Some(tool).filter(|p| p.is_file())) else {
        return;
    };
    let out = std::process::Command::new(tool)
        .env("PYTHONPATH", root().join(".tools/lint"))
        .arg("--schemafile")
        .arg(root().join("schemas/portfolio.v1.schema.json"))
        .arg(portfolio)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "portfolio.json does not match its schema:\n{}{}",
        stdout(&out),
        stderr(&out)
    );
}

#[test]
fn demo_fleet_portfolio_is_golden_deterministic_and_valid() {
    let tmp = tempfile::tempdir().unwrap();
    write_demo_fleet(&tmp.path().join("snapshots"), 3).unwrap();
    let from_disk = orgscan(
        &["scan", "--fleet", "snapshots", "--out", "out", "--quiet"],
        tmp.path(),
    );
    let portfolio: Value =
        serde_json::from_str(&read(&tmp.path().join("out/portfolio.json"))).unwrap();
    // The partial org cannot reach the default 50% coverage, so the fleet is incomplete.
    assert_eq!(portfolio["gate"]["outcome"], "incomplete", "{portfolio:#}");
    assert_eq!(from_disk.status.code(), Some(3), "{}", stderr(&from_disk));
    let ids: Vec<&str> = portfolio["orgs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["demo-org-01", "demo-org-02", "demo-org-03"]);
    let outcomes: Vec<&str> = portfolio["orgs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["gate"]["outcome"].as_str().unwrap())
        .collect();
    assert_ne!(outcomes[0], outcomes[2], "postures differ: {outcomes:?}");
    for id in ids {
        let report: Value =
            serde_json::from_str(&read(&tmp.path().join("out").join(id).join("report.json")))
                .unwrap();
        assert_eq!(report["org"]["id"], id);
        assert!(tmp
            .path()
            .join("out")
            .join(id)
            .join("report.html")
            .is_file());
    }
    assert!(!portfolio["top_failing_controls"]
        .as_array()
        .unwrap()
        .is_empty());

    // The same fleet generated in memory gives the same bytes.
    let demo = orgscan(
        &["scan", "--fleet", "--demo", "--out", "demo-out", "--quiet"],
        tmp.path(),
    );
    assert_eq!(demo.status.code(), Some(3), "{}", stderr(&demo));
    let json = read(&tmp.path().join("out/portfolio.json"));
    let html = read(&tmp.path().join("out/portfolio.html"));
    assert_eq!(json, read(&tmp.path().join("demo-out/portfolio.json")));
    assert_eq!(html, read(&tmp.path().join("demo-out/portfolio.html")));
    golden("portfolio.json", &json);
    golden("portfolio.html", &html);
    check_schema(&tmp.path().join("out/portfolio.json"));

    // With every org gated only on what it can evaluate, the failing orgs fail the fleet: 1.
    let lenient = orgscan(
        &[
            "scan",
            "--fleet",
            "snapshots",
            "--out",
            "lenient",
            "--quiet",
            "--min-coverage",
            "0",
            "--parallel",
            "1",
        ],
        tmp.path(),
    );
    let p: Value = serde_json::from_str(&read(&tmp.path().join("lenient/portfolio.json"))).unwrap();
    let code = p["gate"]["exit_code"].as_u64().unwrap();
    assert_eq!(
        lenient.status.code(),
        Some(code as i32),
        "{}",
        stderr(&lenient)
    );
    assert_eq!(p["gate"]["outcome"], "gate_failed", "{:#}", p["gate"]);
}

#[test]
fn an_unreadable_snapshot_and_hostile_names_do_not_stop_the_fleet() {
    let tmp = tempfile::tempdir().unwrap();
    let base = orgscan::demo::demo_snapshot();
    let hostile_name = "<img src=x onerror=alert(1)>\u{1b}]0;pwn\u{7}";
    let hostile = member(&base, "../../evil<script>", hostile_name, Posture::Hardened);
    orgscan::demo::write_demo_snapshot(&hostile, &tmp.path().join("fleet/hostile")).unwrap();
    let broken = member(&base, "broken-org", "Broken", Posture::AsDemo);
    let broken_dir = tmp.path().join("fleet/broken");
    orgscan::demo::write_demo_snapshot(&broken, &broken_dir).unwrap();
    // A configuration file changed after collection: its hash no longer matches.
    std::fs::write(broken_dir.join("users.json"), "[]\n").unwrap();

    let out = orgscan(&["scan", "--fleet", "fleet", "--out", "out"], tmp.path());
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("not scanned"), "{}", stderr(&out));
    assert!(!stdout(&out).contains('\u{1b}'), "terminal output escaped");
    let p: Value = serde_json::from_str(&read(&tmp.path().join("out/portfolio.json"))).unwrap();
    assert_eq!(p["orgs"].as_array().unwrap().len(), 1);
    assert_eq!(p["orgs"][0]["report_dir"], "org-.._.._evil_script_");
    assert!(tmp
        .path()
        .join("out/org-.._.._evil_script_/report.json")
        .is_file());
    assert_eq!(p["unscanned"][0]["source"], "fleet/broken");
    assert_eq!(p["gate"]["outcome"], "incomplete");
    let html = read(&tmp.path().join("out/portfolio.html"));
    assert!(!html.contains("<img"), "org name rendered as markup");
    assert!(!html.contains("<script>"));
    assert!(!html.contains('\u{1b}'));
    assert!(html.contains("&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;\\u{1b}"));
    check_schema(&tmp.path().join("out/portfolio.json"));
}

#[test]
fn fleet_usage_errors_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("empty")).unwrap();
    for args in [
        vec!["scan", "--fleet"],
        vec!["scan", "--fleet", "empty"],
        vec!["scan", "--fleet", ""],
        vec!["scan", "--demo"],
        vec!["scan", "--fleet", "--demo", "--parallel", "0"],
        vec!["scan", "--fleet", "--demo", "--dump-input", "x.json"],
        // The portfolio names every org: a redacted fleet run is refused until it redacts them.
        vec!["scan", "--fleet", "--demo", "--redact"],
    ] {
        let out = orgscan(&args, tmp.path());
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(!tmp.path().join("orgscan-report").exists(), "{args:?}");
        if args.contains(&"--redact") {
            assert!(
                stderr(&out).contains("--redact with --fleet"),
                "{}",
                stderr(&out)
            );
        }
    }
}

fn golden(name: &str, actual: &str) {
    crate::support::check_golden_file(&format!("fleet/{name}"), actual, "fleet_cli");
}
