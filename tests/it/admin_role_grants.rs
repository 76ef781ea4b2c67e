//! ATL-DET-021 end to end on product-role grants (`user_granted_role`, `group_granted_role`):
//! the pass keeps only those whose context or message could mention admin (the `mentions`
//! filter of the role_grants fact), the policy checks exactly, and a fact cut at its limit
//! makes the control say so instead of passing.

use crate::support;

use serde_json::{json, Value};
use std::path::Path;
use support::*;

const ID: &str = "ATL-DET-021";

/// A grant as the API serves it: every event and context object carries links to
/// admin.atlassian.com, so the word is on every line and only context and message may count.
/// `ESCAPED` in the context becomes a JSON `\u` escape in the stored line.
fn grant(id: &str, time: &str, action: &str, actor: &str, context: Value, message: &str) -> String {
    let links = |path: &str| json!({"self": format!("https://api.atlassian.com/admin/v1/orgs/org-small/{path}"), "alt": format!("https://admin.atlassian.com/o/org-small/{path}")});
    let line = json!({
        "id": id,
        "type": "events",
        "attributes": {
            "time": time,
            "action": action,
            "actor": {"id": actor, "name": format!("Name {actor}"), "links": links(&format!("users/{actor}"))},
            "context": context,
            "container": [{"id": "org-small", "type": "orgs", "links": links("")}],
            "location": {"ip": "203.0.113.7", "countryName": "Germany", "city": "Berlin"}
        },
        "links": links(&format!("events/{id}")),
        "message": {"content": message, "format": "simple"}
    })
    .to_string();
    line.replace("ESCAPED_E", "\\u00eb")
        .replace("ESCAPED_A", "\\u0041")
}

fn person(id: &str) -> Value {
    json!([{"id": id, "type": "users", "attributes": {"name": "Carl", "accountType": "atlassian"},
            "links": {"alt": format!("https://admin.atlassian.com/o/org-small/users/{id}")}}])
}

const PRODUCT_ROLE: &str = "Granted role to user for product";

/// 2026-11-04 is a Wednesday; working hours are 08:00-18:00 UTC by default.
fn grants() -> Vec<String> {
    vec![
        // Off hours, the context names an admin role: counts.
        grant(
            "r1",
            "2026-11-04T02:00:00.000Z",
            "user_granted_role",
            "adm",
            json!([{"id": "role-1", "type": "roles", "attributes": {"roleName": "Jira Administrator"}}]),
            PRODUCT_ROLE,
        ),
        // Off hours, a product role: admin only in the links, dropped by the pass.
        grant(
            "r2",
            "2026-11-04T02:10:00.000Z",
            "user_granted_role",
            "adm",
            person("u1"),
            PRODUCT_ROLE,
        ),
        // Off hours, an escape the filter keeps undecoded, mentioning no admin: held, not counted.
        grant(
            "r3",
            "2026-11-05T03:00:00.000Z",
            "group_granted_role",
            "ops",
            json!([{"id": "g1", "type": "groups", "attributes": {"name": "ZoESCAPED_E's team"}}]),
            "Granted role to group for product",
        ),
        // Working hours, the message names admin: held, not counted.
        grant(
            "r4",
            "2026-11-05T10:00:00.000Z",
            "group_granted_role",
            "ops",
            json!([]),
            "Granted Confluence admin role to group",
        ),
        // Off hours, the admin role spelled with an escape: counts.
        grant(
            "r5",
            "2026-11-06T23:00:00.000Z",
            "user_granted_role",
            "ops",
            json!([{"id": "role-2", "type": "roles", "attributes": {"roleName": "Site ESCAPED_Administrator"}}]),
            PRODUCT_ROLE,
        ),
    ]
}

/// Scans the grants with an optional orgscan.toml for DET-021; the report and the dumped input.
fn scan(dir: &Path, settings: &str) -> (Value, Value) {
    std::fs::create_dir_all(dir).unwrap();
    let snap = dir.join("snap");
    write_snapshot(&snap, &small_org(), Some(&grants()));
    let input = dir.join("input.json");
    let mut args = vec!["--dump-input", input.to_str().unwrap()];
    let cfg = dir.join("orgscan.toml");
    if !settings.is_empty() {
        std::fs::write(&cfg, format!("[controls.{ID}]\n{settings}")).unwrap();
        args.extend(["--config", cfg.to_str().unwrap()]);
    }
    let report = scan_json_report(&snap, dir, &args);
    let input: Value = serde_json::from_slice(&std::fs::read(input).unwrap()).unwrap();
    (report, input)
}

fn ids(events: &Value) -> Vec<&str> {
    events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect()
}

#[test]
fn only_grants_whose_context_or_message_mention_admin_reach_the_policy() {
    let tmp = tempfile::tempdir().unwrap();
    let (report, input) = scan(tmp.path(), "");
    let fact = &input["facts"]["declared"][ID]["role_grants"];
    assert_eq!(ids(&fact["events"]), ["r1", "r3", "r4", "r5"], "{fact:#}");
    assert_eq!(
        (fact["total"].as_u64(), fact["truncated"].as_u64()),
        (Some(4), Some(0))
    );
    // The product-role grants are no longer held as slim events of their action.
    let by_action = input["events_by_action"].as_object().unwrap();
    assert!(
        !by_action.contains_key("user_granted_role")
            && !by_action.contains_key("group_granted_role")
    );

    let c = report_control(&report, ID);
    assert_eq!(c["status"], "fail", "{c:#}");
    let findings: Vec<(&str, Vec<&str>)> = c["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let events = f["evidence"]["event_ids"].as_array().unwrap();
            let events = events.iter().map(|i| i.as_str().unwrap()).collect();
            (f["resource"]["id"].as_str().unwrap(), events)
        })
        .collect();
    assert_eq!(
        findings,
        [("adm", vec!["r1"]), ("ops", vec!["r5"])],
        "{c:#}"
    );
    assert!(c["findings"][0]["evidence"]
        .get("role_grants_not_examined")
        .is_none());
}

#[test]
fn grants_past_the_limit_are_reported_not_passed() {
    let tmp = tempfile::tempdir().unwrap();
    // The first grant in time order is kept and fails; the finding says 3 were not examined.
    let (report, input) = scan(&tmp.path().join("fail"), "max_role_grants = 1\n");
    let fact = &input["facts"]["declared"][ID]["role_grants"];
    assert_eq!(ids(&fact["events"]), ["r1"]);
    assert_eq!(fact["truncated"], 3);
    let c = report_control(&report, ID);
    assert_eq!(c["status"], "fail", "{c:#}");
    assert_eq!(c["findings"][0]["evidence"]["role_grants_not_examined"], 3);
    // The scan's own warning about the cut fact names it too.
    let warning = format!("{ID}: its `role_grants` fact found 4 items and kept the first 1 (the fact's `limit`): the control judged only those");
    assert!(
        report["warnings"]
            .as_array()
            .unwrap()
            .contains(&json!(warning)),
        "{:#}",
        report["warnings"]
    );

    // Every hour a working hour: nothing kept fails, but grants went unexamined.
    let all_day = "max_role_grants = 1\nwork_start_hour = 0\nwork_end_hour = 24\nworkdays = [\"Monday\", \"Tuesday\", \"Wednesday\", \"Thursday\", \"Friday\", \"Saturday\", \"Sunday\"]\n";
    let (report, _) = scan(&tmp.path().join("unexamined"), all_day);
    let c = report_control(&report, ID);
    assert_eq!(c["status"], "not_evaluable", "{c:#}");
    assert_eq!(
        c["reasons"],
        json!([format!("the role_grants fact dropped 3 product-role grants that may mention admin at its limit, so their hours were not examined; raise max_role_grants under [controls.{ID}] in orgscan.toml")])
    );
    // The same hours with the default limit: a pass, so the reason above is the limit's alone.
    let all_day = all_day.replace("max_role_grants = 1\n", "");
    let (report, _) = scan(&tmp.path().join("pass"), &all_day);
    assert_eq!(report_control(&report, ID)["status"], "pass");
}
