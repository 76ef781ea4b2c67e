package orgscan.apps.mcp_logging_test

import data.orgscan.apps.mcp_logging as p
import rego.v1

catalogue := [
	{"id": "user_login", "display_name": "Logged in", "groups": ["ATLASSIAN ACCOUNTS"]},
	{"id": "rovo_mcp_tool_invoked", "display_name": "Invoked Rovo MCP tool", "groups": ["Rovo MCP User Actions"]},
]

inp(audit, cat, per_action) := {
	"config": {"controls": {"ATL-APP-005": {"mcp_action_pattern": "(?i)mcp", "logging_tiers": ["premium", "enterprise"]}}, "org": {}},
	"attestation": {"attested_by": "d", "attested_at": "2026-11-10T09:00:00.000Z", "mcp": {"enabled": true}, "audit_log": audit},
	"collections": {"event_actions": {"available": true}},
	"event_actions": cat,
	"events": {"available": true, "per_action": per_action},
}

good := {"guard_tier": "Premium", "user_created_activity_enabled": true}

test_logged_passes if {
	i := inp(good, catalogue, {"rovo_mcp_tool_invoked": 67})
	count(p.deny) == 0 with input as i with input.control.id as "ATL-APP-005"
	count(p.not_evaluable) == 0 with input as i with input.control.id as "ATL-APP-005"
}

test_standard_tier_fails if {
	findings := p.deny with input as inp({"guard_tier": "standard", "user_created_activity_enabled": true}, catalogue, {"rovo_mcp_tool_invoked": 1}) with input.control.id as "ATL-APP-005"
	count(findings) == 1
}

test_activity_storing_off_fails if {
	count(p.deny) == 1 with input as inp({"guard_tier": "enterprise", "user_created_activity_enabled": false}, catalogue, {"rovo_mcp_tool_invoked": 1}) with input.control.id as "ATL-APP-005"
}

test_catalogue_without_mcp_actions_fails if {
	count(p.deny) == 1 with input as inp(good, [catalogue[0]], {}) with input.control.id as "ATL-APP-005"
}

test_no_mcp_events_is_not_evaluable if {
	i := inp(good, catalogue, {"user_login": 5})
	count(p.deny) == 0 with input as i with input.control.id as "ATL-APP-005"
	count(p.not_evaluable) == 1 with input as i with input.control.id as "ATL-APP-005"
}

test_not_applicable_when_mcp_off if {
	i := json.patch(inp({"guard_tier": "none"}, [], {}), [{"op": "replace", "path": "/attestation/mcp/enabled", "value": false}])
	count(p.deny) == 0 with input as i with input.control.id as "ATL-APP-005"
	count(p.not_applicable) == 1 with input as i with input.control.id as "ATL-APP-005"
}
