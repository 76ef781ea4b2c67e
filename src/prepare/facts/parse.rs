//! Reading a control's `facts` tables into specs: the parts every kind shares (actions, `by`,
//! `where`, limits) here, each kind's own parameters in its file through `Params`. Every
//! problem names the control and the fact.

use super::super::cidr::CidrList;
use super::{Field, Kind, Mention, Spec, FIELDS, NS_PER_MIN};
use regex::Regex;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashSet};

#[derive(Clone, Debug)]
pub enum Cond {
    In(Field, ValueSet),
    NotIn(Field, ValueSet),
    Matches(Field, Regex),
    Present(Field, bool),
    IpIn(CidrList, bool),
    /// Only events strictly later than this time (epoch ns); `None` = no such time known, so
    /// nothing passes (e.g. `@attested_at` without an attestation).
    After(Option<i64>),
    /// Only events whose context or message could mention a word (`mentions`): a superset of
    /// a policy's `(?i)` regex over them, which makes the exact check.
    Mentions(Mention),
}

/// The values of a `<field>: [values]` filter, matched ignoring ASCII case in O(1) however many
/// there are (`@inactive_users` can list thousands of accounts).
#[derive(Clone, Debug, Default)]
pub struct ValueSet(HashSet<String>);

impl ValueSet {
    fn of(values: Vec<String>) -> ValueSet {
        ValueSet(values.iter().map(|s| s.to_lowercase()).collect())
    }

    /// Whether `v` is one of the values, ignoring ASCII case.
    pub fn contains(&self, v: &str) -> bool {
        if v.bytes().any(|b| b.is_ascii_uppercase()) {
            self.0.contains(&v.to_ascii_lowercase())
        } else {
            self.0.contains(v)
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{control}: config.facts.{name}: {message}")]
pub struct SpecError {
    pub control: String,
    pub name: String,
    pub message: String,
}

/// What `@ip_allowlist`, `@attested_at` and `set:<name>` resolve against: facts of the snapshot
/// every control shares.
pub struct SnapshotRefs<'a> {
    /// CIDRs of the org's enabled IP-allowlist policies.
    pub ip_allowlist: &'a CidrList,
    /// Whether a name is a known action set.
    pub known_set: &'a dyn Fn(&str) -> bool,
    /// The attestation's `attested_at` (epoch ns), when there is an attestation.
    pub attested_at: Option<i64>,
    /// Account ids the directory lists as not active (`@inactive_users`; see
    /// `prepare::inactive_users`).
    pub inactive_users: &'a [String],
}

/// What `$name` references resolve against, plus the snapshot's shared references.
pub struct SpecContext<'a> {
    pub control_config: &'a Map<String, Value>,
    pub refs: &'a SnapshotRefs<'a>,
}

fn deref<'a>(v: &'a Value, ctx: &'a SpecContext<'_>) -> Result<&'a Value, String> {
    match v {
        Value::String(s) if s.starts_with('$') => ctx
            .control_config
            .get(&s[1..])
            .ok_or_else(|| format!("{s} names no key of this control's config")),
        other => Ok(other),
    }
}

fn number(
    spec: &Map<String, Value>,
    key: &str,
    default: Option<f64>,
    ctx: &SpecContext<'_>,
) -> Result<f64, String> {
    match spec.get(key) {
        None => default.ok_or_else(|| format!("`{key}` is required")),
        Some(v) => deref(v, ctx)?
            .as_f64()
            .filter(|n| n.is_finite() && *n >= 0.0)
            .ok_or_else(|| format!("`{key}` must be a number ≥ 0 (or `$key` naming one)")),
    }
}

/// A string or a list of strings; a `$name` item naming a list in the control's config is
/// spliced in, so `[@ip_allowlist, $trusted_ips]` reads both.
fn strings(v: &Value, ctx: &SpecContext<'_>, what: &str) -> Result<Vec<String>, String> {
    let expected = |other: &Value| format!("{what}: expected strings, found {other}");
    match deref(v, ctx)? {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(items) => {
            let mut out = Vec::new();
            for item in items {
                match deref(item, ctx)? {
                    Value::String(s) => out.push(s.clone()),
                    Value::Array(inner) if item.is_string() => {
                        for x in inner {
                            out.push(x.as_str().ok_or_else(|| expected(x))?.to_string());
                        }
                    }
                    other => return Err(expected(other)),
                }
            }
            Ok(out)
        }
        other => Err(format!(
            "{what}: expected a string or a list of strings, found {other}"
        )),
    }
}

fn field(name: &str) -> Result<Field, String> {
    Field::parse(name).ok_or_else(|| {
        format!(
            "unknown field {name:?}; fields: {}",
            FIELDS
                .iter()
                .map(|(n, _)| *n)
                .collect::<Vec<_>>()
                .join(", ")
        )
    })
}

fn actions(v: Option<&Value>, ctx: &SpecContext<'_>, what: &str) -> Result<Vec<String>, String> {
    let list = match v {
        None => {
            return Err(format!(
                "`{what}` is required (action keys, `set:<name>` or `*`)"
            ))
        }
        Some(v) => strings(v, ctx, what)?,
    };
    for a in &list {
        if let Some(set) = a.strip_prefix("set:") {
            if !(ctx.refs.known_set)(set) {
                return Err(format!("{what}: unknown action set {set:?}"));
            }
        }
    }
    Ok(list
        .into_iter()
        .map(|a| {
            if a.starts_with("set:") {
                a
            } else {
                a.to_ascii_lowercase()
            }
        })
        .collect())
}

/// Parses every `facts` table of every control's config. Problems are all returned.
pub fn parse_specs(
    controls: &BTreeMap<String, Value>,
    refs: &SnapshotRefs<'_>,
) -> (Vec<Spec>, Vec<SpecError>) {
    let mut specs = Vec::new();
    let mut errors = Vec::new();
    for (control, config) in controls {
        let Some(config) = config.as_object() else {
            continue;
        };
        let Some(facts) = config.get("facts") else {
            continue;
        };
        let Some(facts) = facts.as_object() else {
            errors.push(SpecError {
                control: control.clone(),
                name: "(facts)".into(),
                message: "`facts` must be a table of named fact specs".into(),
            });
            continue;
        };
        let ctx = SpecContext {
            control_config: config,
            refs,
        };
        for (name, raw) in facts {
            match parse_one(control, name, raw, &ctx) {
                Ok(s) => specs.push(s),
                Err(message) => errors.push(SpecError {
                    control: control.clone(),
                    name: name.clone(),
                    message,
                }),
            }
        }
    }
    (specs, errors)
}

/// A spec's table as its kind reads it: numbers, durations, flags and fields, each possibly a
/// `$name` reference to the control's config.
pub struct Params<'a> {
    spec: &'a Map<String, Value>,
    ctx: &'a SpecContext<'a>,
}

impl Params<'_> {
    /// A number ≥ 0; `default` when absent (`None`: the key is required).
    pub fn number(&self, key: &str, default: Option<f64>) -> Result<f64, String> {
        number(self.spec, key, default, self.ctx)
    }

    /// A duration given in minutes (> 0), in nanoseconds.
    pub fn minutes(&self, key: &str, default: Option<f64>) -> Result<i64, String> {
        let m = self.number(key, default)?;
        if m <= 0.0 {
            return Err(format!("`{key}` must be greater than 0"));
        }
        Ok((m * NS_PER_MIN as f64) as i64)
    }

    /// `true` or `false`; false when absent.
    pub fn flag(&self, key: &str) -> Result<bool, String> {
        match self.spec.get(key).map(|v| deref(v, self.ctx)).transpose()? {
            None => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(other) => Err(format!("`{key}` must be true or false, found {other}")),
        }
    }

    /// A required field name.
    pub fn field(&self, key: &str) -> Result<Field, String> {
        field(
            self.spec
                .get(key)
                .map(|v| deref(v, self.ctx))
                .transpose()?
                .and_then(Value::as_str)
                .ok_or_else(|| format!("`{key}` (a field name) is required"))?,
        )
    }

    /// A required list of action keys, `set:<name>` or `*`.
    pub fn actions(&self, key: &str) -> Result<Vec<String>, String> {
        actions(self.spec.get(key), self.ctx, key)
    }
}

fn parse_one(
    control: &str,
    name: &str,
    raw: &Value,
    ctx: &SpecContext<'_>,
) -> Result<Spec, String> {
    let spec = raw.as_object().ok_or("a fact spec must be a table")?;
    const KNOWN: &[&str] = &[
        "kind",
        "actions",
        "by",
        "where",
        "limit",
        "ids",
        "window_minutes",
        "over",
        "bucket_minutes",
        "factor",
        "min_count",
        "min_history",
        "value",
        "then",
        "within_minutes",
        "min_kmh",
        "min_km",
        "min_before",
        "min_days_before",
        "max_share",
        "per_key",
        "max_listed",
        "times",
        "key_default",
    ];
    if let Some(k) = spec.keys().find(|k| !KNOWN.contains(&k.as_str())) {
        return Err(format!(
            "unknown key `{k}`; a spec takes {}",
            KNOWN.join(", ")
        ));
    }
    let kind_name = spec
        .get("kind")
        .and_then(Value::as_str)
        .ok_or("`kind` is required: select, count, baseline, values, pairs or travel")?;
    let actions = actions(spec.get("actions"), ctx, "actions")?;
    let by = match spec.get("by") {
        None => match kind_name {
            "select" => Vec::new(),
            _ => vec![Field::Actor],
        },
        Some(v) => strings(v, ctx, "by")?
            .iter()
            .map(|f| field(f))
            .collect::<Result<Vec<_>, _>>()?,
    };
    let mut conds = Vec::new();
    if let Some(w) = spec.get("where") {
        let w = w.as_object().ok_or("`where` must be a table")?;
        for (key, v) in w {
            conds.push(parse_cond(key, v, ctx)?);
        }
    }
    let kind = Kind::parse(kind_name, &Params { spec, ctx })?;
    let key_default = match spec.get("key_default").map(|v| deref(v, ctx)).transpose()? {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => return Err(format!("`key_default` must be a string, found {other}")),
    };
    let limit = number(spec, "limit", Some(10000.0), ctx)? as usize;
    let ids = number(spec, "ids", Some(20.0), ctx)? as usize;
    Ok(Spec {
        control: control.to_string(),
        name: name.to_string(),
        actions,
        by,
        conds,
        kind,
        limit: limit.max(1),
        ids,
        key_default,
        declared: raw.clone(),
    })
}

fn parse_cond(key: &str, v: &Value, ctx: &SpecContext<'_>) -> Result<Cond, String> {
    if key == "ip_in" || key == "ip_not_in" {
        let mut list = CidrList::default();
        for item in strings(v, ctx, key)? {
            if item == "@ip_allowlist" {
                list.extend(ctx.refs.ip_allowlist);
            } else if let Some(path) = item.strip_prefix('@') {
                list.add_file(path)?;
            } else {
                list.add_text(&item).map_err(|e| format!("{key}: {e}"))?;
            }
        }
        return Ok(Cond::IpIn(list, key == "ip_in"));
    }
    if key == "after" {
        return match deref(v, ctx)? {
            Value::String(s) if s == "@attested_at" => Ok(Cond::After(ctx.refs.attested_at)),
            Value::String(s) => match crate::snapshot::Timestamp::parse(s) {
                Some(t) => Ok(Cond::After(Some(t.epoch_nanos()))),
                None => Err(format!(
                    "after: expected an RFC 3339 time or \"@attested_at\", found {s:?}"
                )),
            },
            other => Err(format!(
                "after: expected an RFC 3339 time or \"@attested_at\", found {other}"
            )),
        };
    }
    if key == "mentions" {
        return match deref(v, ctx)? {
            Value::String(s) => Mention::parse(s)
                .map(Cond::Mentions)
                .map_err(|e| format!("mentions: {e}")),
            other => Err(format!(
                "mentions: expected a word or phrase, found {other}"
            )),
        };
    }
    if let Some(f) = key.strip_suffix("_matches") {
        let pattern = match deref(v, ctx)? {
            Value::String(s) => s.clone(),
            other => {
                return Err(format!(
                    "{key}: expected a regular expression, found {other}"
                ))
            }
        };
        let re = Regex::new(&pattern).map_err(|e| format!("{key}: {e}"))?;
        return Ok(Cond::Matches(field(f)?, re));
    }
    if let Some(f) = key.strip_suffix("_present") {
        let b = deref(v, ctx)?
            .as_bool()
            .ok_or_else(|| format!("{key}: expected true or false"))?;
        return Ok(Cond::Present(field(f)?, b));
    }
    if let Some(f) = key.strip_suffix("_not") {
        return Ok(Cond::NotIn(field(f)?, values(v, ctx, key)?));
    }
    Ok(Cond::In(field(key)?, values(v, ctx, key)?))
}

/// The values of a membership filter; an `@inactive_users` item stands for the accounts the
/// directory lists as not active.
fn values(v: &Value, ctx: &SpecContext<'_>, key: &str) -> Result<ValueSet, String> {
    let mut out = Vec::new();
    for item in strings(v, ctx, key)? {
        if item == "@inactive_users" {
            out.extend(ctx.refs.inactive_users.iter().cloned());
        } else {
            out.push(item);
        }
    }
    Ok(ValueSet::of(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Snapshot references with nothing in them (no allowlist, sets, attestation or users).
    fn no_refs(allowlist: &CidrList) -> SnapshotRefs<'_> {
        SnapshotRefs {
            ip_allowlist: allowlist,
            known_set: &|_| false,
            attested_at: None,
            inactive_users: &[],
        }
    }

    fn parse(spec: Value, attested_at: Option<i64>) -> Result<Spec, String> {
        let allowlist = CidrList::default();
        let refs = SnapshotRefs {
            ip_allowlist: &allowlist,
            known_set: &|s| s == "mcp",
            attested_at,
            inactive_users: &["712020:Gone".to_string()],
        };
        let controls: BTreeMap<String, Value> =
            [("C-1".to_string(), json!({"facts": {"f": spec}}))].into();
        let (mut specs, errors) = parse_specs(&controls, &refs);
        match errors.first() {
            Some(e) => Err(e.to_string()),
            None => Ok(specs.remove(0)),
        }
    }

    #[test]
    fn after_resolves_the_attestation_time_or_a_literal() {
        let spec = |after: &str| json!({"kind": "values", "actions": ["set:mcp"], "value": "action", "where": {"after": after}});
        let s = parse(spec("@attested_at"), Some(42)).unwrap();
        assert!(matches!(s.conds[..], [Cond::After(Some(42))]));
        // No attestation: the condition passes nothing rather than everything.
        let s = parse(spec("@attested_at"), None).unwrap();
        assert!(matches!(s.conds[..], [Cond::After(None)]));
        let s = parse(spec("1970-01-01T00:00:01Z"), None).unwrap();
        assert!(matches!(s.conds[..], [Cond::After(Some(1_000_000_000))]));
        let err = parse(spec("last week"), None).unwrap_err();
        assert_eq!(
            err,
            "C-1: config.facts.f: after: expected an RFC 3339 time or \"@attested_at\", found \"last week\""
        );
    }

    #[test]
    fn a_config_list_is_spliced_into_a_list() {
        let allowlist = CidrList::default();
        let refs = no_refs(&allowlist);
        let config = json!({"trusted": ["10.0.0.0/8", "192.0.2.1"], "facts": {"f": {"kind": "values", "actions": ["user_login"], "value": "ip", "where": {"ip_not_in": ["@ip_allowlist", "$trusted", "198.51.100.0/24"]}}}});
        let (specs, errors) = parse_specs(&[("C-1".to_string(), config)].into(), &refs);
        assert!(errors.is_empty(), "{errors:?}");
        let Cond::IpIn(list, false) = &specs[0].conds[0] else {
            panic!("{:?}", specs[0].conds)
        };
        assert_eq!(list.blocks().len(), 3);
    }

    #[test]
    fn inactive_users_are_spliced_into_a_membership_list() {
        let spec = |list: Value| json!({"kind": "values", "actions": ["set:mcp"], "by": ["user"], "value": "action", "where": {"user": list, "app_not": list}});
        let s = parse(spec(json!(["@inactive_users", "Extra"])), None).unwrap();
        let [Cond::In(Field::User, set), Cond::NotIn(Field::App, not)] = &s.conds[..] else {
            panic!("{:?}", s.conds)
        };
        for v in ["712020:Gone", "712020:GONE", "extra", "EXTRA"] {
            assert!(set.contains(v) && not.contains(v), "{v}");
        }
        assert!(!set.contains("712020:Here"));
        // Without the reference the list is as written.
        let s = parse(spec(json!(["Extra"])), None).unwrap();
        let Cond::In(_, set) = &s.conds[0] else {
            panic!("{:?}", s.conds)
        };
        assert!(set.contains("extra") && !set.contains("712020:Gone"));
    }

    #[test]
    fn a_value_set_ignores_ascii_case_as_the_list_did() {
        let set = ValueSet::of(vec!["KP".into(), "Côte d'Ivoire".into(), "ÉTÉ".into()]);
        assert!(set.contains("kp") && set.contains("Kp") && set.contains("KP"));
        // Listed values are lower-cased; a value read is compared ignoring ASCII case only,
        // as the list scan before (`eq_ignore_ascii_case`) did.
        assert!(set.contains("CôTE D'IVOIRE") && set.contains("été"));
        assert!(!set.contains("CÔTE D'IVOIRE") && !set.contains("ÉTÉ"));
        assert!(!set.contains("k"));
    }

    #[test]
    fn mentions_takes_a_word_and_names_control_and_fact_when_it_cannot() {
        let spec = |text: Value| json!({"kind": "select", "actions": ["user_granted_role"], "limit": 5, "where": {"mentions": text}});
        let s = parse(spec(json!("Admin")), None).unwrap();
        let [Cond::Mentions(m)] = &s.conds[..] else {
            panic!("{:?}", s.conds)
        };
        assert!(m.in_text("Jira ADMINISTRATORS") && !m.in_text("product"));
        let err = parse(spec(json!("admin/")), None).unwrap_err();
        assert!(
            err.starts_with("C-1: config.facts.f: mentions: \"admin/\" holds '/'"),
            "{err}"
        );
        let err = parse(spec(json!(["admin"])), None).unwrap_err();
        assert_eq!(
            err,
            "C-1: config.facts.f: mentions: expected a word or phrase, found [\"admin\"]"
        );
        let err = parse(spec(json!("")), None).unwrap_err();
        assert!(
            err.ends_with("mentions: expected a word or phrase, found an empty text"),
            "{err}"
        );
        // `$key` reads the control's config, as everywhere in a spec.
        let allowlist = CidrList::default();
        let refs = no_refs(&allowlist);
        let config = json!({"word": "root", "facts": {"f": spec(json!("$word"))}});
        let (specs, errors) = parse_specs(&[("C-1".to_string(), config)].into(), &refs);
        assert!(errors.is_empty(), "{errors:?}");
        let [Cond::Mentions(m)] = &specs[0].conds[..] else {
            panic!("{:?}", specs[0].conds)
        };
        assert!(m.in_text("ROOT user") && !m.in_text("admin"));
    }

    #[test]
    fn key_default_must_be_a_string() {
        let ok = parse(
            json!({"kind": "count", "actions": ["x"], "over": 1, "by": ["token"], "key_default": "none"}),
            None,
        )
        .unwrap();
        assert_eq!(ok.key_default.as_deref(), Some("none"));
        let err = parse(
            json!({"kind": "count", "actions": ["x"], "over": 1, "key_default": 3}),
            None,
        )
        .unwrap_err();
        assert!(
            err.ends_with("`key_default` must be a string, found 3"),
            "{err}"
        );
    }

    #[test]
    fn max_listed_needs_a_per_key_values_fact() {
        let values = |extra: Value| {
            let mut spec = json!({"kind": "values", "actions": ["*"], "value": "ip"});
            if let (Some(m), Value::Object(e)) = (spec.as_object_mut(), extra) {
                m.extend(e);
            }
            parse(spec, None)
        };
        let s = values(json!({"per_key": true, "max_listed": 20})).unwrap();
        let Kind::Values(v) = &s.kind else {
            panic!("{:?}", s.kind)
        };
        assert_eq!(v.max_listed, 20);
        let Kind::Values(v) = values(json!({"per_key": true})).unwrap().kind else {
            panic!("values")
        };
        assert_eq!(v.max_listed, usize::MAX, "unbounded unless given");
        let err = values(json!({"max_listed": 20})).unwrap_err();
        assert!(
            err.contains("`max_listed` limits the values of a `per_key: true` item"),
            "{err}"
        );
        let err = values(json!({"per_key": true, "max_listed": -1})).unwrap_err();
        assert!(err.contains("`max_listed` must be a number"), "{err}");
    }
}
