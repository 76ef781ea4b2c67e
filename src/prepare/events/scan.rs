//! The aggregator: folds each event, in file order, into the fixed aggregates and the declared
//! facts of the plan.
//!
//! The file order is the snapshot's promise: events sorted by time, then id, each once
//! (`collect` and `import-events` merge and dedupe before they write). The aggregator checks
//! it event by event against the one before (`Order`), which is what lets it drop a repeated
//! event by comparing neighbours instead of holding every id seen, and lets keyed facts close
//! their windows as time passes instead of holding their events to the end.

use super::facts::{ActorFacts, EventFacts, McpUser, ToolUse};
use super::record::EventRef;
use super::view::{is_error_status, View};
use crate::prepare::actionsets::ActionSets;
use crate::prepare::facts::{DeclaredFacts, Field, FieldSource, SpecState};
use crate::prepare::fastparse::{self, FxState, MixState};
use crate::prepare::geo::GeoTable;
use crate::snapshot::Timestamp;
use serde_json::Value;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};

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
pub(super) struct Scanner {
    plan: ScanPlan,
    order: Order,
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
}

/// Where the pass is in the (time, id) order: the last event kept.
#[derive(Default)]
struct Order {
    time_ns: i64,
    /// The last event's id (its buffer reused from event to event); empty before the first.
    id: String,
    line: u64,
}

/// How an event stands against the one before it in the file.
#[derive(Debug, PartialEq, Eq)]
enum Place {
    /// Later in (time, id): a new event.
    Next,
    /// The same time and id: the same event repeated (a re-delivered page stored twice).
    Repeat,
}

impl Order {
    /// Checks that `ev` comes after the last event kept, and keeps it as the new last one.
    /// An event before it breaks the snapshot's order: the message names both lines.
    fn advance(&mut self, ev: &EventRef<'_>) -> Result<Place, String> {
        if self.line > 0 {
            match (ev.time_ns, ev.id).cmp(&(self.time_ns, self.id.as_str())) {
                std::cmp::Ordering::Greater => {}
                std::cmp::Ordering::Equal => return Ok(Place::Repeat),
                std::cmp::Ordering::Less => {
                    return Err(format!(
                        "event {:?} is out of order: it sorts before event {:?} on line {} (a snapshot's events are sorted by time, then id, as orgscan writes them; re-import the file with `orgscan import-events` to sort it)",
                        ev.id, self.id, self.line
                    ))
                }
            }
        }
        self.time_ns = ev.time_ns;
        self.id.clear();
        self.id.push_str(ev.id);
        self.line = ev.line_no;
        Ok(Place::Next)
    }
}

const NS_PER_DAY: i64 = 86_400_000_000_000;

impl Scanner {
    pub(super) fn new(plan: ScanPlan) -> Scanner {
        Scanner {
            plan,
            order: Order::default(),
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
        }
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

    /// Folds one event; an event out of the (time, id) order is an error (the message, for
    /// the caller to put beside the file and line).
    pub(super) fn add(&mut self, ev: &EventRef<'_>) -> Result<(), String> {
        if self.order.advance(ev)? == Place::Repeat {
            // Equal neighbours are one event stored twice: count it once.
            self.duplicates += 1;
            return Ok(());
        }
        self.fold(ev);
        Ok(())
    }

    fn fold(&mut self, ev: &EventRef<'_>) {
        let time_ns = ev.time_ns;
        let lowered;
        let action: &str = if ev.action.bytes().any(|b| b.is_ascii_uppercase()) {
            lowered = ev.action.to_ascii_lowercase();
            &lowered
        } else {
            ev.action
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
        // In time order, the first event is the earliest and each one the latest so far.
        self.first = self.first.or(Some(time_ns));
        self.last = Some(time_ns);
        let day = time_ns.div_euclid(NS_PER_DAY);
        let day_actions = self.days.entry(day).or_default();
        match day_actions.get_mut(action) {
            Some(n) => *n += 1,
            None => {
                day_actions.insert(action.to_string(), 1);
            }
        }
        let country = ev.country.filter(|c| !c.is_empty());
        if let Some(c) = country {
            match self.countries.get_mut(c) {
                Some(n) => *n += 1,
                None => {
                    self.countries.insert(c.to_string(), 1);
                }
            }
        }
        let actor = match self.actors.get_mut(ev.actor_id) {
            Some(acc) => acc,
            None => self
                .actors
                .entry(ev.actor_id.to_string())
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
            actor.name = ev.actor_name.map(str::to_string);
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
        {
            if let (Some(id), Some(name)) = (ev.obo_id, ev.obo_name) {
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
            action,
            objects: None,
            containers: None,
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
            let name = match ev.obo_id {
                Some(_) => ev.obo_name.map(str::to_string),
                None => ev.actor_name.map(str::to_string),
            };
            if !self.mcp_users.contains_key(user.as_ref()) {
                self.mcp_users.insert(user.to_string(), McpUser::default());
            }
            let Some(u) = self.mcp_users.get_mut(user.as_ref()) else {
                return;
            };
            u.count += 1;
            if u.name.is_none() {
                u.name = name;
            }
            if status.is_some() {
                u.with_status += 1;
                u.errors += u64::from(error);
            }
            let tool_name = tool.unwrap_or_else(|| Cow::Owned(format!("({action})")));
            match u.tools.get_mut(tool_name.as_ref()) {
                Some(n) => *n += 1,
                None => {
                    u.tools.insert(tool_name.to_string(), 1);
                }
            }
            if !self.mcp_tools.contains_key(tool_name.as_ref()) {
                self.mcp_tools
                    .insert(tool_name.to_string(), ToolUse::default());
            }
            let Some(t) = self.mcp_tools.get_mut(tool_name.as_ref()) else {
                return;
            };
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

    pub(super) fn finish(self) -> EventFacts {
        let ts = |ns: i64| Timestamp::from_epoch_millis(ns.div_euclid(1_000_000));
        let mut facts = EventFacts {
            total: self.total,
            first_ns: self.first,
            last_ns: self.last,
            first: self.first.and_then(ts),
            last: self.last.and_then(ts),
            duplicates: self.duplicates,
            by_action: self.by_action,
            ..EventFacts::default()
        };
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
        // Finished when each control is evaluated (`DeclaredFacts`): they keep the names.
        let names = self
            .actors
            .iter()
            .filter_map(|(id, a)| a.name.as_ref().map(|n| (id.clone(), n.clone())))
            .collect();
        facts.declared = DeclaredFacts::new(self.plan.specs, names);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(line_no: u64, time_ns: i64, id: &str) -> EventRef<'_> {
        EventRef {
            line_no,
            time_ns,
            id,
            ..EventRef::default()
        }
    }

    #[test]
    fn the_order_is_time_then_id_and_an_equal_neighbour_is_a_repeat() {
        let mut order = Order::default();
        assert_eq!(order.advance(&ev(1, 10, "b")), Ok(Place::Next));
        // Equal times with a later id: the next event.
        assert_eq!(order.advance(&ev(2, 10, "c")), Ok(Place::Next));
        // Equal time and id: the same event again.
        assert_eq!(order.advance(&ev(3, 10, "c")), Ok(Place::Repeat));
        // A later time with an earlier id: the next event.
        assert_eq!(order.advance(&ev(4, 11, "a")), Ok(Place::Next));
        // Equal time, earlier id: out of order, naming the event it follows.
        let err = order.advance(&ev(5, 11, "0")).unwrap_err();
        assert!(
            err.starts_with(r#"event "0" is out of order: it sorts before event "a" on line 4"#),
            "{err}"
        );
        // An earlier time: out of order, whatever the id.
        let err = order.advance(&ev(6, 9, "z")).unwrap_err();
        assert!(err.contains(r#"before event "a" on line 4"#), "{err}");
    }

    #[test]
    fn repeats_are_dropped_once_counted_and_the_first_event_is_any() {
        let mut s = Scanner::new(ScanPlan::simple(BTreeSet::new()));
        // Any first event is in order, even at time 0 with an empty id.
        s.add(&ev(1, 0, "")).unwrap();
        s.add(&ev(2, 5, "x")).unwrap();
        s.add(&ev(3, 5, "x")).unwrap();
        s.add(&ev(4, 5, "x")).unwrap();
        let facts = s.finish();
        assert_eq!((facts.total, facts.duplicates), (2, 2));
    }
}
