package orgscan.apps.unattested_apps_test

import data.orgscan.apps.unattested_apps as p
import rego.v1

catalogue := [
	{"id": "jira_app_api_activity", "display_name": "Third-party app made a Jira API request", "groups": ["JIRA APP ACTIONS"]},
	{"id": "oauth_app_first_installed", "display_name": "Installed OAuth app (first authorization)", "groups": ["Connected apps"]},
	{"id": "oauth_app_uninstalled", "display_name": "Removed OAuth app", "groups": ["Connected apps"]},
	{"id": "rovo_mcp_tool_invoked", "display_name": "Invoked Rovo MCP tool", "groups": ["Rovo MCP User Actions"]},
]

users := [
	{"accountId": "app-slack", "name": "Slack", "accountType": "app"},
	{"accountId": "app-zapier", "name": "Zapier", "accountType": "app"},
	{"accountId": "app-mcp", "name": "Atlassian MCP", "accountType": "app"},
]

activity(id, app_account, app_id, at) := {"id": id, "action": "jira_app_api_activity", "time": at, "time_ns": time.parse_rfc3339_ns(at), "actor": {"id": app_account, "name": null, "app": app_id, "on_behalf_of": "rachel"}, "context": []}

install(id, name) := {"id": id, "action": "oauth_app_first_installed", "time": "2026-11-03T16:20:40.000Z", "time_ns": 1, "actor": {"id": "rachel", "name": "Rachel Kim"}, "context": [{"id": "zapier-app", "type": "apps", "attributes": {"name": name}}]}

tool(id) := {"id": id, "action": "rovo_mcp_tool_invoked", "time": "2026-11-19T21:00:04.000Z", "time_ns": 1, "actor": {"id": "kevin", "name": "Kevin", "app": "mcp-app-id"}, "context": []}

att(apps) := {"attested_by": "d", "attested_at": "2026-11-10T09:00:00.000Z", "connected_apps": [{"name": n, "kind": k} | some a in apps; n := a[0]; k := a[1]]}

inp(apps, by_action) := {
	"config": {"controls": {"ATL-APP-007": {"install_action_pattern": "(?i)oauth|mcp|connected app|3lo", "ignore_apps": []}}, "org": {}},
	"users": users,
	"event_actions": catalogue,
	"attestation": att(apps),
	"events": {"available": true, "per_action": {a: count(e) | some a, e in by_action}},
	"events_by_action": by_action,
}

test_attested_apps_pass if {
	i := inp([["slack", "oauth"], ["Atlassian MCP", "mcp"]], {
		"jira_app_api_activity": [activity("e1", "app-slack", "slack-id", "2026-11-02T09:45:10.000Z"), activity("e2", "app-mcp", "mcp-app-id", "2026-11-17T10:14:05.000Z")],
		"rovo_mcp_tool_invoked": [tool("t1")],
	})
	count(p.deny) == 0 with input as i
	count(p.not_evaluable) == 0 with input as i
}

test_unattested_app_activity_fails_once_per_app if {
	i := inp([["Slack", "oauth"]], {"jira_app_api_activity": [
		activity("e1", "app-zapier", "zapier-id", "2026-11-05T15:11:00.000Z"),
		activity("e2", "app-zapier", "zapier-id", "2026-11-06T21:11:07.000Z"),
		activity("e3", "app-slack", "slack-id", "2026-11-06T21:11:07.000Z"),
	]})
	findings := p.deny with input as i
	count(findings) == 1
	some f in findings
	f.resource.name == "Zapier"
	f.evidence.observed.events == 2
	f.evidence.first_seen == "2026-11-05T15:11:00.000Z"
	f.evidence.on_behalf_of == ["rachel"]
}

test_unattested_install_is_found_from_the_catalogue if {
	i := inp([["Slack", "oauth"]], {"oauth_app_first_installed": [install("i1", "Zapier")]})
	findings := p.deny with input as i
	count(findings) == 1
	some f in findings
	f.evidence.installed_by == ["Rachel Kim"]
}

test_install_and_activity_of_one_app_are_one_finding if {
	i := inp([["Slack", "oauth"]], {
		"oauth_app_first_installed": [install("i1", "zapier")],
		"jira_app_api_activity": [activity("e1", "app-zapier", "zapier-id", "2026-11-05T15:11:00.000Z")],
	})
	count(p.deny) == 1 with input as i
}

test_mcp_tool_calls_need_an_attested_mcp_app if {
	i := inp([["Slack", "oauth"]], {"rovo_mcp_tool_invoked": [tool("t1")]})
	findings := p.deny with input as i
	count(findings) == 1
	some f in findings
	f.resource.name == "Atlassian MCP"
	count(p.deny) == 0 with input as inp([["Slack", "oauth"], ["Rovo MCP server", "oauth"]], {"rovo_mcp_tool_invoked": [tool("t1")]})
}

test_ignored_apps_pass if {
	i := json.patch(inp([], {"jira_app_api_activity": [activity("e1", "app-zapier", "z", "2026-11-05T15:11:00.000Z")]}), [{"op": "replace", "path": "/config/controls/ATL-APP-007/ignore_apps", "value": ["ZAPIER"]}])
	count(p.deny) == 0 with input as i
}

test_install_events_that_were_not_loaded_are_not_evaluable if {
	i := object.union(inp([], {}), {"events": {"available": true, "per_action": {"oauth_app_first_installed": 3}}})
	count(p.deny) == 0 with input as i
	count(p.not_evaluable) == 1 with input as i
}

test_app_attested_by_id_or_spelling_variant_passes if {
	i := inp([["zapier-id", "oauth"], ["GitHub-for-Jira", "connect"]], {"jira_app_api_activity": [
		activity("e1", "app-zapier", "zapier-id", "2026-11-05T15:11:00.000Z"),
		activity("e2", "app-gh", "gh-id", "2026-11-05T15:11:00.000Z"),
	]})
	users2 := array.concat(users, [{"accountId": "app-gh", "name": "GitHub for Jira", "accountType": "app"}])
	count(p.deny) == 0 with input as object.union(i, {"users": users2})
}

test_app_outside_the_directory_is_still_found if {
	e := {"id": "e9", "action": "jira_app_api_activity", "time": "2026-11-05T15:11:00.000Z", "time_ns": 1, "actor": {"id": "app-unknown", "name": "Shadow AI", "app": "shadow-id"}, "context": []}
	findings := p.deny with input as inp([["Slack", "oauth"]], {"jira_app_api_activity": [e]})
	some f in findings
	f.resource.name == "Shadow AI"
}
