//! `orgscan policy check`: everything that can be known about a policy folder without a real
//! org, reported all at once, each problem naming file:line.
//!
//! 1. every file parses (regorus), alone;
//! 2. every policy's `# METADATA` is complete and uses the vocabularies (all problems of a block,
//!    not just the first), ids and packages are unique (also against the shipped pack);
//! 3. every policy compiles alone with the libraries, then runs once on each given input (an
//!    empty one and the demo org) so unsafe variables, unknown functions and malformed outputs
//!    (a finding without `message`, a score of 2) surface, since regorus reports those only
//!    when evaluation reaches them;
//! 4. every call is checked against the builtins of the reference OPA and of regorus
//!    ([`super::lint`]): OPA-only builtins fail in orgscan, regorus-only ones fail in OPA,
//!    wall-clock, random or network builtins make a scan irreproducible, and `sprintf` verbs
//!    that the two engines format differently (a number under `%s`) are flagged.

use super::discover::{base_engine, is_library, is_test, Policy, PolicyPack, SourceFile};
use super::evaluate::{judged, run_rules};
use super::lint::{lint_builtins, lint_own_id, lint_shadowing, lint_sprintf, scan_calls};
use super::metadata::{
    package_of, parse_metadata, validate, MetadataBlock, PolicyMeta, CATEGORIES,
};
pub use super::problem::{Level, Problem};
use super::test_runner::{one_line_error, test_names};
use crate::results::Status;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

/// An input document a policy is evaluated on during the check, with the name used in messages.
#[derive(Clone, Debug)]
pub struct NamedInput {
    pub name: String,
    pub value: Value,
}

#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct CheckReport {
    pub files: usize,
    pub policies: usize,
    pub libraries: usize,
    pub tests: usize,
    /// Sorted by file, line.
    pub problems: Vec<Problem>,
}

impl CheckReport {
    pub fn errors(&self) -> usize {
        self.problems
            .iter()
            .filter(|p| p.level == Level::Error)
            .count()
    }

    pub fn warnings(&self) -> usize {
        self.problems.len() - self.errors()
    }
}

/// Checks `own` (the files being authored) with `context` available: the shipped libraries a
/// user's policy may import, and the shipped policies whose ids and packages it must not reuse.
/// `inputs` builds the documents each policy is evaluated on from the pack of policies that
/// loaded (the demo input depends on which event actions they read).
pub fn check_files(
    own: &[SourceFile],
    context: &[SourceFile],
    inputs: &dyn Fn(&PolicyPack) -> Vec<NamedInput>,
) -> CheckReport {
    let mut problems: Vec<Problem> = Vec::new();
    let mut report = CheckReport {
        files: own.len(),
        ..CheckReport::default()
    };
    let mut parsed_own: Vec<&SourceFile> = Vec::new();
    for file in own {
        match parse_alone(file) {
            Ok(()) => parsed_own.push(file),
            Err(p) => problems.push(p),
        }
    }

    // Sort into policies, libraries and tests; context files count only when they are fine.
    let mut pack = PolicyPack::default();
    let mut own_policies: BTreeSet<String> = BTreeSet::new();
    for file in context {
        if is_test(&file.path) || parse_alone(file).is_err() {
            continue;
        }
        match parse_metadata(&file.path, &file.text) {
            Ok(Some(meta)) => pack.policies.push(Policy {
                meta,
                source: file.clone(),
            }),
            Ok(None) if is_library(&file.path, &file.text) => pack.libraries.push(file.clone()),
            _ => {}
        }
    }
    let context_policies = pack.policies.len();
    // Policies whose METADATA is broken are still compiled and run, so their other problems
    // show in the same report.
    let mut unvalidated: Vec<Policy> = Vec::new();
    for file in &parsed_own {
        if is_test(&file.path) {
            report.tests += 1;
            pack.tests.push((*file).clone());
            continue;
        }
        let (meta, meta_problems) = metadata_problems(file);
        let metadata_ok = !meta_problems.iter().any(|p| p.level == Level::Error);
        problems.extend(meta_problems);
        match meta.filter(|_| metadata_ok) {
            Some(meta) => {
                report.policies += 1;
                own_policies.insert(file.path.clone());
                pack.policies.push(Policy {
                    meta,
                    source: (*file).clone(),
                });
            }
            None if !metadata_ok => {
                report.policies += 1;
                unvalidated.extend(with_placeholder_meta(file));
            }
            None if is_library(&file.path, &file.text) => {
                report.libraries += 1;
                pack.libraries.push((*file).clone());
            }
            None => problems.push(Problem {
                file: file.path.clone(),
                line: 1,
                level: Level::Error,
                message: "no `# METADATA` block before `package`; every policy needs one (id, severity, category, points …), or put helper modules under a lib/ folder".into(),
            }),
        }
    }

    problems.extend(duplicates(&pack, context_policies));
    problems.extend(missing_tests(&pack, own, &own_policies));

    // Compile and evaluate each of the user's policies alone with the libraries.
    match base_engine(&pack) {
        Err(e) => problems.push(located(&one_line_error(&e), "(libraries)", 1)),
        Ok(base) => {
            let docs = inputs(&pack);
            let docs: Vec<(String, regorus::Value)> = docs
                .into_iter()
                .map(|d| (d.name, regorus::Value::from(d.value)))
                .collect();
            let todo: Vec<&Policy> = pack
                .policies
                .iter()
                .filter(|p| own_policies.contains(&p.source.path))
                .chain(&unvalidated)
                .collect();
            problems.extend(evaluate_all(&base, &todo, &docs));
            problems.extend(compile_tests(&base, &pack));
        }
    }

    // Builtins, in every file of the user's (policies, libraries, tests).
    let mut defined_by_package: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in own.iter().chain(context) {
        if let Some(package) = package_of(&file.text) {
            defined_by_package
                .entry(package)
                .or_default()
                .extend(scan_calls(&file.text).defined);
        }
    }
    for file in &parsed_own {
        let package = package_of(&file.text).unwrap_or_default();
        let empty = BTreeSet::new();
        let defined = defined_by_package.get(&package).unwrap_or(&empty);
        let own_id = pack
            .policies
            .iter()
            .find(|p| p.source.path == file.path)
            .map(|p| lint_own_id(&file.text, &p.meta.id))
            .unwrap_or_default();
        let issues = lint_builtins(&file.text, defined)
            .into_iter()
            .chain(lint_sprintf(&file.text))
            .chain(lint_shadowing(&file.text))
            .chain(own_id);
        for issue in issues {
            problems.push(Problem {
                file: file.path.clone(),
                line: issue.line,
                level: if issue.warning {
                    Level::Warning
                } else {
                    Level::Error
                },
                message: issue.message,
            });
        }
    }

    problems.sort();
    problems.dedup();
    report.problems = problems;
    report
}

/// The policy with stand-in metadata (its real package), for compiling and running a policy
/// whose METADATA is invalid.
fn with_placeholder_meta(file: &SourceFile) -> Option<Policy> {
    let package = package_of(&file.text)?;
    let stand_in = format!(
        "# METADATA\n# title: stand-in\n# description: stand-in\n# custom:\n#   id: UNVALIDATED\n#   severity: info\n#   category: {}\n#   points: 1\n#   user_impact: low\n#   implementation_cost: low\n#   remediation: [stand-in]\npackage {package}\n",
        CATEGORIES[0]
    );
    let meta = parse_metadata(&file.path, &stand_in).ok().flatten()?;
    Some(Policy {
        meta,
        source: file.clone(),
    })
}

/// Parses a file in a fresh engine (nothing else loaded), as OPA would.
fn parse_alone(file: &SourceFile) -> Result<(), Problem> {
    let mut engine = regorus::Engine::new();
    engine
        .add_policy(file.path.clone(), file.text.clone())
        .map(|_| ())
        .map_err(|e| located(&one_line_error(&e.to_string()), &file.path, 1))
}

/// A `file:line: message` line from regorus as a problem; `file`/`line` when it has no location.
fn located(message: &str, file: &str, line: usize) -> Problem {
    let found = message.split_once(": ").and_then(|(loc, rest)| {
        let (path, number) = loc.rsplit_once(':')?;
        Some((path.to_string(), number.parse::<usize>().ok()?, rest))
    });
    match found {
        Some((path, number, rest)) => Problem {
            file: path,
            line: number,
            level: Level::Error,
            message: rest.to_string(),
        },
        None => Problem {
            file: file.to_string(),
            line,
            level: Level::Error,
            message: message.to_string(),
        },
    }
}

/// Reads `file:line:col` and the `error:` text out of a flattened regorus error.
fn locate_flat(message: &str) -> Option<(String, usize, String)> {
    let at = message.find("--> ")?;
    let rest = &message[at + 4..];
    let spot = rest.split_whitespace().next()?;
    let mut parts = spot.rsplitn(3, ':');
    let _col = parts.next()?;
    let line = parts.next()?.parse::<usize>().ok()?;
    let file = parts.next()?.to_string();
    let text = message
        .rfind("error: ")
        .map(|i| message[i + 7..].trim().to_string())
        .unwrap_or_else(|| message.to_string());
    Some((file, line, text))
}

fn package_line(text: &str) -> usize {
    text.lines()
        .position(|l| l.trim_start().starts_with("package "))
        .map(|i| i + 1)
        .unwrap_or(1)
}

/// Compiles one policy alone with the libraries, then runs its rules on each input (converted
/// to regorus values once, by the caller) exactly as a scan does.
fn evaluate_alone(
    base: &regorus::Engine,
    policy: &Policy,
    inputs: &[(String, regorus::Value)],
) -> Vec<Problem> {
    let path = &policy.source.path;
    let mut problems = Vec::new();
    if let Err(e) = base
        .clone()
        .add_policy(path.clone(), policy.source.text.clone())
    {
        problems.push(located(&one_line_error(&e.to_string()), path, 1));
        return problems;
    }
    for (name, value) in inputs {
        let outcome = run_rules(base, value, policy, Duration::from_secs(20));
        let result = judged(policy, outcome, 0);
        if result.status != Status::Error {
            continue;
        }
        for reason in result.reasons {
            let problem = match locate_flat(&reason) {
                Some((file, line, text)) => Problem {
                    file,
                    line,
                    level: Level::Error,
                    message: format!("on the {name} input: {text}"),
                },
                None => Problem {
                    file: path.clone(),
                    line: package_line(&policy.source.text),
                    level: Level::Error,
                    message: format!("on the {name} input: {reason}"),
                },
            };
            problems.push(problem);
        }
    }
    problems
}

/// [`evaluate_alone`] for every policy, spread over the available cores.
fn evaluate_all(
    base: &regorus::Engine,
    policies: &[&Policy],
    inputs: &[(String, regorus::Value)],
) -> Vec<Problem> {
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .clamp(1, policies.len().max(1));
    let chunk = policies.len().div_ceil(workers).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = policies
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .flat_map(|p| evaluate_alone(base, p, inputs))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                h.join().unwrap_or_else(|_| {
                    vec![Problem {
                        file: "(check)".into(),
                        line: 1,
                        level: Level::Error,
                        message: "a policy evaluation thread stopped unexpectedly".into(),
                    }]
                })
            })
            .collect()
    })
}

/// Test files must compile with the whole pack (their tests run in `orgscan policy test`).
fn compile_tests(base: &regorus::Engine, pack: &PolicyPack) -> Vec<Problem> {
    let mut engine = base.clone();
    for policy in &pack.policies {
        if engine
            .add_policy(policy.source.path.clone(), policy.source.text.clone())
            .is_err()
        {
            return Vec::new(); // already reported for the policy itself
        }
    }
    let mut problems = Vec::new();
    for test in &pack.tests {
        let mut local = engine.clone();
        if let Err(e) = local.add_policy(test.path.clone(), test.text.clone()) {
            problems.push(located(&one_line_error(&e.to_string()), &test.path, 1));
        } else if test_names(&test.text).is_empty() {
            problems.push(Problem {
                file: test.path.clone(),
                line: package_line(&test.text),
                level: Level::Warning,
                message: "no `test_*` rules in this test file".into(),
            });
        }
    }
    problems
}

fn duplicates(pack: &PolicyPack, context_policies: usize) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut ids: BTreeMap<&str, &str> = BTreeMap::new();
    let mut packages: BTreeMap<&str, &str> = BTreeMap::new();
    for (i, policy) in pack.policies.iter().enumerate() {
        let shipped = i < context_policies;
        let id_first = ids.insert(&policy.meta.id, &policy.source.path);
        let package_first = packages.insert(&policy.meta.package, &policy.source.path);
        if shipped {
            continue;
        }
        let what = |first: &str| {
            if first.starts_with("builtin:") {
                format!("also in the shipped {first}; `scan --policies` loads both unless --no-default-policies")
            } else {
                format!("also in {first}")
            }
        };
        if let Some(first) = id_first {
            problems.push(Problem {
                file: policy.source.path.clone(),
                line: policy.meta.line,
                level: Level::Error,
                message: format!("duplicate control id {} ({})", policy.meta.id, what(first)),
            });
        }
        if let Some(first) = package_first {
            problems.push(Problem {
                file: policy.source.path.clone(),
                line: package_line(&policy.source.text),
                level: Level::Error,
                message: format!(
                    "duplicate package {} ({})",
                    policy.meta.package,
                    what(first)
                ),
            });
        }
    }
    problems
}

fn missing_tests(
    pack: &PolicyPack,
    own: &[SourceFile],
    checked: &BTreeSet<String>,
) -> Vec<Problem> {
    let paths: BTreeSet<&str> = own.iter().map(|f| f.path.as_str()).collect();
    pack.policies
        .iter()
        .filter(|p| checked.contains(&p.source.path))
        .filter_map(|p| {
            let test = p.source.path.strip_suffix(".rego")?.to_string() + "_test.rego";
            (!paths.contains(test.as_str())).then(|| Problem {
                file: p.source.path.clone(),
                line: p.meta.line,
                level: Level::Warning,
                message: format!(
                    "no test file {test} beside the policy (give it at least one passing and one failing case)"
                ),
            })
        })
        .collect()
}

/// Every METADATA problem of a policy file: [`validate`]'s, then what only the check says.
fn metadata_problems(file: &SourceFile) -> (Option<PolicyMeta>, Vec<Problem>) {
    let (meta, mut problems) = validate(&file.path, &file.text);
    if meta.is_some() {
        problems.extend(check_only_metadata(file));
    }
    (meta, problems)
}

/// What only `policy check` says about a valid METADATA block, beyond [`validate`]: declared
/// fact specs the scan would reject (the scan checks them against the snapshot's action
/// catalogue; here the built-in sets) and event actions too voluminous to read as events.
fn check_only_metadata(file: &SourceFile) -> Vec<Problem> {
    let Some(block) = MetadataBlock::of(&file.text) else {
        return Vec::new();
    };
    let Ok(doc) = yaml_serde::from_str::<Value>(&block.yaml_lines.join("\n")) else {
        return Vec::new();
    };
    let Some(custom) = doc.get("custom") else {
        return Vec::new();
    };
    let mut problems = Vec::new();
    let custom_at = block.line_of("custom", 0);
    let at = |key: &str| block.line_of(key, custom_at);
    if let (Some(id), Some(config)) = (
        custom.get("id").and_then(Value::as_str),
        custom.get("config"),
    ) {
        if config.get("facts").is_some() {
            // The scan would reject a bad spec with exit 2; say so here, at the fact's line.
            let facts_at = block.line_of("facts", at("config"));
            for e in fact_spec_errors(id.trim(), config) {
                problems.push(Problem {
                    file: file.path.clone(),
                    line: block.line_of(&e.name, facts_at),
                    level: Level::Error,
                    message: format!("custom.config.facts.{}: {}", e.name, e.message),
                });
            }
        }
    }
    if let Some(events) = custom
        .get("data")
        .and_then(|d| d.get("events"))
        .and_then(Value::as_array)
    {
        let heavy: Vec<&str> = events
            .iter()
            .filter_map(Value::as_str)
            .filter(|a| is_high_volume_action(a))
            .collect();
        if !heavy.is_empty() {
            problems.push(Problem {
                file: file.path.clone(),
                line: block.line_of("events", at("data")),
                level: Level::Warning,
                message: format!(
                    "custom.data.events: {} can be a large share of the audit log, and every listed event becomes a regorus value (~4 KB); aggregate them with a declared fact in custom.config.facts instead (docs/policy-input.md, \"Declared facts\")",
                    heavy.join(", ")
                ),
            });
        }
    }
    problems
}

/// Problems of a policy's declared fact specs, found by the parser the scan uses. Action sets
/// are checked by name; `@ip_allowlist`, `@attested_at` and `@inactive_users` need no snapshot
/// to be valid.
fn fact_spec_errors(id: &str, config: &Value) -> Vec<crate::prepare::facts::SpecError> {
    let sets = crate::prepare::actionsets::ActionSets::resolve(None);
    let allowlist = crate::prepare::cidr::CidrList::default();
    let refs = crate::prepare::facts::SnapshotRefs {
        ip_allowlist: &allowlist,
        known_set: &|s| sets.is_known(s),
        attested_at: None,
        inactive_users: &[],
    };
    let controls: BTreeMap<String, Value> = [(id.to_string(), config.clone())].into();
    crate::prepare::facts::parse_specs(&controls, &refs).1
}

/// Actions that typically make up a large share of an org's audit log: app API requests, MCP
/// tool calls and sign-ins. Policies should read them through declared facts.
fn is_high_volume_action(action: &str) -> bool {
    let a = action.to_ascii_lowercase();
    a.ends_with("_app_api_activity")
        || a == "user_login"
        || (a.contains("mcp") && (a.contains("tool") || a.contains("invok")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(path: &str, text: &str) -> SourceFile {
        SourceFile {
            path: path.into(),
            text: text.into(),
        }
    }

    const GOOD: &str = "# METADATA\n# title: T\n# description: D\n# custom:\n#   id: X-1\n#   severity: low\n#   category: Identity and authentication\n#   points: 1\n#   user_impact: low\n#   implementation_cost: low\n#   remediation: [fix it]\npackage u.good\n\nimport rego.v1\n\ndeny contains {\"resource\": {\"type\": \"user\", \"id\": u}, \"message\": \"m\"} if {\n\tsome u in input.users\n}\n";

    fn no_inputs(_: &PolicyPack) -> Vec<NamedInput> {
        vec![NamedInput {
            name: "empty".into(),
            value: serde_json::json!({}),
        }]
    }

    #[test]
    fn a_clean_policy_with_a_test_has_no_problems() {
        let files = vec![
            src("u/good.rego", GOOD),
            src(
                "u/good_test.rego",
                "package u.good_test\nimport rego.v1\nimport data.u.good\n\ntest_x if {\n\tcount(good.deny) == 1 with input as {\"users\": [\"a\"]}\n}\n",
            ),
        ];
        let report = check_files(&files, &[], &no_inputs);
        assert!(report.problems.is_empty(), "{:#?}", report.problems);
        assert_eq!((report.policies, report.tests), (1, 1));
    }

    #[test]
    fn bad_fact_specs_and_high_volume_events_are_reported_at_their_lines() {
        let text = GOOD.replace(
            "#   remediation: [fix it]\n",
            "#   remediation: [fix it]\n#   data:\n#     events: [user_login, api_token_created]\n#   config:\n#     max: 3\n#     facts:\n#       ok:\n#         kind: count\n#         actions: [set:mcp]\n#         over: $max\n#       bad:\n#         kind: values\n#         actions: [x]\n#         value: colour\n",
        );
        let got: Vec<String> = metadata_problems(&src("f.rego", &text))
            .1
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(got.len(), 2, "{got:#?}");
        assert!(
            got[1].starts_with(
                "f.rego:13: warning: custom.data.events: user_login can be a large share"
            ),
            "{got:#?}"
        );
        assert!(
            got[0]
                .starts_with("f.rego:21: error: custom.config.facts.bad: unknown field \"colour\""),
            "{got:#?}"
        );
    }

    #[test]
    fn reports_every_metadata_problem_of_a_block_with_its_line() {
        let bad = GOOD
            .replace("#   severity: low\n", "#   severity: urgent\n")
            .replace("#   points: 1\n", "#   points: 0\n")
            .replace("#   user_impact: low\n", "")
            .replace("#   id: X-1\n", "#   id: X-1\n#   owner: me\n");
        let problems = metadata_problems(&src("b.rego", &bad)).1;
        let got: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(got.len(), 4, "{got:#?}");
        assert!(got.contains(&"b.rego:6: error: custom: unknown field `owner`; expected id, severity, category, points, kind, user_impact, implementation_cost, remediation, data, config, frameworks, version".to_string()), "{got:#?}");
        assert!(got.contains(&"b.rego:7: error: custom.severity: expected one of info, low, medium, high, critical; found \"urgent\"".to_string()), "{got:#?}");
        assert!(
            got.contains(
                &"b.rego:9: error: custom.points must be a number greater than 0, found 0"
                    .to_string()
            ),
            "{got:#?}"
        );
        assert!(
            got.contains(
                &"b.rego:1: error: METADATA is missing required field `custom.user_impact`"
                    .to_string()
            ),
            "{got:#?}"
        );
    }

    #[test]
    fn declared_fields_are_linted_with_their_line() {
        let bad = GOOD.replace(
            "#   remediation: [fix it]\n",
            "#   remediation: [fix it]\n#   data:\n#     api: [users]\n#     fields: [users.mfaEnabled, users.nope, groups.name]\n",
        );
        let got: Vec<String> = metadata_problems(&src("f.rego", &bad))
            .1
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(got.len(), 2, "{got:#?}");
        assert!(got[0].starts_with("f.rego:14: error: custom.data.fields: \"users.nope\" is not a field orgscan reads from users"), "{got:#?}");
        assert_eq!(got[1], "f.rego:14: error: custom.data.fields: \"groups.name\" is a field of groups, which custom.data.api does not list");
    }

    #[test]
    fn a_policy_with_broken_metadata_is_still_run() {
        let broken = GOOD
            .replace("#   severity: low\n", "#   severity: urgent\n")
            .replace("some u in input.users", "u := input.users[_]\n\tz > 1");
        let report = check_files(&[src("u/b.rego", &broken)], &[], &no_inputs);
        let got: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
        assert!(
            got.iter()
                .any(|p| p.starts_with("u/b.rego:6: error: custom.severity")),
            "{got:#?}"
        );
        assert!(
            got.iter().any(|p| p.contains(
                "u/b.rego:18: error: on the empty input: use of undefined variable `z` is unsafe"
            )),
            "{got:#?}"
        );
        assert_eq!(report.policies, 1);
    }

    #[test]
    fn finds_runtime_builtin_and_duplicate_problems_across_files() {
        let unsafe_var = GOOD
            .replace("package u.good", "package u.unsafe")
            .replace("#   id: X-1", "#   id: X-2")
            .replace("some u in input.users", "u := input.users[_]\n\tz > 1");
        let builtin = GOOD
            .replace("package u.good", "package u.hash")
            .replace("#   id: X-1", "#   id: X-3")
            .replace(
                "some u in input.users",
                "u := crypto.sha256(\"x\")\n\tt := time.now_ns()\n\tt > 0",
            );
        let malformed = GOOD
            .replace("package u.good", "package u.malformed")
            .replace("#   id: X-1", "#   id: X-4")
            .replace("\"message\": \"m\"", "\"msg\": \"m\"")
            .replace("some u in input.users", "u := \"x\"");
        let shipped_twin = GOOD.replace("package u.good", "package u.twin");
        let files = vec![
            src("u/unsafe.rego", &unsafe_var),
            src("u/hash.rego", &builtin),
            src("u/malformed.rego", &malformed),
            src("u/twin.rego", &shipped_twin),
            src("u/broken.rego", "package u.broken\n\nx := {\n"),
        ];
        let context = vec![src("builtin:identity/good.rego", GOOD)];
        let report = check_files(&files, &context, &no_inputs);
        let got: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
        let has = |needle: &str| got.iter().any(|p| p.contains(needle));
        assert!(has("u/broken.rego:4: error: "), "{got:#?}");
        assert!(has("u/unsafe.rego:18: error: on the empty input: use of undefined variable `z` is unsafe"), "{got:#?}");
        assert!(
            has("u/hash.rego:17: error: `crypto.sha256` is an OPA builtin that regorus"),
            "{got:#?}"
        );
        assert!(
            has("u/hash.rego:18: error: `time.now_ns` reads the wall clock"),
            "{got:#?}"
        );
        assert!(
            has("u/malformed.rego:12: error: on the empty input: deny item 1: missing `message`"),
            "{got:#?}"
        );
        assert!(has("u/twin.rego:1: error: duplicate control id X-1 (also in the shipped builtin:identity/good.rego"), "{got:#?}");
        assert!(
            has("u/hash.rego:1: warning: no test file u/hash_test.rego"),
            "{got:#?}"
        );
        assert!(report.errors() >= 6);
    }
}
