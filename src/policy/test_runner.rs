//! Running Rego unit tests (`*_test.rego`, rules named `test_*`) like `opa test`: every test
//! file is loaded with the whole pack and the libraries, and each test rule must be defined and
//! not `false` (OPA's rule). Undefined, false or an error is a failure, reported with its
//! message. Rules named `todo_test_*` are listed as skipped. Optionally gathers line coverage
//! (regorus coverage) of the policies and libraries the tests exercised.

use super::discover::{base_engine, load_pack, PolicyLoadError, PolicyPack, SourceFile};
use super::metadata::package_of;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TestStatus {
    Pass,
    Fail,
    Error(String),
    /// A `todo_test_*` rule: listed, not run.
    Skip,
}

impl TestStatus {
    pub fn label(&self) -> &'static str {
        match self {
            TestStatus::Pass => "PASS",
            TestStatus::Fail => "FAIL",
            TestStatus::Error(_) => "ERROR",
            TestStatus::Skip => "SKIP",
        }
    }
}

#[derive(Clone, Debug)]
pub struct TestResult {
    pub file: String,
    /// 1-based line of the test rule's first definition (0 for load problems).
    pub line: usize,
    pub package: String,
    pub name: String,
    pub status: TestStatus,
    pub duration: Duration,
}

impl TestResult {
    /// `data.<package>.<name>`, as `opa test` names a test and `--run` matches it.
    pub fn full_name(&self) -> String {
        format!("data.{}.{}", self.package, self.name)
    }
}

/// Line coverage of one file: lines evaluated and lines that could have been but were not.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct FileCoverage {
    pub path: String,
    pub covered: BTreeSet<u32>,
    pub not_covered: BTreeSet<u32>,
}

impl FileCoverage {
    pub fn total(&self) -> usize {
        self.covered.len() + self.not_covered.len()
    }

    /// Percent of coverable lines evaluated; a file with nothing coverable counts as 100.
    pub fn percent(&self) -> f64 {
        percent(self.covered.len(), self.total())
    }
}

fn percent(covered: usize, total: usize) -> f64 {
    if total == 0 {
        100.0
    } else {
        covered as f64 * 100.0 / total as f64
    }
}

#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct CoverageReport {
    /// By path, policies and libraries only (test files are left out).
    pub files: Vec<FileCoverage>,
}

impl CoverageReport {
    pub fn covered_lines(&self) -> usize {
        self.files.iter().map(|f| f.covered.len()).sum()
    }

    pub fn total_lines(&self) -> usize {
        self.files.iter().map(FileCoverage::total).sum()
    }

    pub fn percent(&self) -> f64 {
        percent(self.covered_lines(), self.total_lines())
    }

    /// The report for the files `keep` accepts (e.g. the user's own, not the shipped libraries).
    pub fn restricted(&self, keep: impl Fn(&str) -> bool) -> CoverageReport {
        CoverageReport {
            files: self
                .files
                .iter()
                .filter(|f| keep(&f.path))
                .cloned()
                .collect(),
        }
    }

    fn merge(&mut self, report: regorus::coverage::Report) {
        let mut by_path: BTreeMap<String, FileCoverage> = std::mem::take(&mut self.files)
            .into_iter()
            .map(|f| (f.path.clone(), f))
            .collect();
        for file in report.files {
            let entry = by_path
                .entry(file.path.clone())
                .or_insert_with(|| FileCoverage {
                    path: file.path.clone(),
                    ..FileCoverage::default()
                });
            entry.covered.extend(file.covered);
            entry.not_covered.extend(file.not_covered);
        }
        for f in by_path.values_mut() {
            let covered = f.covered.clone();
            f.not_covered.retain(|l| !covered.contains(l));
        }
        self.files = by_path.into_values().collect();
    }
}

#[derive(Clone, Debug, Default)]
pub struct TestOptions {
    /// Keep only tests whose `data.<package>.<name>` matches.
    pub filter: Option<regex::Regex>,
    pub coverage: bool,
}

/// Everything one `orgscan policy test` run produced.
#[derive(Clone, Debug, Default)]
pub struct TestRun {
    pub results: Vec<TestResult>,
    /// Files that failed to load (parse or compile errors), as `file:line: message`. Their tests
    /// did not run.
    pub load_errors: Vec<String>,
    pub coverage: Option<CoverageReport>,
}

impl TestRun {
    pub fn count(&self, status: &TestStatus) -> usize {
        self.results
            .iter()
            .filter(|r| std::mem::discriminant(&r.status) == std::mem::discriminant(status))
            .count()
    }

    /// True when every test that ran passed and nothing failed to load.
    pub fn passed(&self) -> bool {
        self.load_errors.is_empty()
            && self
                .results
                .iter()
                .all(|r| matches!(r.status, TestStatus::Pass | TestStatus::Skip))
    }
}

/// The `test_*` (and `todo_test_*`) rule names a file defines at the top level, in order of
/// first appearance, with their 1-based line.
pub fn test_rules(source: &str) -> Vec<(String, usize)> {
    let mut seen = BTreeSet::new();
    let mut names = Vec::new();
    for (i, line) in source.lines().enumerate() {
        let name: String = line
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if (name.starts_with("test_") || name.starts_with("todo_test_"))
            && seen.insert(name.clone())
        {
            names.push((name, i + 1));
        }
    }
    names
}

/// The `test_*` rule names a file defines, in order of first appearance.
pub fn test_names(source: &str) -> Vec<String> {
    test_rules(source)
        .into_iter()
        .map(|(n, _)| n)
        .filter(|n| n.starts_with("test_"))
        .collect()
}

/// A regorus error (`--> file:line:col`, excerpt, `error: …`) as one `file:line: message` line.
pub fn one_line_error(message: &str) -> String {
    let location = message.lines().find_map(|l| {
        let rest = l.trim().strip_prefix("--> ")?;
        let mut parts = rest.rsplitn(3, ':');
        let _col = parts.next()?;
        let line = parts.next()?;
        let file = parts.next()?;
        Some(format!("{file}:{line}"))
    });
    let text = message
        .lines()
        .rev()
        .map(str::trim)
        .find_map(|l| l.strip_prefix("error: "))
        .map(str::to_string)
        .unwrap_or_else(|| {
            message
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        });
    match location {
        Some(loc) => format!("{loc}: {text}"),
        None => text,
    }
}

/// Loads what `orgscan policy test [DIR…]` tests: the shipped pack without DIRs; with DIRs the
/// user's policies and tests plus the shipped libraries (`data.orgscan.lib.*`) they may import.
pub fn load_test_pack(dirs: &[PathBuf]) -> Result<PolicyPack, PolicyLoadError> {
    load_pack(dirs.is_empty(), dirs)
}

/// Runs every test of `tests` against the pack. `filter` keeps tests whose
/// `data.package.rule` matches. Load problems come back as results named `load`.
pub fn run_tests(
    pack: &PolicyPack,
    tests: &[SourceFile],
    filter: Option<&regex::Regex>,
) -> Vec<TestResult> {
    let run = run_suite(
        pack,
        tests,
        &TestOptions {
            filter: filter.cloned(),
            coverage: false,
        },
    );
    let mut results: Vec<TestResult> = run
        .load_errors
        .into_iter()
        .map(|e| TestResult {
            file: e.split(':').next().unwrap_or_default().to_string(),
            line: 0,
            package: String::new(),
            name: "load".into(),
            status: TestStatus::Error(e),
            duration: Duration::ZERO,
        })
        .collect();
    results.extend(run.results);
    results
}

/// Runs the tests of `tests` against the whole pack, each test file in its own clone of an
/// engine holding the libraries and every policy.
pub fn run_suite(pack: &PolicyPack, tests: &[SourceFile], options: &TestOptions) -> TestRun {
    let mut run = TestRun::default();
    let mut engine = match base_engine(pack) {
        Ok(e) => e,
        Err(e) => {
            run.load_errors.push(one_line_error(&e));
            return run;
        }
    };
    for policy in &pack.policies {
        if let Err(e) = engine.add_policy(policy.source.path.clone(), policy.source.text.clone()) {
            run.load_errors.push(one_line_error(&e.to_string()));
        }
    }
    if options.coverage {
        engine.set_enable_coverage(true);
    }
    let mut coverage = CoverageReport::default();
    let mut reached: BTreeSet<String> = BTreeSet::new();
    for file in tests {
        let package = package_of(&file.text).unwrap_or_default();
        let mut local = engine.clone();
        if let Err(e) = local.add_policy(file.path.clone(), file.text.clone()) {
            run.load_errors.push(one_line_error(&e.to_string()));
            continue;
        }
        let mut ran_any = false;
        for (name, line) in test_rules(&file.text) {
            let result = |status: TestStatus, duration: Duration| TestResult {
                file: file.path.clone(),
                line,
                package: package.clone(),
                name: name.clone(),
                status,
                duration,
            };
            if options
                .filter
                .as_ref()
                .is_some_and(|re| !re.is_match(&format!("data.{package}.{name}")))
            {
                continue;
            }
            if name.starts_with("todo_") {
                run.results.push(result(TestStatus::Skip, Duration::ZERO));
                continue;
            }
            ran_any = true;
            let started = Instant::now();
            let status = match local.eval_query(format!("data.{package}.{name}"), false) {
                Ok(r) => match r.result.first().and_then(|x| x.expressions.first()) {
                    Some(expr) if expr.value == regorus::Value::from(false) => TestStatus::Fail,
                    Some(expr) if expr.value == regorus::Value::Undefined => TestStatus::Fail,
                    Some(_) => TestStatus::Pass,
                    None => TestStatus::Fail,
                },
                Err(e) => TestStatus::Error(one_line_error(&e.to_string())),
            };
            run.results.push(result(status, started.elapsed()));
        }
        if options.coverage && ran_any {
            if let Ok(report) = local.get_coverage_report() {
                reached.extend(report.files.iter().map(|f| f.path.clone()));
                coverage.merge(report);
            }
        }
    }
    if options.coverage {
        // Policies and libraries no test reached still count, with every line uncovered.
        for source in pack
            .libraries
            .iter()
            .chain(pack.policies.iter().map(|p| &p.source))
        {
            if !reached.contains(&source.path) {
                coverage.files.push(unreached(pack, source));
            }
        }
        let test_paths: BTreeSet<&str> = tests.iter().map(|t| t.path.as_str()).collect();
        coverage
            .files
            .retain(|f| !test_paths.contains(f.path.as_str()));
        coverage.files.sort_by(|a, b| a.path.cmp(&b.path));
        run.coverage = Some(coverage);
    }
    run
}

/// Coverage of a file no test reached: its coverable lines, found by evaluating its package
/// once with coverage on, all counted as not covered.
fn unreached(pack: &PolicyPack, source: &SourceFile) -> FileCoverage {
    let mut lines = BTreeSet::new();
    if let (Ok(mut engine), Some(package)) = (base_engine(pack), package_of(&source.text)) {
        let is_library = pack.libraries.iter().any(|l| l.path == source.path);
        let loaded = is_library
            || engine
                .add_policy(source.path.clone(), source.text.clone())
                .is_ok();
        if loaded {
            engine.set_enable_coverage(true);
            let _ = engine.eval_query(format!("data.{package}"), false);
            if let Ok(report) = engine.get_coverage_report() {
                for f in report.files.into_iter().filter(|f| f.path == source.path) {
                    lines.extend(f.covered);
                    lines.extend(f.not_covered);
                }
            }
        }
    }
    FileCoverage {
        path: source.path.clone(),
        covered: BTreeSet::new(),
        not_covered: lines,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::discover::pack_from_files;

    #[test]
    fn finds_test_rules_once() {
        let names = test_names("package x\ntest_a if { true }\ntest_a if { false }\n  test_b := 1\nnot_test if true\ntest_c if true\ntodo_test_d if true\n");
        assert_eq!(names, vec!["test_a", "test_c"]);
        let rules = test_rules("package x\ntest_a if true\ntodo_test_d if true\n");
        assert_eq!(
            rules,
            vec![("test_a".to_string(), 2), ("todo_test_d".to_string(), 3)]
        );
    }

    #[test]
    fn regorus_errors_become_one_line() {
        let raw = "\n--> a.rego:6:19\n  |\n6 | u := crypto.sha256(\"a\")\n  |                   ^\nerror: could not find function crypto.sha256";
        assert_eq!(
            one_line_error(raw),
            "a.rego:6: could not find function crypto.sha256"
        );
        assert_eq!(one_line_error("plain"), "plain");
    }

    const POLICY: &str = "# METADATA\n# title: T\n# description: D\n# custom:\n#   id: X-1\n#   severity: low\n#   category: Identity and authentication\n#   points: 1\n#   user_impact: low\n#   implementation_cost: low\n#   remediation: [fix it]\npackage u.p\nimport rego.v1\n\ndeny contains x if {\n\tsome x in input.bad\n}\n\nlimit := data.settings.limit\n\nunused if {\n\tinput.nothing\n\tinput.never == 1\n}\n";

    fn pack_with(test: &str) -> (PolicyPack, Vec<SourceFile>) {
        let files = vec![
            SourceFile {
                path: "p.rego".into(),
                text: POLICY.into(),
            },
            SourceFile {
                path: "p_test.rego".into(),
                text: test.into(),
            },
        ];
        let pack = pack_from_files(files, Vec::new()).unwrap();
        let tests = pack.tests.clone();
        (pack, tests)
    }

    #[test]
    fn runs_with_input_and_data_overrides_filters_and_covers() {
        let (pack, tests) = pack_with(
            "package u.p_test\nimport rego.v1\nimport data.u.p\n\ntest_pass if {\n\tcount(p.deny) == 1 with input as {\"bad\": [1]}\n}\n\ntest_data if {\n\tp.limit == 3 with data.settings.limit as 3\n}\n\ntest_fails if {\n\tcount(p.deny) == 2 with input as {\"bad\": [1]}\n}\n\ntest_errors if {\n\tto_number(\"x\") == 1\n}\n\ntodo_test_later if false\n",
        );
        let run = run_suite(
            &pack,
            &tests,
            &TestOptions {
                filter: None,
                coverage: true,
            },
        );
        let got: Vec<(&str, &str, usize)> = run
            .results
            .iter()
            .map(|r| (r.name.as_str(), r.status.label(), r.line))
            .collect();
        assert_eq!(
            got,
            vec![
                ("test_pass", "PASS", 5),
                ("test_data", "PASS", 9),
                ("test_fails", "FAIL", 13),
                ("test_errors", "ERROR", 17),
                ("todo_test_later", "SKIP", 21)
            ]
        );
        assert!(!run.passed());
        let TestStatus::Error(message) = &run.results[3].status else {
            panic!("expected an error")
        };
        assert!(message.starts_with("p_test.rego:18: "), "{message}");
        let coverage = run.coverage.expect("coverage was asked for");
        assert_eq!(coverage.files.len(), 1, "test files are left out");
        let file = &coverage.files[0];
        assert_eq!(file.path, "p.rego");
        assert!(file.covered.contains(&16), "{file:?}");
        assert!(file.not_covered.contains(&23), "{file:?}");
        assert!(coverage.percent() > 0.0 && coverage.percent() < 100.0);

        let only = TestOptions {
            filter: Some(regex::Regex::new("test_pass$").unwrap()),
            coverage: false,
        };
        let run = run_suite(&pack, &tests, &only);
        assert_eq!(run.results.len(), 1);
        assert!(run.passed());
        assert!(run.coverage.is_none());
    }

    #[test]
    fn a_broken_test_file_is_a_load_error() {
        let (pack, tests) = pack_with("package u.p_test\n\ntest_x if {\n");
        let run = run_suite(&pack, &tests, &TestOptions::default());
        assert_eq!(run.load_errors.len(), 1, "{:?}", run.load_errors);
        assert!(run.load_errors[0].starts_with("p_test.rego:"));
        assert!(!run.passed());
    }
}
