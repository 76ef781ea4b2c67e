//! The audit-activity section: event counts per day, action, actor and country, the gaps in
//! the audit log and the resolved action sets, read from the report's `activity` object.

use super::charts::{panel, timeline, timeline_of};
use super::format::{clip, fmt_count};
use serde_json::{json, Map, Value};

/// `{label: n}`, `[{name|label|key|id…: …, count|events|total|value: n}]` or `[[label, n]]`
/// as (label, count) pairs, largest first; anything else gives nothing.
pub(super) fn count_pairs(v: &Value) -> Vec<(String, f64)> {
    let mut pairs: Vec<(String, f64)> = match v {
        Value::Object(m) => m
            .iter()
            .filter_map(|(k, v)| count_of(v).map(|n| (k.clone(), n)))
            .collect(),
        Value::Array(items) => items
            .iter()
            .filter_map(|item| match item {
                Value::Array(pair) if pair.len() == 2 => {
                    Some((label_of(&pair[0])?, number(&pair[1])?))
                }
                Value::Object(o) => {
                    let n = ["count", "events", "total", "value", "calls", "n"]
                        .iter()
                        .find_map(|k| o.get(*k).and_then(number))?;
                    let name = ["name", "display_name", "label"]
                        .iter()
                        .find_map(|k| o.get(*k).and_then(label_of));
                    let id = ["id", "key", "action", "group", "country", "account_id"]
                        .iter()
                        .find_map(|k| o.get(*k).and_then(label_of));
                    let label = match (name, id) {
                        (Some(n), Some(i)) if n != i => format!("{n} ({i})"),
                        (Some(n), _) => n,
                        (None, Some(i)) => i,
                        (None, None) => return None,
                    };
                    Some((label, n))
                }
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    pairs.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    pairs
}

pub(super) fn number(v: &Value) -> Option<f64> {
    v.as_f64().filter(|n| n.is_finite())
}

/// A count: a number, or an object's `total` / `count` (`{"total": 59, "groups": {…}}`).
pub(super) fn count_of(v: &Value) -> Option<f64> {
    number(v).or_else(|| {
        ["total", "count", "events"]
            .iter()
            .find_map(|k| v.get(*k).and_then(number))
    })
}

pub(super) fn label_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

pub(super) fn first_key<'a>(activity: &'a Map<String, Value>, keys: &[&str]) -> Option<&'a Value> {
    keys.iter()
        .find_map(|k| activity.get(*k).filter(|v| !v.is_null()))
}

pub(super) fn string_list(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| a.iter().filter_map(label_of).collect())
        .unwrap_or_default()
}

/// Consecutive days folded into ranges: `2026-10-14 – 2026-10-15`.
pub(super) fn day_ranges(days: &[String]) -> Vec<String> {
    let mut parsed: Vec<chrono::NaiveDate> = days
        .iter()
        .filter_map(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .collect();
    parsed.sort();
    parsed.dedup();
    let mut out = Vec::new();
    let mut i = 0;
    while i < parsed.len() {
        let start = parsed[i];
        let mut end = start;
        while i + 1 < parsed.len() && end.succ_opt() == Some(parsed[i + 1]) {
            i += 1;
            end = parsed[i];
        }
        if start == end {
            out.push(start.to_string());
        } else {
            out.push(format!("{start} – {end}"));
        }
        i += 1;
    }
    // Anything that was not a date is shown as given.
    out.extend(
        days.iter()
            .filter(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_err())
            .map(|d| clip(d, 100)),
    );
    out
}

/// The activity dashboards from whatever the report's `activity` holds (the
/// `orgscan.activity/v1` block; other shapes are read as far as they go, and what is missing
/// is said, never invented).
pub(super) fn activity_view(activity: &Value) -> Value {
    let Some(a) = activity.as_object().filter(|a| !a.is_empty()) else {
        return json!({"present": false, "reason": ""});
    };
    if a.get("available") == Some(&Value::Bool(false)) {
        return json!({"present": false, "reason": "the events collection is not in the snapshot"});
    }
    let mut stats = Vec::new();
    for (key, label) in [
        ("total", "events"),
        ("actors", "actors"),
        ("days_with_events", "days with events"),
        ("duplicates_dropped", "duplicates dropped"),
    ] {
        if let Some(n) = a.get(key).and_then(number) {
            stats.push(json!({"label": label, "value": fmt_count(n)}));
        }
    }
    let covered = a.get("covered");
    for (keys, label) in [
        (["first", "first_time"], "first event"),
        (["last", "last_time"], "last event"),
    ] {
        let found = covered
            .and_then(|c| c.get(keys[0]))
            .or_else(|| a.get(keys[1]))
            .and_then(Value::as_str);
        if let Some(s) = found {
            stats.push(json!({"label": label, "value": clip(s, 40)}));
        }
    }
    let per_day = first_key(a, &["per_day", "events_per_day", "by_day", "timeline"])
        .map(count_pairs)
        .unwrap_or_default();
    let gap_days = string_list(a.get("gap_days"));
    let timeline = timeline(&per_day, &gap_days);
    let mut panels = Vec::new();
    let mut missing = Vec::new();
    match first_key(
        a,
        &[
            "per_group",
            "per_action_group",
            "top_action_groups",
            "action_groups",
            "by_group",
        ],
    ) {
        Some(v) => panels.push(panel("Top action groups", count_pairs(v))),
        None => match first_key(a, &["per_action", "top_actions"]) {
            Some(v) => panels.push(panel("Top actions", count_pairs(v))),
            None => missing.push("No action counts in this report.".to_string()),
        },
    }
    match first_key(a, &["top_actors", "per_actor"]) {
        Some(v) => panels.push(panel("Top actors", count_pairs(v))),
        None => missing.push("No per-actor counts in this report.".to_string()),
    }
    match first_key(a, &["countries", "per_country", "top_countries"]) {
        Some(v) => panels.push(panel("Countries", count_pairs(v))),
        None => missing.push("No country counts in this report.".to_string()),
    }
    if let Some(v) = first_key(a, &["per_product"]) {
        panels.push(panel("Products", count_pairs(v)));
    }
    if let Some(v) = a.get("admin").and_then(|x| x.get("per_action")) {
        panels.push(panel("Admin actions", count_pairs(v)));
    }
    let mut mcp_timeline = json!({"present": false});
    match first_key(a, &["mcp", "mcp_usage"]) {
        Some(Value::Object(m)) => {
            for (k, v) in m {
                let name = clip(&k.replace('_', " "), 60);
                match v {
                    Value::Number(_) => stats.push(json!({
                        "label": format!("MCP {name}"),
                        "value": v.as_f64().map(fmt_count).unwrap_or_default(),
                    })),
                    Value::Object(_) if k == "per_day" => {
                        mcp_timeline = timeline_of(&count_pairs(v));
                    }
                    Value::Object(_) | Value::Array(_) => {
                        let pairs = count_pairs(v);
                        if !pairs.is_empty() {
                            panels.push(panel(&format!("MCP {name}"), pairs));
                        }
                    }
                    _ => {}
                }
            }
        }
        Some(v) => {
            let pairs = count_pairs(v);
            if !pairs.is_empty() {
                panels.push(panel("MCP usage", pairs));
            }
        }
        None => missing.push("No MCP usage figures in this report.".to_string()),
    }
    json!({
        "present": true,
        "stats": stats,
        "timeline": timeline,
        "mcp_timeline": mcp_timeline,
        "panels": panels,
        "missing": missing,
    })
}
