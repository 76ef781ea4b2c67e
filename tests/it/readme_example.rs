//! The README's worked policy example must run as written: its test passes through orgscan's
//! engine and a scan with it finds the outside admin.

use crate::support;

use orgscan::policy::discover::load_pack;
use orgscan::policy::test_runner::{run_tests, TestStatus};
use support::*;

fn readme_rego_blocks() -> Vec<String> {
    let readme = include_str!("../../README.md");
    readme
        .split("```rego\n")
        .skip(1)
        .filter_map(|rest| rest.split("```").next())
        .map(str::to_string)
        .collect()
}

#[test]
fn readme_policy_example_tests_pass_and_it_scans() {
    let blocks = readme_rego_blocks();
    assert_eq!(blocks.len(), 2, "the README shows a policy and its test");
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("my-policies");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("no_guest_admins.rego"), &blocks[0]).unwrap();
    std::fs::write(dir.join("no_guest_admins_test.rego"), &blocks[1]).unwrap();

    let pack = load_pack(false, std::slice::from_ref(&dir)).expect("the example loads");
    let results = run_tests(&pack, &pack.tests, None);
    assert_eq!(results.len(), 2);
    assert!(
        results.iter().all(|r| r.status == TestStatus::Pass),
        "{results:?}"
    );

    let mut org = small_org();
    org.insert(
        orgscan::snapshot::Collection::Users,
        serde_json::json!([{"accountId": "a-out", "name": "Outside", "email": "x@gmail.com", "platformRoles": ["atlassian/org-admin"], "mfaEnabled": true}]),
    );
    let snap = write_snapshot(&tmp.path().join("snap"), &org, None);
    let o = orgscan(
        &[
            "scan",
            snap.to_str().unwrap(),
            "--no-default-policies",
            "--policies",
            "my-policies",
            "--out",
            "out",
        ],
        tmp.path(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(tmp.path().join("out/report.json")).unwrap())
            .unwrap();
    assert_eq!(report["controls"][0]["id"], "ACME-001");
    assert_eq!(
        report["controls"][0]["findings"][0]["resource"]["id"],
        "a-out"
    );
}
