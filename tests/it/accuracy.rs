//! The labeled accuracy test (issue 13): the demo generator labels every planted incident with
//! the controls that must report it (and the account and event ids they must cite) and every
//! near-miss control case with the controls that must stay silent about it
//! (`orgscan::demo::labels`). The real binary scans the demo org; the test prints per-control
//! recall and false positives and fails unless every label is found and no control case fires.

use crate::support;

use orgscan::demo::demo_facts;
use orgscan::demo::labels::{Expect, Label};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use support::*;

fn scan_demo() -> Value {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let o = orgscan(
        &[
            "scan",
            "--out",
            out.to_str().unwrap(),
            "--format",
            "json",
            "--exit-zero",
            "-q",
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap()
}

fn findings<'a>(report: &'a Value, control: &str) -> Vec<&'a Value> {
    report["controls"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["id"] == control)
        .flat_map(|c| c["findings"].as_array().into_iter().flatten())
        .collect()
}

fn cited(finding: &Value) -> BTreeSet<&str> {
    finding["evidence"]["event_ids"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect()
}

fn about(finding: &Value, resource: &Option<String>) -> bool {
    resource
        .as_deref()
        .is_none_or(|r| finding["resource"]["id"] == r)
}

/// Whether the control's findings satisfy the label, and why not.
fn check(report: &Value, label: &Label) -> Result<(), String> {
    let found = findings(report, label.control);
    match label.expect {
        Expect::Report => {
            let hit = found.iter().any(|f| {
                about(f, &label.resource) && {
                    let ids = cited(f);
                    label.event_ids.iter().all(|id| ids.contains(id.as_str()))
                }
            });
            if hit {
                Ok(())
            } else {
                Err(format!(
                    "no finding about {:?} citing {} event(s)",
                    label.resource,
                    label.event_ids.len()
                ))
            }
        }
        Expect::Silent => {
            let bad: Vec<String> = found
                .iter()
                .filter(|f| {
                    let ids = cited(f);
                    (label.resource.is_some() && about(f, &label.resource))
                        || label.event_ids.iter().any(|id| ids.contains(id.as_str()))
                })
                .map(|f| f["message"].as_str().unwrap_or("").to_string())
                .collect();
            if bad.is_empty() {
                Ok(())
            } else {
                Err(format!("fired: {}", bad.join(" | ")))
            }
        }
    }
}

#[test]
fn the_demo_org_is_scored_at_full_recall_and_no_false_positives() {
    let facts = demo_facts();
    let report = scan_demo();
    // control -> (incidents, found, control cases, fired)
    let mut table: BTreeMap<&str, (usize, usize, usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    for label in &facts.labels {
        let row = table.entry(label.control).or_default();
        let result = check(&report, label);
        match label.expect {
            Expect::Report => {
                row.0 += 1;
                row.1 += usize::from(result.is_ok());
            }
            Expect::Silent => {
                row.2 += 1;
                row.3 += usize::from(result.is_err());
            }
        }
        if let Err(why) = result {
            failures.push(format!(
                "{} {} ({:?}, {}): {why}",
                label.control, label.case, label.expect, label.why
            ));
        }
    }
    println!("control       recall        false positives");
    for (control, (n, found, cases, fired)) in &table {
        let recall = if *n == 0 {
            "-".to_string()
        } else {
            format!("{found}/{n} {:>3}%", found * 100 / n)
        };
        println!("{control:<13} {recall:<13} {fired}/{cases}");
    }
    let (n, found, cases, fired) = table.values().fold((0, 0, 0, 0), |a, r| {
        (a.0 + r.0, a.1 + r.1, a.2 + r.2, a.3 + r.3)
    });
    println!("total         {found}/{n}         {fired}/{cases}");
    assert!(
        failures.is_empty(),
        "accuracy below 100% / 0:\n{}",
        failures.join("\n")
    );
    // Every detection the demo evaluates is labeled: a new detection needs its planted case.
    let detections: BTreeSet<&str> = report["controls"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["kind"] == "detection" && c["status"] != "not_evaluable")
        .filter_map(|c| c["id"].as_str())
        .collect();
    let labelled: BTreeSet<&str> = table.keys().copied().collect();
    let missing: Vec<&&str> = detections.difference(&labelled).collect();
    assert!(
        missing.is_empty(),
        "evaluated detections without a label on the demo: {missing:?}"
    );
}
