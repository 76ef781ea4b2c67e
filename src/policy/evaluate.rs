//! Evaluating the pack: one regorus engine per policy, cloned from a template that already
//! holds the libraries (clone is O(1)), given the input with the policy's own `control`, spread
//! over threads, each with a time limit. Whatever goes wrong in one policy becomes that control's `error` status; a policy
//! that cannot be evaluated is never reported as a pass.

use super::discover::{base_engine, Policy, PolicyPack};
use super::needs::{unmet_needs, Availability};
use crate::results::{
    fingerprint, points_for, ControlInfo, ControlResult, Evidence, Finding, Kind, Resource,
    Severity, Status,
};
use serde_json::Value;
use std::collections::BTreeMap;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Clone, Debug)]
pub struct EvalOptions {
    pub timeout: Duration,
    pub threads: usize,
}

impl Default for EvalOptions {
    fn default() -> Self {
        EvalOptions {
            timeout: Duration::from_secs(30),
            threads: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2),
        }
    }
}

/// What a policy's rules returned, before it is judged. Public for `policy check` and the
/// differential test against the reference OPA, which compare these raw outputs.
#[derive(Debug, Default)]
pub struct RawOutcome {
    pub deny: Vec<Value>,
    pub score: Option<Value>,
    pub not_evaluable: Vec<String>,
    pub not_applicable: Vec<String>,
}

pub fn control_info(policy: &Policy) -> ControlInfo {
    let m = &policy.meta;
    ControlInfo {
        id: m.id.clone(),
        title: m.title.clone(),
        description: m.description.clone(),
        severity: m.severity,
        category: m.category.clone(),
        points: m.points,
        kind: m.kind,
        user_impact: m.user_impact.clone(),
        implementation_cost: m.implementation_cost.clone(),
        remediation: m.remediation.clone(),
        references: m.references.clone(),
        source: policy.source.path.clone(),
        version: m.version.clone(),
        frameworks: m.frameworks.clone(),
    }
}

/// Evaluates every policy of the pack over `input`; results come back in pack order.
pub fn evaluate_pack(
    pack: &PolicyPack,
    input: &regorus::Value,
    availability: &Availability,
    options: &EvalOptions,
) -> Vec<ControlResult> {
    let template = base_engine(pack);
    let slots: Vec<Mutex<Option<ControlResult>>> =
        pack.policies.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    let workers = options.threads.clamp(1, pack.policies.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(policy) = pack.policies.get(i) else {
                    break;
                };
                let result = match &template {
                    Ok(engine) => {
                        evaluate_one(engine, input, policy, availability, options.timeout)
                    }
                    Err(e) => judged(policy, Err(format!("libraries failed to load: {e}")), 0),
                };
                if let Ok(mut slot) = slots[i].lock() {
                    *slot = Some(result);
                }
            });
        }
    });
    slots
        .into_iter()
        .zip(&pack.policies)
        .map(|(slot, policy)| {
            slot.into_inner().ok().flatten().unwrap_or_else(|| {
                judged(
                    policy,
                    Err("evaluation thread stopped unexpectedly".to_string()),
                    0,
                )
            })
        })
        .collect()
}

fn evaluate_one(
    template: &regorus::Engine,
    input: &regorus::Value,
    policy: &Policy,
    availability: &Availability,
    timeout: Duration,
) -> ControlResult {
    let unmet = unmet_needs(&policy.meta, availability);
    if !unmet.is_empty() {
        let outcome = RawOutcome {
            not_evaluable: unmet,
            ..RawOutcome::default()
        };
        return judged(policy, Ok(outcome), 0);
    }
    let started = Instant::now();
    let outcome = run_rules(template, input, policy, timeout);
    judged(policy, outcome, started.elapsed().as_millis() as u64)
}

/// The input one policy sees: the pack-wide `input` plus `control.id`, the policy's own id from
/// its METADATA. Rego cannot read a policy's METADATA under regorus (no `rego.metadata.*`), so
/// this is how a policy names its settings and declared facts (`util.control_id`) without
/// repeating its id as a literal. Only the top-level object is copied: its values are shared.
pub fn policy_input(input: &regorus::Value, policy: &Policy) -> regorus::Value {
    let mut own = input.clone();
    let mut control = regorus::Value::new_object();
    if let Ok(fields) = control.as_object_mut() {
        fields.insert(
            regorus::Value::from("id"),
            regorus::Value::from(policy.meta.id.as_str()),
        );
    }
    if let Ok(fields) = own.as_object_mut() {
        fields.insert(regorus::Value::from("control"), control);
    }
    own
}

/// Runs one policy's rules on a template engine (libraries loaded) over `input` (the pack-wide
/// input; the policy gets its own `control`, see [`policy_input`]), without the `custom.data`
/// pre-check.
pub fn run_rules(
    template: &regorus::Engine,
    input: &regorus::Value,
    policy: &Policy,
    timeout: Duration,
) -> Result<RawOutcome, String> {
    let mut engine = template.clone();
    engine.set_input(policy_input(input, policy));
    engine
        .add_policy(policy.source.path.clone(), policy.source.text.clone())
        .map_err(|e| e.to_string())?;
    engine.set_execution_timer_config(regorus::utils::limits::ExecutionTimerConfig {
        limit: timeout,
        check_interval: NonZeroU32::new(32).unwrap_or(NonZeroU32::MIN),
    });
    let package = &policy.meta.package;
    let mut query = |rule: &str| -> Result<Option<Value>, String> {
        let results = engine
            .eval_query(format!("data.{package}.{rule}"), false)
            .map_err(|e| format!("{rule}: {}", first_line(&e.to_string(), timeout)))?;
        match results.result.first().and_then(|r| r.expressions.first()) {
            Some(expr) => serde_json::to_value(&expr.value)
                .map(Some)
                .map_err(|e| format!("{rule}: {e}")),
            None => Ok(None),
        }
    };
    let deny = match query("deny")? {
        None => Vec::new(),
        Some(Value::Array(items)) => items,
        Some(other) => {
            return Err(format!(
                "deny must be a set of finding objects, found {}",
                type_name(&other)
            ))
        }
    };
    let score = query("score")?;
    let not_evaluable = reasons(query("not_evaluable")?, "not_evaluable")?;
    let not_applicable = reasons(query("not_applicable")?, "not_applicable")?;
    Ok(RawOutcome {
        deny,
        score,
        not_evaluable,
        not_applicable,
    })
}

/// regorus errors can span many lines of source excerpt; the report needs the first, and a
/// timeout is named as such.
fn first_line(message: &str, timeout: Duration) -> String {
    let lower = message.to_ascii_lowercase();
    if lower.contains("time limit")
        || lower.contains("execution time")
        || lower.contains("timed out")
    {
        return format!(
            "exceeded the policy time limit of {:.1} s",
            timeout.as_secs_f64()
        );
    }
    message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" | ")
}

fn reasons(value: Option<Value>, rule: &str) -> Result<Vec<String>, String> {
    match value {
        None => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .into_iter()
            .map(|v| match v {
                Value::String(s) => Ok(s),
                other => Err(format!(
                    "{rule} must be a set of strings, found an item of type {}",
                    type_name(&other)
                )),
            })
            .collect(),
        Some(Value::Bool(true)) => Ok(vec![format!("the policy reports {rule}")]),
        Some(Value::Bool(false)) => Ok(Vec::new()),
        Some(other) => Err(format!(
            "{rule} must be a set of strings, found {}",
            type_name(&other)
        )),
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Turns raw rule outputs into a control result: findings validated, status decided, points.
pub fn judged(
    policy: &Policy,
    outcome: Result<RawOutcome, String>,
    duration_ms: u64,
) -> ControlResult {
    let info = control_info(policy);
    let error = |reason: String| ControlResult {
        info: info.clone(),
        status: Status::Error,
        score: None,
        points_achieved: 0.0,
        reasons: vec![reason],
        findings: Vec::new(),
        duration_ms,
    };
    let outcome = match outcome {
        Ok(o) => o,
        Err(e) => return error(e),
    };
    let mut findings = Vec::with_capacity(outcome.deny.len());
    for (i, item) in outcome.deny.into_iter().enumerate() {
        match to_finding(&info, item) {
            Ok(f) => findings.push(f),
            Err(e) => return error(format!("deny item {}: {e}", i + 1)),
        }
    }
    findings.sort_by(|a, b| (&a.resource, &a.message).cmp(&(&b.resource, &b.message)));
    disambiguate_fingerprints(&mut findings);
    let score = match outcome.score {
        None => None,
        Some(Value::Number(n)) => match n.as_f64() {
            Some(s) if (0.0..=1.0).contains(&s) => Some(s),
            _ => return error(format!("score must be a number from 0 to 1, found {n}")),
        },
        Some(other) => {
            return error(format!(
                "score must be a number from 0 to 1, found {}",
                type_name(&other)
            ))
        }
    };
    let (status, reasons) = if !findings.is_empty() {
        (Status::Fail, Vec::new())
    } else if !outcome.not_evaluable.is_empty() {
        (Status::NotEvaluable, outcome.not_evaluable)
    } else if !outcome.not_applicable.is_empty() {
        (Status::NotApplicable, outcome.not_applicable)
    } else {
        (Status::Pass, Vec::new())
    };
    let score = match (status, info.kind) {
        (Status::Pass, Kind::Posture) => Some(1.0),
        (Status::Fail, Kind::Posture) => Some(score.unwrap_or(0.0)),
        _ => None,
    };
    let points_achieved = points_for(status, info.points, score);
    ControlResult {
        info,
        status,
        score,
        points_achieved,
        reasons,
        findings,
        duration_ms,
    }
}

fn to_finding(info: &ControlInfo, item: Value) -> Result<Finding, String> {
    let Value::Object(mut object) = item else {
        return Err(format!(
            "expected an object with resource, message and evidence, found {}",
            type_name(&item)
        ));
    };
    let message = match object.remove("message") {
        Some(Value::String(s)) if !s.trim().is_empty() => s,
        Some(other) => {
            return Err(format!(
                "`message` must be a non-empty string, found {}",
                type_name(&other)
            ))
        }
        None => return Err("missing `message`".to_string()),
    };
    let resource = match object.remove("resource") {
        Some(Value::Object(r)) => {
            let text = |key: &str| match r.get(key) {
                Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
                Some(Value::Number(n)) => Ok(n.to_string()),
                _ => Err(format!("`resource.{key}` must be a non-empty string")),
            };
            Resource {
                kind: text("type")?,
                id: text("id")?,
                name: r.get("name").and_then(Value::as_str).map(str::to_string),
            }
        }
        Some(other) => {
            return Err(format!(
                "`resource` must be an object with type and id, found {}",
                type_name(&other)
            ))
        }
        None => return Err("missing `resource` (an object with type and id)".to_string()),
    };
    let severity = match object.remove("severity") {
        None => info.severity,
        Some(Value::String(s)) => s
            .parse::<Severity>()
            .map_err(|e| format!("`severity`: {e}"))?,
        Some(other) => {
            return Err(format!(
                "`severity` must be a string, found {}",
                type_name(&other)
            ))
        }
    };
    let evidence = match object.remove("evidence") {
        None => None,
        Some(Value::Object(mut e)) => {
            let source = match e.remove("source") {
                Some(Value::String(s))
                    if ["api", "attestation", "events"].contains(&s.as_str()) =>
                {
                    s
                }
                other => {
                    return Err(format!(
                        "`evidence.source` must be api, attestation or events, found {other:?}"
                    ))
                }
            };
            Some(Evidence {
                source,
                details: e.into_iter().collect::<BTreeMap<_, _>>(),
            })
        }
        Some(other) => {
            return Err(format!(
                "`evidence` must be an object, found {}",
                type_name(&other)
            ))
        }
    };
    let fingerprint = fingerprint(&info.id, &resource);
    Ok(Finding {
        control_id: info.id.clone(),
        severity,
        resource,
        message,
        evidence,
        fingerprint,
        waiver: None,
    })
}

/// Two findings on the same resource (e.g. two problems with one key) get distinct, still
/// stable fingerprints: their order is fixed by the sort above.
fn disambiguate_fingerprints(findings: &mut [Finding]) {
    let mut seen: BTreeMap<String, u32> = BTreeMap::new();
    for f in findings.iter_mut() {
        let n = seen.entry(f.fingerprint.clone()).or_insert(0);
        if *n > 0 {
            f.fingerprint = format!("{}-{}", f.fingerprint, n);
        }
        *n += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::discover::load_pack;

    /// A pack of the given (id, package) policies plus the shipped libraries.
    fn pack_of(policies: &[(&str, &str)]) -> PolicyPack {
        let dir = tempfile::tempdir().expect("tempdir");
        for (id, package) in policies {
            std::fs::write(
                dir.path().join(format!("{package}.rego")),
                policy_text(id, package),
            )
            .expect("write policy");
        }
        load_pack(false, &[dir.path().to_path_buf()]).expect("the test pack loads")
    }

    fn policy_text(id: &str, package: &str) -> String {
        format!(
            "# METADATA\n# title: T\n# description: D\n# custom:\n#   id: {id}\n#   severity: low\n#   category: Identity and authentication\n#   points: 1\n#   user_impact: low\n#   implementation_cost: low\n#   remediation: [fix it]\n#   config:\n#     limit: 1\n\
package {package}\nimport data.orgscan.lib.util\nimport rego.v1\n\
deny contains {{\"resource\": {{\"type\": \"control\", \"id\": util.control_id}}, \"message\": sprintf(\"limit %v\", [util.setting(\"limit\", 0)])}}\n"
        )
    }

    #[test]
    fn each_policy_sees_its_own_control_id_and_settings() {
        let pack = pack_of(&[("T-A-1", "t.a"), ("T-B-2", "t.b")]);
        let config = serde_json::json!({"config": {"controls": {"T-A-1": {"limit": 5}, "T-B-2": {"limit": 7}}}});
        let input = regorus::Value::from(config);
        let results = evaluate_pack(
            &pack,
            &input,
            &Availability::default(),
            &EvalOptions::default(),
        );
        let seen: Vec<(String, String, String)> = results
            .iter()
            .flat_map(|r| {
                r.findings
                    .iter()
                    .map(|f| (r.info.id.clone(), f.resource.id.clone(), f.message.clone()))
            })
            .collect();
        assert_eq!(
            seen,
            vec![
                ("T-A-1".into(), "T-A-1".into(), "limit 5".into()),
                ("T-B-2".into(), "T-B-2".into(), "limit 7".into()),
            ]
        );
    }

    #[test]
    fn the_policy_input_adds_control_and_keeps_the_rest() {
        let pack = pack_of(&[("T-A-1", "t.a")]);
        let input = regorus::Value::from(serde_json::json!({"users": [1, 2], "control": "stale"}));
        let own = policy_input(&input, &pack.policies[0]);
        let own = serde_json::to_value(&own).expect("serializes");
        assert_eq!(
            own,
            serde_json::json!({"users": [1, 2], "control": {"id": "T-A-1"}})
        );
        // The pack-wide input is untouched.
        let original = serde_json::to_value(&input).expect("serializes");
        assert_eq!(original["control"], "stale");
    }
}
