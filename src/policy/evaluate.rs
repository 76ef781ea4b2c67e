//! Evaluating the pack: one regorus engine per policy holding the libraries and that policy,
//! compiled once ([`CompiledPack`]) and cloned (O(1)) for each evaluation, given the input with
//! the policy's own `control`, spread over threads, each with a time limit. Whatever goes wrong
//! in one policy becomes that control's `error` status; a policy that cannot be evaluated is
//! never reported as a pass.

use super::discover::{base_engine, Policy, PolicyPack};
use super::needs::{unmet_needs, Availability};
use crate::results::{
    fingerprint, points_for, ControlInfo, ControlResult, Evidence, Finding, Kind, Resource,
    Severity, Status,
};
use serde_json::Value;
use std::borrow::Cow;
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

/// The pack made ready to evaluate, once: per policy, an engine holding the libraries and that
/// policy, parsed and analysed (regorus prepares an engine on its first query) with no input.
/// Evaluating an org clones the policy's engine, which shares the compiled form, and gives it
/// the org's input, so each policy is parsed and analysed once per scan — and once per fleet,
/// not once per org. A policy that does not compile keeps its error, which becomes that
/// control's `error` in every evaluation, as a fresh compile would.
pub struct CompiledPack {
    pack: PolicyPack,
    /// `PolicyPack::hash`, which every report of the pack carries.
    hash: String,
    engines: Engines,
}

/// The engines a pack evaluates with; `Err` when the libraries themselves do not load.
enum Engines {
    /// One engine (or compile error) per policy, in pack order, compiled up front and kept: a
    /// fleet evaluates the pack for every org.
    Kept(Result<Vec<Result<regorus::Engine, String>>, String>),
    /// The libraries only: each policy is compiled when it is evaluated and dropped after it.
    /// A prepared engine holds about 1 MB of regorus's analysis (73 MB for the shipped pack),
    /// which a scan of one org would otherwise keep through writing its reports.
    OnDemand(Box<Result<regorus::Engine, String>>),
}

impl CompiledPack {
    /// Compiles every policy of `pack` with the libraries, `threads` at a time.
    pub fn new(pack: PolicyPack, threads: usize) -> CompiledPack {
        let engines = libraries(&pack).map(|base| {
            in_parallel(pack.policies.len(), threads, |i| {
                compiled_policy(&base, &pack.policies[i])
            })
            .into_iter()
            .map(|engine| {
                engine.unwrap_or_else(|| Err("compilation thread stopped unexpectedly".to_string()))
            })
            .collect()
        });
        CompiledPack {
            hash: pack.hash(),
            pack,
            engines: Engines::Kept(engines),
        }
    }

    /// A pack evaluated once: the libraries are loaded now, each policy is compiled when it is
    /// evaluated (the same engine [`CompiledPack::new`] would keep) and dropped after.
    pub fn on_demand(pack: PolicyPack) -> CompiledPack {
        CompiledPack {
            hash: pack.hash(),
            engines: Engines::OnDemand(Box::new(libraries(&pack))),
            pack,
        }
    }

    pub fn pack(&self) -> &PolicyPack {
        &self.pack
    }

    /// The pack's hash (`PolicyPack::hash`), computed once.
    pub fn hash(&self) -> &str {
        &self.hash
    }
}

/// The pack's libraries loaded into an engine.
fn libraries(pack: &PolicyPack) -> Result<regorus::Engine, String> {
    base_engine(pack).map_err(|e| format!("libraries failed to load: {e}"))
}

/// The libraries plus `policy`, prepared: a query runs regorus's analysis of the modules once,
/// and every clone keeps it. When the analysis fails the engine is kept unprepared, so each
/// evaluation reports the error exactly as a freshly compiled engine does.
fn compiled_policy(base: &regorus::Engine, policy: &Policy) -> Result<regorus::Engine, String> {
    let engine = with_policy(base, policy)?;
    let mut prepared = engine.clone();
    Ok(match prepared.eval_query("true".to_string(), false) {
        Ok(_) => prepared,
        Err(_) => engine,
    })
}

/// `base` (the libraries) with `policy` added: parsed, not yet analysed.
fn with_policy(base: &regorus::Engine, policy: &Policy) -> Result<regorus::Engine, String> {
    let mut engine = base.clone();
    engine
        .add_policy(policy.source.path.clone(), policy.source.text.clone())
        .map_err(|e| e.to_string())?;
    Ok(engine)
}

/// `f(0..count)` on up to `threads` threads, results in index order; `None` where a thread
/// stopped (panicked) before storing its result.
fn in_parallel<R: Send>(
    count: usize,
    threads: usize,
    f: impl Fn(usize) -> R + Sync,
) -> Vec<Option<R>> {
    let slots: Vec<Mutex<Option<R>>> = (0..count).map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    let workers = threads.clamp(1, count.max(1));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= count {
                    break;
                }
                let result = f(i);
                if let Ok(mut slot) = slots[i].lock() {
                    *slot = Some(result);
                }
            });
        }
    });
    slots
        .into_iter()
        .map(|slot| slot.into_inner().ok().flatten())
        .collect()
}

/// Evaluates every policy of the pack over `input`; results come back in pack order. Compiles
/// the pack first: a caller evaluating the same pack more than once keeps a [`CompiledPack`]
/// and calls [`evaluate_compiled`].
pub fn evaluate_pack(
    pack: &PolicyPack,
    input: &regorus::Value,
    availability: &Availability,
    options: &EvalOptions,
) -> Vec<ControlResult> {
    let compiled = CompiledPack::new(pack.clone(), options.threads);
    evaluate_compiled(&compiled, input, &NoOwnFacts, availability, options)
}

/// Where each control's declared facts (`input.facts.declared[<id>]`) come from: handed over
/// when its policy is evaluated and not before, because finished facts are the largest part of
/// the input, so only those of the controls being evaluated are held in that form.
pub trait OwnFacts: Sync {
    /// Roughly how many values the control's facts will hold once handed over (0: none).
    fn weight(&self, control: &str) -> usize;
    /// The control's facts, handed over once. `None`: the control declared none, or the input
    /// holds every control's facts itself.
    fn take(&self, control: &str) -> Option<regorus::Value>;
}

/// For an input that holds every control's facts itself.
pub struct NoOwnFacts;

impl OwnFacts for NoOwnFacts {
    fn weight(&self, _control: &str) -> usize {
        0
    }
    fn take(&self, _control: &str) -> Option<regorus::Value> {
        None
    }
}

/// Facts at least this heavy (values, see [`OwnFacts::weight`]; ~20 MB once spelt out) are
/// handed over to one evaluation at a time. At 10^8 events a heavy control's facts, their
/// regorus copy and its results reach ~300 MB, and two at once took the peak from 0.85 to
/// 1.56 GB; lighter ones (every control at 10^6 events) keep both threads.
pub const HEAVY_FACTS: usize = 200_000;

/// Evaluates every policy of an already compiled pack over `input`, in pack order; each
/// policy also gets its control's facts from `own_facts`.
pub fn evaluate_compiled(
    compiled: &CompiledPack,
    input: &regorus::Value,
    own_facts: &dyn OwnFacts,
    availability: &Availability,
    options: &EvalOptions,
) -> Vec<ControlResult> {
    let policies = &compiled.pack.policies;
    let fact_readers = Mutex::new(());
    in_parallel(policies.len(), options.threads, |i| {
        let policy = &policies[i];
        // The engine is fetched (or, on demand, compiled) only for a control whose data is
        // there: one that is not evaluable is never compiled.
        let engine = || match &compiled.engines {
            Engines::Kept(Ok(engines)) => match &engines[i] {
                Ok(engine) => Ok(Cow::Borrowed(engine)),
                Err(e) => Err(e.clone()),
            },
            Engines::OnDemand(libraries) => match libraries.as_ref() {
                Ok(base) => compiled_policy(base, policy).map(Cow::Owned),
                Err(e) => Err(e.clone()),
            },
            Engines::Kept(Err(e)) => Err(e.clone()),
        };
        evaluate_one(
            engine,
            input,
            (own_facts, &fact_readers),
            policy,
            availability,
            options.timeout,
        )
    })
    .into_iter()
    .zip(policies)
    .map(|(result, policy)| {
        result.unwrap_or_else(|| {
            judged(
                policy,
                Err("evaluation thread stopped unexpectedly".to_string()),
                0,
            )
        })
    })
    .collect()
}

/// `facts`: where the control's declared facts come from, and the lock that lets only one
/// control with heavy facts be evaluated at a time.
fn evaluate_one<'e>(
    engine: impl FnOnce() -> Result<Cow<'e, regorus::Engine>, String>,
    input: &regorus::Value,
    (own_facts, fact_readers): (&dyn OwnFacts, &Mutex<()>),
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
    // Controls with heavy facts are evaluated one at a time, while the others go on beside
    // them ([`HEAVY_FACTS`]). (A poisoned lock only means another evaluation panicked: this
    // one goes on regardless.)
    let _one_at_a_time = (own_facts.weight(&policy.meta.id) >= HEAVY_FACTS)
        .then(|| fact_readers.lock().unwrap_or_else(|e| e.into_inner()));
    let started = Instant::now();
    // Taken (and finished) only for a control that is evaluated.
    let facts = own_facts.take(&policy.meta.id);
    let outcome = engine().and_then(|engine| query_rules(&engine, input, facts, policy, timeout));
    judged(policy, outcome, started.elapsed().as_millis() as u64)
}

/// The input one policy sees: the pack-wide `input` plus `control.id`, the policy's own id from
/// its METADATA, and, given `facts`, `facts.declared` holding only that control's facts. Rego
/// cannot read a policy's METADATA under regorus (no `rego.metadata.*`), so this is how a policy
/// names its settings and declared facts (`util.control_id`) without repeating its id as a
/// literal. Only the top-level objects are copied: their values are shared.
pub fn policy_input(
    input: &regorus::Value,
    facts: Option<regorus::Value>,
    policy: &Policy,
) -> regorus::Value {
    let mut own = input.clone();
    if let Some(facts) = facts {
        let mut declared = regorus::Value::new_object();
        if let Ok(fields) = declared.as_object_mut() {
            fields.insert(regorus::Value::from(policy.meta.id.as_str()), facts);
        }
        if let Ok(top) = own.as_object_mut() {
            let key = regorus::Value::from("facts");
            let mut all = top
                .get(&key)
                .cloned()
                .unwrap_or_else(regorus::Value::new_object);
            if let Ok(fields) = all.as_object_mut() {
                fields.insert(regorus::Value::from("declared"), declared);
            }
            top.insert(key, all);
        }
    }
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
    query_rules(
        &with_policy(template, policy)?,
        input,
        None,
        policy,
        timeout,
    )
}

/// Queries one policy's rules on a copy of `engine` (libraries and that policy loaded) given
/// the policy's input.
fn query_rules(
    engine: &regorus::Engine,
    input: &regorus::Value,
    facts: Option<regorus::Value>,
    policy: &Policy,
    timeout: Duration,
) -> Result<RawOutcome, String> {
    let mut engine = engine.clone();
    engine.set_input(policy_input(input, facts, policy));
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
        let own = policy_input(&input, None, &pack.policies[0]);
        let own = serde_json::to_value(&own).expect("serializes");
        assert_eq!(
            own,
            serde_json::json!({"users": [1, 2], "control": {"id": "T-A-1"}})
        );
        // The pack-wide input is untouched.
        let original = serde_json::to_value(&input).expect("serializes");
        assert_eq!(original["control"], "stale");
    }

    #[test]
    fn a_policy_given_its_facts_sees_them_alone_under_facts_declared() {
        let pack = pack_of(&[("T-A-1", "t.a")]);
        let input = regorus::Value::from(serde_json::json!({
            "users": [1],
            "facts": {"actors": {"a": 1}, "declared": {}}
        }));
        let facts = regorus::Value::from(serde_json::json!({"bursts": {"total": 3}}));
        let own = policy_input(&input, Some(facts), &pack.policies[0]);
        assert_eq!(
            serde_json::to_value(&own).expect("serializes"),
            serde_json::json!({
                "users": [1],
                "control": {"id": "T-A-1"},
                "facts": {"actors": {"a": 1}, "declared": {"T-A-1": {"bursts": {"total": 3}}}}
            })
        );
        // The pack-wide input still has no control's facts.
        let original = serde_json::to_value(&input).expect("serializes");
        assert_eq!(original["facts"]["declared"], serde_json::json!({}));
    }

    /// A scan hands each policy its control's facts as it evaluates it: the results are those
    /// of the whole input holding every control's facts, each policy asks only for its own, and
    /// only when it is evaluated (a control whose data is missing never asks).
    #[test]
    fn facts_handed_over_per_control_give_the_results_of_the_whole_input() {
        let dir = tempfile::tempdir().expect("tempdir");
        let reads_facts = |id: &str| {
            format!(
                "deny contains {{\"resource\": {{\"type\": \"user\", \"id\": b.key}}, \"message\": sprintf(\"%d\", [count(object.keys(input.facts.declared))])}} if {{ some b in input.facts.declared[\"{id}\"].f.bursts }}"
            )
        };
        write_policy(dir.path(), "T-A-1", "t.a", &reads_facts("T-A-1"));
        write_policy(dir.path(), "T-B-2", "t.b", &reads_facts("T-B-2"));
        let pack = load_pack(false, &[dir.path().to_path_buf()]).expect("the test pack loads");
        let facts_of = |id: &str| serde_json::json!({"f": {"bursts": [{"key": format!("{id}-x")}, {"key": format!("{id}-y")}]}});
        let whole = regorus::Value::from(serde_json::json!({
            "facts": {"declared": {"T-A-1": facts_of("T-A-1"), "T-B-2": facts_of("T-B-2")}}
        }));
        let pack_wide = regorus::Value::from(serde_json::json!({"facts": {"declared": {}}}));
        /// Hands over `facts_of(id)`, noting who asked.
        struct Handed<F> {
            facts_of: F,
            asked: Mutex<Vec<String>>,
        }
        impl<F: Fn(&str) -> serde_json::Value + Sync> OwnFacts for Handed<F> {
            fn weight(&self, _control: &str) -> usize {
                HEAVY_FACTS
            }
            fn take(&self, id: &str) -> Option<regorus::Value> {
                self.asked
                    .lock()
                    .expect("not poisoned")
                    .push(id.to_string());
                Some(regorus::Value::from((self.facts_of)(id)))
            }
        }
        let own_facts = Handed {
            facts_of,
            asked: Mutex::new(Vec::new()),
        };
        let options = EvalOptions::default();
        let compiled = CompiledPack::on_demand(pack.clone());
        let handed = evaluate_compiled(
            &compiled,
            &pack_wide,
            &own_facts,
            &Availability::default(),
            &options,
        );
        let base = base_engine(&pack).expect("the libraries load");
        for (policy, mut result) in pack.policies.iter().zip(handed) {
            let mut fresh = judged(policy, run_rules(&base, &whole, policy, options.timeout), 0);
            result.duration_ms = 0;
            fresh.duration_ms = 0;
            assert_eq!(result.findings.len(), 2, "{}", policy.meta.id);
            // Handed over, a policy's `facts.declared` holds its control alone.
            assert!(result.findings.iter().all(|f| f.message == "1"));
            assert!(fresh.findings.iter().all(|f| f.message == "2"));
            let resources = |r: &ControlResult| {
                r.findings
                    .iter()
                    .map(|f| f.resource.id.clone())
                    .collect::<Vec<_>>()
            };
            assert_eq!(resources(&result), resources(&fresh), "{}", policy.meta.id);
        }
        let mut asked = own_facts.asked.into_inner().expect("not poisoned");
        asked.sort();
        assert_eq!(asked, ["T-A-1", "T-B-2"]);
    }

    /// A policy with `body` as its rules (after the METADATA and imports).
    fn write_policy(dir: &std::path::Path, id: &str, package: &str, body: &str) {
        let text = policy_text(id, package);
        let head = &text[..text.find("deny contains").expect("the template has a deny")];
        std::fs::write(
            dir.join(format!("{package}.rego")),
            format!("{head}{body}\n"),
        )
        .expect("write policy");
    }

    /// The compiled pack, evaluated over one input after another as a fleet does, gives each
    /// input what compiling every policy afresh for it gives (`run_rules`, the path `policy
    /// check` keeps), errors included: a builtin error, a rule that only fails when analysed,
    /// and a policy reading a rule it does not define.
    #[test]
    fn a_compiled_pack_evaluates_every_input_as_a_fresh_compile_does() {
        let dir = tempfile::tempdir().expect("tempdir");
        write_policy(
            dir.path(),
            "T-A-1",
            "t.a",
            "deny contains {\"resource\": {\"type\": \"user\", \"id\": u}, \"message\": \"listed\"} if { some u in input.users }\nscore := 0.5 if count(input.users) > 1",
        );
        write_policy(
            dir.path(),
            "T-B-2",
            "t.b",
            "deny contains {\"resource\": {\"type\": \"user\", \"id\": \"x\"}, \"message\": \"m\"} if to_number(input.name) > 1",
        );
        write_policy(
            dir.path(),
            "T-C-3",
            "t.c",
            "deny contains x if { x := a }\na := b\nb := a",
        );
        write_policy(
            dir.path(),
            "T-D-4",
            "t.d",
            "not_applicable contains \"no users\" if count(input.users) == 0",
        );
        let pack = load_pack(false, &[dir.path().to_path_buf()]).expect("the test pack loads");
        let compiled = CompiledPack::new(pack.clone(), 2);
        let base = base_engine(&pack).expect("the libraries load");
        let options = EvalOptions::default();
        let mut statuses = Vec::new();
        for input in [
            serde_json::json!({"users": ["u1", "u2"], "name": "2"}),
            serde_json::json!({"users": [], "name": "not a number"}),
            serde_json::json!({"users": ["u3"], "name": "0"}),
        ] {
            let input = regorus::Value::from(input);
            let compiled_results = evaluate_compiled(
                &compiled,
                &input,
                &NoOwnFacts,
                &Availability::default(),
                &options,
            );
            // A pack compiled as it is evaluated (a lone scan) gives the same results.
            let on_demand_results = evaluate_compiled(
                &CompiledPack::on_demand(pack.clone()),
                &input,
                &NoOwnFacts,
                &Availability::default(),
                &options,
            );
            for ((policy, mut result), mut on_demand) in pack
                .policies
                .iter()
                .zip(compiled_results)
                .zip(on_demand_results)
            {
                let fresh = judged(policy, run_rules(&base, &input, policy, options.timeout), 0);
                result.duration_ms = 0;
                on_demand.duration_ms = 0;
                assert_eq!(result, fresh, "{}", policy.meta.id);
                assert_eq!(on_demand, fresh, "{} on demand", policy.meta.id);
                statuses.push(result.status);
            }
        }
        // Each kind of outcome was exercised.
        for status in [
            Status::Fail,
            Status::Pass,
            Status::Error,
            Status::NotApplicable,
        ] {
            assert!(statuses.contains(&status), "{status:?} in {statuses:?}");
        }
    }
}
