//! Shared helpers of the report tests: locating the external checkers that
//! `scripts/install-test-deps.sh` installs, failing loudly under CI when one is missing.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The tool's path, or `None` (after printing a notice) when it is missing locally. Under CI
/// (`CI` set) a missing tool fails the test: CI runs the install script first.
pub fn require_tool(name: &str, path: Option<PathBuf>) -> Option<PathBuf> {
    match path {
        Some(p) => Some(p),
        None => {
            let msg = format!(
                "{name} is not installed; run scripts/install-test-deps.sh to enable this test"
            );
            if std::env::var_os("CI").is_some() {
                panic!("{msg} (CI is set, so a missing tool is a failure)");
            }
            eprintln!("SKIPPED: {msg}");
            None
        }
    }
}

fn on_path(program: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(program))
            .find(|p| p.is_file())
    })
}

pub fn chromium() -> Option<PathBuf> {
    let found = std::env::var_os("ORGSCAN_CHROMIUM")
        .map(PathBuf::from)
        .filter(|p| p.is_file())
        .or_else(|| on_path("chromium"))
        .or_else(|| Some(PathBuf::from("/usr/bin/chromium")).filter(|p| p.is_file()));
    require_tool("chromium", found)
}

pub fn sarif_multitool() -> Option<PathBuf> {
    let p =
        root().join(".tools/sarif/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool");
    require_tool("SARIF Multitool", Some(p).filter(|p| p.is_file()))
}

/// PYTHONPATH that makes `import junitparser` work, if it does.
pub fn junitparser_path() -> Option<PathBuf> {
    let dir = root().join(".tools/py");
    let ok = std::process::Command::new("python3")
        .args(["-c", "import junitparser"])
        .env("PYTHONPATH", &dir)
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    require_tool("junitparser (python)", Some(dir).filter(|_| ok))
}

/// PYTHONPATH that makes `import jsonschema, referencing` work (the draft 2020-12 validator
/// in .tools/lint), if it does.
pub fn jsonschema_path() -> Option<PathBuf> {
    let lint = root().join(".tools/lint");
    let ok = std::process::Command::new("python3")
        .args(["-c", "import jsonschema, referencing"])
        .env("PYTHONPATH", &lint)
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    require_tool("jsonschema (Python)", Some(lint).filter(|_| ok))
}

/// Runs one of tests/it/support's Python validators (`script`, then `args`) with the
/// jsonschema package of `lint` (from [`jsonschema_path`]): (success, stdout and stderr).
pub fn run_validator(lint: &Path, script: &str, args: &[&std::ffi::OsStr]) -> (bool, String) {
    let out = std::process::Command::new("python3")
        .arg(root().join("tests/it/support").join(script))
        .args(args)
        .env("PYTHONPATH", lint)
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), said)
}

/// Runs headless Chromium with the flags this machine needs, returning (stdout, stderr).
pub fn chromium_run(chromium: &Path, extra: &[&str], url: &str) -> (String, String) {
    let profile = tempfile::tempdir().unwrap();
    let mut cmd = std::process::Command::new(chromium);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
        "--mute-audio",
    ]);
    cmd.arg(format!("--user-data-dir={}", profile.path().display()));
    cmd.args(extra);
    cmd.arg(url);
    let out = cmd.output().expect("running chromium");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
