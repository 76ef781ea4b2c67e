//! Runs every shipped `*_test.rego` through orgscan's own engine (like `opa test`), and checks
//! that every shipped policy has a test file beside it.

use orgscan::policy::discover::{load_pack, shipped_files};
use orgscan::policy::test_runner::{run_tests, TestStatus};

#[test]
fn every_shipped_rego_test_passes() {
    let pack = load_pack(true, &[]).expect("the shipped pack loads");
    let results = run_tests(&pack, &pack.tests, None);
    assert!(
        results.len() >= pack.policies.len() * 2,
        "at least a passing and a failing case per policy: {} tests for {} policies",
        results.len(),
        pack.policies.len()
    );
    let failures: Vec<String> = results
        .iter()
        .filter(|r| r.status != TestStatus::Pass)
        .map(|r| format!("{} {}.{}: {:?}", r.file, r.package, r.name, r.status))
        .collect();
    assert!(
        failures.is_empty(),
        "failing Rego tests:\n{}",
        failures.join("\n")
    );
}

#[test]
fn every_shipped_policy_has_a_test_file() {
    let files: Vec<String> = shipped_files().into_iter().map(|f| f.path).collect();
    let pack = load_pack(true, &[]).expect("the shipped pack loads");
    for policy in &pack.policies {
        let test = policy.source.path.replace(".rego", "_test.rego");
        assert!(
            files.contains(&test),
            "{} has no {}",
            policy.source.path,
            test
        );
    }
}
