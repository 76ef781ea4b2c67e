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

/// Every org's reports from a fleet scan, which loads and compiles the policies once and
/// shares them between orgs scanned at the same time, are byte for byte those of a lone `scan`
/// of that org's snapshot, with the user's own policies too (one of them an error everywhere).
#[test]
fn each_org_of_a_fleet_reports_what_a_lone_scan_of_it_reports() {
    let tmp = tempfile::tempdir().unwrap();
    write_demo_fleet(&tmp.path().join("snapshots"), 3).unwrap();
    let extra = tmp.path().join("extra");
    std::fs::create_dir(&extra).unwrap();
    std::fs::write(
        extra.join("user_check.rego"),
        "# METADATA\n# title: T\n# description: D\n# custom:\n#   id: X-FLEET-1\n#   severity: low\n#   category: Identity and authentication\n#   points: 1\n#   user_impact: low\n#   implementation_cost: low\n#   remediation: [fix it]\npackage user.fleet_check\nimport rego.v1\ndeny contains {\"resource\": {\"type\": \"org\", \"id\": \"x\"}, \"message\": \"m\"} if to_number(\"not a number\") > 0\n",
    )
    .unwrap();
    let fleet = orgscan(
        &[
            "scan",
            "--fleet",
            "snapshots",
            "--policies",
            "extra",
            "--out",
            "out",
            "--parallel",
            "2",
            "--quiet",
        ],
        tmp.path(),
    );
    assert_eq!(fleet.status.code(), Some(3), "{}", stderr(&fleet));
    for id in ["demo-org-01", "demo-org-02", "demo-org-03"] {
        let snapshot = format!("snapshots/{id}");
        let lone_dir = format!("lone/{id}");
        orgscan(
            &[
                "scan",
                &snapshot,
                "--policies",
                "extra",
                "--out",
                &lone_dir,
                "--quiet",
            ],
            tmp.path(),
        );
        let mut names: Vec<String> = std::fs::read_dir(tmp.path().join(&lone_dir))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert!(names.contains(&"report.json".to_string()), "{names:?}");
        for name in &names {
            let lone = read(&tmp.path().join(&lone_dir).join(name));
            let in_fleet = read(&tmp.path().join("out").join(id).join(name));
            assert!(lone == in_fleet, "{id}/{name} differs from a lone scan");
        }
        let report: Value =
            serde_json::from_str(&read(&tmp.path().join(&lone_dir).join("report.json"))).unwrap();
        let user_control = report["controls"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == "X-FLEET-1")
            .unwrap_or_else(|| panic!("{id}: the user's control is reported"));
        assert_eq!(user_control["status"], "error", "{user_control:#}");
    }
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
fn per_org_thresholds_waivers_and_fail_on_are_honoured() {
    let tmp = tempfile::tempdir().unwrap();
    write_demo_fleet(&tmp.path().join("snapshots"), 2).unwrap();
    std::fs::write(
        tmp.path().join("fleet.toml"),
        r#"[[orgs]]
id = "demo-org-01"
fail_on = "critical"
[orgs.controls.ATL-IDN-008]
max_org_admins = 0
[[orgs.waivers]]
control = "ATL-IDN-002"
reason = "SSO enforcement ships to this org in January"

[[orgs]]
id = "demo-org-02"
"#,
    )
    .unwrap();
    let args = [
        "scan",
        "--fleet",
        "snapshots",
        "--out",
        "out",
        "--quiet",
        "--min-coverage",
        "0",
        "--config",
        "fleet.toml",
    ];
    let out = orgscan(&args, tmp.path());
    let report = |id: &str| -> Value {
        serde_json::from_str(&read(&tmp.path().join("out").join(id).join("report.json"))).unwrap()
    };
    let (one, two) = (report("demo-org-01"), report("demo-org-02"));
    let status = |r: &Value, id: &str| {
        r["controls"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .map(|c| c["status"].as_str().unwrap().to_string())
            .unwrap()
    };
    // demo-org-01 gates on critical only, and its one critical control is waived: it passes.
    assert_eq!(one["gate"]["fail_on"], "critical");
    assert_eq!(one["gate"]["outcome"], "pass", "{:#}", one["gate"]);
    assert_eq!(status(&one, "ATL-IDN-002"), "waived");
    // Its own threshold: no org admin at all.
    assert_eq!(status(&one, "ATL-IDN-008"), "fail");
    // demo-org-02 keeps the global settings.
    assert_eq!(two["gate"]["fail_on"], "high");
    assert_eq!(two["gate"]["outcome"], "gate_failed");
    assert_eq!(status(&two, "ATL-IDN-002"), "fail");
    assert_eq!(status(&two, "ATL-IDN-008"), "pass");
    assert_eq!(two["waivers"].as_array().map_or(0, Vec::len), 0);
    // Any org failing fails the fleet.
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));

    // --baseline: the earlier portfolio; demo-org-02 now gets demo-org-01's admin limit, so
    // ATL-IDN-008 is new there and nowhere else. A configured org with no snapshot makes the
    // fleet incomplete.
    std::fs::write(
        tmp.path().join("later.toml"),
        "[[orgs]]\nid = \"demo-org-02\"\n[orgs.controls.ATL-IDN-008]\nmax_org_admins = 0\n\n[[orgs]]\nid = \"demo-org-09\"\nname = \"Gone\"\n",
    )
    .unwrap();
    let later = orgscan(
        &[
            "scan",
            "--fleet",
            "snapshots",
            "--out",
            "later",
            "--quiet",
            "--min-coverage",
            "0",
            "--config",
            "later.toml",
            "--baseline",
            "out/portfolio.json",
        ],
        tmp.path(),
    );
    assert_eq!(later.status.code(), Some(3), "{}", stderr(&later));
    let p: Value = serde_json::from_str(&read(&tmp.path().join("later/portfolio.json"))).unwrap();
    assert_eq!(p["baseline"]["source"], "out/portfolio.json");
    assert_eq!(
        p["baseline"]["orgs_with_new_failures"], 2,
        "{:#}",
        p["baseline"]
    );
    let changes = |i: usize| p["orgs"][i]["changes"].clone();
    // demo-org-01 lost its own settings: its waived critical and its gate's failures are back.
    assert!(changes(0)["new_failures"]
        .as_array()
        .unwrap()
        .contains(&"ATL-IDN-002".into()));
    assert!(changes(0)["resolved"]
        .as_array()
        .unwrap()
        .contains(&"ATL-IDN-008".into()));
    assert_eq!(
        changes(1)["new_failures"],
        serde_json::json!(["ATL-IDN-008"])
    );
    assert_eq!(p["unscanned"][0]["source"], "Gone (demo-org-09)");
    assert!(read(&tmp.path().join("later/portfolio.html")).contains("1 new</span>: ATL-IDN-008"));
    check_schema(&tmp.path().join("later/portfolio.json"));
    // A report.json is not a portfolio baseline.
    let wrong = orgscan(
        &[
            "scan",
            "--fleet",
            "snapshots",
            "--out",
            "wrong",
            "--baseline",
            "out/demo-org-01/report.json",
        ],
        tmp.path(),
    );
    assert_eq!(wrong.status.code(), Some(2), "{}", stderr(&wrong));
    assert!(
        stderr(&wrong).contains("is not a portfolio"),
        "{}",
        stderr(&wrong)
    );

    // A bad per-org override names its file, line and field, and nothing is written.
    std::fs::write(
        tmp.path().join("bad.toml"),
        "[[orgs]]\nid = \"demo-org-01\"\n[orgs.controls.ATL-IDN-008]\nmax_org_admins = \"many\"\n[[orgs.waivers]]\ncontrol = \"ATL-NOPE-001\"\nreason = \"x\"\n",
    )
    .unwrap();
    let bad = orgscan(
        &[
            "scan",
            "--fleet",
            "snapshots",
            "--out",
            "bad-out",
            "--config",
            "bad.toml",
        ],
        tmp.path(),
    );
    assert_eq!(bad.status.code(), Some(2), "{}", stderr(&bad));
    let err = stderr(&bad);
    assert!(err.contains("bad.toml:4: "), "{err}");
    assert!(
        err.contains("bad.toml:6: orgs[0].waivers[0].control: no control with id \"ATL-NOPE-001\""),
        "{err}"
    );
    assert!(!tmp.path().join("bad-out/portfolio.json").exists());
}

/// portfolio.html in a real browser (headless Chromium, as tests/it/report_html.rs): it
/// renders every org, a hostile org name stays text (no element, no script: the title is
/// untouched), and a screenshot is taken. ORGSCAN_KEEP_PORTFOLIO_SCREENSHOT=path keeps it.
#[test]
fn portfolio_renders_in_chromium_with_hostile_names_as_text() {
    use crate::support::report::{chromium, chromium_run};
    let Some(chromium) = chromium() else { return };
    let tmp = tempfile::tempdir().unwrap();
    write_demo_fleet(&tmp.path().join("fleet"), 2).unwrap();
    let base = orgscan::demo::demo_snapshot();
    let name = "<script>document.title='PWNED'</script><img src=x onerror=\"document.title='PWNED'\">\u{1b}[2J";
    let hostile = member(&base, "zz-<b>hostile</b>", name, Posture::Hardened);
    orgscan::demo::write_demo_snapshot(&hostile, &tmp.path().join("fleet/hostile")).unwrap();
    let out = orgscan(
        &["scan", "--fleet", "fleet", "--out", "out", "--quiet"],
        tmp.path(),
    );
    assert!(matches!(out.status.code(), Some(1 | 3)), "{}", stderr(&out));
    let page = tmp.path().join("out/portfolio.html");
    let url = format!("file://{}", page.display());
    let (dom, err) = chromium_run(&chromium, &["--dump-dom"], &url);
    assert!(dom.contains("</html>"), "no DOM; stderr:\n{err}");
    let title = dom
        .split("<title>")
        .nth(1)
        .and_then(|t| t.split("</title>").next())
        .unwrap_or_default();
    assert_eq!(title, "orgscan portfolio — 3 orgs");
    for id in ["demo-org-01", "demo-org-02"] {
        assert!(dom.contains(id), "{id} missing");
    }
    assert!(
        dom.contains("&lt;script&gt;document.title='PWNED'&lt;/script&gt;"),
        "the name is shown as text"
    );
    assert!(dom.contains("zz-&lt;b&gt;hostile&lt;/b&gt;"));
    for injected in ["<script>document", "<img src=\"x\"", "<b>hostile"] {
        assert!(!dom.contains(injected), "{injected} became markup");
    }
    let shot = tmp.path().join("portfolio.png");
    chromium_run(
        &chromium,
        &[
            "--window-size=1400,1600",
            &format!("--screenshot={}", shot.display()),
        ],
        &url,
    );
    let png = std::fs::read(&shot).expect("a screenshot");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert!(
        png.len() > 30_000,
        "screenshot looks empty: {} bytes",
        png.len()
    );
    if let Some(keep) = std::env::var_os("ORGSCAN_KEEP_PORTFOLIO_SCREENSHOT") {
        std::fs::copy(&shot, keep).unwrap();
    }
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

mod collect {
    //! `collect --fleet`: three orgs behind one fake admin API, each with its own key.
    use crate::support::fake_atlassian::{Dataset, FakeConfig, FakeFleetServer};
    use crate::support::{stderr, stdout};
    use chrono::{Duration as ChronoDuration, Utc};
    use orgscan::collect::{ApiKey, CollectConfig};
    use orgscan::config::Config;
    use orgscan::fleet::{collect_fleet, FleetCollectOutcome, FleetCollectRequest};
    use serde_json::Value;
    use std::path::{Path, PathBuf};

    fn read(path: &Path) -> String {
        super::read(path)
    }

    const KEYS: [(&str, &str); 3] = [
        ("org-alpha", "alpha-KEY-7f3a91c2"),
        ("org-beta", "beta-KEY-0d8e44b1"),
        ("org-gamma", "gamma-KEY-c5a2e9f0"),
    ];

    /// alpha's key comes from the environment, the others' from files.
    fn config_text() -> String {
        let mut text = String::new();
        for (id, _) in KEYS {
            let source = if id == "org-alpha" {
                "api_key_env = \"ALPHA_KEY\"".to_string()
            } else {
                format!("api_key_file = \"keys/{id}.key\"")
            };
            text.push_str(&format!(
                "[[orgs]]\nid = \"{id}\"\nname = \"{id} name\"\n{source}\n\n"
            ));
        }
        text
    }

    fn collect(dir: &Path, url: &str) -> FleetCollectOutcome {
        try_collect(dir, url, |name| {
            (name == "ALPHA_KEY").then(|| KEYS[0].1.to_string())
        })
        .unwrap()
    }

    fn try_collect(
        dir: &Path,
        url: &str,
        env: impl Fn(&str) -> Option<String> + Sync,
    ) -> Result<FleetCollectOutcome, orgscan::fleet::FleetError> {
        let path = dir.join("orgscan.toml");
        let config = Config::load(Some(&path)).unwrap();
        let url = reqwest::Url::parse(url).unwrap();
        let make = |org: &str, out: PathBuf, key: ApiKey| {
            let mut c = CollectConfig::new(org, &out, url.clone(), key);
            c.quiet = true;
            c
        };
        collect_fleet(FleetCollectRequest {
            config: &config,
            snapshots: dir.join("snapshots"),
            parallel: 2,
            collect: &make,
            env: &env,
        })
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn one_failing_org_does_not_stop_the_others_nor_lose_its_snapshot() {
        let start = Utc::now() - ChronoDuration::days(3);
        let orgs = KEYS
            .iter()
            .map(|(id, key)| {
                let data = Dataset::generate(id, 12, 3, 30, start, ChronoDuration::minutes(40));
                (FakeConfig::new(id, key), data)
            })
            .collect();
        let server = FakeFleetServer::start(orgs).await;
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("orgscan.toml"), config_text()).unwrap();
        std::fs::create_dir(tmp.path().join("keys")).unwrap();
        let write_key = |id: &str, key: &str| {
            std::fs::write(
                tmp.path().join(format!("keys/{id}.key")),
                format!("{key}\n"),
            )
            .unwrap()
        };
        for (id, key) in KEYS {
            write_key(id, key);
        }
        let dir = tmp.path().to_path_buf();
        let url = server.base_url.clone();

        // Before any request, every org's key source is checked: all problems at once, each
        // at its configuration line, never quoting a key.
        std::fs::remove_file(dir.join("keys/org-gamma.key")).unwrap();
        let err = try_collect(&dir, &url, |_| None).err().unwrap().to_string();
        assert!(err.contains("orgscan.toml:4: orgs[0].api_key_env: the environment variable named there is not set"), "{err}");
        assert!(
            err.contains(
                "orgscan.toml:14: orgs[2].api_key_file: cannot read the key file named there"
            ),
            "{err}"
        );
        assert!(
            server.org("org-beta").log().is_empty(),
            "no request before the check"
        );
        write_key("org-gamma", KEYS[2].1);

        let first = {
            let (dir, url) = (dir.clone(), url.clone());
            tokio::task::spawn_blocking(move || collect(&dir, &url))
                .await
                .unwrap()
        };
        assert_eq!(first.exit_code(), 0, "{}", first.summary());
        for (id, _) in KEYS {
            assert!(dir
                .join("snapshots")
                .join(id)
                .join("manifest.json")
                .is_file());
        }

        // Second run: beta's key was revoked, gamma lost a scope, alpha has new events.
        write_key("org-beta", "beta-KEY-revoked");
        server.org("org-gamma").deny("/users/search", 403);
        server.org("org-alpha").add_events(
            5,
            Utc::now() - ChronoDuration::hours(1),
            ChronoDuration::minutes(1),
        );
        let beta_manifest = std::fs::read(dir.join("snapshots/org-beta/manifest.json")).unwrap();
        let gamma_manifest = std::fs::read(dir.join("snapshots/org-gamma/manifest.json")).unwrap();
        let second = tokio::task::spawn_blocking(move || collect(&dir, &url))
            .await
            .unwrap();
        let dir = tmp.path();
        let summary = second.summary();
        assert_eq!(second.exit_code(), 3, "{summary}");
        assert_eq!(
            second.incomplete(),
            ["org-beta name (org-beta)", "org-gamma name (org-gamma)"],
            "{summary}"
        );
        let alpha = second.orgs[0].result.as_ref().unwrap();
        assert_eq!(
            alpha.events_new, 5,
            "incremental from the previous snapshot: {summary}"
        );
        assert!(
            summary.contains("org-beta name (org-beta): FAILED: the API key was refused"),
            "{summary}"
        );
        assert!(
            summary.contains("org-gamma name (org-gamma): INCOMPLETE: users unavailable"),
            "{summary}"
        );
        // The failed and the incomplete org keep their last good snapshot.
        assert_eq!(
            std::fs::read(dir.join("snapshots/org-beta/manifest.json")).unwrap(),
            beta_manifest
        );
        assert_eq!(
            std::fs::read(dir.join("snapshots/org-gamma/manifest.json")).unwrap(),
            gamma_manifest
        );
        let gamma_run = second.orgs[2].result.as_ref().unwrap();
        assert!(gamma_run
            .snapshot
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("org-gamma.incomplete-"));
        // Each org was asked with its own key only: the others' requests never reached it.
        for (id, _) in KEYS {
            assert!(
                server.org(id).log().iter().all(|l| l.path.contains(id)),
                "{id}"
            );
        }
        // A fleet scan of the directory takes the good snapshots, not the incomplete run.
        let found = orgscan::fleet::discover(&[dir.join("snapshots")]).unwrap();
        let names: Vec<String> = found
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["org-alpha", "org-beta", "org-gamma"]);
        for text in [summary] {
            for (_, key) in KEYS {
                assert!(!text.contains(key), "the API key leaked");
            }
        }
    }

    fn run_bin(dir: &Path, url: &str, args: &[&str]) -> std::process::Output {
        std::process::Command::new(env!("CARGO_BIN_EXE_orgscan"))
            .args(args)
            .args(["--api-url", url])
            .env("ALPHA_KEY", KEYS[0].1)
            .env_remove("ATLASSIAN_API_KEY")
            .current_dir(dir)
            .output()
            .unwrap()
    }

    /// Every file under `dir` but the key files, and the outputs: no key anywhere.
    fn assert_no_key(dir: &Path, outputs: &[String]) {
        let mut texts: Vec<(String, String)> = outputs
            .iter()
            .map(|o| ("output".to_string(), o.clone()))
            .collect();
        for entry in walkdir::WalkDir::new(dir)
            .into_iter()
            .filter_map(Result::ok)
        {
            let path = entry.path();
            if entry.file_type().is_file() && !path.starts_with(dir.join("keys")) {
                let bytes = std::fs::read(path).unwrap();
                texts.push((
                    path.display().to_string(),
                    String::from_utf8_lossy(&bytes).into_owned(),
                ));
            }
        }
        assert!(texts.len() > 20, "the walk found the snapshots and reports");
        for (name, text) in texts {
            for (_, key) in KEYS {
                assert!(!text.contains(key), "the API key leaked into {name}");
            }
        }
    }

    /// Through the binary: `collect --fleet` twice (the second incremental, with one org's
    /// key revoked and another's scope lost: those two exit 3 by name and keep their last good
    /// snapshot), then `run --fleet` with one org never collected: its portfolio lists that
    /// org as not scanned. No key appears in any output or file.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn collect_and_run_a_fleet_through_the_binary() {
        let start = Utc::now() - ChronoDuration::days(3);
        let orgs = KEYS
            .iter()
            .map(|(id, key)| {
                let data = Dataset::generate(id, 12, 3, 30, start, ChronoDuration::minutes(40));
                (FakeConfig::new(id, key), data)
            })
            .collect();
        let server = FakeFleetServer::start(orgs).await;
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().to_path_buf();
        std::fs::write(dir.join("orgscan.toml"), config_text()).unwrap();
        std::fs::create_dir(dir.join("keys")).unwrap();
        let write_key = |id: &str, key: &str| {
            std::fs::write(dir.join(format!("keys/{id}.key")), format!("{key}\n")).unwrap()
        };
        for (id, key) in &KEYS[1..] {
            write_key(id, key);
        }
        let bin = |args: &[&str]| {
            let (dir, url) = (dir.clone(), server.base_url.clone());
            let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
            tokio::task::spawn_blocking(move || {
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                run_bin(&dir, &url, &args)
            })
        };
        let mut outputs = Vec::new();
        let first = bin(&["collect", "--fleet", "--out", "snapshots"])
            .await
            .unwrap();
        let (out, err) = (stdout(&first), stderr(&first));
        assert_eq!(first.status.code(), Some(0), "{out}{err}");
        assert!(err.contains("fleet: all 3 org(s) complete"), "{err}");
        outputs.extend([out, err]);

        write_key("org-beta", "beta-KEY-revoked");
        server.org("org-gamma").deny("/users/search", 403);
        let beta_manifest = std::fs::read(dir.join("snapshots/org-beta/manifest.json")).unwrap();
        let second = bin(&[
            "collect",
            "--fleet",
            "--out",
            "snapshots",
            "--parallel",
            "3",
        ])
        .await
        .unwrap();
        let (out, err) = (stdout(&second), stderr(&second));
        assert_eq!(second.status.code(), Some(3), "{out}{err}");
        assert!(
            err.contains("org-alpha name (org-alpha): complete"),
            "{err}"
        );
        assert!(
            err.contains("org-beta name (org-beta): FAILED: the API key was refused"),
            "{err}"
        );
        assert!(
            err.contains("org-gamma name (org-gamma): INCOMPLETE: users unavailable"),
            "{err}"
        );
        assert!(
            err.contains("fleet: 1 of 3 org(s) complete; incomplete: org-beta name (org-beta), org-gamma name (org-gamma)"),
            "{err}"
        );
        assert_eq!(
            std::fs::read(dir.join("snapshots/org-beta/manifest.json")).unwrap(),
            beta_manifest
        );
        outputs.extend([out, err]);

        // beta was never collected: run --fleet scans the others and lists it as not scanned.
        std::fs::remove_dir_all(dir.join("snapshots/org-beta")).unwrap();
        let run = bin(&[
            "run",
            "--fleet",
            "--out",
            "snapshots",
            "--report-dir",
            "reports",
            "--min-coverage",
            "0",
            "--quiet",
        ])
        .await
        .unwrap();
        let (out, err) = (stdout(&run), stderr(&run));
        assert_eq!(run.status.code(), Some(3), "{out}{err}");
        let p: Value = serde_json::from_str(&read(&dir.join("reports/portfolio.json"))).unwrap();
        let ids: Vec<&str> = p["orgs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ["org-alpha", "org-gamma"]);
        assert_eq!(p["unscanned"][0]["source"], "org-beta name (org-beta)");
        assert!(p["unscanned"][0]["error"]
            .as_str()
            .unwrap()
            .contains("not collected: the API key was refused"));
        assert_eq!(p["gate"]["outcome"], "incomplete");
        outputs.extend([out, err]);
        assert_no_key(&dir, &outputs);
    }
}
