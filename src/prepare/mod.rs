//! Building the input every policy sees (documented in README, "Policy input"): the snapshot's
//! collections in the API's shapes, availability of each, the attestation, the evaluation
//! time, configuration, and event facts computed in one streaming pass.

pub mod events;

use crate::policy::PolicyPack;
use crate::snapshot::{Collection, CollectionStatus, Snapshot, SnapshotError, Timestamp};
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};

pub use events::EventFacts;

pub struct PreparedInput {
    pub json: Value,
    pub facts: EventFacts,
}

fn to_json<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// The event actions any policy of the pack declared it reads.
pub fn wanted_actions(pack: &PolicyPack) -> BTreeSet<String> {
    pack.policies
        .iter()
        .flat_map(|p| p.meta.data.events.iter().map(|a| a.to_ascii_lowercase()))
        .collect()
}

pub fn build_input(
    snapshot: &Snapshot,
    pack: &PolicyPack,
    now: Timestamp,
    control_config: BTreeMap<String, Value>,
    org_config: Value,
) -> Result<PreparedInput, SnapshotError> {
    let wanted = wanted_actions(pack);
    let facts = if snapshot.is_collected(Collection::Events) {
        let mut lines = snapshot.event_lines()?;
        events::scan_events(&mut lines, &wanted)?
    } else {
        EventFacts::default()
    };
    let window = snapshot
        .manifest
        .event_window
        .as_ref()
        .map(|w| (w.from, w.to));

    let mut collections = Map::new();
    for c in Collection::ALL {
        let entry = match snapshot.manifest.collections.get(&c) {
            Some(p) => json!({
                "available": p.status == CollectionStatus::Collected,
                "reason": p.reason,
                "source": p.source,
                "fetched_at": p.fetched_at,
            }),
            None => {
                json!({"available": false, "reason": "not in the snapshot", "source": null, "fetched_at": null})
            }
        };
        collections.insert(c.name().to_string(), entry);
    }

    let mut by_action = Map::new();
    for action in &wanted {
        let events = facts.by_action.get(action).cloned().unwrap_or_default();
        by_action.insert(action.clone(), Value::Array(events));
    }

    let mut events_summary = facts.summary(window);
    if let Value::Object(m) = &mut events_summary {
        m.insert(
            "available".to_string(),
            Value::Bool(snapshot.is_collected(Collection::Events)),
        );
    }

    let catalogue: Vec<Value> = snapshot
        .event_actions
        .iter()
        .map(|a| json!({"id": a.key(), "display_name": a.attributes.display_name, "groups": a.groups()}))
        .collect();

    let json = json!({
        "now": now,
        "now_ns": now.epoch_nanos(),
        "org": {
            "id": snapshot.manifest.org.id,
            "name": snapshot.manifest.org.name,
            "collected_at": snapshot.manifest.collected_at,
            "source": snapshot.manifest.source,
        },
        "config": {"controls": control_config, "org": org_config},
        "collections": collections,
        "directories": to_json(&snapshot.directories),
        "users": to_json(&snapshot.users),
        "groups": to_json(&snapshot.groups),
        "domains": to_json(&snapshot.domains),
        "org_policies": to_json(&snapshot.org_policies),
        "control_policies": to_json(&snapshot.control_policies),
        "api_keys": to_json(&snapshot.api_keys),
        "api_tokens": to_json(&snapshot.api_tokens),
        "event_actions": catalogue,
        "workspaces": to_json(&snapshot.workspaces),
        "attestation": to_json(&snapshot.attestation),
        "events": events_summary,
        "facts": {"actors": facts.actors()},
        "events_by_action": by_action,
    });
    Ok(PreparedInput { json, facts })
}
