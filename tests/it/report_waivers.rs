//! Waivers: validation of `[[waivers]]` (every problem at once, file:line:field), and what
//! applying them does to findings, statuses, points, the gate and the warnings.

use orgscan::config::Config;
use orgscan::report::fixture::{report_from, sample_activity, sample_controls, sample_report, ts};
use orgscan::results::Status;
use orgscan::waiver::{apply_waivers, parse_waivers};
use std::collections::BTreeSet;

fn known() -> BTreeSet<String> {
    sample_controls()
        .iter()
        .map(|c| c.info.id.clone())
        .collect()
}

#[test]
fn every_problem_is_reported_at_once_with_file_line_and_field() {
    let text = r#"[org]
name = "x"

[[waivers]]
control = "ATL-IDN-001"
reason = "ok"
status = "accepted"

[[waivers]]
control = "ATL-NOPE-404"
reason = ""
expires = "next week"
colour = "red"

[[waivers]]
resource = 7
"#;
    let config = Config::parse("orgscan.toml", text).unwrap();
    let err = parse_waivers(&config, &known()).unwrap_err();
    let p = err.problems.join("\n");
    for expected in [
        "orgscan.toml:7: waivers[0].status: expected one of risk_accepted, resolved_third_party, resolved_alternate_mitigation, planned, found \"accepted\"",
        "orgscan.toml:10: waivers[1].control: no control with id \"ATL-NOPE-404\"",
        "orgscan.toml:11: waivers[1].reason: must not be empty",
        "orgscan.toml:12: waivers[1].expires: expected a date",
        "orgscan.toml:13: waivers[1].colour: unknown field",
        "orgscan.toml:16: waivers[2].resource: expected a string, found an integer",
        "orgscan.toml:15: waivers[2].control: missing",
        "orgscan.toml:15: waivers[2].reason: missing",
    ] {
        assert!(p.contains(expected), "missing {expected:?} in:\n{p}");
    }
    assert_eq!(err.problems.len(), 8, "{p}");
}

#[test]
fn valid_waivers_parse_with_defaults() {
    let text = r#"
[[waivers]]
control = "ATL-IDN-001"
resource = "557058:*"
reason = "Break glass"
expires = 2026-12-31

[[waivers]]
control = "ATL-APP-001"
reason = "IdP consent policy"
status = "resolved_alternate_mitigation"
owner = "secops"
ticket = "SEC-1"
expires = 2026-12-31T12:00:00Z
"#;
    let config = Config::parse("c.toml", text).unwrap();
    let w = parse_waivers(&config, &known()).unwrap();
    assert_eq!(w.len(), 2);
    assert_eq!(w[0].status, "risk_accepted");
    assert_eq!(w[0].location, "c.toml:2");
    assert_eq!(
        w[0].expires.as_ref().unwrap().at.to_rfc3339(),
        "2027-01-01T00:00:00.000Z"
    );
    assert_eq!(
        w[1].expires.as_ref().unwrap().at.to_rfc3339(),
        "2026-12-31T12:00:00.000Z"
    );
}

#[test]
fn waivers_are_reported_never_dropped() {
    let report = sample_report();
    let idn = report
        .controls
        .iter()
        .find(|c| c.id == "ATL-IDN-001")
        .unwrap();
    assert_eq!(idn.finding_count, 3, "waived findings stay in the report");
    assert_eq!(idn.waived_count, 1);
    assert_eq!(idn.status, Status::Fail);
    // risk accepted earns no points
    assert_eq!(idn.points_achieved, 0.0);
    let app = report
        .controls
        .iter()
        .find(|c| c.id == "ATL-APP-001")
        .unwrap();
    assert_eq!(app.status, Status::Waived);
    // alternate mitigation earns the points
    assert_eq!(app.points_achieved, 8.0);
    assert_eq!(report.summary.waived_findings, 2);
    assert_eq!(report.summary.findings, 6);
}

#[test]
fn expired_expiring_and_orphan_waivers_warn() {
    let report = sample_report();
    let w = report.warnings.join("\n");
    assert!(w.contains("orgscan.toml:15: waiver for ATL-IDN-001 (resource \"557058:*-000000000001\") expired on 2026-10-01; it no longer applies (1 finding(s)"), "{w}");
    assert!(
        w.contains("orgscan.toml:8: waiver for ATL-APP-001 expires on 2026-11-10 (in 9 day(s))"),
        "{w}"
    );
    assert!(
        w.contains(
            "orgscan.toml:22: waiver for ATL-KEY-001 matches no finding (the control passes)"
        ),
        "{w}"
    );
    let states: Vec<&str> = report.waivers.iter().map(|w| w.state.as_str()).collect();
    assert_eq!(states, ["active", "expiring", "expired", "orphan"]);
    let matched: Vec<usize> = report.waivers.iter().map(|w| w.matched).collect();
    assert_eq!(matched, [1, 1, 0, 0]);
}

#[test]
fn planned_keeps_the_finding_open_and_the_gate_failing() {
    let mut waivers = orgscan::report::fixture::sample_waivers();
    for w in &mut waivers {
        w.status = "planned".into();
        w.expires = None;
    }
    let report = report_from(sample_controls(), &waivers, sample_activity());
    let app = report
        .controls
        .iter()
        .find(|c| c.id == "ATL-APP-001")
        .unwrap();
    assert_eq!(app.status, Status::Fail);
    assert_eq!(app.waived_count, 0);
    assert!(app.findings[0].waiver.is_some(), "the plan is still shown");
    assert!(report
        .gate
        .reasons
        .iter()
        .any(|r| r.starts_with("ATL-APP-001")));
}

#[test]
fn third_party_waiver_on_some_findings_grants_their_share() {
    let mut controls = sample_controls();
    let text = r#"
[[waivers]]
control = "ATL-IDN-001"
resource = "*-000000000001"
reason = "MFA enforced by the IdP"
status = "resolved_third_party"
"#;
    let config = Config::parse("o.toml", text).unwrap();
    let waivers = parse_waivers(&config, &known()).unwrap();
    let out = apply_waivers(&waivers, &mut controls, ts("2026-11-02T00:00:00Z"));
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    let idn = controls
        .iter()
        .find(|c| c.info.id == "ATL-IDN-001")
        .unwrap();
    assert_eq!(idn.status, Status::Fail);
    assert!(
        (idn.points_achieved - 3.33).abs() < 0.001,
        "{}",
        idn.points_achieved
    );
}
