//! Every command that prints exits quietly when its standard output is a closed pipe
//! (`orgscan policy list | head -1`): the exit code it would have had anyway, no panic, no
//! "Broken pipe" message. Each command is run twice through the binary: once normally (it
//! must print something, or the closed pipe would prove nothing) and once with the read end of
//! its stdout pipe dropped before it writes.

use crate::support;

use std::path::Path;
use std::process::{Command, Stdio};
use support::{orgscan, policy_dir, small_org, stderr, write_snapshot};

/// Runs with stdout a pipe whose read end is already closed; returns (exit code, stderr).
fn with_closed_stdout(args: &[&str], cwd: &Path) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_orgscan"))
        .args(args)
        .current_dir(cwd)
        .env_remove("ATLASSIAN_API_KEY")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn orgscan");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("wait for orgscan");
    (out.status.code(), stderr(&out))
}

fn assert_quiet_on_closed_pipe(args: &[&str], cwd: &Path) {
    let normal = orgscan(args, cwd);
    assert!(
        !normal.stdout.is_empty(),
        "{args:?} prints nothing to stdout, so the closed pipe proves nothing"
    );
    let (code, err) = with_closed_stdout(args, cwd);
    assert_eq!(
        code,
        normal.status.code(),
        "{args:?}: exit code with a closed stdout; stderr: {err}"
    );
    for bad in ["panicked", "Broken pipe", "broken pipe", "os error 32"] {
        assert!(
            !err.contains(bad),
            "{args:?}: stderr mentions {bad:?}: {err}"
        );
    }
    assert_eq!(
        err,
        stderr(&normal),
        "{args:?}: stderr differs when stdout is closed"
    );
}

#[test]
fn every_printing_command_is_quiet_on_a_closed_pipe() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let snap = write_snapshot(&dir.join("snap"), &small_org(), None);
    let snap = snap.to_str().expect("utf-8 path");
    let policies = policy_dir(
        &dir.join("policies"),
        "findings contains {\"resource\": {\"type\": \"user\", \"id\": u.accountId}, \"message\": \"m\"} if {\n    some u in input.users\n}",
    );
    let policies = policies.to_str().expect("utf-8 path");
    // Two reports for `diff` (the second scan is also the `scan` case below).
    for out in ["old", "new"] {
        let o = orgscan(
            &[
                "scan",
                snap,
                "--out",
                out,
                "--format",
                "json",
                "--exit-zero",
                // A small org without attestation: below the coverage gate, which is not
                // what this test is about.
                "--min-coverage",
                "0",
            ],
            dir,
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    let cases: &[&[&str]] = &[
        &["scan", snap, "--out", "r1", "--format", "json,md,csv"],
        &["scan", snap, "--out", "r2", "--exit-zero"],
        &["diff", "old/report.json", "new/report.json"],
        &[
            "diff",
            "old/report.json",
            "new/report.json",
            "--format",
            "markdown",
        ],
        &[
            "diff",
            "old/report.json",
            "new/report.json",
            "--format",
            "json",
        ],
        &["policy", "list"],
        &["policy", "list", "--format", "json"],
        &["policy", "doc", "--out", "-"],
        &["policy", "doc", "--out", "catalogue.md"],
        &["policy", "test", "--run", "admin_mfa"],
        &["policy", "test", "--run", "admin_mfa", "--format", "json"],
        &["policy", "test", "--run", "admin_mfa", "--format", "junit"],
        &["policy", "check", policies],
        &["policy", "check", policies, "--format", "json"],
        &["attest", "init"],
        &["--help"],
        &["--version"],
    ];
    for args in cases {
        assert_quiet_on_closed_pipe(args, dir);
    }
}
