//! One streaming pass over `events.ndjson`: aggregates (counts per day, action and actor,
//! first/last seen, countries) computed in Rust, plus slim copies of only the events whose
//! action some policy declared it reads. Memory is bounded by the number of distinct keys and
//! the selected events, never by the whole history (DESIGN §7).

use crate::snapshot::{Event, EventLines, SnapshotError, Timestamp};
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Default, Serialize)]
pub struct ActorFacts {
    pub count: u64,
    pub first: Option<Timestamp>,
    pub last: Option<Timestamp>,
    pub name: Option<String>,
    pub countries: BTreeMap<String, u64>,
}

#[derive(Debug, Default)]
pub struct EventFacts {
    pub total: u64,
    pub first: Option<Timestamp>,
    pub last: Option<Timestamp>,
    pub per_day: BTreeMap<String, u64>,
    pub per_action: BTreeMap<String, u64>,
    pub per_actor: BTreeMap<String, ActorFacts>,
    pub per_country: BTreeMap<String, u64>,
    pub duplicates: u64,
    /// Slim events of the selected actions, keyed by action, in file order.
    pub by_action: BTreeMap<String, Vec<Value>>,
}

/// Streams every event once. `wanted` holds lower-case action keys to keep as slim events.
pub fn scan_events(
    lines: &mut EventLines,
    wanted: &BTreeSet<String>,
) -> Result<EventFacts, SnapshotError> {
    let mut facts = EventFacts::default();
    let mut seen_ids: BTreeSet<String> = BTreeSet::new();
    let path = lines.path().to_string();
    while let Some(item) = lines.next_line() {
        let (line_no, text) = item?;
        let event: Event = crate::snapshot::load::parse_json(&path, text.as_bytes()).map_err(|e| match e {
            SnapshotError::Json { field, message, column, .. } => SnapshotError::EventLine {
                path: path.clone(),
                line: line_no,
                message: format!("column {column}: field `{field}`: {message} (expected one audit event object in the API's shape)"),
            },
            other => other,
        })?;
        if !seen_ids.insert(event.id.clone()) {
            // A cursor race can deliver an event twice; count it once.
            facts.duplicates += 1;
            continue;
        }
        add_event(&mut facts, &event, wanted);
    }
    Ok(facts)
}

fn add_event(facts: &mut EventFacts, event: &Event, wanted: &BTreeSet<String>) {
    let a = &event.attributes;
    let time = a.time;
    let action = a.action.to_ascii_lowercase();
    facts.total += 1;
    facts.first = Some(facts.first.map_or(time, |f| f.min(time)));
    facts.last = Some(facts.last.map_or(time, |l| l.max(time)));
    *facts
        .per_day
        .entry(time.0.format("%Y-%m-%d").to_string())
        .or_insert(0) += 1;
    *facts.per_action.entry(action.clone()).or_insert(0) += 1;
    let country = a.location.as_ref().and_then(|l| l.country_name.clone());
    if let Some(c) = &country {
        *facts.per_country.entry(c.clone()).or_insert(0) += 1;
    }
    let actor = facts.per_actor.entry(a.actor.id.clone()).or_default();
    actor.count += 1;
    actor.first = Some(actor.first.map_or(time, |f| f.min(time)));
    actor.last = Some(actor.last.map_or(time, |l| l.max(time)));
    if actor.name.is_none() {
        actor.name = a.actor.name.clone();
    }
    if let Some(c) = country {
        *actor.countries.entry(c).or_insert(0) += 1;
    }
    if wanted.contains(&action) {
        facts
            .by_action
            .entry(action.clone())
            .or_default()
            .push(slim(event, &action));
    }
}

/// The fields detections read, flattened; enough to name the event in a finding.
fn slim(event: &Event, action: &str) -> Value {
    let a = &event.attributes;
    let loc = a.location.clone().unwrap_or_default();
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
        "city": loc.city,
        "context": a.context.iter().map(|c| json!({"id": c.id, "type": c.kind, "attributes": c.attributes})).collect::<Vec<_>>(),
        "message": event.message.as_ref().and_then(|m| m.content.clone()),
    })
}

impl EventFacts {
    /// The `input.events` summary and `input.facts.events` aggregates.
    pub fn summary(&self, window: Option<(Timestamp, Timestamp)>) -> Value {
        let gap_days: Vec<String> = match window {
            Some((from, to)) => {
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
            None => Vec::new(),
        };
        json!({
            "total": self.total,
            "duplicates_dropped": self.duplicates,
            "first_time": self.first,
            "last_time": self.last,
            "last_time_ns": self.last.map(|t| t.epoch_nanos()),
            "window": window.map(|(from, to)| json!({"from": from, "to": to, "from_ns": from.epoch_nanos(), "to_ns": to.epoch_nanos()})),
            "per_day": self.per_day,
            "gap_days": gap_days,
            "per_action": self.per_action,
            "per_country": self.per_country,
        })
    }

    pub fn actors(&self) -> Value {
        serde_json::to_value(&self.per_actor).unwrap_or(Value::Null)
    }
}
