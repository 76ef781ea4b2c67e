//! Declared facts: aggregations a policy asks for in its METADATA `custom.config.facts`, computed
//! in Rust during the one streaming pass and handed to Rego as small lists under
//! `input.facts.declared[<control id>][<fact name>]` (documented in docs/policy-input.md,
//! "Declared facts"). Six kinds cover the common detection shapes without Rust changes, one
//! file each with its parameters (`parse`), its per-event work (`add`) and its output
//! (`finish`):
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
//! What every kind shares lives here: the spec (`Spec`), the filter and key of an event
//! (`SpecState::add`), and the output object around the kind's list (`SpecState::finish`).
//! Parsing the spec's table is `parse.rs`; the fields an event offers, `field.rs`.
//!
//! Any number in a spec may be written `$name` to read the control's own config key (so
//! `orgscan.toml` overrides reach the Rust side), and so may lists and patterns.

mod baseline;
mod count;
mod declared;
mod field;
mod hits;
mod mention;
mod pairs;
mod parse;
mod select;
mod travel;
mod values;

/// Declared facts of a select and two values facts, for tests of their readers.
#[cfg(test)]
pub(crate) use declared::tests::store as declared_sample;
pub use declared::{CutFact, DeclaredFacts};
pub use field::{Field, FieldSource, FIELDS};
pub use mention::Mention;
pub use parse::{parse_specs, Cond, Params, SnapshotRefs, SpecContext, SpecError, ValueSet};

use serde_json::{json, Map, Value};
use std::borrow::Cow;

pub const NS_PER_MIN: i64 = 60_000_000_000;

/// Separates the parts of a key made of several `by` fields.
const SEP: char = '\u{1f}';

/// A fact kind and its parameters. A new kind is a file with a `FactKind` and an
/// `Accumulator`, plus its arm here, in `Kind::parse` and in `Kind::def`.
#[derive(Clone, Debug)]
pub enum Kind {
    Select(select::Select),
    Count(count::Count),
    Baseline(baseline::Baseline),
    Values(values::Values),
    Pairs(pairs::Pairs),
    Travel(travel::Travel),
}

impl Kind {
    /// The kind named in a spec, with its parameters read from the spec's table.
    fn parse(name: &str, p: &Params<'_>) -> Result<Kind, String> {
        Ok(match name {
            "select" => Kind::Select(select::Select),
            "count" => Kind::Count(count::Count::parse(p)?),
            "baseline" => Kind::Baseline(baseline::Baseline::parse(p)?),
            "values" => Kind::Values(values::Values::parse(p)?),
            "pairs" => Kind::Pairs(pairs::Pairs::parse(p)?),
            "travel" => Kind::Travel(travel::Travel::parse(p)?),
            other => {
                return Err(format!(
                    "unknown kind {other:?}: select, count, baseline, values, pairs or travel"
                ))
            }
        })
    }

    fn def(&self) -> &dyn FactKind {
        match self {
            Kind::Select(k) => k,
            Kind::Count(k) => k,
            Kind::Baseline(k) => k,
            Kind::Values(k) => k,
            Kind::Pairs(k) => k,
            Kind::Travel(k) => k,
        }
    }

    pub fn name(&self) -> &'static str {
        self.def().name()
    }
}

/// What a fact kind declares about itself.
trait FactKind {
    /// Its name in `kind = "…"` and in the output.
    fn name(&self) -> &'static str;
    /// The name of its output list.
    fn list_name(&self) -> &'static str;
    /// A second action set, for kinds that relate two (`pairs`' `then`).
    fn then(&self) -> Option<&[String]> {
        None
    }
    /// A field it reads besides `by` and `where` (`values`' `value`).
    fn reads(&self) -> Option<Field> {
        None
    }
    /// Its running state for one pass; `limit` is the most items its output keeps (the spec's
    /// `limit`), so a kind need not hold more.
    fn start(&self, limit: usize) -> Box<dyn Accumulator>;
}

/// The running state of one kind over the pass.
trait Accumulator: Send {
    /// Feeds one event that passed the spec's conditions, under its key. `is_first` / `is_then`:
    /// its action is in the spec's `actions` / the kind's second set.
    fn add<'a>(
        &mut self,
        spec: &Spec,
        key: Cow<'a, str>,
        ev: &mut dyn FieldSource<'a>,
        is_first: bool,
        is_then: bool,
    );
    /// The kind's items in output order, with `key_object` naming a key for the reader.
    fn finish(self: Box<Self>, spec: &Spec, key_object: &dyn Fn(&str) -> Value) -> Finished;
    /// Roughly how many JSON values its output will hold once finished (items, values, event
    /// ids): what finishing it will cost, known before it is finished.
    fn held(&self) -> usize;
}

/// What a kind hands to the output object.
#[derive(Default)]
struct Finished {
    items: Vec<Value>,
    /// Items found, including those past the spec's `limit`.
    total: u64,
    /// The kind's parameters (and figures such as `max_peak`), echoed into the output.
    extra: Map<String, Value>,
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

/// The running state of one spec.
pub struct SpecState {
    pub spec: Spec,
    state: Box<dyn Accumulator>,
    /// Actions this spec counted (resolved keys), for the output.
    pub resolved_actions: std::collections::BTreeSet<String>,
}

impl SpecState {
    pub fn new(spec: Spec) -> SpecState {
        SpecState {
            state: spec.kind.def().start(spec.limit),
            spec,
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
        let then = self.spec.kind.def().then().is_some_and(m);
        (first, then)
    }

    pub fn needs_objects(&self) -> bool {
        let conds = self.spec.conds.iter().any(|c| match c {
            Cond::In(f, _) | Cond::NotIn(f, _) | Cond::Matches(f, _) | Cond::Present(f, _) => {
                f.needs_objects()
            }
            // The filter reads the context objects (after a cheap look at the whole line).
            Cond::Mentions(_) => true,
            Cond::IpIn(..) | Cond::After(_) => false,
        });
        let value = self
            .spec
            .kind
            .def()
            .reads()
            .is_some_and(Field::needs_objects);
        conds || value || self.spec.by.iter().any(|f| f.needs_objects())
    }

    fn passes<'a>(&self, ev: &mut dyn FieldSource<'a>) -> bool {
        for c in &self.spec.conds {
            let ok = match c {
                Cond::In(f, set) => ev.field(*f).is_some_and(|v| set.contains(&v)),
                Cond::NotIn(f, set) => !ev.field(*f).is_some_and(|v| set.contains(&v)),
                Cond::Matches(f, re) => ev.field(*f).is_some_and(|v| re.is_match(&v)),
                Cond::Present(f, want) => ev.field(*f).is_some() == *want,
                Cond::IpIn(list, want) => match ev.field(Field::Ip) {
                    Some(ip) => list.contains(&ip) == *want,
                    // No address: neither inside nor outside a list.
                    None => false,
                },
                Cond::After(since) => since.is_some_and(|t| ev.time_ns() > t),
                Cond::Mentions(m) => ev.mentions(m),
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

    /// Feeds one event whose action this spec wants.
    pub fn add<'a>(&mut self, ev: &mut dyn FieldSource<'a>, is_first: bool, is_then: bool) {
        if !self.passes(ev) {
            return;
        }
        let Some(key) = self.key(ev) else { return };
        if !self.resolved_actions.contains(ev.action()) {
            self.resolved_actions.insert(ev.action().to_string());
        }
        self.state.add(&self.spec, key, ev, is_first, is_then);
    }

    /// Roughly how many JSON values the output will hold (see `Accumulator::held`).
    pub fn held(&self) -> usize {
        self.state.held()
    }

    /// The output object, deterministic: items sorted by key then time.
    pub fn finish(self, names: &dyn Fn(&str) -> Option<String>) -> Value {
        let SpecState {
            spec,
            state,
            resolved_actions,
        } = self;
        let by = spec.by.as_slice();
        let Finished {
            mut items,
            total,
            extra,
        } = state.finish(&spec, &|key: &str| key_object(by, key, names));
        items.truncate(spec.limit);
        let truncated = total.saturating_sub(items.len() as u64);
        let kind = spec.kind.def();
        let mut out = Map::new();
        out.insert("kind".into(), json!(kind.name()));
        out.insert("actions".into(), json!(resolved_actions));
        out.insert(
            "by".into(),
            json!(spec.by.iter().map(|f| f.name()).collect::<Vec<_>>()),
        );
        out.insert("total".into(), json!(total));
        out.insert("truncated".into(), json!(truncated));
        out.insert(kind.list_name().into(), Value::Array(items));
        out.extend(extra);
        Value::Object(out)
    }
}

/// A key as the reader sees it: each `by` field's value, with the person's name beside an
/// actor or user id.
fn key_object(by: &[Field], key: &str, names: &dyn Fn(&str) -> Option<String>) -> Value {
    let mut m = Map::new();
    // A one-field key is the value itself, separator characters included.
    let parts: Vec<&str> = match by.len() {
        1 => vec![key],
        _ => key.split(SEP).collect(),
    };
    for (f, part) in by.iter().zip(parts) {
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
