//! The report's `activity` block (`orgscan.activity/v1`, documented in docs/detections.md):
//! what the audit log shows, from the facts of the one streaming pass. Deterministic: sorted
//! maps, ranked lists with id tie-breaks, no floats beyond rounded rates.

use super::actionsets::CatalogueEntry;
use super::events::{product_of, EventFacts};
use crate::snapshot::Timestamp;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};

pub const ACTIVITY_SCHEMA: &str = "orgscan.activity/v1";
const TOP: usize = 20;

fn rate(errors: u64, with_status: u64) -> Value {
    if with_status == 0 {
        Value::Null
    } else {
        json!(((errors as f64 / with_status as f64) * 10_000.0).round() / 10_000.0)
    }
}

pub fn build(
    facts: &EventFacts,
    window: Option<(Timestamp, Timestamp)>,
    available: bool,
    catalogue: Option<&[CatalogueEntry]>,
) -> Value {
    let group_of: HashMap<&str, String> = catalogue
        .unwrap_or_default()
        .iter()
        .map(|e| {
            let g = e
                .groups
                .first()
                .cloned()
                .unwrap_or_else(|| "(no group)".to_string());
            (e.id.as_str(), g)
        })
        .collect();
    let group = |action: &str| {
        group_of
            .get(action)
            .cloned()
            .unwrap_or_else(|| "(not in catalogue)".to_string())
    };

    let mut per_group: BTreeMap<String, u64> = BTreeMap::new();
    let mut per_product: BTreeMap<String, u64> = BTreeMap::new();
    for (action, n) in &facts.per_action {
        *per_group.entry(group(action)).or_insert(0) += n;
        *per_product
            .entry(product_of(action).to_string())
            .or_insert(0) += n;
    }
    let mut per_day = BTreeMap::new();
    for (day, actions) in &facts.per_day_action {
        let mut groups: BTreeMap<String, u64> = BTreeMap::new();
        let mut products: BTreeMap<String, u64> = BTreeMap::new();
        for (action, n) in actions {
            *groups.entry(group(action)).or_insert(0) += n;
            *products.entry(product_of(action).to_string()).or_insert(0) += n;
        }
        per_day.insert(
            day.clone(),
            json!({"total": facts.per_day.get(day).copied().unwrap_or(0), "groups": groups, "products": products}),
        );
    }

    let mut actors: Vec<(&String, &super::events::ActorFacts)> = facts
        .per_actor
        .iter()
        .filter(|(_, a)| a.count > 0)
        .collect();
    actors.sort_by(|a, b| b.1.count.cmp(&a.1.count).then(a.0.cmp(b.0)));
    let top_actors: Vec<Value> = actors
        .iter()
        .take(TOP)
        .map(|(id, a)| {
            json!({"id": id, "name": a.name, "count": a.count, "first": a.first, "last": a.last,
                   "countries": a.countries, "admin_actions": a.admin_actions})
        })
        .collect();

    let admin_keys = facts
        .action_sets
        .get("admin")
        .map(|s| s.keys.clone())
        .unwrap_or_default();
    let admin_per_action: BTreeMap<&String, u64> = facts
        .per_action
        .iter()
        .filter(|(a, _)| admin_keys.contains(*a))
        .map(|(a, n)| (a, *n))
        .collect();
    let mut admins: Vec<(&String, &super::events::ActorFacts)> = facts
        .per_actor
        .iter()
        .filter(|(_, a)| a.admin_actions > 0)
        .collect();
    admins.sort_by(|a, b| b.1.admin_actions.cmp(&a.1.admin_actions).then(a.0.cmp(b.0)));
    let admin_top: Vec<Value> = admins
        .iter()
        .take(TOP)
        .map(|(id, a)| json!({"id": id, "name": a.name, "count": a.admin_actions}))
        .collect();

    let mcp_total: u64 = facts.mcp_users.values().map(|u| u.count).sum();
    let mcp_errors: u64 = facts.mcp_users.values().map(|u| u.errors).sum();
    let mcp_with_status: u64 = facts.mcp_users.values().map(|u| u.with_status).sum();
    let mut users: Vec<(&String, &super::events::McpUser)> = facts.mcp_users.iter().collect();
    users.sort_by(|a, b| b.1.count.cmp(&a.1.count).then(a.0.cmp(b.0)));
    let mcp_users: Vec<Value> = users
        .iter()
        .map(|(id, u)| {
            json!({"id": id, "name": u.name, "count": u.count, "errors": u.errors,
                   "error_rate": rate(u.errors, u.with_status), "tools": u.tools})
        })
        .collect();
    let mcp_tools: BTreeMap<&String, Value> = facts
        .mcp_tools
        .iter()
        .map(|(t, u)| (t, json!({"count": u.count, "errors": u.errors, "error_rate": rate(u.errors, u.with_status)})))
        .collect();

    let keys = |name: &str| {
        facts
            .action_sets
            .get(name)
            .map(|s| s.keys.iter().cloned().collect::<Vec<_>>())
            .unwrap_or_default()
    };
    json!({
        "schema": ACTIVITY_SCHEMA,
        "available": available,
        "total": facts.total,
        "duplicates_dropped": facts.duplicates,
        "window": window.map(|(from, to)| json!({"from": from, "to": to})),
        "covered": {"first": facts.first, "last": facts.last},
        "days_with_events": facts.per_day.len(),
        "gap_days": facts.gap_days(window),
        "per_day": per_day,
        "per_group": per_group,
        "per_product": per_product,
        "per_action": facts.per_action,
        "top_actors": top_actors,
        "actors": facts.per_actor.len(),
        "countries": facts.per_country,
        "country_codes": facts.country_codes,
        "admin": {
            "total": admin_per_action.values().sum::<u64>(),
            "per_action": admin_per_action,
            "top_actors": admin_top,
        },
        "mcp": {
            "action_keys": keys("mcp"),
            "tool_action_keys": keys("mcp_tool"),
            "oauth_install_keys": keys("oauth_install"),
            "total": mcp_total,
            "errors": mcp_errors,
            "error_rate": rate(mcp_errors, mcp_with_status),
            "status_reported": mcp_with_status > 0,
            "per_user": mcp_users,
            "per_tool": mcp_tools,
            "per_day": facts.mcp_per_day,
        },
        "action_sets": facts.action_sets,
    })
}
