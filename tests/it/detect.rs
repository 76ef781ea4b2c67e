//! End to end: a small snapshot whose events are built to fire (and to nearly fire) each
//! detection, scanned by the real binary with the shipped pack; checks statuses, grouped
//! findings, declared facts, resolved action keys, the activity block, dedupe and errors.

use crate::support;

use orgscan::snapshot::Collection;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::Path;
use support::*;

struct Ev {
    id: String,
    time: String,
    action: &'static str,
    actor: Value,
    context: Value,
    location: Option<Value>,
}

fn person(id: &str) -> Value {
    json!({"id": id, "name": format!("Name {id}")})
}

fn berlin(ip: &str) -> Option<Value> {
    Some(json!({"ip": ip, "countryName": "Germany", "city": "Berlin"}))
}

impl Ev {
    fn new(n: usize, time: &str, action: &'static str, actor: &str) -> Ev {
        Ev {
            id: format!("00000000-0000-4000-8000-{n:012}"),
            time: time.to_string(),
            action,
            actor: person(actor),
            context: json!([]),
            location: berlin("203.0.113.7"),
        }
    }
    fn line(&self) -> String {
        let mut attrs = json!({"time": self.time, "action": self.action, "actor": self.actor,
            "context": self.context, "container": [{"id": "org-small", "type": "orgs"}]});
        if let Some(l) = &self.location {
            attrs["location"] = l.clone();
        }
        json!({"id": self.id, "type": "events", "attributes": attrs,
               "message": {"content": self.action, "format": "simple"}})
        .to_string()
    }
}

fn t(day: u32, hour: u32, minute: u32) -> String {
    format!("2026-11-{day:02}T{hour:02}:{minute:02}:00.000Z")
}

fn catalogue() -> Value {
    let entries: &[(&str, &str, &str)] = &[
        ("user_login", "Logged in to account", "ATLASSIAN ACCOUNTS"),
        (
            "user_added_to_group",
            "Added user to group",
            "USER MANAGEMENT",
        ),
        (
            "user_granted_product_access",
            "Granted product access to user",
            "USER MANAGEMENT",
        ),
        ("api_token_created", "Created admin API key", "SETTINGS"),
        ("ts_api_token_creation", "Created API token", "SETTINGS"),
        (
            "user_logged_in_as_user",
            "Logged in as user",
            "USER MANAGEMENT",
        ),
        (
            "twosv_unenforced",
            "Stopped enforcing two-step verification",
            "SECURITY POLICIES",
        ),
        (
            "added_org_admin",
            "Added user as organization admin",
            "SETTINGS",
        ),
        (
            "third_party_integration_connected",
            "Connected to third party integrations",
            "USER ACCESS SETTINGS",
        ),
        (
            "jira_app_api_activity",
            "Third-party app made a Jira API request",
            "JIRA APP ACTIONS",
        ),
        (
            "oauth_app_first_installed",
            "Installed OAuth app (first authorization)",
            "Connected apps",
        ),
        (
            "rovo_mcp_tool_invoked",
            "Invoked Rovo MCP tool",
            "Rovo MCP User Actions",
        ),
    ];
    Value::Array(
        entries
            .iter()
            .map(|(id, name, group)| json!({"type": "eventActions", "id": id, "attributes": {"displayName": name, "groupDisplayNames": [group]}}))
            .collect(),
    )
}

/// Events that fire every detection once, plus near misses that must not fire.
fn events() -> Vec<String> {
    let mut evs: Vec<Ev> = Vec::new();
    let mut n = 0;
    let mut push = |mut e: Ev, evs: &mut Vec<Ev>| {
        n += 1;
        e.id = format!("00000000-0000-4000-8000-{n:012}");
        evs.push(e);
    };
    // Baseline: "u1" signs in daily from Berlin for 10 days (20 events).
    for day in 1..=10 {
        for h in [9, 15] {
            push(Ev::new(0, &t(day, h, 0), "user_login", "u1"), &mut evs);
        }
    }
    // Infrequent country + risky country: one sign-in from Tehran on day 12.
    let mut e = Ev::new(0, &t(12, 9, 0), "user_login", "u1");
    e.location = Some(
        json!({"ip": "5.160.1.1", "countryName": "Iran, Islamic Republic of", "city": "Tehran"}),
    );
    push(e, &mut evs);
    // Impossible travel: Berlin 10:00, Sydney 11:00 on day 13 ("u3").
    push(Ev::new(0, &t(13, 10, 0), "user_login", "u3"), &mut evs);
    let mut e = Ev::new(0, &t(13, 11, 0), "user_login", "u3");
    e.location = Some(json!({"ip": "101.181.1.1", "countryName": "Australia", "city": "Sydney"}));
    push(e, &mut evs);
    // Login outside the allowlist (u4), and a near miss inside it (u1 above).
    let mut e = Ev::new(0, &t(14, 10, 0), "user_login", "u4");
    e.location = berlin("198.51.100.9");
    push(e, &mut evs);
    // Login burst: 21 sign-ins in 40 minutes by "u5"; near miss: 5 (the floor) by "u6".
    for i in 0..21 {
        push(Ev::new(0, &t(15, 10, i * 2), "user_login", "u5"), &mut evs);
    }
    for i in 0..5 {
        push(Ev::new(0, &t(15, 12, i * 2), "user_login", "u6"), &mut evs);
    }
    // Admin baseline: 2 admin actions a day for 4 days, then a day of 30 (incl. 6 grants/hour).
    for day in 1..=4 {
        for h in [10, 11] {
            let mut e = Ev::new(0, &t(day, h, 0), "user_granted_product_access", "adm");
            e.context = json!([{"id": "u1", "type": "users"}]);
            push(e, &mut evs);
        }
    }
    for i in 0..6 {
        let mut e = Ev::new(0, &t(16, 10, i * 5), "user_granted_product_access", "adm");
        e.context = json!([{"id": format!("u{i}"), "type": "users"}]);
        push(e, &mut evs);
    }
    for i in 0..24 {
        let minutes = 12 * 60 + i * 25;
        let mut e = Ev::new(
            0,
            &t(16, minutes / 60, minutes % 60),
            "user_granted_product_access",
            "adm",
        );
        e.context = json!([{"id": "u1", "type": "users"}]);
        push(e, &mut evs);
    }
    // Group additions: u2 added twice in 10 minutes, once to an admin group.
    let mut e = Ev::new(0, &t(17, 10, 0), "user_added_to_group", "adm");
    e.context = json!([{"id": "u2", "type": "users"}, {"id": "g1", "type": "groups", "attributes": {"groupName": "engineering"}}]);
    push(e, &mut evs);
    let mut e = Ev::new(0, &t(17, 10, 10), "user_added_to_group", "adm");
    e.context = json!([{"id": "u2", "type": "users"}, {"id": "g2", "type": "groups", "attributes": {"groupName": "org-admins"}}]);
    push(e, &mut evs);
    // One-off actions.
    push(
        Ev::new(0, &t(17, 11, 0), "api_token_created", "adm"),
        &mut evs,
    );
    push(
        Ev::new(0, &t(17, 11, 5), "ts_api_token_creation", "u1"),
        &mut evs,
    );
    push(
        Ev::new(0, &t(17, 11, 10), "user_logged_in_as_user", "adm"),
        &mut evs,
    );
    push(
        Ev::new(0, &t(17, 11, 15), "twosv_unenforced", "adm"),
        &mut evs,
    );
    push(
        Ev::new(
            0,
            &t(17, 11, 20),
            "third_party_integration_connected",
            "adm",
        ),
        &mut evs,
    );
    // Admin granted at 02:00 UTC on a Wednesday (off hours); a near miss at 09:00.
    push(Ev::new(0, &t(18, 2, 0), "added_org_admin", "adm"), &mut evs);
    push(Ev::new(0, &t(18, 9, 0), "added_org_admin", "adm"), &mut evs);
    // OAuth / MCP app first install.
    let mut e = Ev::new(0, &t(18, 10, 0), "oauth_app_first_installed", "u1");
    e.context = json!([{"id": "app-mcp", "type": "apps", "attributes": {"name": "Atlassian MCP"}}]);
    push(e, &mut evs);
    // MCP: u1 calls 2 tools an hour for 6 hours, then 40 in one hour; one call via an API token.
    for h in 0..6 {
        for m in [0, 30] {
            let mut e = Ev::new(0, &t(19, 8 + h, m), "rovo_mcp_tool_invoked", "u1");
            e.actor["auth"] = json!({"authType": "auth-token-for-3LO"});
            e.context = json!([{"id": "tool/getJiraIssue", "type": "mcp-tools", "attributes": {"toolName": "getJiraIssue", "status": "success"}}]);
            push(e, &mut evs);
        }
    }
    for m in 0..40 {
        let mut e = Ev::new(
            0,
            &format!("2026-11-19T15:{m:02}:30.000Z"),
            "rovo_mcp_tool_invoked",
            "u1",
        );
        e.actor["auth"] = json!({"authType": "auth-token-for-3LO"});
        let status = if m % 10 == 0 { "error" } else { "success" };
        e.context = json!([{"id": "tool/searchJiraIssuesUsingJql", "type": "mcp-tools", "attributes": {"toolName": "searchJiraIssuesUsingJql", "status": status}}]);
        push(e, &mut evs);
    }
    let mut e = Ev::new(0, &t(19, 16, 0), "rovo_mcp_tool_invoked", "u4");
    e.actor["auth"] = json!({"authType": "api-token", "tokenId": "tok-9"});
    e.context = json!([{"id": "tool/getJiraIssue", "type": "mcp-tools", "attributes": {"toolName": "getJiraIssue"}}]);
    push(e, &mut evs);
    // App activity on behalf of a deactivated user ("gone") and an active one ("u1").
    for (who, minute) in [("gone", 0), ("u1", 5)] {
        let mut e = Ev::new(0, &t(19, 17, minute), "jira_app_api_activity", "app-acct");
        e.actor = json!({"id": "app-acct", "name": "Zapier", "auth": {"authType": "auth-token-for-3LO"},
            "onBehalfOf": {"id": who, "name": format!("Name {who}")}, "app": {"id": "ari:app/zapier"}});
        e.location =
            Some(json!({"ip": "52.4.1.1", "countryName": "United States", "city": "Ashburn"}));
        push(e, &mut evs);
    }
    let mut lines: Vec<String> = evs.iter().map(Ev::line).collect();
    // A cursor race delivered one event twice.
    lines.push(lines[0].clone());
    lines
}

fn collections() -> BTreeMap<Collection, Value> {
    let mut c = small_org();
    c.insert(Collection::EventActions, catalogue());
    c.insert(
        Collection::OrgPolicies,
        json!([{"type": "policy", "id": "p1", "attributes": {"type": "ip-allowlist", "name": "Office", "status": "enabled", "rule": {"in": ["203.0.113.0/24"]}}}]),
    );
    c.insert(
        Collection::Users,
        json!([
            {"accountId": "u1", "name": "Name u1", "status": "active", "accountStatus": "active", "platformRoles": []},
            {"accountId": "gone", "name": "Name gone", "status": "deactivated", "accountStatus": "inactive", "platformRoles": []}
        ]),
    );
    c
}

fn scan(dir: &Path, extra: &[&str]) -> (Value, Value) {
    let snap = dir.join("snap");
    let events = events();
    write_snapshot(&snap, &collections(), Some(&events));
    let input = dir.join("input.json");
    // A small org without attestation leaves most posture points unevaluable; these tests
    // are about the detections, not the coverage gate (scan_json_report sets --min-coverage 0).
    let mut args = vec!["--dump-input", input.to_str().unwrap()];
    args.extend_from_slice(extra);
    let report = scan_json_report(&snap, dir, &args);
    let input: Value = serde_json::from_slice(&std::fs::read(input).unwrap()).unwrap();
    (report, input)
}

#[test]
fn every_detection_fires_once_on_its_planted_incident() {
    let tmp = tempfile::tempdir().unwrap();
    let (report, input) = scan(tmp.path(), &[]);
    let expect_fail: &[(&str, usize, &str)] = &[
        ("ATL-DET-001", 1, "u1"),
        ("ATL-DET-002", 1, "u2"),
        ("ATL-DET-003", 1, "adm"),
        ("ATL-DET-004", 1, "adm"),
        ("ATL-DET-005", 1, "u1"),
        ("ATL-DET-006", 1, "adm"),
        ("ATL-DET-008", 3, "u4"), // also the Tehran and Sydney sign-ins
        ("ATL-DET-009", 1, "u5"),
        ("ATL-DET-010", 1, "adm"),
        ("ATL-DET-012", 1, "u1"),
        ("ATL-DET-013", 1, "u3"),
        ("ATL-DET-014", 1, "adm"),
        ("ATL-DET-015", 1, "adm"),
        ("ATL-DET-016", 1, "u1"),
        ("ATL-DET-017", 1, "u1"),
        ("ATL-DET-018", 1, "u4"),
        ("ATL-DET-019", 1, "gone"),
        ("ATL-DET-020", 1, "adm"),
        ("ATL-DET-021", 1, "adm"),
    ];
    for (id, n, who) in expect_fail {
        let c = report_control(&report, id);
        assert_eq!(c["status"], "fail", "{id}: {c:#}");
        assert_eq!(c["findings"].as_array().unwrap().len(), *n, "{id}: {c:#}");
        let who_all: Vec<&Value> = c["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| &f["resource"]["id"])
            .collect();
        assert!(who_all.contains(&&json!(who)), "{id}: {c:#}");
    }
    // "gone" has no deactivation event and no deactivatedOn: the finding says the change time
    // is unknown, and the values fact carries each kept id's time for the split.
    let gone = &report_control(&report, "ATL-DET-019")["findings"][0];
    assert_eq!(
        gone["evidence"]["inactive_since_source"], "unknown",
        "{gone:#}"
    );
    assert_eq!(gone["evidence"]["count_exact"], false, "{gone:#}");
    let per_user = &input["facts"]["declared"]["ATL-DET-019"]["per_user"]["items"][0];
    assert_eq!(
        per_user["event_times"].as_array().map(Vec::len),
        per_user["event_ids"].as_array().map(Vec::len),
        "{per_user:#}"
    );
    // No failed-login action in the catalogue: not evaluable, with the reason.
    let failed = report_control(&report, "ATL-DET-007");
    assert_eq!(failed["status"], "not_evaluable");
    assert!(failed["reasons"][0]
        .as_str()
        .unwrap()
        .contains("no failed-login action"));
    // No suspicious-IP list configured.
    assert_eq!(
        report_control(&report, "ATL-DET-011")["status"],
        "not_evaluable"
    );

    // The burst of 6 grants in 25 minutes is one finding with all six ids.
    let burst = &report_control(&report, "ATL-DET-006")["findings"][0]["evidence"];
    assert_eq!(burst["count"], 6);
    assert_eq!(burst["event_ids"].as_array().unwrap().len(), 6);

    // Resolved unpublished keys are in the facts and the report.
    assert_eq!(
        input["facts"]["action_sets"]["mcp_tool"]["keys"],
        json!(["rovo_mcp_tool_invoked"])
    );
    assert_eq!(
        input["facts"]["action_sets"]["oauth_install"]["keys"],
        json!(["oauth_app_first_installed"])
    );
    let activity = &report["activity"];
    assert_eq!(activity["schema"], "orgscan.activity/v1");
    assert_eq!(
        activity["mcp"]["tool_action_keys"],
        json!(["rovo_mcp_tool_invoked"])
    );
    assert_eq!(activity["mcp"]["total"], 53);
    assert_eq!(
        activity["mcp"]["per_tool"]["searchJiraIssuesUsingJql"]["errors"],
        4
    );
    assert_eq!(activity["mcp"]["per_user"][0]["id"], "u1");
    assert_eq!(activity["duplicates_dropped"], 1);
    assert_eq!(activity["total"], input["events"]["total"]);
    assert!(activity["gap_days"]
        .as_array()
        .unwrap()
        .contains(&json!("2026-11-11")));
    assert!(
        activity["per_group"]["Rovo MCP User Actions"]
            .as_u64()
            .unwrap()
            >= 53
    );
    assert_eq!(activity["admin"]["top_actors"][0]["id"], "adm");
}

#[test]
fn config_overrides_reach_the_rust_facts() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("bad-ips.txt"), "# feed\n5.160.0.0/16\n").unwrap();
    let cfg = tmp.path().join("orgscan.toml");
    std::fs::write(
        &cfg,
        format!(
            "[controls.ATL-DET-011]\nsuspicious_ips = [\"@{}\"]\n[controls.ATL-DET-009]\nmax_logins = 25\n[controls.ATL-DET-008]\ntrusted_ips = [\"101.181.0.0/16\"]\n",
            tmp.path().join("bad-ips.txt").display()
        ),
    )
    .unwrap();
    let (report, input) = scan(tmp.path(), &["--config", cfg.to_str().unwrap()]);
    let sus = report_control(&report, "ATL-DET-011");
    assert_eq!(sus["status"], "fail", "{sus:#}");
    assert_eq!(sus["findings"][0]["evidence"]["ip"], "5.160.1.1");
    // The trusted egress range removes the Sydney sign-in from the outside-allowlist findings.
    let outside = report_control(&report, "ATL-DET-008");
    assert_eq!(
        outside["findings"].as_array().unwrap().len(),
        2,
        "{outside:#}"
    );
    // The raised floor makes the 21-login hour a near miss, and reaches the Rust fact.
    assert_eq!(report_control(&report, "ATL-DET-009")["status"], "pass");
    assert_eq!(
        input["facts"]["declared"]["ATL-DET-009"]["hours"]["min_count"],
        25
    );
}

#[test]
fn a_malformed_event_line_names_file_line_and_field() {
    let tmp = tempfile::tempdir().unwrap();
    let snap = tmp.path().join("snap");
    let mut lines = events();
    lines.insert(3, r#"{"id":"x","type":"events","attributes":{"time":"yesterday","action":"user_login","actor":{"id":"a"}}}"#.to_string());
    write_snapshot(&snap, &collections(), Some(&lines));
    let o = orgscan(
        &[
            "scan",
            snap.to_str().unwrap(),
            "--out",
            tmp.path().join("o").to_str().unwrap(),
            "-q",
        ],
        tmp.path(),
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("events.ndjson: line 4:") && err.contains("attributes.time"),
        "{err}"
    );
}

/// ATL-APP-007 and ATL-APP-008 read app activity only through declared facts; this checks the
/// Rust side of them (set resolution, `where` filters incl. `after: "@attested_at"`,
/// `key_default`) against real event lines, with an attestation in the snapshot.
#[test]
fn app_controls_read_app_activity_from_declared_facts() {
    let tmp = tempfile::tempdir().unwrap();
    let snap = tmp.path().join("snap");
    let mut lines = events();
    let mcp_call = |n: usize, time: &str, auth: Value, app: bool| {
        let mut e = Ev::new(900 + n, time, "rovo_mcp_tool_invoked", "u5");
        e.actor["auth"] = auth;
        if app {
            e.actor["app"] = json!({"id": "ari:app/rovo-mcp"});
        }
        e.line()
    };
    let token = |id: &str| json!({"authType": "api-token", "tokenId": id});
    // Counted: after the attestation (day 15), API token, app present.
    lines.push(mcp_call(1, &t(16, 9, 0), token("tok-1"), true));
    lines.push(mcp_call(2, &t(16, 9, 5), token("tok-1"), true));
    lines.push(mcp_call(
        3,
        &t(17, 9, 0),
        json!({"authType": "api-token"}),
        true,
    ));
    // Not counted: before the attestation; no app; OAuth.
    lines.push(mcp_call(4, &t(5, 9, 0), token("tok-1"), true));
    lines.push(mcp_call(5, &t(16, 10, 0), token("tok-1"), false));
    lines.push(mcp_call(
        6,
        &t(16, 11, 0),
        json!({"authType": "auth-token-for-3LO"}),
        true,
    ));
    // The Zapier app account, by API token for u1, after the attestation.
    let mut e = Ev::new(910, &t(16, 12, 0), "jira_app_api_activity", "app-acct");
    e.actor = json!({"id": "app-acct", "name": "Zapier", "auth": {"authType": "api-token", "tokenId": "tok-1"},
        "onBehalfOf": {"id": "u1"}, "app": {"id": "ari:app/zapier"}});
    lines.push(e.line());

    let mut c = collections();
    c.insert(
        Collection::Attestation,
        json!({"attested_by": "sec@small.example", "attested_at": "2026-11-15T00:00:00Z",
               "mcp": {"enabled": true, "api_token_auth_enabled": false},
               "connected_apps": [{"name": "Slack", "kind": "oauth"}]}),
    );
    write_snapshot(&snap, &c, Some(&lines));
    let report = scan_json_report(&snap, tmp.path(), &[]);

    let tokens = report_control(&report, "ATL-APP-008");
    assert_eq!(tokens["status"], "fail", "{tokens:#}");
    let by_token: BTreeMap<String, &Value> = tokens["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["resource"]["id"].as_str().unwrap().to_string(),
                &f["evidence"],
            )
        })
        .collect();
    assert_eq!(
        by_token.keys().collect::<Vec<_>>(),
        ["tok-1", "unknown token"],
        "{tokens:#}"
    );
    assert_eq!(by_token["tok-1"]["observed"]["events"], 3);
    assert_eq!(
        by_token["tok-1"]["observed"]["actions"],
        json!(["jira_app_api_activity", "rovo_mcp_tool_invoked"])
    );
    assert_eq!(by_token["tok-1"]["observed"]["people"], json!(["u1", "u5"]));
    assert_eq!(by_token["tok-1"]["first_seen"], "2026-11-16T09:00:00.000Z");
    assert_eq!(by_token["unknown token"]["observed"]["events"], 1);

    let apps = report_control(&report, "ATL-APP-007");
    assert_eq!(apps["status"], "fail", "{apps:#}");
    let zapier = apps["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["resource"]["name"] == "Zapier")
        .unwrap_or_else(|| panic!("{apps:#}"));
    // Two requests for "gone" and "u1" in events() plus the token one; one install is of MCP.
    assert_eq!(zapier["evidence"]["observed"]["events"], 3, "{zapier:#}");
    assert_eq!(zapier["evidence"]["on_behalf_of"], json!(["gone", "u1"]));
    let mcp = apps["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["resource"]["name"] == "Atlassian MCP")
        .unwrap_or_else(|| panic!("{apps:#}"));
    // MCP calls carrying an app id (5 of the 6 above) and the install named "Atlassian MCP".
    assert_eq!(mcp["evidence"]["observed"]["events"], 6, "{mcp:#}");
    assert_eq!(
        mcp["evidence"]["observed"]["kinds"],
        json!(["install", "mcp tool call"])
    );
}

/// A declared fact that finds more items than its `limit` says so in the report: the control
/// judged only the items kept, and the reader must know.
#[test]
fn a_fact_cut_at_its_limit_is_a_report_warning() {
    let tmp = tempfile::tempdir().unwrap();
    let pol = tmp.path().join("pol");
    std::fs::create_dir_all(&pol).unwrap();
    let policy = |limit: u32| {
        format!(
            "# METADATA\n# title: Actors seen\n# description: Every actor of the audit log, one item each.\n# custom:\n#   id: TEST-FACT-1\n#   severity: low\n#   category: Threat detection\n#   points: 1\n#   kind: detection\n#   user_impact: low\n#   implementation_cost: low\n#   remediation: [Look]\n#   config:\n#     facts:\n#       seen:\n#         kind: values\n#         actions: [\"*\"]\n#         by: [actor]\n#         value: action\n#         limit: {limit}\npackage custom.seen\n\nimport rego.v1\n\ndeny contains {{\"resource\": {{\"type\": \"user\", \"id\": i.key.actor}}, \"message\": \"seen\"}} if {{\n\tsome i in input.facts.declared[\"TEST-FACT-1\"].seen.items\n}}\n"
        )
    };
    let warnings = |limit: u32| -> Vec<String> {
        std::fs::write(pol.join("seen.rego"), policy(limit)).unwrap();
        let report = scan_report_into(
            tmp.path(),
            &format!("out-{limit}"),
            &["--policies", pol.to_str().unwrap(), "--no-default-policies"],
        );
        report["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|w| w.as_str())
            .filter(|w| w.starts_with("TEST-FACT-1"))
            .map(str::to_string)
            .collect()
    };
    let cut = warnings(2);
    assert_eq!(cut.len(), 1, "{cut:?}");
    let found: u64 = cut[0]
        .strip_prefix("TEST-FACT-1: its `seen` fact found ")
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{}", cut[0]));
    assert!(found > 2, "{}", cut[0]);
    assert!(
        cut[0].ends_with(
            "items and kept the first 2 (the fact's `limit`): the control judged only those"
        ),
        "{}",
        cut[0]
    );
    // A limit above what it finds: no warning.
    assert_eq!(warnings(100_000), Vec::<String>::new());
}
