//! Compliance views (issue 19): `orgscan scan --compliance` on the demo writes schema-valid
//! `compliance-<id>.json`, a CSV and an HTML section per framework, deterministic, redacted
//! with `--redact`, also from `orgscan.toml`; golden files of the views over the sample
//! report; and the HTML section in a real browser (a failing requirement lists its findings,
//! its links reach the controls).
//! Regenerate goldens with `ORGSCAN_UPDATE_GOLDEN=1 cargo test --test it compliance_cli::`.

use crate::support::orgscan;
use crate::support::report as report_support;

use orgscan::report::compliance::{
    build_compliance, render_compliance_csv, render_compliance_json,
};
use orgscan::report::fixture::{hostile_report, sample_report};
use report_support::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const FRAMEWORKS: &str = "iso27001-2022,soc2";

fn text(out: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The demo scan with `extra` arguments into `dir/out`; the gate is not the subject.
fn demo_scan(dir: &Path, out: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "scan",
        "--out",
        out,
        "--format",
        "json,html,csv",
        "--exit-zero",
        "--quiet",
    ];
    args.extend_from_slice(extra);
    let o = orgscan(&args, dir);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    o
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn json(path: &Path) -> Value {
    serde_json::from_str(&read(path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The compliance section of a rendered report (the rest of the page has its own goldens).
fn compliance_section(html: &str) -> &str {
    let start = html
        .find("<section id=\"compliance\">")
        .expect("a compliance section");
    let end = start + html[start..].find("</section>").expect("its end") + "</section>".len();
    &html[start..end]
}

fn check_jsonschema() -> Option<PathBuf> {
    let path = root().join(".tools/lint/bin/check-jsonschema");
    require_tool("check-jsonschema", Some(path).filter(|p| p.is_file()))
}

/// Validates `files` against the published schema (schemas/compliance.v1.schema.json).
fn assert_schema_valid(files: &[PathBuf]) {
    let Some(check) = check_jsonschema() else {
        return;
    };
    let out = Command::new(check)
        .env("PYTHONPATH", root().join(".tools/lint"))
        .arg("--schemafile")
        .arg(root().join("schemas/compliance.v1.schema.json"))
        .args(files)
        .output()
        .expect("running check-jsonschema");
    assert!(out.status.success(), "{}", text(&out));
}

#[test]
fn the_sample_views_match_their_golden_files() {
    // The sample's controls map to made-up references; point each at a real CIS safeguard
    // (two per safeguard, so a requirement can have a passing and a failing control).
    let mut report = sample_report();
    let safeguards = ["5.3", "6.5", "8.2", "4.3", "6.3"];
    for (i, c) in report.controls.iter_mut().enumerate() {
        c.frameworks.insert(
            "cis-controls-v8".into(),
            vec![safeguards[i / 2 % safeguards.len()].to_string()],
        );
    }
    let frameworks = orgscan::framework::select(&["cis-controls-v8".into()]).unwrap();
    let views: Vec<_> = frameworks
        .iter()
        .map(|f| build_compliance(&report, f))
        .collect();
    let view = &views[0];
    // The sample has a failing control, a waived finding and unmapped controls for this
    // framework: every kind of line the golden should show.
    let statuses: Vec<&str> = view
        .requirements
        .iter()
        .map(|r| r.status.as_str())
        .collect();
    for wanted in ["pass", "fail", "not_evaluated", "manual"] {
        assert!(statuses.contains(&wanted), "{wanted} missing: {statuses:?}");
    }
    assert!(view.requirements.iter().any(|r| r.waived_findings > 0));
    golden(
        "sample.compliance-cis-controls-v8.json",
        &render_compliance_json(view).unwrap(),
    );
    golden(
        "sample.compliance-cis-controls-v8.csv",
        &render_compliance_csv(view),
    );
    let html = orgscan::report::html::render_html_with(&report, &views).unwrap();
    golden(
        "sample.compliance-section.html",
        &format!("{}\n", compliance_section(&html)),
    );
    // Same inputs, same bytes.
    assert_eq!(
        render_compliance_json(view).unwrap(),
        render_compliance_json(&build_compliance(&report, &frameworks[0])).unwrap()
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("compliance-cis-controls-v8.json");
    std::fs::write(&path, render_compliance_json(view).unwrap()).unwrap();
    assert_schema_valid(&[path]);
}

#[test]
fn hostile_org_data_stays_text_in_every_view() {
    let report = hostile_report();
    // A framework with a requirement for every reference the hostile controls map to.
    let mut refs: Vec<String> = report
        .controls
        .iter()
        .flat_map(|c| {
            c.frameworks
                .get("cis-controls-v8")
                .cloned()
                .unwrap_or_default()
        })
        .collect();
    refs.sort();
    refs.dedup();
    let mut yaml = "id: cis-controls-v8\nname: CIS\nversion: \"8\"\nurl: https://example.org\nscope: test\nrequirements:\n".to_string();
    for r in &refs {
        yaml.push_str(&format!(
            "  - {{id: {r:?}, section: \"x\", title: \"=SUM(A1)\", assessment: automated}}\n"
        ));
    }
    let framework =
        orgscan::framework::parse_framework("frameworks/cis-controls-v8.yaml", &yaml).unwrap();
    let views = vec![build_compliance(&report, &framework)];
    assert!(
        views[0].requirements.iter().any(|r| !r.findings.is_empty()),
        "the hostile findings reach the view"
    );
    let csv = render_compliance_csv(&views[0]);
    // A cell that would start a formula is behind a quote mark, as in findings.csv.
    assert!(csv.contains(",'=SUM(A1),"), "{csv}");
    assert!(!csv.contains(",=SUM"), "{csv}");
    assert!(
        !csv.contains('\u{1b}'),
        "control characters are made visible"
    );
    let html = orgscan::report::html::render_html_with(&report, &views).unwrap();
    let section = compliance_section(&html);
    assert!(!section.contains("<script>document.title"), "{section}");
    assert!(section.contains("&lt;script&gt;"));
}

#[test]
fn scan_compliance_on_the_demo_writes_json_csv_and_html() {
    let dir = tempfile::tempdir().unwrap();
    demo_scan(dir.path(), "out", &["--compliance", FRAMEWORKS]);
    let out = dir.path().join("out");
    let mut json_files = Vec::new();
    for id in ["iso27001-2022", "soc2"] {
        let path = out.join(format!("compliance-{id}.json"));
        let doc = json(&path);
        assert_eq!(doc["schema"], "orgscan.compliance/v1");
        assert_eq!(doc["framework"]["id"], id);
        assert_eq!(doc["snapshot_source"], "demo");
        let by_status = &doc["summary"]["by_status"];
        assert!(by_status["fail"].as_u64().unwrap() > 0, "{by_status}");
        assert!(by_status["manual"].as_u64().unwrap() > 0, "{by_status}");
        // A failing requirement carries the findings that make it fail.
        let failing = doc["requirements"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["status"] == "fail")
            .unwrap();
        assert!(failing["open_findings"].as_u64().unwrap() > 0, "{failing}");
        let csv = read(&out.join(format!("compliance-{id}.csv")));
        assert!(csv.starts_with(
            "framework,requirement,section,title,assessment,status,controls,open_findings,waived_findings,evidence,auditor_evidence\r\n"
        ));
        assert_eq!(
            csv.lines().count(),
            1 + doc["requirements"].as_array().unwrap().len()
        );
        json_files.push(path);
    }
    assert_schema_valid(&json_files);
    let html = read(&out.join("report.html"));
    let section = compliance_section(&html);
    assert!(section.contains("id=\"compliance-iso27001-2022\""));
    assert!(section.contains("id=\"compliance-soc2\""));
    let run = json(&out.join("orgscan-run.json"));
    assert!(run["files"]
        .as_array()
        .unwrap()
        .contains(&Value::from("compliance-soc2.csv")));

    // Deterministic: a second run writes the same bytes.
    demo_scan(dir.path(), "again", &["--compliance", FRAMEWORKS]);
    for name in [
        "compliance-iso27001-2022.json",
        "compliance-soc2.csv",
        "report.html",
    ] {
        assert_eq!(
            read(&out.join(name)),
            read(&dir.path().join("again").join(name)),
            "{name}"
        );
    }

    // A later run without --compliance removes the views it no longer writes.
    demo_scan(dir.path(), "out", &[]);
    assert!(!out.join("compliance-soc2.json").exists());
    assert!(!read(&out.join("report.html")).contains("<section id=\"compliance\">"));
}

#[test]
fn redact_applies_to_the_views() {
    let dir = tempfile::tempdir().unwrap();
    demo_scan(dir.path(), "plain", &["--compliance", "soc2"]);
    demo_scan(dir.path(), "red", &["--compliance", "soc2", "--redact"]);
    let plain = read(&dir.path().join("plain/compliance-soc2.json"));
    let red = read(&dir.path().join("red/compliance-soc2.json"));
    // Every email the plain view names is gone from the redacted one.
    let emails: std::collections::BTreeSet<&str> = plain
        .split(|c: char| c == '"' || c.is_whitespace())
        .filter(|w| w.contains('@') && w.contains('.'))
        .collect();
    assert!(!emails.is_empty(), "the demo view names people");
    for e in &emails {
        assert!(!red.contains(e), "{e} survives --redact");
    }
    assert_eq!(
        json(&dir.path().join("red/compliance-soc2.json"))["redacted"],
        true
    );
    for e in &emails {
        assert!(
            !read(&dir.path().join("red/compliance-soc2.csv")).contains(e),
            "{e} in the CSV"
        );
    }
}

#[test]
fn frameworks_come_from_orgscan_toml_and_unknown_ids_are_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("orgscan.toml"),
        "[compliance]\nframeworks = [\"nist-csf-2\"]\n",
    )
    .unwrap();
    demo_scan(dir.path(), "out", &[]);
    assert!(dir.path().join("out/compliance-nist-csf-2.json").is_file());
    // The flag wins over the file.
    demo_scan(dir.path(), "flag", &["--compliance", "soc2"]);
    assert!(dir.path().join("flag/compliance-soc2.json").is_file());
    assert!(!dir.path().join("flag/compliance-nist-csf-2.json").exists());

    let o = orgscan(
        &["scan", "--out", "bad", "--compliance", "soc2,pci-dss"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("--compliance: unknown compliance framework \"pci-dss\""),
        "{err}"
    );
    assert!(!dir.path().join("bad").exists(), "nothing written");

    std::fs::write(
        dir.path().join("orgscan.toml"),
        "[compliance]\nframeworks = [\"iso27001\"]\n",
    )
    .unwrap();
    let o = orgscan(&["scan", "--out", "bad"], dir.path());
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(
            "orgscan.toml: compliance.frameworks: unknown compliance framework \"iso27001\""
        ),
        "{err}"
    );
}

/// Item 4: SARIF tags every rule `external/<framework>/<ref>` for all five frameworks, and the
/// Markdown lists a failing control's references.
#[test]
fn sarif_and_markdown_carry_all_five_frameworks() {
    let dir = tempfile::tempdir().unwrap();
    let o = orgscan(
        &[
            "scan",
            "--out",
            "out",
            "--format",
            "sarif,md",
            "--exit-zero",
            "--quiet",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let sarif = json(&dir.path().join("out/report.sarif"));
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let rule = rules
        .iter()
        .find(|r| r["id"] == "ATL-IDN-002")
        .expect("ATL-IDN-002");
    let tags: Vec<&str> = rule["properties"]["tags"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for tag in [
        "external/cis-controls-v8/6.5",
        "external/iso27001-2022/8.5",
        "external/soc2/CC6.1",
        "external/nist-800-53-r5/IA-2(1)",
        "external/nist-csf-2/PR.AA-03",
    ] {
        assert!(tags.contains(&tag), "{tag} missing from {tags:?}");
    }
    let md = read(&dir.path().join("out/report.md"));
    let header = md
        .lines()
        .find(|l| l.starts_with("| Control | Title |"))
        .expect("the failed controls table");
    assert!(header.ends_with("| Frameworks |"), "{header}");
    let row = md
        .lines()
        .find(|l| l.starts_with("| ATL-") && l.contains("iso27001-2022"))
        .expect("a failed control with its references");
    for f in ["cis-controls-v8", "soc2", "nist-800-53-r5", "nist-csf-2"] {
        assert!(row.contains(f), "{f} missing: {row}");
    }
}

/// The page as rendered, without its CSP, with a probe that reads the compliance section the
/// way an auditor clicks through it: the first failing ISO requirement, its findings, and
/// whether each control link lands on that control's entry.
#[test]
fn the_html_section_in_a_browser_links_failing_requirements_to_their_controls() {
    let Some(chromium) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    demo_scan(dir.path(), "out", &["--compliance", FRAMEWORKS]);
    let html = read(&dir.path().join("out/report.html"));
    let csp_start = html
        .find("<meta http-equiv=\"Content-Security-Policy\"")
        .unwrap();
    let csp_end = csp_start + html[csp_start..].find('>').unwrap() + 1;
    let probe = r#"<script>
const fw = document.getElementById('compliance-iso27001-2022');
const rows = Array.from(fw.querySelectorAll('tr.requirement'));
const failing = rows.filter(r => r.dataset.status === 'fail');
const row = failing[0];
const links = Array.from(row.querySelectorAll('a[data-control]'));
const reached = links.map(a => {
  a.click();
  const target = document.querySelector(':target');
  return {control: a.dataset.control, hash: location.hash,
          lands: !!target && target.dataset.id === a.dataset.control && target.classList.contains('control')};
});
const count = (name) => Number(fw.querySelector('[data-count="' + name + '"]').textContent.trim().split(' ')[0]);
document.documentElement.setAttribute('data-probe', JSON.stringify({
  requirement: row.dataset.requirement,
  findings: row.querySelectorAll('.req-findings li').length,
  reached,
  failed_header: count('failed'), failed_rows: failing.length,
  manual_header: count('manual'), manual_rows: rows.filter(r => r.dataset.status === 'manual').length,
  visible: row.getBoundingClientRect().height > 0,
}));
</script></body>"#;
    let page = format!("{}{}", &html[..csp_start], &html[csp_end..]).replace("</body>", probe);
    let path = dir.path().join("probe.html");
    std::fs::write(&path, page).unwrap();
    let (dom, err) = chromium_run(
        &chromium,
        &["--dump-dom"],
        &format!("file://{}", path.display()),
    );
    let start = dom
        .find("data-probe=\"")
        .unwrap_or_else(|| panic!("the probe did not run; stderr:\n{err}"))
        + "data-probe=\"".len();
    let raw = dom[start..start + dom[start..].find('"').unwrap()].replace("&quot;", "\"");
    let probe: Value = serde_json::from_str(&raw).unwrap();
    assert!(probe["findings"].as_u64().unwrap() > 0, "{probe}");
    assert_eq!(probe["visible"], true, "{probe}");
    let reached = probe["reached"].as_array().unwrap();
    assert!(!reached.is_empty(), "{probe}");
    for link in reached {
        assert_eq!(link["lands"], true, "{link} in {probe}");
    }
    assert_eq!(probe["failed_header"], probe["failed_rows"], "{probe}");
    assert_eq!(probe["manual_header"], probe["manual_rows"], "{probe}");
}

fn golden(name: &str, actual: &str) {
    crate::support::check_golden_file(&format!("compliance/{name}"), actual, "compliance_cli");
}
