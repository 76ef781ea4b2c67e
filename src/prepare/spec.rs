//! Declared facts: aggregations a policy asks for in its METADATA `custom.config.facts`, computed
//! in Rust during the one streaming pass and handed to Rego as small lists under
//! `input.facts.declared[<control id>][<fact name>]` (documented in docs/policy-input.md,
//! "Declared facts"). Six kinds cover the common detection shapes without Rust changes:
//!
//! | kind     | shape                                                        | output list  |
//! |----------|--------------------------------------------------------------|--------------|
//! | select   | filter by action / field / IP list                           | `events`     |
//! | count    | more than N events per key within a sliding window           | `bursts`     |
//! | baseline | a key's bucket count far above its own earlier buckets       | `spikes`     |
//! | values   | the values of a field per key (new value for an actor, …)    | `items`      |
//! | pairs    | an event of one set followed by one of another, same key     | `pairs`      |
//! | travel   | consecutive locations of a key too far apart for the time    | `transitions`|
//!
//! Any number in a spec may be written `$name` to read the control's own config key (so
//! `orgscan.toml` overrides reach the Rust side), and so may lists and patterns.

use super::cidr::CidrList;
use super::fastparse::{format_ns, CompactId, FxState};
use super::geo::{distance_km, GeoTable, Point};
use regex::Regex;
use serde_json::{json, Map, Value};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

pub const NS_PER_MIN: i64 = 60_000_000_000;

/// A field of an event that facts can key on, filter on or collect.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    Actor,
    ActorName,
    /// The person behind the event: `onBehalfOf` when an app acts for someone, else the actor.
    User,
    Ip,
    Country,
    CountryCode,
    City,
    AuthType,
    Token,
    OnBehalfOf,
    App,
    TargetUser,
    Group,
    Tool,
    Status,
    Product,
    Site,
    Action,
}

pub const FIELDS: &[(&str, Field)] = &[
    ("actor", Field::Actor),
    ("actor_name", Field::ActorName),
    ("user", Field::User),
    ("ip", Field::Ip),
    ("country", Field::Country),
    ("country_code", Field::CountryCode),
    ("city", Field::City),
    ("auth_type", Field::AuthType),
    ("token", Field::Token),
    ("on_behalf_of", Field::OnBehalfOf),
    ("app", Field::App),
    ("target_user", Field::TargetUser),
    ("group", Field::Group),
    ("tool", Field::Tool),
    ("status", Field::Status),
    ("product", Field::Product),
    ("site", Field::Site),
    ("action", Field::Action),
];

impl Field {
    pub fn parse(name: &str) -> Option<Field> {
        FIELDS.iter().find(|(n, _)| *n == name).map(|(_, f)| *f)
    }
    pub fn name(self) -> &'static str {
        FIELDS
            .iter()
            .find(|(_, f)| *f == self)
            .map(|(n, _)| *n)
            .unwrap_or("?")
    }
    /// Fields read from `context[]` / `container[]` / `actor.app`, parsed only when needed.
    pub fn needs_objects(self) -> bool {
        matches!(
            self,
            Field::TargetUser
                | Field::Group
                | Field::Tool
                | Field::Status
                | Field::Site
                | Field::App
        )
    }
}

/// What an event offers to the specs; values are resolved lazily by the scanner.
pub trait FieldSource<'a> {
    /// A field's value; borrowed from the event's line whenever the JSON held no escapes.
    fn field(&mut self, f: Field) -> Option<Cow<'a, str>>;
    fn time_ns(&self) -> i64;
    fn id(&self) -> &str;
    fn action(&self) -> &str;
    /// Country, city and `geo` text of the event's location.
    fn place(&self) -> (Option<&'a str>, Option<&'a str>, Option<&'a str>);
    /// The slim event (`input.events_by_action` shape), for `select`.
    fn slim(&mut self) -> Value;
}

#[derive(Clone, Debug)]
pub enum Cond {
    In(Field, Vec<String>),
    NotIn(Field, Vec<String>),
    Matches(Field, Regex),
    Present(Field, bool),
    IpIn(CidrList, bool),
    /// Only events strictly later than this time (epoch ns); `None` = no such time known, so
    /// nothing passes (e.g. `@attested_at` without an attestation).
    After(Option<i64>),
}

#[derive(Clone, Debug)]
pub enum Kind {
    Select,
    Count {
        window_ns: i64,
        over: u64,
    },
    Baseline {
        bucket_ns: i64,
        factor: f64,
        min_count: u64,
        min_history: u64,
    },
    Values {
        value: Field,
        min_before: u64,
        min_days_before: f64,
        max_share: f64,
        per_key: bool,
    },
    Pairs {
        then: Vec<String>,
        within_ns: i64,
    },
    Travel {
        min_kmh: f64,
        min_km: f64,
    },
}

#[derive(Clone, Debug)]
pub struct Spec {
    pub control: String,
    pub name: String,
    /// Action keys, `set:<name>` or `*`, as declared.
    pub actions: Vec<String>,
    pub by: Vec<Field>,
    pub conds: Vec<Cond>,
    pub kind: Kind,
    /// Most items kept in the output list (the rest are counted in `truncated`).
    pub limit: usize,
    /// Most event ids kept per item.
    pub ids: usize,
    /// What a missing `by` field reads as; `None` drops the event (the default).
    pub key_default: Option<String>,
    /// The spec as declared, echoed into the output for the reader.
    pub declared: Value,
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
    let minutes = |key: &str, default: Option<f64>| -> Result<i64, String> {
        let m = number(spec, key, default, ctx)?;
        if m <= 0.0 {
            return Err(format!("`{key}` must be greater than 0"));
        }
        Ok((m * NS_PER_MIN as f64) as i64)
    };
    let kind = match kind_name {
        "select" => Kind::Select,
        "count" => Kind::Count {
            window_ns: minutes("window_minutes", Some(60.0))?,
            over: number(spec, "over", None, ctx)? as u64,
        },
        "baseline" => Kind::Baseline {
            bucket_ns: minutes("bucket_minutes", Some(60.0))?,
            factor: number(spec, "factor", Some(5.0), ctx)?,
            min_count: number(spec, "min_count", Some(10.0), ctx)? as u64,
            min_history: number(spec, "min_history", Some(3.0), ctx)? as u64,
        },
        "values" => Kind::Values {
            min_before: number(spec, "min_before", Some(0.0), ctx)? as u64,
            min_days_before: number(spec, "min_days_before", Some(0.0), ctx)?,
            max_share: number(spec, "max_share", Some(1.0), ctx)?,
            per_key: match spec.get("per_key").map(|v| deref(v, ctx)).transpose()? {
                None => false,
                Some(Value::Bool(b)) => *b,
                Some(other) => {
                    return Err(format!("`per_key` must be true or false, found {other}"))
                }
            },
            value: field(
                spec.get("value")
                    .map(|v| deref(v, ctx))
                    .transpose()?
                    .and_then(Value::as_str)
                    .ok_or("`value` (a field name) is required")?,
            )?,
        },
        "pairs" => Kind::Pairs {
            then: self::actions(spec.get("then"), ctx, "then")?,
            within_ns: minutes("within_minutes", Some(60.0))?,
        },
        "travel" => Kind::Travel {
            min_kmh: number(spec, "min_kmh", Some(1000.0), ctx)?,
            min_km: number(spec, "min_km", Some(500.0), ctx)?,
        },
        other => {
            return Err(format!(
                "unknown kind {other:?}: select, count, baseline, values, pairs or travel"
            ))
        }
    };
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
                list.blocks
                    .extend(ctx.refs.ip_allowlist.blocks.iter().cloned());
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
        let list = strings(v, ctx, key)?
            .iter()
            .map(|s| s.to_lowercase())
            .collect();
        return Ok(Cond::NotIn(field(f)?, list));
    }
    let list = strings(v, ctx, key)?
        .iter()
        .map(|s| s.to_lowercase())
        .collect();
    Ok(Cond::In(field(key)?, list))
}

/// One event kept for a keyed spec.
#[derive(Clone, Debug)]
struct Hit {
    time: i64,
    id: CompactId,
    /// `then` flag for pairs; location index for travel.
    tag: u32,
}

#[derive(Default, Debug)]
struct ValueAcc {
    count: u64,
    first: i64,
    last: i64,
    before: u64,
    ids: Vec<CompactId>,
}

#[derive(Default, Debug)]
struct KeyAcc {
    count: u64,
    first: i64,
    last: i64,
}

#[derive(Default, Debug)]
struct KeyState {
    acc: KeyAcc,
    values: HashMap<String, ValueAcc, FxState>,
}

/// The running state of one spec.
pub struct SpecState {
    pub spec: Spec,
    hits: HashMap<String, Vec<Hit>, FxState>,
    keys: HashMap<String, KeyState, FxState>,
    selected: Vec<Value>,
    matched: u64,
    locations: Vec<(Point, String, String)>,
    location_index: HashMap<String, Option<u32>, FxState>,
    scratch: String,
    actions_seen: Vec<String>,
    /// Actions this spec counted (resolved keys), for the output.
    pub resolved_actions: std::collections::BTreeSet<String>,
}

const SEP: char = '\u{1f}';

/// A key's hits, moved out of the state (each key is finished once) in time-then-id order.
fn take_sorted(hits: &mut HashMap<String, Vec<Hit>, FxState>, key: &str) -> Vec<Hit> {
    let mut taken = hits.get_mut(key).map(std::mem::take).unwrap_or_default();
    taken.sort_by(|a, b| (a.time, &a.id).cmp(&(b.time, &b.id)));
    taken
}

impl SpecState {
    pub fn new(spec: Spec) -> SpecState {
        SpecState {
            spec,
            hits: HashMap::default(),
            keys: HashMap::default(),
            selected: Vec::new(),
            matched: 0,
            locations: Vec::new(),
            location_index: HashMap::default(),
            scratch: String::new(),
            actions_seen: Vec::new(),
            resolved_actions: Default::default(),
        }
    }

    /// Whether the spec reads this action: (in `actions`, in a pair's `then`).
    pub fn wants(&self, action: &str, in_set: &dyn Fn(&str, &str) -> bool) -> (bool, bool) {
        let m = |list: &[String]| {
            list.iter().any(|a| {
                a == "*" || a == action || a.strip_prefix("set:").is_some_and(|s| in_set(s, action))
            })
        };
        let first = m(&self.spec.actions);
        let then = match &self.spec.kind {
            Kind::Pairs { then, .. } => m(then),
            _ => false,
        };
        (first, then)
    }

    pub fn needs_objects(&self) -> bool {
        let conds = self.spec.conds.iter().any(|c| match c {
            Cond::In(f, _) | Cond::NotIn(f, _) | Cond::Matches(f, _) | Cond::Present(f, _) => {
                f.needs_objects()
            }
            Cond::IpIn(..) | Cond::After(_) => false,
        });
        let value = matches!(self.spec.kind, Kind::Values { value, .. } if value.needs_objects());
        conds || value || self.spec.by.iter().any(|f| f.needs_objects())
    }

    fn passes<'a>(&self, ev: &mut dyn FieldSource<'a>) -> bool {
        let in_list = |list: &[String], v: &str| list.iter().any(|x| x.eq_ignore_ascii_case(v));
        for c in &self.spec.conds {
            let ok = match c {
                Cond::In(f, list) => ev.field(*f).is_some_and(|v| in_list(list, &v)),
                Cond::NotIn(f, list) => !ev.field(*f).is_some_and(|v| in_list(list, &v)),
                Cond::Matches(f, re) => ev.field(*f).is_some_and(|v| re.is_match(&v)),
                Cond::Present(f, want) => ev.field(*f).is_some() == *want,
                Cond::IpIn(list, want) => match ev.field(Field::Ip) {
                    Some(ip) => list.find(&ip).is_some() == *want,
                    // No address: neither inside nor outside a list.
                    None => false,
                },
                Cond::After(since) => since.is_some_and(|t| ev.time_ns() > t),
            };
            if !ok {
                return false;
            }
        }
        true
    }

    /// A `by` field's value, or the declared `key_default` when the event lacks it.
    fn key_part<'a>(&self, ev: &mut dyn FieldSource<'a>, f: Field) -> Option<Cow<'a, str>> {
        ev.field(f).or_else(|| {
            self.spec
                .key_default
                .as_ref()
                .map(|d| Cow::Owned(d.clone()))
        })
    }

    fn key<'a>(&self, ev: &mut dyn FieldSource<'a>) -> Option<Cow<'a, str>> {
        match self.spec.by.as_slice() {
            [] => Some(Cow::Borrowed("")),
            [one] => self.key_part(ev, *one),
            many => {
                let mut key = String::new();
                for (i, f) in many.iter().enumerate() {
                    let v = self.key_part(ev, *f)?;
                    if i > 0 {
                        key.push(SEP);
                    }
                    // A separator inside a value would shift the parts: org data can hold any
                    // character, so it is replaced (keys stay distinct per field).
                    if v.contains(SEP) {
                        key.push_str(&v.replace(SEP, "\u{fffd}"));
                    } else {
                        key.push_str(&v);
                    }
                }
                Some(Cow::Owned(key))
            }
        }
    }

    fn push_hit(&mut self, key: Cow<'_, str>, hit: Hit) {
        match self.hits.get_mut(key.as_ref()) {
            Some(list) => list.push(hit),
            None => {
                self.hits.insert(key.into_owned(), vec![hit]);
            }
        }
    }

    /// The index of a place in `locations`, resolving it with the geo table once.
    fn location(
        &mut self,
        country: Option<&str>,
        city: Option<&str>,
        geo: Option<&str>,
    ) -> Option<u32> {
        self.scratch.clear();
        self.scratch.push_str(country.unwrap_or(""));
        self.scratch.push(SEP);
        self.scratch.push_str(city.unwrap_or(""));
        self.scratch.push(SEP);
        self.scratch.push_str(geo.unwrap_or(""));
        if let Some(found) = self.location_index.get(self.scratch.as_str()) {
            return *found;
        }
        let idx = GeoTable::get().locate(country, city, geo).map(|point| {
            self.locations.push((
                point,
                country.unwrap_or("").to_string(),
                city.unwrap_or("").to_string(),
            ));
            (self.locations.len() - 1) as u32
        });
        self.location_index.insert(self.scratch.clone(), idx);
        idx
    }

    /// Feeds one event whose action this spec wants.
    pub fn add<'a>(&mut self, ev: &mut dyn FieldSource<'a>, is_first: bool, is_then: bool) {
        if !self.passes(ev) {
            return;
        }
        let Some(key) = self.key(ev) else { return };
        if !self.resolved_actions.contains(ev.action()) {
            self.resolved_actions.insert(ev.action().to_string());
        }
        let time = ev.time_ns();
        match &self.spec.kind {
            Kind::Select => {
                self.matched += 1;
                if self.selected.len() < self.spec.limit {
                    self.selected.push(ev.slim());
                }
            }
            Kind::Count { .. } | Kind::Baseline { .. } => {
                let hit = Hit {
                    time,
                    id: CompactId::new(ev.id()),
                    tag: 0,
                };
                self.push_hit(key, hit);
            }
            Kind::Pairs { .. } => {
                let tag = u32::from(is_then)
                    | (u32::from(is_first) << 1)
                    | (self.action_tag(ev.action()) << 2);
                let hit = Hit {
                    time,
                    id: CompactId::new(ev.id()),
                    tag,
                };
                self.push_hit(key, hit);
            }
            Kind::Travel { .. } => {
                let (country, city, geo) = ev.place();
                let Some(idx) = self.location(country, city, geo) else {
                    return;
                };
                let hit = Hit {
                    time,
                    id: CompactId::new(ev.id()),
                    tag: idx,
                };
                self.push_hit(key, hit);
            }
            Kind::Values { value, .. } => {
                let value = *value;
                let v = ev.field(value);
                let ids_cap = self.spec.ids;
                let state = match self.keys.get_mut(key.as_ref()) {
                    Some(s) => s,
                    None => self
                        .keys
                        .entry(key.into_owned())
                        .or_insert_with(|| KeyState {
                            acc: KeyAcc {
                                count: 0,
                                first: time,
                                last: time,
                            },
                            values: HashMap::default(),
                        }),
                };
                let before = state.acc.count;
                state.acc.count += 1;
                state.acc.first = state.acc.first.min(time);
                state.acc.last = state.acc.last.max(time);
                let Some(v) = v else { return };
                let acc = match state.values.get_mut(v.as_ref()) {
                    Some(acc) => acc,
                    None => state.values.entry(v.into_owned()).or_insert(ValueAcc {
                        count: 0,
                        first: time,
                        last: time,
                        before,
                        ids: Vec::new(),
                    }),
                };
                acc.count += 1;
                acc.first = acc.first.min(time);
                acc.last = acc.last.max(time);
                if acc.ids.len() < ids_cap {
                    acc.ids.push(CompactId::new(ev.id()));
                }
            }
        }
    }

    fn action_tag(&mut self, action: &str) -> u32 {
        if let Some(i) = self.actions_seen.iter().position(|a| a == action) {
            return i as u32;
        }
        self.actions_seen.push(action.to_string());
        (self.actions_seen.len() - 1) as u32
    }

    fn key_object(&self, key: &str, names: &dyn Fn(&str) -> Option<String>) -> Value {
        let mut m = Map::new();
        // A one-field key is the value itself, separator characters included.
        let parts: Vec<&str> = match self.spec.by.len() {
            1 => vec![key],
            _ => key.split(SEP).collect(),
        };
        for (f, part) in self.spec.by.iter().zip(parts) {
            m.insert(f.name().to_string(), Value::String(part.to_string()));
            if matches!(
                f,
                Field::Actor | Field::User | Field::TargetUser | Field::OnBehalfOf
            ) {
                if let Some(n) = names(part) {
                    m.insert(format!("{}_name", f.name()), Value::String(n));
                }
            }
        }
        Value::Object(m)
    }

    /// The output object, deterministic: items sorted by key then time.
    pub fn finish(mut self, names: &dyn Fn(&str) -> Option<String>) -> Value {
        let spec = &self.spec;
        let mut items: Vec<Value> = Vec::new();
        let mut total_items: u64 = 0;
        let mut extra = Map::new();
        let mut keys: Vec<String> = self.hits.keys().cloned().collect();
        keys.sort();
        let ids = |hits: &[Hit], cap: usize| -> Vec<String> {
            hits.iter().take(cap).map(|h| h.id.text()).collect()
        };
        match &spec.kind {
            Kind::Select => {
                total_items = self.matched;
                items = std::mem::take(&mut self.selected);
                items.sort_by(|a, b| {
                    (
                        a.get("time_ns").and_then(Value::as_i64),
                        a.get("id").and_then(Value::as_str),
                    )
                        .cmp(&(
                            b.get("time_ns").and_then(Value::as_i64),
                            b.get("id").and_then(Value::as_str),
                        ))
                });
            }
            Kind::Count { window_ns, over } => {
                let mut max_peak = 0usize;
                for key in &keys {
                    let hits = take_sorted(&mut self.hits, key);
                    let mut i = 0usize;
                    // Current burst: [start, end] indexes and the peak window count.
                    let mut burst: Option<(usize, usize, usize)> = None;
                    let close =
                        |b: (usize, usize, usize), items: &mut Vec<Value>, total: &mut u64| {
                            *total += 1;
                            let (s, e, peak) = b;
                            let slice = &hits[s..=e];
                            items.push(json!({
                                "key": self.key_object(key, names),
                                "count": slice.len(),
                                "peak": peak,
                                "first": format_ns(slice[0].time),
                                "last": format_ns(slice[slice.len() - 1].time),
                                "first_ns": slice[0].time,
                                "last_ns": slice[slice.len() - 1].time,
                                "event_ids": ids(slice, spec.ids),
                            }));
                        };
                    for j in 0..hits.len() {
                        while hits[j].time.saturating_sub(hits[i].time) >= *window_ns {
                            i += 1;
                        }
                        let c = j - i + 1;
                        max_peak = max_peak.max(c);
                        if c as u64 > *over {
                            burst = match burst {
                                // Overlapping windows are one burst.
                                Some((s, e, p)) if i <= e => Some((s, j, p.max(c))),
                                Some(b) => {
                                    close(b, &mut items, &mut total_items);
                                    Some((i, j, c))
                                }
                                None => Some((i, j, c)),
                            };
                        }
                    }
                    if let Some(b) = burst {
                        close(b, &mut items, &mut total_items);
                    }
                }
                extra.insert("max_peak".into(), json!(max_peak));
                extra.insert("window_minutes".into(), json!(window_ns / NS_PER_MIN));
                extra.insert("over".into(), json!(over));
            }
            Kind::Baseline {
                bucket_ns,
                factor,
                min_count,
                min_history,
            } => {
                for key in &keys {
                    let hits = take_sorted(&mut self.hits, key);
                    let mut history_sum = 0u64;
                    let mut history_n = 0u64;
                    let mut s = 0usize;
                    while s < hits.len() {
                        let bucket = hits[s].time.div_euclid(*bucket_ns);
                        let mut e = s;
                        while e + 1 < hits.len()
                            && hits[e + 1].time.div_euclid(*bucket_ns) == bucket
                        {
                            e += 1;
                        }
                        let c = (e - s + 1) as u64;
                        let mean = if history_n > 0 {
                            history_sum as f64 / history_n as f64
                        } else {
                            0.0
                        };
                        if history_n >= *min_history && c >= *min_count && c as f64 >= factor * mean
                        {
                            total_items += 1;
                            let slice = &hits[s..=e];
                            items.push(json!({
                                "key": self.key_object(key, names),
                                "bucket_start": format_ns(bucket.saturating_mul(*bucket_ns)),
                                "bucket_end": format_ns(bucket.saturating_add(1).saturating_mul(*bucket_ns)),
                                "count": c,
                                "baseline": (mean * 100.0).round() / 100.0,
                                "ratio": if mean > 0.0 { (c as f64 / mean * 100.0).round() / 100.0 } else { 0.0 },
                                "history_buckets": history_n,
                                "first": format_ns(slice[0].time),
                                "last": format_ns(slice[slice.len() - 1].time),
                                "event_ids": ids(slice, spec.ids),
                            }));
                        }
                        history_sum += c;
                        history_n += 1;
                        s = e + 1;
                    }
                }
                extra.insert("bucket_minutes".into(), json!(bucket_ns / NS_PER_MIN));
                extra.insert("factor".into(), json!(factor));
                extra.insert("min_count".into(), json!(min_count));
                extra.insert("min_history".into(), json!(min_history));
            }
            Kind::Pairs { within_ns, .. } => {
                for key in &keys {
                    let hits = take_sorted(&mut self.hits, key);
                    let act = |t: u32| {
                        self.actions_seen
                            .get((t >> 2) as usize)
                            .cloned()
                            .unwrap_or_default()
                    };
                    let mut pending: Option<usize> = None;
                    for (j, h) in hits.iter().enumerate() {
                        if h.tag & 1 == 1 {
                            if let Some(f) = pending {
                                let a = &hits[f];
                                if h.time.saturating_sub(a.time) <= *within_ns {
                                    total_items += 1;
                                    items.push(json!({
                                        "key": self.key_object(key, names),
                                        "first": {"id": a.id.text(), "time": format_ns(a.time), "action": act(a.tag)},
                                        "then": {"id": h.id.text(), "time": format_ns(h.time), "action": act(h.tag)},
                                        "gap_seconds": h.time.saturating_sub(a.time) / 1_000_000_000,
                                    }));
                                    pending = None;
                                    continue;
                                }
                            }
                        }
                        if h.tag & 2 == 2 {
                            pending = Some(j);
                        }
                    }
                }
                extra.insert("within_minutes".into(), json!(within_ns / NS_PER_MIN));
            }
            Kind::Travel { min_kmh, min_km } => {
                for key in &keys {
                    let hits = take_sorted(&mut self.hits, key);
                    for w in hits.windows(2) {
                        let (a, b) = (&w[0], &w[1]);
                        if a.tag == b.tag {
                            continue;
                        }
                        let (Some(la), Some(lb)) = (
                            self.locations.get(a.tag as usize),
                            self.locations.get(b.tag as usize),
                        ) else {
                            continue;
                        };
                        let d = distance_km((la.0.lat, la.0.lon), (lb.0.lat, lb.0.lon));
                        let d_min = (d - la.0.radius_km - lb.0.radius_km).max(0.0);
                        let hours = b.time.saturating_sub(a.time) as f64 / 3.6e12;
                        // Two places at the same instant: any distance is impossible.
                        let speed = if hours > 0.0 {
                            d_min / hours
                        } else if d_min > 0.0 {
                            f64::INFINITY
                        } else {
                            0.0
                        };
                        if d_min >= *min_km && speed >= *min_kmh {
                            total_items += 1;
                            let place = |l: &(Point, String, String), h: &Hit| {
                                json!({
                                    "country": l.1, "city": if l.2.is_empty() { Value::Null } else { Value::String(l.2.clone()) },
                                    "precision": l.0.precision.name(), "time": format_ns(h.time), "event_id": h.id.text(),
                                })
                            };
                            items.push(json!({
                                "key": self.key_object(key, names),
                                "from": place(la, a),
                                "to": place(lb, b),
                                "distance_km": d.round(),
                                "min_distance_km": d_min.round(),
                                "hours": (hours * 100.0).round() / 100.0,
                                "speed_kmh": if speed.is_finite() { json!(speed.round()) } else { json!("instant") },
                            }));
                        }
                    }
                }
                extra.insert("min_kmh".into(), json!(min_kmh));
                extra.insert("min_km".into(), json!(min_km));
            }
            Kind::Values {
                value,
                min_before,
                min_days_before,
                max_share,
                per_key,
            } => {
                let mut keys: Vec<(&String, &KeyState)> = self.keys.iter().collect();
                keys.sort_by(|a, b| a.0.cmp(b.0));
                for (key, state) in keys {
                    let k = &state.acc;
                    let mut values: Vec<(&String, &ValueAcc)> = state.values.iter().collect();
                    values.sort_by(|a, b| a.0.cmp(b.0));
                    let mut grouped: Vec<Value> = Vec::new();
                    for (v, acc) in values {
                        if acc.before < *min_before
                            || acc.first.saturating_sub(k.first)
                                < (*min_days_before * 86_400e9) as i64
                            || acc.count as f64 > max_share * k.count as f64
                        {
                            continue;
                        }
                        if *per_key {
                            grouped.push(json!({
                                "value": v,
                                "count": acc.count,
                                "first": format_ns(acc.first),
                                "last": format_ns(acc.last),
                                "key_events_before": acc.before,
                                "event_ids": acc.ids.iter().map(CompactId::text).collect::<Vec<_>>(),
                            }));
                            continue;
                        }
                        total_items += 1;
                        items.push(json!({
                            "key": self.key_object(key, names),
                            "value": v,
                            "count": acc.count,
                            "first": format_ns(acc.first),
                            "last": format_ns(acc.last),
                            "first_ns": acc.first,
                            "key_count": k.count,
                            "key_first": format_ns(k.first),
                            "key_first_ns": k.first,
                            "key_events_before": acc.before,
                            "event_ids": acc.ids.iter().map(CompactId::text).collect::<Vec<_>>(),
                        }));
                    }
                    if *per_key && !grouped.is_empty() {
                        // One item per key: the kept values, their total, first and last.
                        total_items += 1;
                        let count: u64 = grouped.iter().filter_map(|g| g["count"].as_u64()).sum();
                        let first = grouped
                            .iter()
                            .filter_map(|g| g["first"].as_str())
                            .min()
                            .map(str::to_string);
                        let last = grouped
                            .iter()
                            .filter_map(|g| g["last"].as_str())
                            .max()
                            .map(str::to_string);
                        let mut ids: Vec<String> = grouped
                            .iter()
                            .flat_map(|g| g["event_ids"].as_array().cloned().unwrap_or_default())
                            .filter_map(|v| v.as_str().map(str::to_string))
                            .collect();
                        ids.sort();
                        ids.truncate(self.spec.ids);
                        items.push(json!({
                            "key": self.key_object(key, names),
                            "values": grouped,
                            "distinct": grouped.len(),
                            "count": count,
                            "first": first,
                            "last": last,
                            "key_count": k.count,
                            "key_first": format_ns(k.first),
                            "event_ids": ids,
                        }));
                    }
                }
                extra.insert("value".into(), json!(value.name()));
            }
        }
        items.truncate(spec.limit);
        let truncated = total_items.saturating_sub(items.len() as u64);
        let list_name = match spec.kind {
            Kind::Select => "events",
            Kind::Count { .. } => "bursts",
            Kind::Baseline { .. } => "spikes",
            Kind::Values { .. } => "items",
            Kind::Pairs { .. } => "pairs",
            Kind::Travel { .. } => "transitions",
        };
        let mut out = Map::new();
        out.insert("kind".into(), json!(kind_name(&spec.kind)));
        out.insert("actions".into(), json!(self.resolved_actions));
        out.insert(
            "by".into(),
            json!(spec.by.iter().map(|f| f.name()).collect::<Vec<_>>()),
        );
        out.insert("total".into(), json!(total_items));
        out.insert("truncated".into(), json!(truncated));
        out.insert(list_name.into(), Value::Array(items));
        out.extend(extra);
        Value::Object(out)
    }
}

fn kind_name(k: &Kind) -> &'static str {
    match k {
        Kind::Select => "select",
        Kind::Count { .. } => "count",
        Kind::Baseline { .. } => "baseline",
        Kind::Values { .. } => "values",
        Kind::Pairs { .. } => "pairs",
        Kind::Travel { .. } => "travel",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(spec: Value, attested_at: Option<i64>) -> Result<Spec, String> {
        let allowlist = CidrList::default();
        let refs = SnapshotRefs {
            ip_allowlist: &allowlist,
            known_set: &|s| s == "mcp",
            attested_at,
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
        let refs = SnapshotRefs {
            ip_allowlist: &allowlist,
            known_set: &|_| false,
            attested_at: None,
        };
        let config = json!({"trusted": ["10.0.0.0/8", "192.0.2.1"], "facts": {"f": {"kind": "values", "actions": ["user_login"], "value": "ip", "where": {"ip_not_in": ["@ip_allowlist", "$trusted", "198.51.100.0/24"]}}}});
        let (specs, errors) = parse_specs(&[("C-1".to_string(), config)].into(), &refs);
        assert!(errors.is_empty(), "{errors:?}");
        let Cond::IpIn(list, false) = &specs[0].conds[0] else {
            panic!("{:?}", specs[0].conds)
        };
        assert_eq!(list.blocks.len(), 3);
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
}
