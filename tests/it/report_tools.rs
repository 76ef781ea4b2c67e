//! The machine formats checked by their consumers' own tools: SARIF by Microsoft's SARIF
//! Multitool (2.1.0 schema plus its SARIF and GitHub rule sets), JUnit by junitparser.
//! Install them with `scripts/install-test-deps.sh`; under CI a missing tool fails.

use crate::support::report as report_support;

use orgscan::report::fixture::{hostile_report, large_report, sample_report};
use orgscan::report::{render, Format, Report};
use report_support::*;

fn multitool_validate(tool: &std::path::Path, report: &Report, name: &str) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join(format!("{name}.sarif"));
    let output = dir.path().join(format!("{name}.validation.sarif"));
    std::fs::write(&input, render(report, Format::Sarif).unwrap()).unwrap();
    let out = std::process::Command::new(tool)
        .arg("validate")
        .arg(&input)
        .arg("--output")
        .arg(&output)
        .args(["--log", "ForceOverwrite", "--rule-kind", "Sarif;Ghas"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "Sarif.Multitool validate failed ({}):\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let log: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&output).unwrap()).unwrap();
    let results = log["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let problems: Vec<String> = results
        .iter()
        .filter(|r| r["level"] == "error" || r["level"] == "warning")
        .map(|r| r.to_string())
        .filter(|r| !r.contains("SARIF2005"))
        .map(|r| r.chars().take(600).collect()) // informationUri: the project has no public home yet
        .collect();
    assert!(
        problems.is_empty(),
        "{name}: SARIF problems:\n{}",
        problems.join("\n")
    );
}

#[test]
fn sarif_validates_with_the_multitool() {
    let Some(tool) = sarif_multitool() else {
        return;
    };
    multitool_validate(&tool, &sample_report(), "sample");
    multitool_validate(&tool, &hostile_report(), "hostile");
    multitool_validate(&tool, &demo_report(), "demo");
}

/// The bundled demo org scanned with the shipped policies, through the real binary.
fn demo_report() -> Report {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_orgscan"))
        .args([
            "scan",
            "--out",
            "demo",
            "--format",
            "json",
            "--exit-zero",
            "--quiet",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    orgscan::report::history::load_report(&dir.path().join("demo/report.json")).unwrap()
}

fn junit_check(pythonpath: &std::path::Path, report: &Report) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.junit.xml");
    std::fs::write(&file, render(report, Format::Junit).unwrap()).unwrap();
    junit_parse(pythonpath, &file)
}

/// What junitparser reads from a JUnit file: suites with their counts and cases.
fn junit_parse(pythonpath: &std::path::Path, file: &std::path::Path) -> serde_json::Value {
    let script = r#"
import json, sys
from junitparser import JUnitXml, Failure, Error, Skipped
xml = JUnitXml.fromfile(sys.argv[1])
out = {"suites": []}
for suite in xml:
    cases = []
    for case in suite:
        kinds = [type(r).__name__ for r in case.result]
        cases.append({"name": case.name, "classname": case.classname, "result": kinds,
                      "text": [(r.text or "") for r in case.result],
                      "message": [(r.message or "") for r in case.result]})
    out["suites"].append({"name": suite.name, "tests": suite.tests, "failures": suite.failures,
                          "errors": suite.errors, "skipped": suite.skipped, "cases": cases})
print(json.dumps(out))
"#;
    let out = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(file)
        .env("PYTHONPATH", pythonpath)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "junitparser could not read the JUnit report: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn junit_parses_with_junitparser() {
    let Some(pp) = junitparser_path() else { return };
    let parsed = junit_check(&pp, &sample_report());
    let suites = parsed["suites"].as_array().unwrap();
    let names: Vec<&str> = suites.iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "Apps, OAuth and AI agents",
            "Data protection",
            "Identity and authentication",
            "Keys and tokens",
            "Logging and monitoring",
            "Threat detection"
        ]
    );
    let case = |id: &str| {
        suites
            .iter()
            .flat_map(|s| s["cases"].as_array().unwrap().iter())
            .find(|c| c["name"] == id)
            .unwrap_or_else(|| panic!("no testcase {id}"))
            .clone()
    };
    assert_eq!(
        case("ATL-IDN-001")["result"],
        serde_json::json!(["Failure"])
    );
    assert!(case("ATL-IDN-001")["text"][0]
        .as_str()
        .unwrap()
        .contains("557058:1a2b3c4d-0000-4000-8000-000000000001"));
    assert_eq!(case("ATL-LOG-001")["result"], serde_json::json!(["Error"]));
    assert_eq!(
        case("ATL-IDN-002")["result"],
        serde_json::json!(["Skipped"])
    );
    assert_eq!(
        case("ATL-DAT-001")["result"],
        serde_json::json!(["Skipped"])
    );
    assert_eq!(case("ATL-KEY-001")["result"], serde_json::json!([]));
    assert_eq!(case("ATL-APP-001")["result"], serde_json::json!([]));
    let identity = &suites[2];
    assert_eq!(identity["tests"], 2);
    assert_eq!(identity["failures"], 1);
    assert_eq!(identity["skipped"], 1);
}

#[test]
fn junit_of_hostile_large_and_demo_reports_parses() {
    let Some(pp) = junitparser_path() else { return };
    let demo = demo_report();
    let parsed = junit_check(&pp, &demo);
    let cases: usize = parsed["suites"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["cases"].as_array().unwrap().len())
        .sum();
    assert_eq!(cases, demo.controls.len(), "one testcase per control");
    let parsed = junit_check(&pp, &hostile_report());
    let text = parsed.to_string();
    assert!(
        text.contains("<script>document.title"),
        "hostile text is kept literally"
    );
    let parsed = junit_check(&pp, &large_report(20_000));
    assert!(parsed.to_string().contains("more (see report.json)"));
}

#[test]
fn policy_test_junit_parses_with_junitparser() {
    let Some(pp) = junitparser_path() else { return };
    let dir = tempfile::tempdir().unwrap();
    let policies = dir.path().join("mine");
    std::fs::create_dir_all(&policies).unwrap();
    std::fs::write(
        policies.join("p.rego"),
        "# METADATA\n# title: T\n# description: D\n# custom:\n#   id: U-1\n#   severity: low\n#   category: Identity and authentication\n#   points: 1\n#   user_impact: low\n#   implementation_cost: low\n#   remediation: [fix]\npackage u.p\n\nimport rego.v1\n\ndeny contains {\"resource\": {\"type\": \"user\", \"id\": x}, \"message\": \"m\"} if {\n\tsome x in input.bad\n}\n\nunused if {\n\tinput.nothing\n\tinput.never == 1\n}\n",
    )
    .unwrap();
    std::fs::write(
        policies.join("p_test.rego"),
        "package u.p_test\n\nimport data.u.p\nimport rego.v1\n\ntest_passes if count(p.deny) == 0 with input as {}\n\ntest_fails if count(p.deny) == 5 with input as {\"bad\": [\"<a & b>\"]}\n\ntest_errors if 1 / 0 == 1\n\ntodo_test_later if false\n",
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_orgscan"))
        .args(["policy", "test", "--format", "junit", "--threshold", "100"])
        .arg(&policies)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let file = dir.path().join("tests.junit.xml");
    std::fs::write(&file, &out.stdout).unwrap();
    let parsed = junit_parse(&pp, &file);
    let suites = parsed["suites"].as_array().unwrap();
    assert_eq!(suites.len(), 2, "{parsed:#}");
    let tests = &suites[0];
    assert!(tests["name"].as_str().unwrap().ends_with("p_test.rego"));
    assert_eq!(
        (
            &tests["tests"],
            &tests["failures"],
            &tests["errors"],
            &tests["skipped"]
        ),
        (
            &serde_json::json!(4),
            &serde_json::json!(1),
            &serde_json::json!(1),
            &serde_json::json!(1)
        )
    );
    let kinds: Vec<(&str, &serde_json::Value)> = tests["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["name"].as_str().unwrap(), &c["result"]))
        .collect();
    assert_eq!(
        kinds,
        [
            ("test_passes", &serde_json::json!([])),
            ("test_fails", &serde_json::json!(["Failure"])),
            ("test_errors", &serde_json::json!(["Error"])),
            ("todo_test_later", &serde_json::json!(["Skipped"])),
        ]
    );
    assert_eq!(tests["cases"][0]["classname"], "data.u.p_test");
    // The coverage gate is a case of its own.
    assert_eq!(suites[1]["name"], "coverage");
    assert_eq!(
        suites[1]["cases"][0]["result"],
        serde_json::json!(["Failure"])
    );
}
