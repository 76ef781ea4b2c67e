//! The command-line surface of `collect`, `attest init` and `import-events`: clap parsing into
//! the real `Command` enum and the `cmd::` entry points the binary calls, with their exit codes.

use crate::support::fake_atlassian;

use chrono::{Duration as ChronoDuration, Utc};
use clap::Parser;
use fake_atlassian::{Dataset, FakeConfig, FakeServer};
use orgscan::cli::{AttestCommand, Cli, Command};
use orgscan::cmd;
use orgscan::collect::{load_key, CollectError};
use orgscan::snapshot::{load_snapshot, Attestation, SnapshotSource};

const KEY: &str = "cli-KEY-93b1f0aa";
const ORG: &str = "org-cli";

fn parse(args: &[&str]) -> Result<Command, clap::Error> {
    let mut all = vec!["orgscan"];
    all.extend_from_slice(args);
    Cli::try_parse_from(all).map(|c| c.command)
}

#[test]
fn collect_flags_parse_and_the_key_is_not_a_flag() {
    let Command::Collect(a) = parse(&[
        "collect",
        "--org",
        "o1",
        "--out",
        "snap",
        "--since",
        "90d",
        "--resume-from",
        "prev",
        "--attestation",
        "a.toml",
        "--allow-partial",
        "-v",
        "--api-key-file",
        "k",
    ])
    .unwrap() else {
        panic!("not collect")
    };
    let a = a.collect;
    assert_eq!(a.org.as_deref(), Some("o1"));
    assert_eq!(a.api_url, "https://api.atlassian.com");
    assert_eq!(a.since.as_deref(), Some("90d"));
    assert!(a.allow_partial && a.verbose && !a.quiet);
    assert!(parse(&["collect", "--org", "o", "--out", "s", "--api-key", "x"]).is_err());
    assert!(
        parse(&["collect", "--out", "s"]).is_err(),
        "--org is required"
    );
}

#[test]
fn attest_and_import_parse() {
    assert!(matches!(
        parse(&["attest", "init", "--by", "me"]).unwrap(),
        Command::Attest(AttestCommand::Init(_))
    ));
    let Command::ImportEvents(a) =
        parse(&["import-events", "a.json", "b.ndjson", "--into", "snap"]).unwrap()
    else {
        panic!("not import-events")
    };
    assert_eq!(a.files.len(), 2);
    assert!(
        parse(&["import-events", "--into", "snap"]).is_err(),
        "files are required"
    );
}

#[test]
fn key_sources_and_their_errors() {
    let dir = tempfile::tempdir().unwrap();
    let err = load_key(None, None).unwrap_err();
    assert!(matches!(err, CollectError::MissingKey));
    assert_eq!(err.exit_code(), 2);
    assert!(err.to_string().contains("ATLASSIAN_API_KEY"));
    assert!(load_key(None, Some("  ".into())).is_err());
    assert_eq!(load_key(None, Some(KEY.into())).unwrap().to_string(), "***");

    let file = dir.path().join("key");
    std::fs::write(&file, format!("{KEY}\n")).unwrap();
    let key = load_key(Some(&file), Some("ignored".into())).unwrap();
    assert_eq!(key.redact(KEY), "***", "the file wins and is trimmed");
    std::fs::write(&file, "\n").unwrap();
    let err = load_key(Some(&file), None).unwrap_err().to_string();
    assert!(err.contains("empty") && err.contains("key"), "{err}");
    let err = load_key(Some(&dir.path().join("missing")), None).unwrap_err();
    assert_eq!(err.exit_code(), 2);
}

fn args(extra: &[&str]) -> orgscan::cli::CollectArgs {
    let mut all = vec!["collect", "--org", ORG];
    all.extend_from_slice(extra);
    match parse(&all).unwrap() {
        Command::Collect(a) => a.collect,
        _ => unreachable!(),
    }
}

#[test]
fn bad_flags_are_usage_errors_before_any_request() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("key");
    std::fs::write(&key, KEY).unwrap();
    let key = key.to_str().unwrap();
    let out = dir.path().join("s");
    let out = out.to_str().unwrap();
    let empty_dir = dir.path().join("empty");
    std::fs::create_dir(&empty_dir).unwrap();
    let empty_dir = empty_dir.to_str().unwrap();
    for (flags, needle) in [
        (
            vec!["--out", out, "--api-key-file", key, "--since", "soon"],
            "--since",
        ),
        (
            vec![
                "--out",
                out,
                "--api-key-file",
                key,
                "--api-url",
                "http://example.com",
            ],
            "--api-url",
        ),
        (
            vec![
                "--out",
                out,
                "--api-key-file",
                key,
                "--resume-from",
                empty_dir,
            ],
            "--resume-from",
        ),
        (
            vec!["--out", out, "--api-key-file", "/nonexistent/key"],
            "--api-key-file",
        ),
    ] {
        let mut a = args(&flags);
        a.api_url = if a.api_url.contains("example.com") {
            a.api_url
        } else {
            "http://127.0.0.1:9".into()
        };
        let err = cmd::collect::collect(&a).unwrap_err();
        assert_eq!(err.exit_code(), 2, "{err}");
        assert!(err.to_string().contains(needle), "{err}");
        assert!(!err.to_string().contains(KEY));
        // Omitting --resume-from collects everything; it never means the demo org.
        assert!(!err.to_string().contains("demo"), "{err}");
    }
    // An --out that is not a snapshot is never replaced.
    let home = dir.path().join("home");
    std::fs::create_dir(&home).unwrap();
    std::fs::write(home.join("thesis.tex"), "precious").unwrap();
    let mut a = args(&["--out", home.to_str().unwrap(), "--api-key-file", key]);
    a.api_url = "http://127.0.0.1:9".into();
    let err = cmd::collect::collect(&a).unwrap_err();
    assert_eq!(err.exit_code(), 2);
    assert!(
        err.to_string()
            .contains("not an orgscan snapshot, refusing to replace"),
        "{err}"
    );
    assert!(home.join("thesis.tex").exists());
    let mut a = args(&["--out", out, "--api-key-file", key]);
    a.org = Some("../etc".into());
    assert_eq!(cmd::collect::collect(&a).unwrap_err().exit_code(), 2);
}

#[test]
fn collect_then_import_through_the_cli_entry_points() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let data = Dataset::generate(
        ORG,
        30,
        5,
        120,
        Utc::now() - ChronoDuration::days(10),
        ChronoDuration::hours(2),
    );
    let server = rt.block_on(FakeServer::start(FakeConfig::new(ORG, KEY), data));
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("key");
    std::fs::write(&key, KEY).unwrap();
    let out = dir.path().join("snap");
    let a = args(&[
        "--out",
        out.to_str().unwrap(),
        "--api-url",
        &server.base_url,
        "--api-key-file",
        key.to_str().unwrap(),
        "--since",
        "30d",
        "-q",
    ]);
    let outcome = cmd::collect::collect(&a).unwrap();
    assert_eq!(outcome.exit_code(), 0, "{}", outcome.summary());
    assert_eq!(outcome.events_total, 120);

    // Export some events as NDJSON and import them into a fresh snapshot (no key needed).
    let export = dir.path().join("events.ndjson");
    let lines: Vec<String> = server.data().events[..40]
        .iter()
        .map(|e| e.to_string())
        .collect();
    std::fs::write(&export, lines.join("\n")).unwrap();
    let into = dir.path().join("imported");
    let Command::ImportEvents(ia) = parse(&[
        "import-events",
        export.to_str().unwrap(),
        export.to_str().unwrap(),
        "--into",
        into.to_str().unwrap(),
        "-q",
    ])
    .unwrap() else {
        unreachable!()
    };
    let result = cmd::import_events::import(&ia).unwrap();
    assert!(result.created);
    assert_eq!((result.read, result.added, result.duplicates), (80, 40, 40));
    let snap = load_snapshot(&into).unwrap();
    assert_eq!(snap.manifest.source, SnapshotSource::Import);
    assert_eq!(
        snap.manifest.org.id, ORG,
        "org read from the events' container"
    );
    assert!(snap.manifest.event_window.is_some());

    // A directory that is not a snapshot is never replaced.
    let junk = dir.path().join("junk");
    std::fs::create_dir(&junk).unwrap();
    std::fs::write(junk.join("notes.txt"), "mine").unwrap();
    let err = orgscan::collect::import::import_events(std::slice::from_ref(&export), &junk, None)
        .unwrap_err();
    assert_eq!(err.exit_code(), 2);
    assert_eq!(
        std::fs::read_to_string(junk.join("notes.txt")).unwrap(),
        "mine"
    );
    drop(server);
}

#[test]
fn attest_init_writes_a_template_that_parses_back_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("attestation.toml");
    let Command::Attest(cmd) = parse(&[
        "attest",
        "init",
        "--by",
        "jane@acme.com",
        "--out",
        path.to_str().unwrap(),
    ])
    .unwrap() else {
        unreachable!()
    };
    cmd::attest::write_template(&cmd).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let att = Attestation::from_toml("attestation.toml", &text).unwrap();
    assert_eq!(att.attested_by, "jane@acme.com");
    for section in [
        "[authentication]",
        "[sso]",
        "[oauth]",
        "[mcp]",
        "[api_tokens]",
        "[audit_log]",
        "[data_security]",
        "[[connected_apps]]",
    ] {
        assert!(text.contains(section), "{section}");
    }
    let err = cmd::attest::write_template(&cmd).unwrap_err();
    assert_eq!(err.exit_code(), 2);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}

#[tokio::test]
async fn the_blocking_entry_refuses_to_run_inside_a_runtime() {
    let dir = tempfile::tempdir().unwrap();
    let config = orgscan::collect::CollectConfig::new(
        ORG,
        &dir.path().join("s"),
        reqwest::Url::parse("http://127.0.0.1:9").unwrap(),
        orgscan::collect::ApiKey::new(KEY).unwrap(),
    );
    let err = orgscan::collect::collect_blocking(config).unwrap_err();
    assert!(err.to_string().contains("await collect()"), "{err}");
}
