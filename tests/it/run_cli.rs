//! `orgscan run` through the real binary against the fake Atlassian admin API on 127.0.0.1:
//! one command collects a snapshot and writes the reports, and the key never leaks.

use crate::support::fake_atlassian;

use chrono::{Duration as ChronoDuration, Utc};
use fake_atlassian::{Dataset, FakeConfig, FakeServer};

const KEY: &str = "run-KEY-41c9e0d2aa";
const ORG: &str = "org-run";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_collects_then_scans_in_one_command() {
    let data = Dataset::generate(
        ORG,
        30,
        4,
        40,
        Utc::now() - ChronoDuration::days(3),
        ChronoDuration::minutes(30),
    );
    let server = FakeServer::start(FakeConfig::new(ORG, KEY), data).await;
    let dir = tempfile::tempdir().unwrap();
    let (url, cwd) = (server.base_url.clone(), dir.path().to_path_buf());
    // The fake server runs on this runtime; the binary runs beside it on a blocking thread.
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_orgscan"))
            .args([
                "run",
                "--org",
                ORG,
                "--out",
                "snap",
                "--api-url",
                &url,
                "--report-dir",
                "reports",
                "--exit-zero",
                "--since",
                "7d",
            ])
            .env("ATLASSIAN_API_KEY", KEY)
            .current_dir(cwd)
            .output()
    })
    .await
    .unwrap()
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(stdout.contains("Secure score:"), "{stdout}");
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("reports/report.json")).unwrap())
            .unwrap();
    assert_eq!(report["org"]["id"], ORG);
    assert_eq!(report["snapshot"]["source"], "api");
    assert_eq!(report["snapshot"]["collections"]["users"]["records"], 30);
    for text in [
        stdout,
        stderr,
        String::from_utf8_lossy(&std::fs::read(dir.path().join("reports/report.html")).unwrap())
            .into_owned(),
    ] {
        assert!(!text.contains(KEY), "the API key leaked");
    }
}
