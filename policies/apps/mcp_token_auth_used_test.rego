package orgscan.apps.mcp_token_auth_used_test

import data.orgscan.apps.mcp_token_auth_used as p
import rego.v1

catalogue := [
	{"id": "rovo_mcp_tool_invoked", "display_name": "Invoked Rovo MCP tool", "groups": ["Rovo MCP User Actions"]},
	{"id": "jira_app_api_activity", "display_name": "Third-party app made a Jira API request", "groups": []},
]

ev(id, action, at, auth, token) := {"id": id, "action": action, "time": at, "time_ns": time.parse_rfc3339_ns(at), "actor": {"id": "noah", "name": "Noah", "auth_type": auth, "token_id": token, "app": "mcp-app"}}

inp(enabled, by_action) := {"attestation": {"attested_by": "d", "attested_at": "2026-11-10T09:00:00.000Z", "mcp": {"enabled": true, "api_token_auth_enabled": enabled}}, "event_actions": catalogue, "events_by_action": by_action}

test_oauth_calls_pass if {
	count(p.deny) == 0 with input as inp(false, {"rovo_mcp_tool_invoked": [ev("e1", "rovo_mcp_tool_invoked", "2026-11-17T10:12:03.000Z", "auth-token-for-3LO", null)]})
}

test_token_calls_after_attestation_fail_once_per_token if {
	i := inp(false, {
		"rovo_mcp_tool_invoked": [
			ev("e1", "rovo_mcp_tool_invoked", "2026-11-17T10:12:03.000Z", "api-token", "tok-1"),
			ev("e2", "rovo_mcp_tool_invoked", "2026-11-17T10:12:44.000Z", "api-token", "tok-1"),
		],
		"jira_app_api_activity": [ev("e3", "jira_app_api_activity", "2026-11-17T10:14:05.000Z", "api-token", "tok-1")],
	})
	findings := p.deny with input as i
	count(findings) == 1
	some f in findings
	f.resource.id == "tok-1"
	f.evidence.observed.events == 3
}

test_token_calls_before_attestation_pass if {
	count(p.deny) == 0 with input as inp(false, {"rovo_mcp_tool_invoked": [ev("e1", "rovo_mcp_tool_invoked", "2026-11-01T10:12:03.000Z", "api-token", "tok-1")]})
}

test_not_applicable_when_token_auth_is_attested_on if {
	i := inp(true, {"rovo_mcp_tool_invoked": [ev("e1", "rovo_mcp_tool_invoked", "2026-11-17T10:12:03.000Z", "api-token", "tok-1")]})
	count(p.deny) == 0 with input as i
	count(p.not_applicable) == 1 with input as i
}
