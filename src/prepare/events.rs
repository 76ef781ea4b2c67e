//! One streaming pass over `events.ndjson`: each line is read with a borrowed parse of only the
//! fields facts need (`fastparse`), deduplicated by a 128-bit id key, and folded into
//! aggregates (counts per day, action, actor, country; first/last seen; MCP and admin usage)
//! and into the declared facts of the pack (`spec`). Slim copies are kept only of events whose
//! action a policy lists in `custom.data.events`, or that a `select` fact picks. Memory is
//! bounded by the number of distinct keys, the selected events and 16 bytes per event id,
//! never by the whole history (DESIGN §7).

use super::actionsets::ActionSets;
use super::fastparse::{self, FxState, MixState, RawEvent};
use super::geo::{GeoTable, Point};
use super::spec::{Field, FieldSource, SpecState};
use crate::snapshot::{Event, EventLines, SnapshotError, Timestamp};
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// Per-actor aggregates (`input.facts.actors[id]`).
#[derive(Debug, Default, Serialize)]
pub struct ActorFacts {
    pub count: u64,
    pub first: Option<Timestamp>,
    pub last: Option<Timestamp>,
    pub name: Option<String>,
    pub countries: BTreeMap<String, u64>,
    /// Events of the `admin` action set.
    pub admin_actions: u64,
}

#[derive(Debug, Default, Clone)]
struct ActorAcc {
    count: u64,
    first: i64,
    last: i64,
    name: Option<String>,
    countries: HashMap<String, u64, FxState>,
    admin: u64,
}

/// Per-action information, computed once per distinct action key.
#[derive(Debug, Default, Clone)]
struct ActionInfo {
    count: u64,
    /// (spec index, in actions, in then)
    specs: std::sync::Arc<[(usize, bool, bool)]>,
    needs_objects: bool,
    wanted: bool,
    mcp: bool,
    admin: bool,
}

#[derive(Debug, Default, Clone, Serialize)]
pub struct McpUser {
    pub name: Option<String>,
    pub count: u64,
    pub errors: u64,
    pub with_status: u64,
    pub tools: BTreeMap<String, u64>,
}

#[derive(Debug, Default, Clone, Serialize)]
pub struct ToolUse {
    pub count: u64,
    pub errors: u64,
    pub with_status: u64,
}

#[derive(Default)]
pub struct EventFacts {
    pub total: u64,
    pub first_ns: Option<i64>,
    pub last_ns: Option<i64>,
    pub first: Option<Timestamp>,
    pub last: Option<Timestamp>,
    /// Events whose time is earlier than the one before it in the file.
    pub out_of_order: u64,
    pub per_day: BTreeMap<String, u64>,
    pub per_action: BTreeMap<String, u64>,
    pub per_country: BTreeMap<String, u64>,
    /// Day → action → count.
    pub per_day_action: BTreeMap<String, BTreeMap<String, u64>>,
    pub per_actor: BTreeMap<String, ActorFacts>,
    pub duplicates: u64,
    /// Slim events of the selected actions, keyed by action, in time order.
    pub by_action: BTreeMap<String, Vec<Value>>,
    pub mcp_users: BTreeMap<String, McpUser>,
    pub mcp_tools: BTreeMap<String, ToolUse>,
    pub mcp_per_day: BTreeMap<String, u64>,
    /// Declared facts: control id → fact name → output.
    pub declared: BTreeMap<String, BTreeMap<String, Value>>,
    /// Every action set and the keys it resolved to.
    pub action_sets: BTreeMap<String, super::actionsets::ResolvedSet>,
    /// Country spellings seen in events → ISO code (unknown spellings absent).
    pub country_codes: BTreeMap<String, String>,
}

/// What the pass must produce besides the fixed aggregates.
pub struct ScanPlan {
    /// Lower-case action keys to keep as slim events (`input.events_by_action`).
    pub wanted: BTreeSet<String>,
    pub specs: Vec<SpecState>,
    pub sets: ActionSets,
}

impl ScanPlan {
    pub fn simple(wanted: BTreeSet<String>) -> ScanPlan {
        ScanPlan {
            wanted,
            specs: Vec::new(),
            sets: ActionSets::resolve(None),
        }
    }
}

/// The streaming state.
struct Scanner {
    plan: ScanPlan,
    seen: HashSet<u128, MixState>,
    actions: HashMap<String, ActionInfo, FxState>,
    actors: HashMap<String, ActorAcc, FxState>,
    days: HashMap<i64, HashMap<String, u64, FxState>, MixState>,
    countries: HashMap<String, u64, FxState>,
    by_action: BTreeMap<String, Vec<Value>>,
    mcp_users: HashMap<String, McpUser, FxState>,
    mcp_tools: HashMap<String, ToolUse, FxState>,
    mcp_days: HashMap<i64, u64, MixState>,
    total: u64,
    duplicates: u64,
    first: Option<i64>,
    last: Option<i64>,
    prev: Option<i64>,
    out_of_order: u64,
}

const NS_PER_DAY: i64 = 86_400_000_000_000;

/// Streams every event once.
pub fn scan_events(lines: &mut EventLines, plan: ScanPlan) -> Result<EventFacts, SnapshotError> {
    let mut s = Scanner {
        plan,
        seen: HashSet::default(),
        actions: HashMap::default(),
        actors: HashMap::default(),
        days: HashMap::default(),
        countries: HashMap::default(),
        by_action: BTreeMap::new(),
        mcp_users: HashMap::default(),
        mcp_tools: HashMap::default(),
        mcp_days: HashMap::default(),
        total: 0,
        duplicates: 0,
        first: None,
        last: None,
        prev: None,
        out_of_order: 0,
    };
    let path = lines.path().to_string();
    while let Some(item) = lines.next_line() {
        let (line_no, text) = item?;
        s.line(&path, line_no, text)?;
    }
    Ok(s.finish())
}

/// The error for a line the fast path could not read: the owned parse names the field.
fn line_error(path: &str, line_no: u64, text: &str, fast: Option<String>) -> SnapshotError {
    match crate::snapshot::load::parse_json::<Event>(path, text.as_bytes()) {
        Err(SnapshotError::Json { field, message, column, .. }) => SnapshotError::EventLine {
            path: path.to_string(),
            line: line_no,
            message: format!("column {column}: field `{field}`: {message} (expected one audit event object in the API's shape)"),
        },
        Err(other) => other,
        Ok(_) => SnapshotError::EventLine {
            path: path.to_string(),
            line: line_no,
            message: format!(
                "{} (expected one audit event object in the API's shape)",
                fast.unwrap_or_else(|| "unreadable event".to_string())
            ),
        },
    }
}

/// One event as the specs see it: fields resolved on demand, context parsed at most once.
struct View<'e, 'a> {
    ev: &'e RawEvent<'a>,
    time_ns: i64,
    action: &'e str,
    objects: Option<Vec<fastparse::RawObject<'a>>>,
    containers: Option<Vec<fastparse::RawObject<'a>>>,
    line: &'a str,
    path: &'e str,
}

impl<'a> View<'_, 'a> {
    fn objects(&mut self) -> &[fastparse::RawObject<'a>] {
        if self.objects.is_none() {
            self.objects = Some(fastparse::objects(self.ev.attributes.context));
        }
        self.objects.as_deref().unwrap_or_default()
    }

    fn object_of(&mut self, kinds: &[&str]) -> Option<&fastparse::RawObject<'a>> {
        self.objects()
            .iter()
            .find(|o| o.kind.as_deref().is_some_and(|k| kinds.contains(&k)))
    }

    fn tool(&mut self) -> Option<String> {
        for o in self.objects() {
            let kind = o.kind.as_deref().unwrap_or("");
            let attrs = fastparse::object_attributes(o.attributes);
            if let Some(t) = attrs.tool_name {
                return Some(t.into_owned());
            }
            if kind.to_ascii_lowercase().contains("tool") {
                if let Some(n) = attrs.name {
                    return Some(n.into_owned());
                }
            }
        }
        None
    }

    fn status(&mut self) -> Option<String> {
        for o in self.objects() {
            let a = fastparse::object_attributes(o.attributes);
            for raw in [a.status, a.outcome, a.success].into_iter().flatten() {
                if let Some(t) = fastparse::scalar_text(raw) {
                    return Some(t);
                }
            }
        }
        None
    }
}

/// The product an action belongs to, from its key's prefix.
pub fn product_of(action: &str) -> &'static str {
    const PREFIXES: &[(&str, &str)] = &[
        ("jira", "jira"),
        ("jsm_", "jira"),
        ("confluence", "confluence"),
        ("upp_confluence", "confluence"),
        ("bitbucket", "bitbucket"),
        ("loom", "loom"),
        ("beacon_", "guard_detect"),
        ("rovo", "rovo"),
        ("trello", "trello"),
    ];
    PREFIXES
        .iter()
        .find(|(p, _)| action.starts_with(p))
        .map(|(_, name)| *name)
        .unwrap_or("admin")
}

/// Errors: `error`, `failed`, `failure`, `denied`, `false` (for `success`), HTTP 4xx/5xx.
pub fn is_error_status(status: &str) -> bool {
    let s = status.trim().to_ascii_lowercase();
    matches!(
        s.as_str(),
        "error"
            | "errored"
            | "failed"
            | "failure"
            | "fail"
            | "denied"
            | "forbidden"
            | "unauthorized"
            | "timeout"
            | "false"
    ) || s.parse::<u16>().is_ok_and(|c| c >= 400)
}

impl FieldSource for View<'_, '_> {
    fn field(&mut self, f: Field) -> Option<String> {
        let a = &self.ev.attributes;
        let loc = a.location.as_ref();
        let s = |c: &Option<std::borrow::Cow<'_, str>>| {
            c.as_deref().filter(|v| !v.is_empty()).map(str::to_string)
        };
        match f {
            Field::Actor => Some(a.actor.id.to_string()),
            Field::ActorName => s(&a.actor.name),
            Field::User => a
                .actor
                .on_behalf_of
                .as_ref()
                .and_then(|p| s(&p.id))
                .or_else(|| Some(a.actor.id.to_string())),
            Field::Ip => loc.and_then(|l| s(&l.ip)),
            Field::Country => loc.and_then(|l| s(&l.country_name)),
            Field::CountryCode => loc
                .and_then(|l| l.country_name.as_deref())
                .and_then(|c| GeoTable::get().country(c))
                .map(|c| c.code.to_string()),
            Field::City => loc.and_then(|l| s(&l.city)),
            Field::AuthType => a.actor.auth.as_ref().and_then(|x| s(&x.auth_type)),
            Field::Token => a.actor.auth.as_ref().and_then(|x| s(&x.token_id)),
            Field::OnBehalfOf => a.actor.on_behalf_of.as_ref().and_then(|p| s(&p.id)),
            Field::App => fastparse::app(a.actor.app).and_then(|app| s(&app.id)),
            Field::TargetUser => self.object_of(&["users", "user"]).and_then(|o| s(&o.id)),
            Field::Group => {
                let o = self.object_of(&["groups", "group"])?;
                let attrs = fastparse::object_attributes(o.attributes);
                attrs
                    .group_name
                    .or(attrs.name)
                    .map(|n| n.into_owned())
                    .or_else(|| s(&o.id))
            }
            Field::Tool => self.tool(),
            Field::Status => self.status(),
            Field::Product => Some(product_of(self.action).to_string()),
            Field::Site => {
                if self.containers.is_none() {
                    self.containers = Some(fastparse::objects(self.ev.attributes.container));
                }
                let o = self
                    .containers
                    .as_deref()
                    .unwrap_or_default()
                    .iter()
                    .find(|o| o.kind.as_deref() == Some("sites"))?;
                let attrs = fastparse::object_attributes(o.attributes);
                attrs
                    .site_host_name
                    .or(attrs.name)
                    .map(|n| n.into_owned())
                    .or_else(|| s(&o.id))
            }
            Field::Action => Some(self.action.to_string()),
        }
    }

    fn time_ns(&self) -> i64 {
        self.time_ns
    }

    fn id(&self) -> &str {
        &self.ev.id
    }

    fn action(&self) -> &str {
        self.action
    }

    fn point(&mut self) -> Option<(Point, String, String)> {
        let loc = self.ev.attributes.location.as_ref()?;
        let country = loc.country_name.as_deref().filter(|c| !c.is_empty());
        let city = loc.city.as_deref().filter(|c| !c.is_empty());
        let point = GeoTable::get().locate(country, city, loc.geo.as_deref())?;
        Some((
            point,
            country.unwrap_or("").to_string(),
            city.unwrap_or("").to_string(),
        ))
    }

    fn slim(&mut self) -> Value {
        match crate::snapshot::load::parse_json::<Event>(self.path, self.line.as_bytes()) {
            Ok(event) => slim(&event, self.action),
            Err(_) => Value::Null,
        }
    }
}

impl Scanner {
    fn line(&mut self, path: &str, line_no: u64, text: &str) -> Result<(), SnapshotError> {
        let ev = match fastparse::parse_event(text) {
            Ok(ev) => ev,
            Err(e) => return Err(line_error(path, line_no, text, Some(e.to_string()))),
        };
        let time_ns = match fastparse::fast_time_ns(&ev.attributes.time) {
            Some(t) => t,
            None => match Timestamp::parse(&ev.attributes.time) {
                Some(t) => t.epoch_nanos(),
                None => return Err(line_error(path, line_no, text, None)),
            },
        };
        if !self.seen.insert(fastparse::id_key(&ev.id)) {
            // A cursor race can deliver an event twice; count it once.
            self.duplicates += 1;
            return Ok(());
        }
        self.add(&ev, time_ns, path, text);
        Ok(())
    }

    fn action_info(&mut self, action: &str) -> ActionInfo {
        if let Some(info) = self.actions.get(action) {
            return info.clone();
        }
        let sets_joined = self.plan.sets.observe(action);
        let sets = &self.plan.sets;
        let in_set = |set: &str, a: &str| sets.contains(set, a);
        let mut info = ActionInfo {
            wanted: self.plan.wanted.contains(action),
            mcp: sets_joined.iter().any(|s| s == "mcp"),
            admin: sets_joined.iter().any(|s| s == "admin"),
            ..ActionInfo::default()
        };
        let mut specs = Vec::new();
        for (i, spec) in self.plan.specs.iter().enumerate() {
            let (first, then) = spec.wants(action, &in_set);
            if first || then {
                specs.push((i, first, then));
                info.needs_objects |= spec.needs_objects();
            }
        }
        info.specs = specs.into();
        self.actions.insert(action.to_string(), info.clone());
        info
    }

    fn add(&mut self, ev: &RawEvent<'_>, time_ns: i64, path: &str, text: &str) {
        let lowered;
        let action: &str = if ev.attributes.action.bytes().any(|b| b.is_ascii_uppercase()) {
            lowered = ev.attributes.action.to_ascii_lowercase();
            &lowered
        } else {
            &ev.attributes.action
        };
        let info = match self.actions.get_mut(action) {
            Some(info) => {
                info.count += 1;
                info.clone_light()
            }
            None => {
                let mut info = self.action_info(action);
                info.count = 1;
                if let Some(i) = self.actions.get_mut(action) {
                    i.count = 1;
                }
                info.clone_light()
            }
        };
        self.total += 1;
        self.first = Some(self.first.map_or(time_ns, |f| f.min(time_ns)));
        self.last = Some(self.last.map_or(time_ns, |l| l.max(time_ns)));
        if self.prev.is_some_and(|p| time_ns < p) {
            self.out_of_order += 1;
        }
        self.prev = Some(time_ns);
        let day = time_ns.div_euclid(NS_PER_DAY);
        let day_actions = self.days.entry(day).or_default();
        match day_actions.get_mut(action) {
            Some(n) => *n += 1,
            None => {
                day_actions.insert(action.to_string(), 1);
            }
        }
        let a = &ev.attributes;
        let country = a
            .location
            .as_ref()
            .and_then(|l| l.country_name.as_deref())
            .filter(|c| !c.is_empty());
        if let Some(c) = country {
            match self.countries.get_mut(c) {
                Some(n) => *n += 1,
                None => {
                    self.countries.insert(c.to_string(), 1);
                }
            }
        }
        let actor = match self.actors.get_mut(a.actor.id.as_ref()) {
            Some(acc) => acc,
            None => self
                .actors
                .entry(a.actor.id.to_string())
                .or_insert_with(|| ActorAcc {
                    first: time_ns,
                    last: time_ns,
                    ..ActorAcc::default()
                }),
        };
        actor.count += 1;
        actor.first = actor.first.min(time_ns);
        actor.last = actor.last.max(time_ns);
        if actor.name.is_none() {
            actor.name = a.actor.name.as_deref().map(str::to_string);
        }
        if let Some(c) = country {
            match actor.countries.get_mut(c) {
                Some(n) => *n += 1,
                None => {
                    actor.countries.insert(c.to_string(), 1);
                }
            }
        }
        if info.admin {
            actor.admin += 1;
        }
        // The person behind an app event gets a name too, for reports.
        if let Some(p) = &a.actor.on_behalf_of {
            if let (Some(id), Some(name)) = (p.id.as_deref(), p.name.as_deref()) {
                if !self.actors.contains_key(id) {
                    self.actors.insert(
                        id.to_string(),
                        ActorAcc {
                            name: Some(name.to_string()),
                            first: time_ns,
                            last: time_ns,
                            ..ActorAcc::default()
                        },
                    );
                } else if let Some(acc) = self.actors.get_mut(id) {
                    if acc.name.is_none() {
                        acc.name = Some(name.to_string());
                    }
                }
            }
        }
        if !(info.wanted || info.mcp || !info.specs.is_empty()) {
            return;
        }
        let mut view = View {
            ev,
            time_ns,
            action,
            objects: None,
            containers: None,
            line: text,
            path,
        };
        if info.wanted {
            let s = view.slim();
            if !s.is_null() {
                self.by_action
                    .entry(action.to_string())
                    .or_default()
                    .push(s);
            }
        }
        if info.mcp {
            let user = view.field(Field::User).unwrap_or_default();
            let tool = view.field(Field::Tool);
            let status = view.field(Field::Status);
            let error = status.as_deref().is_some_and(is_error_status);
            let name = match &a.actor.on_behalf_of {
                Some(p) if p.id.is_some() => p.name.as_deref().map(str::to_string),
                _ => a.actor.name.as_deref().map(str::to_string),
            };
            let u = self.mcp_users.entry(user).or_default();
            u.count += 1;
            if u.name.is_none() {
                u.name = name;
            }
            if status.is_some() {
                u.with_status += 1;
                u.errors += u64::from(error);
            }
            let tool_name = tool.unwrap_or_else(|| format!("({action})"));
            *u.tools.entry(tool_name.clone()).or_insert(0) += 1;
            let t = self.mcp_tools.entry(tool_name).or_default();
            t.count += 1;
            if status.is_some() {
                t.with_status += 1;
                t.errors += u64::from(error);
            }
            *self.mcp_days.entry(day).or_insert(0) += 1;
        }
        for &(i, first, then) in info.specs.iter() {
            if let Some(spec) = self.plan.specs.get_mut(i) {
                spec.add(&mut view, first, then);
            }
        }
    }

    fn finish(self) -> EventFacts {
        let ts = |ns: i64| Timestamp::from_epoch_millis(ns.div_euclid(1_000_000));
        let mut facts = EventFacts {
            total: self.total,
            first_ns: self.first,
            last_ns: self.last,
            first: self.first.and_then(ts),
            last: self.last.and_then(ts),
            out_of_order: self.out_of_order,
            duplicates: self.duplicates,
            by_action: self.by_action,
            ..EventFacts::default()
        };
        for list in facts.by_action.values_mut() {
            list.sort_by(|a, b| {
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
        for (action, info) in &self.actions {
            facts.per_action.insert(action.clone(), info.count);
        }
        for (day, actions) in self.days {
            let key = fastparse::format_day(day);
            let total: u64 = actions.values().sum();
            facts.per_day.insert(key.clone(), total);
            facts
                .per_day_action
                .insert(key, actions.into_iter().collect());
        }
        let geo = GeoTable::get();
        for (c, n) in self.countries {
            if let Some(code) = geo.country(&c) {
                facts.country_codes.insert(c.clone(), code.code.to_string());
            }
            facts.per_country.insert(c, n);
        }
        for (day, n) in self.mcp_days {
            facts.mcp_per_day.insert(fastparse::format_day(day), n);
        }
        facts.mcp_users = self.mcp_users.into_iter().collect();
        facts.mcp_tools = self.mcp_tools.into_iter().collect();
        let names: HashMap<&str, &str> = self
            .actors
            .iter()
            .filter_map(|(id, a)| a.name.as_deref().map(|n| (id.as_str(), n)))
            .collect();
        let name_of = |id: &str| names.get(id).map(|n| n.to_string());
        for spec in self.plan.specs {
            let control = spec.spec.control.clone();
            let name = spec.spec.name.clone();
            let out = spec.finish(&name_of);
            facts.declared.entry(control).or_default().insert(name, out);
        }
        for (id, a) in &self.actors {
            if a.count == 0 {
                continue;
            }
            facts.per_actor.insert(
                id.clone(),
                ActorFacts {
                    count: a.count,
                    first: ts(a.first),
                    last: ts(a.last),
                    name: a.name.clone(),
                    countries: a.countries.iter().map(|(k, v)| (k.clone(), *v)).collect(),
                    admin_actions: a.admin,
                },
            );
        }
        facts.action_sets = self.plan.sets.resolved;
        facts
    }
}

impl ActionInfo {
    /// The routing part (no count), cheap to copy out of the map per event.
    fn clone_light(&self) -> ActionInfo {
        ActionInfo {
            count: 0,
            specs: self.specs.clone(),
            needs_objects: self.needs_objects,
            wanted: self.wanted,
            mcp: self.mcp,
            admin: self.admin,
        }
    }
}

/// The fields detections read, flattened; enough to name the event in a finding.
pub fn slim(event: &Event, action: &str) -> Value {
    let a = &event.attributes;
    let loc = a.location.clone().unwrap_or_default();
    let code = loc
        .country_name
        .as_deref()
        .and_then(|c| GeoTable::get().country(c))
        .map(|c| c.code);
    json!({
        "id": event.id,
        "time": a.time,
        "time_ns": a.time.epoch_nanos(),
        "action": action,
        "actor": {
            "id": a.actor.id,
            "name": a.actor.name,
            "email": a.actor.email,
            "auth_type": a.actor.auth.as_ref().and_then(|x| x.auth_type.clone()),
            "token_id": a.actor.auth.as_ref().and_then(|x| x.token_id.clone()),
            "on_behalf_of": a.actor.on_behalf_of.as_ref().and_then(|p| p.id.clone()),
            "app": a.actor.app.as_ref().and_then(|app| app.get("id").cloned()),
        },
        "ip": loc.ip,
        "country": loc.country_name,
        "country_code": code,
        "city": loc.city,
        "context": a.context.iter().map(|c| json!({"id": c.id, "type": c.kind, "attributes": c.attributes})).collect::<Vec<_>>(),
        "message": event.message.as_ref().and_then(|m| m.content.clone()),
    })
}

impl EventFacts {
    /// Days in the window with no events.
    pub fn gap_days(&self, window: Option<(Timestamp, Timestamp)>) -> Vec<String> {
        let Some((from, to)) = window else {
            return Vec::new();
        };
        let mut days = Vec::new();
        let mut day = from.0.date_naive();
        let end = to.0.date_naive();
        while day <= end {
            let key = day.format("%Y-%m-%d").to_string();
            if !self.per_day.contains_key(&key) {
                days.push(key);
            }
            match day.succ_opt() {
                Some(next) => day = next,
                None => break,
            }
        }
        days
    }

    /// The `input.events` summary.
    pub fn summary(&self, window: Option<(Timestamp, Timestamp)>) -> Value {
        json!({
            "total": self.total,
            "duplicates_dropped": self.duplicates,
            "first_time": self.first,
            "last_time": self.last,
            "last_time_ns": self.last_ns,
            "window": window.map(|(from, to)| json!({"from": from, "to": to, "from_ns": from.epoch_nanos(), "to_ns": to.epoch_nanos()})),
            "per_day": self.per_day,
            "gap_days": self.gap_days(window),
            "per_action": self.per_action,
            "per_country": self.per_country,
        })
    }

    pub fn actors(&self) -> Value {
        serde_json::to_value(&self.per_actor).unwrap_or(Value::Null)
    }
}
