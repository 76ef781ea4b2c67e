//! What the event pass produces: the aggregates and declared facts policies read.

use crate::prepare::facts::DeclaredFacts;
use crate::snapshot::{FileEntry, Timestamp};
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;

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

#[derive(Debug, Default)]
pub struct EventFacts {
    pub total: u64,
    pub first_ns: Option<i64>,
    pub last_ns: Option<i64>,
    pub first: Option<Timestamp>,
    pub last: Option<Timestamp>,
    pub per_day: BTreeMap<String, u64>,
    pub per_action: BTreeMap<String, u64>,
    pub per_country: BTreeMap<String, u64>,
    /// Day → action → count.
    pub per_day_action: BTreeMap<String, BTreeMap<String, u64>>,
    pub per_actor: BTreeMap<String, ActorFacts>,
    pub duplicates: u64,
    /// Slim events of the selected actions, keyed by action, in time-then-id order (the file's).
    pub by_action: BTreeMap<String, Vec<Value>>,
    pub mcp_users: BTreeMap<String, McpUser>,
    pub mcp_tools: BTreeMap<String, ToolUse>,
    pub mcp_per_day: BTreeMap<String, u64>,
    /// The declared facts, finished per control when it is evaluated.
    pub declared: DeclaredFacts,
    /// Every action set and the keys it resolved to.
    pub action_sets: BTreeMap<String, crate::prepare::actionsets::ResolvedSet>,
    /// Country spellings seen in events → ISO code (unknown spellings absent).
    pub country_codes: BTreeMap<String, String>,
    /// sha256 of the events bytes as read and the number of events: what the report's
    /// content hash is computed from (`None` when the snapshot has no events).
    pub file: Option<FileEntry>,
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
