package orgscan.apps.unattested_apps_test

import data.orgscan.apps.unattested_apps as p
import rego.v1

users := [
	{"accountId": "app-slack", "name": "Slack", "accountType": "app"},
	{"accountId": "app-zapier", "name": "Zapier", "accountType": "app"},
	{"accountId": "app-mcp", "name": "Atlassian MCP", "accountType": "app"},
]

# A per-key `values` item as the event pass writes it: one value with its count and times.
item(key, value, n, first, last, ids) := {
	"key": key,
	"values": [{"value": value, "count": n, "first": first, "last": last, "event_ids": ids}],
	"distinct": 1, "count": n, "first": first, "last": last, "event_ids": ids,
}

# An app account's API activity: `n` Jira requests between two times, with what they carried.
account(id, n, first, last, name, app, person) := {
	"activity": item({"actor": id}, "jira_app_api_activity", n, first, last, [sprintf("%s-%d", [id, i]) | some i in numbers.range(1, n)]),
	"names": [item({"actor": id}, name, n, first, last, []) | is_string(name)],
	"apps": [item({"actor": id}, app, n, first, last, []) | is_string(app)],
	"people": [item({"actor": id}, person, n, first, last, []) | is_string(person)],
}

mcp(app, n) := item({"app": app}, "rovo_mcp_tool_invoked", n, "2026-11-19T21:00:04.000Z", "2026-11-19T21:30:00.000Z", ["t1"])

install(id, name) := {"id": id, "action": "oauth_app_first_installed", "time": "2026-11-03T16:20:40.000Z", "time_ns": 1, "actor": {"id": "rachel", "name": "Rachel Kim"}, "context": [{"id": "zapier-app", "type": "apps", "attributes": {"name": name}}]}

facts(accounts, mcps, installs) := {
	"activity": {"items": [a.activity | some a in accounts], "truncated": 0},
	"activity_names": {"items": [x | some a in accounts; some x in a.names]},
	"activity_apps": {"items": [x | some a in accounts; some x in a.apps]},
	"activity_people": {"items": [x | some a in accounts; some x in a.people]},
	"mcp_calls": {"items": mcps, "truncated": 0},
	"installs": {"events": installs, "truncated": 0},
}

att(apps) := {"attested_by": "d", "attested_at": "2026-11-10T09:00:00.000Z", "connected_apps": [{"name": n, "kind": k} | some a in apps; n := a[0]; k := a[1]]}

inp(apps, f) := {
	"config": {"controls": {"ATL-APP-007": {"ignore_apps": []}}, "org": {}},
	"users": users,
	"attestation": att(apps),
	"events": {"available": true},
	"facts": {"declared": {"ATL-APP-007": f}},
}

slack := account("app-slack", 1, "2026-11-02T09:45:10.000Z", "2026-11-02T09:45:10.000Z", null, "slack-id", "rachel")

zapier := account("app-zapier", 2, "2026-11-05T15:11:00.000Z", "2026-11-06T21:11:07.000Z", null, "zapier-id", "rachel")

test_attested_apps_pass if {
	i := inp([["slack", "oauth"], ["Atlassian MCP", "mcp"]], facts([slack, account("app-mcp", 1, "2026-11-17T10:14:05.000Z", "2026-11-17T10:14:05.000Z", null, "mcp-app-id", "kevin")], [mcp("mcp-app-id", 4)], []))
	count(p.deny) == 0 with input as i with input.control.id as "ATL-APP-007"
	count(p.not_evaluable) == 0 with input as i with input.control.id as "ATL-APP-007"
}

test_unattested_app_activity_fails_once_per_app if {
	findings := p.deny with input as inp([["Slack", "oauth"]], facts([zapier, slack], [], [])) with input.control.id as "ATL-APP-007"
	count(findings) == 1
	some f in findings
	f.resource.name == "Zapier"
	f.evidence.observed.events == 2
	f.evidence.first_seen == "2026-11-05T15:11:00.000Z"
	f.evidence.last_seen == "2026-11-06T21:11:07.000Z"
	f.evidence.on_behalf_of == ["rachel"]
	f.evidence.sample_event_ids == ["app-zapier-1", "app-zapier-2"]
}

test_unattested_install_is_found if {
	findings := p.deny with input as inp([["Slack", "oauth"]], facts([], [], [install("i1", "Zapier")])) with input.control.id as "ATL-APP-007"
	count(findings) == 1
	some f in findings
	f.evidence.installed_by == ["Rachel Kim"]
	f.evidence.observed.kinds == ["install"]
}

test_install_and_activity_of_one_app_are_one_finding if {
	findings := p.deny with input as inp([["Slack", "oauth"]], facts([zapier], [], [install("i1", "zapier")])) with input.control.id as "ATL-APP-007"
	count(findings) == 1
	some f in findings
	f.evidence.observed.events == 3
	f.evidence.first_seen == "2026-11-03T16:20:40.000Z"
	f.evidence.observed.kinds == ["api activity", "install"]
}

test_mcp_tool_calls_need_an_attested_mcp_app if {
	findings := p.deny with input as inp([["Slack", "oauth"]], facts([], [mcp("mcp-app-id", 4)], [])) with input.control.id as "ATL-APP-007"
	count(findings) == 1
	some f in findings
	f.resource.name == "Atlassian MCP"
	f.evidence.observed.events == 4
	count(p.deny) == 0 with input as inp([["Slack", "oauth"], ["Rovo MCP server", "oauth"]], facts([], [mcp("mcp-app-id", 4)], [])) with input.control.id as "ATL-APP-007"
}

test_mcp_app_is_named_by_its_app_account if {
	named := account("app-mcp", 1, "2026-11-17T10:14:05.000Z", "2026-11-17T10:14:05.000Z", null, "mcp-app-id", null)
	findings := p.deny with input as inp([["Slack", "oauth"]], facts([named], [mcp("mcp-app-id", 4)], [])) with input.control.id as "ATL-APP-007"
	count(findings) == 1
	some f in findings
	f.evidence.observed.events == 5
}

test_ignored_apps_pass if {
	i := json.patch(inp([], facts([zapier], [], [])), [{"op": "replace", "path": "/config/controls/ATL-APP-007/ignore_apps", "value": ["ZAPIER"]}])
	count(p.deny) == 0 with input as i with input.control.id as "ATL-APP-007"
}

test_app_attested_by_id_or_spelling_variant_passes if {
	gh := account("app-gh", 1, "2026-11-05T15:11:00.000Z", "2026-11-05T15:11:00.000Z", null, "gh-id", null)
	i := inp([["zapier-id", "oauth"], ["GitHub-for-Jira", "connect"]], facts([zapier, gh], [], []))
	users2 := array.concat(users, [{"accountId": "app-gh", "name": "GitHub for Jira", "accountType": "app"}])
	count(p.deny) == 0 with input as object.union(i, {"users": users2}) with input.control.id as "ATL-APP-007"
}

test_app_outside_the_directory_is_named_from_its_events if {
	shadow := account("app-unknown", 1, "2026-11-05T15:11:00.000Z", "2026-11-05T15:11:00.000Z", "Shadow AI", "shadow-id", null)
	findings := p.deny with input as inp([["Slack", "oauth"]], facts([shadow], [], [])) with input.control.id as "ATL-APP-007"
	some f in findings
	f.resource.name == "Shadow AI"
}

test_a_truncated_fact_is_not_evaluable if {
	f := object.union(facts([], [], [install("i1", "Zapier")]), {"installs": {"truncated": 12}})
	reasons := p.not_evaluable with input as inp([["Slack", "oauth"]], f) with input.control.id as "ATL-APP-007"
	reasons == {"the installs fact dropped 12 items at its limit; raise config.facts.installs.limit in orgscan.toml"}
}

test_no_events_is_not_evaluable if {
	i := object.union(inp([], facts([], [], [])), {"events": {"available": false, "unavailable_reason": "403"}})
	count(p.not_evaluable) == 1 with input as i with input.control.id as "ATL-APP-007"
}
