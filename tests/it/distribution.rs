//! How orgscan is shipped, checked by the tools its users' platforms use: the workflows and the
//! Action by actionlint (with shellcheck on every `run:` script), zizmor (nothing at medium or
//! above) and the GitHub schemas (check-jsonschema); the Dockerfile by hadolint; the release
//! archives by unpacking them; and the Action's own shell steps run against the real binary and
//! the fake Atlassian API. Install the tools with `scripts/install-test-deps.sh`; under CI a
//! missing tool fails.

use crate::support::fake_atlassian;
use crate::support::report as report_support;

use chrono::{Duration as ChronoDuration, Utc};
use fake_atlassian::{Dataset, FakeConfig, FakeServer};
use report_support::{require_tool, root};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const WORKFLOWS: [&str; 2] = [".github/workflows/ci.yml", ".github/workflows/release.yml"];

fn lint_dir() -> PathBuf {
    root().join(".tools/lint")
}

/// A linter from `.tools/lint/bin` (the pip --target install), or None after a notice.
fn lint_tool(name: &str) -> Option<PathBuf> {
    let path = lint_dir().join("bin").join(name);
    require_tool(name, Some(path).filter(|p| p.is_file()))
}

/// A Debian tool the tests need on PATH (jq, shellcheck, zip, sha256sum).
fn system_tool(name: &str) -> Option<PathBuf> {
    let found = Command::new(name)
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    require_tool(name, Some(PathBuf::from(name)).filter(|_| found))
}

fn lint_command(tool: &Path) -> Command {
    let mut cmd = Command::new(tool);
    // check-jsonschema is a Python entry point living in the --target directory.
    cmd.env("PYTHONPATH", lint_dir()).current_dir(root());
    cmd
}

fn text(out: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn yaml_file(relative: &str) -> Value {
    let source = std::fs::read_to_string(root().join(relative)).unwrap();
    yaml_serde::from_str(&source).unwrap_or_else(|e| panic!("{relative}: {e}"))
}

/// The Action's steps as a reusable workflow, so actionlint checks their expressions and runs
/// shellcheck on their scripts (actionlint reads workflows, not action metadata). Every input
/// becomes a `workflow_call` string input of the same name, so `inputs.*` type-checks.
fn action_as_workflow() -> Value {
    let action = yaml_file("action.yml");
    let inputs: serde_json::Map<String, Value> = action["inputs"]
        .as_object()
        .expect("action.yml inputs")
        .keys()
        .map(|name| {
            (
                name.clone(),
                serde_json::json!({"type": "string", "required": false}),
            )
        })
        .collect();
    serde_json::json!({
        "name": "action.yml steps",
        "on": {"workflow_call": {"inputs": inputs}},
        "permissions": {},
        "jobs": {"action": {
            "runs-on": "ubuntu-24.04",
            "permissions": {"contents": "read", "security-events": "write"},
            "steps": action["runs"]["steps"].clone(),
        }},
    })
}

#[test]
fn workflows_and_the_action_steps_pass_actionlint_with_shellcheck() {
    let (Some(actionlint), Some(_)) = (lint_tool("actionlint"), system_tool("shellcheck")) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let synthetic = dir.path().join("action-steps.yml");
    std::fs::write(
        &synthetic,
        yaml_serde::to_string(&action_as_workflow()).unwrap(),
    )
    .unwrap();
    let out = lint_command(&actionlint)
        .args(["-shellcheck", "shellcheck", "-no-color"])
        .args(WORKFLOWS)
        .arg(&synthetic)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "actionlint ({} is action.yml's steps):\n{}",
        synthetic.display(),
        text(&out)
    );
}

#[test]
fn actionlint_catches_a_shell_mistake_in_an_action_step() {
    // The check above can fail: the same wrapping with an unquoted, word-splitting expansion
    // is reported by shellcheck through actionlint.
    let (Some(actionlint), Some(_)) = (lint_tool("actionlint"), system_tool("shellcheck")) else {
        return;
    };
    let mut workflow = action_as_workflow();
    workflow["jobs"]["action"]["steps"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({"shell": "bash", "run": "files=$(ls)\nrm $files\n"}));
    let dir = tempfile::tempdir().unwrap();
    let synthetic = dir.path().join("broken.yml");
    std::fs::write(&synthetic, yaml_serde::to_string(&workflow).unwrap()).unwrap();
    let out = lint_command(&actionlint)
        .args(["-shellcheck", "shellcheck", "-no-color"])
        .arg(&synthetic)
        .output()
        .unwrap();
    assert!(!out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("SC2086"), "{}", text(&out));
}

#[test]
fn zizmor_finds_nothing_at_medium_or_above() {
    let Some(zizmor) = lint_tool("zizmor") else {
        return;
    };
    let out = lint_command(&zizmor)
        .args([
            "--offline",
            "--no-progress",
            "--min-severity",
            "medium",
            ".github/workflows",
            "action.yml",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "zizmor:\n{}", text(&out));
    // zizmor skips a file it cannot parse with only a warning: both must have been audited.
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("failed to parse"), "{}", text(&out));
}

#[test]
fn hadolint_has_nothing_to_say_about_the_dockerfile() {
    let Some(hadolint) = lint_tool("hadolint") else {
        return;
    };
    let out = lint_command(&hadolint)
        .args(["--failure-threshold", "info", "Dockerfile"])
        .output()
        .unwrap();
    assert!(
        out.status.success() && out.stdout.is_empty(),
        "hadolint:\n{}",
        text(&out)
    );
}

#[test]
fn action_and_workflows_match_githubs_schemas() {
    let Some(check) = lint_tool("check-jsonschema") else {
        return;
    };
    // The schemas ship inside check-jsonschema (SchemaStore's), so this runs offline.
    for (schema, files) in [
        ("vendor.github-actions", vec!["action.yml"]),
        ("vendor.github-workflows", WORKFLOWS.to_vec()),
    ] {
        let out = lint_command(&check)
            .args(["--builtin-schema", schema])
            .args(&files)
            .output()
            .unwrap();
        assert!(out.status.success(), "{schema} {files:?}:\n{}", text(&out));
    }
}

/// The names in the first column of the Markdown table whose header starts with `| {first} |`.
fn table_names(markdown: &str, first: &str) -> Vec<String> {
    let header = format!("| {first} |");
    let code = regex::Regex::new(r"`([a-z-]+)`").unwrap();
    let mut names: Vec<String> = markdown
        .lines()
        .skip_while(|l| !l.starts_with(&header))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .flat_map(|l| {
            let cell = l.split('|').nth(1).unwrap_or("");
            code.captures_iter(cell)
                .map(|c| c[1].to_string())
                .collect::<Vec<_>>()
        })
        .collect();
    names.sort();
    names
}

#[test]
fn docs_ci_lists_exactly_the_actions_inputs_and_outputs() {
    let action = yaml_file("action.yml");
    let docs = std::fs::read_to_string(root().join("docs/ci.md")).unwrap();
    for (section, first) in [("inputs", "input"), ("outputs", "output")] {
        let mut declared: Vec<String> = action[section]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        declared.sort();
        assert_eq!(
            table_names(&docs, first),
            declared,
            "docs/ci.md's {first} table"
        );
    }
    // Required inputs are the two without which nothing runs.
    let required: Vec<&String> = action["inputs"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, v)| v["required"] == true)
        .map(|(k, _)| k)
        .collect();
    assert_eq!(required, ["org-id", "api-key"]);
}

#[test]
fn every_action_pin_is_a_full_commit_sha_with_its_tag() {
    let action = std::fs::read_to_string(root().join("action.yml")).unwrap();
    let mut sources = vec![("action.yml".to_string(), action)];
    for w in WORKFLOWS {
        sources.push((
            w.to_string(),
            std::fs::read_to_string(root().join(w)).unwrap(),
        ));
    }
    let uses = regex::Regex::new(r"uses:\s*(\S+)(.*)").unwrap();
    let pinned = regex::Regex::new(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$").unwrap();
    let mut seen = 0;
    for (file, source) in &sources {
        for caps in uses.captures_iter(source) {
            let (target, rest) = (&caps[1], &caps[2]);
            seen += 1;
            assert!(
                pinned.is_match(target),
                "{file}: {target} is not pinned to a commit"
            );
            assert!(
                rest.trim_start().starts_with("# "),
                "{file}: {target} lacks the `# tag` comment"
            );
        }
    }
    assert!(seen >= 10, "only {seen} uses: found");
}

/// `(target, archive extension)` the release builds, read from release.yml's matrix.
fn release_targets() -> Vec<String> {
    let release = yaml_file(".github/workflows/release.yml");
    release["jobs"]["build"]["strategy"]["matrix"]["include"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["target"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_action_installs_exactly_the_targets_the_release_builds() {
    let action = std::fs::read_to_string(root().join("action.yml")).unwrap();
    let case_arm = regex::Regex::new(r"target=([a-z0-9_-]+); ext=").unwrap();
    let mut installed: Vec<String> = case_arm
        .captures_iter(&action)
        .map(|c| c[1].to_string())
        .collect();
    let mut built = release_targets();
    installed.sort();
    built.sort();
    assert_eq!(installed, built);
    // package-release.sh names archives orgscan-<version>-<target>.<ext>; the Action downloads that.
    assert!(action.contains(r#"archive="orgscan-$version-$target.$ext""#));
}

#[test]
fn release_archives_hold_the_binary_completions_and_man_pages_with_checksums() {
    let (Some(_), Some(_)) = (system_tool("zip"), system_tool("sha256sum")) else {
        return;
    };
    let version = env!("CARGO_PKG_VERSION");
    let dir = tempfile::tempdir().unwrap();
    let bins = dir.path().join("bins");
    // Stand-ins keep the archives small (the debug binary is hundreds of MB): for Linux musl a
    // script that runs this build (the packer runs it for completions and man pages), for
    // Windows a few bytes.
    let linux_bin = bins.join("bin-x86_64-unknown-linux-musl");
    std::fs::create_dir_all(&linux_bin).unwrap();
    std::fs::write(
        linux_bin.join("orgscan"),
        format!(
            "#!/bin/sh\nexec '{}' \"$@\"\n",
            env!("CARGO_BIN_EXE_orgscan")
        ),
    )
    .unwrap();
    let windows_bin = bins.join("bin-x86_64-pc-windows-msvc");
    std::fs::create_dir_all(&windows_bin).unwrap();
    std::fs::write(windows_bin.join("orgscan.exe"), b"MZ stand-in").unwrap();
    let out_dir = dir.path().join("dist");
    let out = Command::new("bash")
        .arg(root().join("scripts/package-release.sh"))
        .arg(&bins)
        .arg(&out_dir)
        .arg(version)
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));

    let check = Command::new("sha256sum")
        .args(["--check", "--strict", "SHA256SUMS"])
        .current_dir(&out_dir)
        .output()
        .unwrap();
    assert!(check.status.success(), "{}", text(&check));
    let sums = std::fs::read_to_string(out_dir.join("SHA256SUMS")).unwrap();
    assert_eq!(sums.lines().count(), 2, "{sums}");

    let linux = format!("orgscan-{version}-x86_64-unknown-linux-musl");
    let unpacked = dir.path().join("unpacked");
    std::fs::create_dir_all(&unpacked).unwrap();
    let tar = Command::new("tar")
        .arg("-xzf")
        .arg(out_dir.join(format!("{linux}.tar.gz")))
        .arg("-C")
        .arg(&unpacked)
        .output()
        .unwrap();
    assert!(tar.status.success(), "{}", text(&tar));
    let top = unpacked.join(&linux);
    for file in [
        "orgscan",
        "README.md",
        "LICENSE",
        "completions/orgscan.bash",
        "completions/_orgscan",
        "completions/orgscan.fish",
        "completions/_orgscan.ps1",
        "man/orgscan.1",
        "man/orgscan-scan.1",
    ] {
        assert!(top.join(file).is_file(), "{linux} lacks {file}");
    }
    // The shipped pages are the ones the drift test keeps in docs/man.
    for entry in std::fs::read_dir(root().join("docs/man")).unwrap() {
        let entry = entry.unwrap();
        assert_eq!(
            std::fs::read(top.join("man").join(entry.file_name())).unwrap(),
            std::fs::read(entry.path()).unwrap(),
            "{:?}",
            entry.file_name()
        );
    }
    let run = Command::new(top.join("orgscan"))
        .arg("--version")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&run.stdout).trim(),
        format!("orgscan {version}")
    );

    let zip = format!("orgscan-{version}-x86_64-pc-windows-msvc");
    let listing = Command::new("unzip")
        .arg("-Z1")
        .arg(out_dir.join(format!("{zip}.zip")))
        .output()
        .unwrap();
    let listing = String::from_utf8_lossy(&listing.stdout);
    assert!(listing.contains(&format!("{zip}/orgscan.exe")), "{listing}");
    assert!(
        listing.contains(&format!("{zip}/completions/_orgscan.ps1")),
        "{listing}"
    );

    // Reproducible: packing again gives the same bytes.
    let again = dir.path().join("again");
    let out = Command::new("bash")
        .arg(root().join("scripts/package-release.sh"))
        .arg(&bins)
        .arg(&again)
        .arg(version)
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        std::fs::read_to_string(again.join("SHA256SUMS")).unwrap(),
        sums
    );
}

// ---- the Action's shell steps, run for real ----------------------------------------------

const KEY: &str = "action-KEY-7f31c2e9b0";
const ORG: &str = "org-action";

/// One composite step's script and its environment, with `${{ inputs.NAME }}` and
/// `${{ steps.ID.outputs.NAME }}` resolved the way the runner would; any other expression is
/// a test error (the runner's contexts are not emulated).
fn step(
    id_or_name: &str,
    inputs: &BTreeMap<&str, String>,
    outputs: &BTreeMap<String, String>,
) -> (String, Vec<(String, String)>) {
    let action = yaml_file("action.yml");
    let steps = action["runs"]["steps"].as_array().unwrap();
    let s = steps
        .iter()
        .find(|s| s["id"] == id_or_name || s["name"] == id_or_name)
        .unwrap_or_else(|| panic!("no step {id_or_name}"));
    let defaults: BTreeMap<String, String> = action["inputs"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v["default"].as_str().unwrap_or("").to_string()))
        .collect();
    let expr = regex::Regex::new(r"^\$\{\{\s*(inputs|steps\.([\w-]+)\.outputs)\.([\w-]+)\s*\}\}$")
        .unwrap();
    let env = s["env"]
        .as_object()
        .map(|env| {
            env.iter()
                .map(|(k, v)| {
                    let v = v.as_str().unwrap();
                    let caps = expr
                        .captures(v)
                        .unwrap_or_else(|| panic!("{k}: unexpected expression {v}"));
                    let value = match caps.get(2) {
                        None => inputs
                            .get(&caps[3])
                            .cloned()
                            .or_else(|| defaults.get(&caps[3]).cloned())
                            .unwrap_or_else(|| panic!("no input {}", &caps[3])),
                        Some(step) => outputs
                            .get(&format!("{}.{}", step.as_str(), &caps[3]))
                            .cloned()
                            .unwrap_or_default(),
                    };
                    (k.clone(), value)
                })
                .collect()
        })
        .unwrap_or_default();
    (s["run"].as_str().unwrap().to_string(), env)
}

struct StepRun {
    code: Option<i32>,
    log: String,
    outputs: BTreeMap<String, String>,
    summary: String,
}

fn run_step(
    id: &str,
    work: &Path,
    inputs: &BTreeMap<&str, String>,
    outputs: &mut BTreeMap<String, String>,
) -> StepRun {
    let (script, env) = step(id, inputs, outputs);
    let runner = tempfile::tempdir().unwrap();
    let output_file = runner.path().join("output");
    let summary_file = runner.path().join("summary");
    std::fs::write(&output_file, "").unwrap();
    std::fs::write(&summary_file, "").unwrap();
    let out = Command::new("bash")
        .args([
            "--noprofile",
            "--norc",
            "-e",
            "-o",
            "pipefail",
            "-c",
            &script,
        ])
        .envs(env)
        .env("GITHUB_OUTPUT", &output_file)
        .env("GITHUB_STEP_SUMMARY", &summary_file)
        .env("RUNNER_TEMP", work.join("runner-temp"))
        .current_dir(work)
        .output()
        .unwrap();
    let mut own = BTreeMap::new();
    for line in std::fs::read_to_string(&output_file).unwrap().lines() {
        let (k, v) = line
            .split_once('=')
            .unwrap_or_else(|| panic!("bad output line {line}"));
        own.insert(k.to_string(), v.to_string());
        outputs.insert(format!("{id}.{k}"), v.to_string());
    }
    StepRun {
        code: out.status.code(),
        log: text(&out),
        outputs: own,
        summary: std::fs::read_to_string(&summary_file).unwrap(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_actions_scan_results_and_gate_steps_work_against_the_fake_api() {
    if system_tool("jq").is_none() {
        return;
    }
    let data = Dataset::generate(
        ORG,
        20,
        3,
        30,
        Utc::now() - ChronoDuration::days(2),
        ChronoDuration::minutes(30),
    );
    let server = FakeServer::start(FakeConfig::new(ORG, KEY), data).await;
    let work = tempfile::tempdir().unwrap();
    let work_path = work.path().to_path_buf();
    std::fs::create_dir_all(work_path.join("runner-temp")).unwrap();
    let url = server.base_url.clone();

    // Runs the steps the way the runner does, on a blocking thread beside the fake server.
    let (first, second) = tokio::task::spawn_blocking(move || {
        let binary = env!("CARGO_BIN_EXE_orgscan").to_string();
        let mut inputs: BTreeMap<&str, String> = BTreeMap::new();
        inputs.insert("org-id", ORG.into());
        inputs.insert("api-key", KEY.into());
        inputs.insert("api-url", url);
        inputs.insert("formats", "html, junit,json".into());
        inputs.insert("fail-on", "low".into());
        inputs.insert(
            "policies",
            format!(
                "{}\n\n  {}  \n",
                root().join("examples/custom-policies/keys").display(),
                root().join("examples/custom-policies/detect").display()
            ),
        );
        let mut first = BTreeMap::from([("install.path".to_string(), binary.clone())]);
        let scan = run_step("scan", &work_path, &inputs, &mut first);
        let results = run_step("results", &work_path, &inputs, &mut first);
        let gate = run_step("Gate", &work_path, &inputs, &mut first);
        let first_report = std::fs::read(work_path.join("orgscan-report/report.json")).unwrap();
        std::fs::write(work_path.join("previous.json"), &first_report).unwrap();

        // Again with the first report as the baseline: nothing is new, so the gate passes.
        inputs.insert("baseline", "previous.json".into());
        inputs.insert("upload-sarif", "false".into());
        inputs.insert("report-dir", "second".into());
        let mut second = BTreeMap::from([("install.path".to_string(), binary)]);
        let scan2 = run_step("scan", &work_path, &inputs, &mut second);
        let results2 = run_step("results", &work_path, &inputs, &mut second);
        let gate2 = run_step("Gate", &work_path, &inputs, &mut second);
        ((scan, results, gate), (scan2, results2, gate2))
    })
    .await
    .unwrap();

    let (scan, results, gate) = first;
    assert_eq!(
        scan.code,
        Some(0),
        "the scan step records the code: {}",
        scan.log
    );
    let report: Value = serde_json::from_slice(
        &std::fs::read(work.path().join("orgscan-report/report.json")).unwrap(),
    )
    .unwrap();
    let outcome = report["gate"]["outcome"].as_str().unwrap();
    let code = scan.outputs["exit-code"].as_str();
    assert_eq!(
        (outcome, code),
        match outcome {
            "pass" => ("pass", "0"),
            "gate_failed" => ("gate_failed", "1"),
            _ => ("incomplete", "3"),
        },
        "{}",
        scan.log
    );
    assert!(
        scan.log.contains(&format!("orgscan run exited {code}")),
        "{}",
        scan.log
    );
    // formats: the input's, trimmed and de-duplicated, plus md (summary) and sarif (upload).
    for file in [
        "report.json",
        "report.html",
        "report.junit.xml",
        "report.md",
        "report.sarif",
    ] {
        assert!(
            work.path().join("orgscan-report").join(file).is_file(),
            "{file}"
        );
    }
    assert!(!work.path().join("orgscan-report/findings.csv").exists());
    // Both policy folders were added: their controls are in the report.
    let ids: Vec<&str> = report["controls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert!(
        ids.len() > 2 && ids.iter().any(|id| id.starts_with("ACME-")),
        "{ids:?}"
    );
    assert_eq!(report["gate"]["fail_on"], "low");

    assert_eq!(results.code, Some(0), "{}", results.log);
    let overall = &report["score"]["overall"];
    assert_eq!(results.outputs["score"], overall["percent"].to_string());
    let coverage: f64 = results.outputs["coverage"].parse().unwrap();
    let max = overall["max"].as_f64().unwrap();
    let unevaluated = overall["unevaluated_points"].as_f64().unwrap();
    assert!(
        (coverage - max * 100.0 / (max + unevaluated)).abs() <= 0.05,
        "coverage {coverage} vs {max}/{unevaluated}"
    );
    assert_eq!(results.outputs["gate"], outcome);
    assert_eq!(results.outputs["report-dir"], "orgscan-report");
    assert_eq!(results.outputs["report-json"], "orgscan-report/report.json");
    assert_eq!(
        results.summary,
        std::fs::read_to_string(work.path().join("orgscan-report/report.md")).unwrap()
    );
    assert_eq!(
        gate.code,
        Some(code.parse::<i32>().unwrap()),
        "{}",
        gate.log
    );

    let (scan2, results2, gate2) = second;
    // Nothing is new since the baseline, so the findings gate cannot fail; the outcome is the
    // first run's with findings taken out (pass, or incomplete for the same reasons).
    let expected = if outcome == "gate_failed" {
        "pass"
    } else {
        outcome
    };
    assert_eq!(results2.outputs["gate"], expected, "{}", results2.log);
    let code2 = if expected == "pass" { "0" } else { "3" };
    assert_eq!(scan2.outputs["exit-code"], code2, "{}", scan2.log);
    assert!(
        !work.path().join("second/report.sarif").exists(),
        "upload-sarif false"
    );
    let second_report: Value =
        serde_json::from_slice(&std::fs::read(work.path().join("second/report.json")).unwrap())
            .unwrap();
    assert_eq!(second_report["gate"]["new_only"], true);
    assert_eq!(
        gate2.code,
        Some(code2.parse::<i32>().unwrap()),
        "{}",
        gate2.log
    );

    for run in [&scan, &results, &gate, &scan2, &results2, &gate2] {
        assert!(
            !run.log.contains(KEY) && !run.summary.contains(KEY),
            "the API key leaked"
        );
    }
}

#[test]
fn the_gate_step_maps_every_exit_code() {
    let work = tempfile::tempdir().unwrap();
    for (code, expected) in [("0", 0), ("1", 1), ("3", 3), ("2", 2), ("", 2)] {
        let mut outputs = BTreeMap::from([("scan.exit-code".to_string(), code.to_string())]);
        let run = run_step("Gate", work.path(), &BTreeMap::new(), &mut outputs);
        assert_eq!(run.code, Some(expected), "exit-code '{code}': {}", run.log);
    }
}
