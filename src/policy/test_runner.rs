//! Running Rego unit tests (`*_test.rego`, rules named `test_*`) like `opa test`: every test
//! file is loaded with the whole pack and the libraries, and each test rule must evaluate to
//! `true`. Undefined, false or an error is a failure, reported with its message.

use super::discover::{base_engine, PolicyPack, SourceFile};
use super::metadata::package_of;
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TestStatus {
    Pass,
    Fail,
    Error(String),
}

#[derive(Clone, Debug)]
pub struct TestResult {
    pub file: String,
    pub package: String,
    pub name: String,
    pub status: TestStatus,
    pub duration: Duration,
}

/// The `test_*` rule names a file defines, in order of first appearance.
pub fn test_names(source: &str) -> Vec<String> {
    let mut seen = BTreeSet::new();
    let mut names = Vec::new();
    for line in source.lines() {
        let name: String = line
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if name.starts_with("test_") && seen.insert(name.clone()) {
            names.push(name);
        }
    }
    names
}

/// Runs every test of `tests` against the pack. `filter` keeps tests whose
/// `package.rule` matches.
pub fn run_tests(
    pack: &PolicyPack,
    tests: &[SourceFile],
    filter: Option<&regex::Regex>,
) -> Vec<TestResult> {
    let mut results = Vec::new();
    let mut engine = match base_engine(pack) {
        Ok(e) => e,
        Err(e) => {
            return vec![TestResult {
                file: "(libraries)".into(),
                package: String::new(),
                name: "load".into(),
                status: TestStatus::Error(e),
                duration: Duration::ZERO,
            }]
        }
    };
    for policy in &pack.policies {
        if let Err(e) = engine.add_policy(policy.source.path.clone(), policy.source.text.clone()) {
            results.push(TestResult {
                file: policy.source.path.clone(),
                package: policy.meta.package.clone(),
                name: "load".into(),
                status: TestStatus::Error(e.to_string()),
                duration: Duration::ZERO,
            });
        }
    }
    for file in tests {
        let package = package_of(&file.text).unwrap_or_default();
        let mut local = engine.clone();
        if let Err(e) = local.add_policy(file.path.clone(), file.text.clone()) {
            results.push(TestResult {
                file: file.path.clone(),
                package,
                name: "load".into(),
                status: TestStatus::Error(e.to_string()),
                duration: Duration::ZERO,
            });
            continue;
        }
        for name in test_names(&file.text) {
            if filter.is_some_and(|re| !re.is_match(&format!("{package}.{name}"))) {
                continue;
            }
            let started = Instant::now();
            let status = match local.eval_query(format!("data.{package}.{name}"), false) {
                Ok(r) => match r.result.first().and_then(|x| x.expressions.first()) {
                    Some(expr) if expr.value == regorus::Value::from(true) => TestStatus::Pass,
                    _ => TestStatus::Fail,
                },
                Err(e) => TestStatus::Error(e.to_string().lines().next().unwrap_or("").to_string()),
            };
            results.push(TestResult {
                file: file.path.clone(),
                package: package.clone(),
                name,
                status,
                duration: started.elapsed(),
            });
        }
    }
    results
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_test_rules_once() {
        let names = test_names("package x\ntest_a if { true }\ntest_a if { false }\n  test_b := 1\nnot_test if true\ntest_c if true\n");
        assert_eq!(names, vec!["test_a", "test_c"]);
    }
}
