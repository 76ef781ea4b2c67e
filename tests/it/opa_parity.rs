//! Differential test against the reference OPA (v1.20.2): every shipped policy (and the example
//! controls of `docs/authoring.md`) is evaluated by
//! orgscan's engine (regorus, with orgscan's settings) and by OPA on the same prepared inputs
//! (written by `orgscan scan --dump-input`: the demo org, the demo org a year later, small
//! fixture orgs, and an empty document), and the raw `deny`, `score`, `not_evaluable` and
//! `not_applicable` outputs must be equal. The shipped `_test.rego` files must pass under OPA
//! too, and `src/policy/lint/builtins.rs`'s list of OPA builtins must match what OPA knows.
//!
//! OPA comes from `scripts/install-opa.sh` (into `.tools/opa-py`), driven through
//! `scripts/opa_parity.py`. Without it the test fails when `CI` is set and is skipped with a
//! notice otherwise.

use crate::support;

use orgscan::policy::discover::{base_engine, load_pack, PolicyPack};
use orgscan::policy::evaluate::policy_input;
use orgscan::policy::lint::builtins::{in_opa, regorus_builtins, OPA_BUILTINS, OPA_VERSION};
use orgscan::policy::test_runner::test_names;
use orgscan::snapshot::Collection;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use support::*;

const RULES: [&str; 4] = ["deny", "score", "not_evaluable", "not_applicable"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// True when the reference OPA answers; otherwise fails under CI and skips locally.
fn opa_available() -> bool {
    let out = Command::new("python3")
        .arg(root().join("scripts/opa_parity.py"))
        .arg("--version")
        .output();
    let problem = match out {
        Ok(o) if o.status.success() => {
            let version = String::from_utf8_lossy(&o.stdout).trim().to_string();
            assert_eq!(
                version, OPA_VERSION,
                "the installed reference OPA is {version}, expected {OPA_VERSION}: run scripts/install-opa.sh"
            );
            return true;
        }
        Ok(o) => String::from_utf8_lossy(&o.stderr).trim().to_string(),
        Err(e) => format!("python3 cannot be run: {e}"),
    };
    assert!(
        std::env::var_os("CI").is_none(),
        "CI is set but the reference OPA is missing ({problem}); run scripts/install-opa.sh before cargo test"
    );
    eprintln!(
        "NOTICE: skipping the OPA parity test: {problem}. Run scripts/install-opa.sh to enable it."
    );
    false
}

/// The policy folders compared besides the shipped pack: the guide's examples, plus any folders
/// listed in `ORGSCAN_PARITY_DIRS` (separated by `:`), to check your own policies against OPA.
fn extra_dirs() -> Vec<PathBuf> {
    let mut dirs = vec![root().join("examples/custom-policies")];
    if let Some(more) = std::env::var_os("ORGSCAN_PARITY_DIRS") {
        dirs.extend(std::env::split_paths(&more).filter(|p| !p.as_os_str().is_empty()));
    }
    dirs
}

/// The exact input `orgscan scan --policies DIR…` prepares (see [`extra_dirs`]), via
/// `--dump-input`.
fn dumped_input(args: &[&str], tmp: &Path, name: &str) -> Value {
    let dump = tmp.join(format!("{name}.input.json"));
    let out_dir = tmp.join(format!("{name}.report"));
    let dirs: Vec<String> = extra_dirs()
        .iter()
        .map(|d| d.display().to_string())
        .collect();
    let mut all: Vec<&str> = args.to_vec();
    for dir in &dirs {
        all.extend(["--policies", dir.as_str()]);
    }
    let dump_s = dump.display().to_string();
    let out_s = out_dir.display().to_string();
    all.extend([
        "--dump-input",
        &dump_s,
        "--out",
        &out_s,
        "--format",
        "json",
        "--exit-zero",
        "--quiet",
    ]);
    let output = orgscan(&all, tmp);
    assert!(
        dump.is_file(),
        "orgscan {all:?} wrote no input (exit {:?}): {}",
        output.status.code(),
        stderr(&output)
    );
    let text = std::fs::read_to_string(&dump).expect("read the dumped input");
    serde_json::from_str(&text).expect("the dumped input is JSON")
}

/// The inputs compared: (name, `orgscan scan` arguments) dumped in parallel, plus `{}`.
fn inputs(tmp: &Path) -> Vec<(String, Value)> {
    let small = write_snapshot(&tmp.join("small"), &small_org(), None);
    let events: Vec<String> = [
        ("e1", "2026-11-01T09:00:00Z", "user_login", "a-admin"),
        ("e2", "2026-11-02T09:00:00Z", "api_token_created", "a-user"),
        ("e3", "2026-11-03T23:30:00Z", "user_granted_role", "a-user"),
        (
            "e4",
            "2026-11-04T02:10:00Z",
            "ts_api_token_creation",
            "a-user",
        ),
        (
            "e5",
            "2026-11-04T14:10:00Z",
            "ts_api_token_creation",
            "a-admin",
        ),
    ]
    .iter()
    .map(|(id, t, action, actor)| event_line(id, t, action, actor))
    .collect();
    let mut org = small_org();
    org.insert(
        Collection::ApiKeys,
        json!([
            {"id": "k1", "label": "ci", "createdAt": "2026-01-10T08:00:00Z", "expiresAt": "2027-01-09T08:00:00Z"},
            {"id": "k2", "label": "legacy", "createdAt": "2023-05-01T08:00:00Z"},
            {"id": "k3", "createdAt": "2026-02-01T08:00:00Z", "expiresAt": "2029-02-01T08:00:00Z"}
        ]),
    );
    let with_events = write_snapshot(&tmp.join("events"), &org, Some(&events));
    let mut bare = BTreeMap::new();
    bare.insert(Collection::Org, small_org()[&Collection::Org].clone());
    let bare = write_snapshot(&tmp.join("bare"), &bare, None);

    let path = |p: &Path| p.display().to_string();
    let runs: Vec<(&str, Vec<String>)> = vec![
        ("demo", vec!["scan".into()]),
        ("small org", vec!["scan".into(), path(&small)]),
        (
            "small org with keys and events",
            vec!["scan".into(), path(&with_events)],
        ),
        ("org only", vec!["scan".into(), path(&bare)]),
    ];
    let mut all: Vec<(String, Value)> = std::thread::scope(|scope| {
        let handles: Vec<_> = runs
            .iter()
            .enumerate()
            .map(|(i, (name, args))| {
                scope.spawn(move || {
                    let args: Vec<&str> = args.iter().map(String::as_str).collect();
                    (
                        name.to_string(),
                        dumped_input(&args, tmp, &format!("input{i}")),
                    )
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("dumping an input"))
            .collect()
    });
    // The demo org evaluated 400 days later (keys and tokens expire, accounts go dormant):
    // `--now` changes nothing but `now` and `now_ns`, so the input is derived rather than dumped
    // by a second scan of the demo org.
    let mut later = all[0].1.clone();
    let now = later["now"]
        .as_str()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .expect("the demo input has `now`")
        + chrono::Duration::days(400);
    later["now"] = json!(now
        .with_timezone(&chrono::Utc)
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true));
    later["now_ns"] = json!(now.timestamp_nanos_opt().expect("in range"));
    all.insert(1, ("demo +400 days".into(), later));
    all.push(("empty document".into(), json!({})));
    all
}

/// Raw rule values from orgscan's engine (`null` = undefined), or the error.
fn regorus_outputs(
    pack: &PolicyPack,
    input: &Value,
) -> Vec<Result<BTreeMap<String, Value>, String>> {
    let template = base_engine(pack).expect("the libraries load");
    let input = regorus::Value::from(input.clone());
    pack.policies
        .iter()
        .map(|policy| {
            let mut engine = template.clone();
            engine.set_input(policy_input(&input, None, policy));
            engine
                .add_policy(policy.source.path.clone(), policy.source.text.clone())
                .map_err(|e| e.to_string())?;
            let mut outputs = BTreeMap::new();
            for rule in RULES {
                let results = engine
                    .eval_query(format!("data.{}.{rule}", policy.meta.package), false)
                    .map_err(|e| e.to_string())?;
                let value = match results.result.first().and_then(|r| r.expressions.first()) {
                    Some(expr) if expr.value != regorus::Value::Undefined => {
                        serde_json::to_value(&expr.value).map_err(|e| e.to_string())?
                    }
                    _ => Value::Null,
                };
                outputs.insert(rule.to_string(), value);
            }
            Ok(outputs)
        })
        .collect()
}

/// A canonical form: object keys sorted, integral numbers as integers, and (for set-valued
/// rules) elements sorted, so equal documents print equal.
fn canon(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let sorted: BTreeMap<&String, Value> = map.iter().map(|(k, v)| (k, canon(v))).collect();
            json!(sorted)
        }
        Value::Array(items) => Value::Array(items.iter().map(canon).collect()),
        Value::Number(n) => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => json!(f as i64),
            Some(f) => json!(f),
            None => value.clone(),
        },
        other => other.clone(),
    }
}

fn canon_rule(rule: &str, value: &Value) -> Value {
    let value = canon(value);
    match (rule, value) {
        ("score", v) => v,
        (_, Value::Array(mut items)) => {
            items.sort_by_key(|v| v.to_string());
            Value::Array(items)
        }
        (_, v) => v,
    }
}

fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_f64(), y.as_f64()) {
            (Some(x), Some(y)) => (x - y).abs() <= 1e-9 * x.abs().max(y.abs()).max(1.0),
            _ => x == y,
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

fn run_opa(job: &Value, tmp: &Path) -> Value {
    let job_path = tmp.join("job.json");
    std::fs::write(&job_path, serde_json::to_vec(job).expect("job JSON")).expect("write job");
    let out = Command::new("python3")
        .arg(root().join("scripts/opa_parity.py"))
        .arg(&job_path)
        .output()
        .expect("run scripts/opa_parity.py");
    assert!(
        out.status.success(),
        "opa_parity.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("opa_parity.py prints JSON")
}

#[test]
fn shipped_policies_agree_with_the_reference_opa() {
    if !opa_available() {
        return;
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    // The shipped pack and the authoring guide's example controls.
    let pack = load_pack(true, &extra_dirs()).expect("the pack loads");
    let started = std::time::Instant::now();
    let inputs = inputs(tmp.path());
    let t_inputs = started.elapsed();

    let file = |path: &str, text: &str| json!({"path": path, "text": text});
    let mut names: BTreeSet<&str> = OPA_BUILTINS.iter().copied().collect();
    names.extend(regorus_builtins());
    let job = json!({
        "libraries": pack.libraries.iter().map(|l| file(&l.path, &l.text)).collect::<Vec<_>>(),
        "policies": pack.policies.iter().map(|p| json!({"path": p.source.path, "text": p.source.text, "package": p.meta.package, "control_id": p.meta.id})).collect::<Vec<_>>(),
        "inputs": inputs.iter().map(|(name, input)| json!({"name": name, "input": input})).collect::<Vec<_>>(),
        "rules": RULES,
        "tests": pack.tests.iter().map(|t| json!({"path": t.path, "text": t.text,
            "package": orgscan::policy::metadata::package_of(&t.text), "names": test_names(&t.text)})).collect::<Vec<_>>(),
        "builtins": names,
    });
    let opa = run_opa(&job, tmp.path());
    let t_opa = started.elapsed() - t_inputs;

    // 1. Raw outputs, policy by policy, input by input.
    let mut opa_by_key: BTreeMap<(String, String), &Value> = BTreeMap::new();
    for e in opa["evaluations"].as_array().expect("evaluations") {
        let key = (
            e["policy"].as_str().unwrap_or_default().to_string(),
            e["input"].as_str().unwrap_or_default().to_string(),
        );
        opa_by_key.insert(key, e);
    }
    let mut differences = Vec::new();
    let mut compared = 0usize;
    let mut findings_compared = 0usize;
    // orgscan's side, one thread per input.
    let ours_by_input: Vec<_> = std::thread::scope(|scope| {
        let pack = &pack;
        let handles: Vec<_> = inputs
            .iter()
            .map(|(_, input)| scope.spawn(move || regorus_outputs(pack, input)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("evaluating with regorus"))
            .collect()
    });
    for ((name, _), outputs) in inputs.iter().zip(ours_by_input) {
        for (policy, ours) in pack.policies.iter().zip(outputs) {
            let key = (policy.source.path.clone(), name.clone());
            let Some(theirs) = opa_by_key.get(&key) else {
                differences.push(format!("{} on {name}: OPA gave no result", policy.meta.id));
                continue;
            };
            let opa_error = theirs["error"].as_str();
            match (&ours, opa_error) {
                (Err(e), Some(o)) => differences.push(format!(
                    "{} on {name}: both engines fail (regorus: {}; OPA: {o}); a shipped policy must not",
                    policy.meta.id,
                    e.lines().map(str::trim).collect::<Vec<_>>().join(" ")
                )),
                (Err(e), None) => differences.push(format!(
                    "{} on {name}: regorus fails, OPA does not: {}",
                    policy.meta.id,
                    e.lines().map(str::trim).collect::<Vec<_>>().join(" ")
                )),
                (Ok(_), Some(o)) => differences.push(format!(
                    "{} on {name}: OPA fails, regorus does not: {o}",
                    policy.meta.id
                )),
                (Ok(outputs), None) => {
                    for rule in RULES {
                        compared += 1;
                        let a = canon_rule(rule, &outputs[rule]);
                        if rule == "deny" {
                            findings_compared += a.as_array().map(Vec::len).unwrap_or(0);
                        }
                        let b = canon_rule(rule, &theirs["outputs"][rule]);
                        if !same(&a, &b) {
                            differences.push(format!(
                                "{} ({}) on {name}: `{rule}` differs\n  regorus: {a}\n  OPA:     {b}",
                                policy.meta.id, policy.source.path
                            ));
                        }
                    }
                }
            }
        }
    }
    assert!(
        compared >= pack.policies.len() * inputs.len() * RULES.len(),
        "compared only {compared} outputs"
    );
    assert!(
        findings_compared > 0,
        "no input made any policy fail: the comparison would prove little"
    );

    // 2. The shipped Rego tests pass under OPA as they do under orgscan.
    // (That they pass under orgscan is tests/it/rego_unit_tests.rs's job.)
    let test_count: usize = pack.tests.iter().map(|t| test_names(&t.text).len()).sum();
    let opa_tests = opa["tests"].as_array().expect("tests");
    assert_eq!(
        opa_tests.len(),
        test_count,
        "both engines ran the same tests"
    );
    // Failures grouped by file and message: a test file OPA cannot compile fails all its tests
    // with one message.
    let mut failed: BTreeMap<(String, String, String), Vec<String>> = BTreeMap::new();
    for t in opa_tests {
        let status = t["status"].as_str().unwrap_or_default();
        if status != "pass" {
            let key = (
                t["path"].as_str().unwrap_or_default().to_string(),
                status.to_string(),
                t["message"]
                    .as_str()
                    .unwrap_or("false or undefined")
                    .to_string(),
            );
            failed
                .entry(key)
                .or_default()
                .push(t["name"].as_str().unwrap_or_default().to_string());
        }
    }
    for ((path, status, message), names) in failed {
        differences.push(format!(
            "{path}: {} test(s) {status} under OPA ({}): {message}",
            names.len(),
            names.join(", ")
        ));
    }

    // 3. orgscan's list of OPA builtins is what OPA knows.
    for (name, known) in opa["builtins"].as_object().expect("builtins") {
        let known = known.as_bool().unwrap_or(false);
        if known != in_opa(name) {
            differences.push(format!(
                "builtin `{name}`: OPA {} it but src/policy/lint/builtins.rs says it {}",
                if known { "knows" } else { "lacks" },
                if in_opa(name) { "has" } else { "lacks" }
            ));
        }
    }

    assert!(
        differences.is_empty(),
        "{} difference(s) between orgscan (regorus) and OPA {OPA_VERSION}:\n{}",
        differences.len(),
        differences.join("\n")
    );
    eprintln!(
        "OPA parity timings: inputs {t_inputs:?}, OPA {t_opa:?}, total {:?}",
        started.elapsed()
    );
    eprintln!(
        "OPA parity: {} policies x {} inputs, {compared} rule outputs ({findings_compared} findings) equal; {} tests pass under OPA; {} builtin names agree",
        pack.policies.len(),
        inputs.len(),
        opa_tests.len(),
        opa["builtins"].as_object().map(|m| m.len()).unwrap_or(0)
    );
}
