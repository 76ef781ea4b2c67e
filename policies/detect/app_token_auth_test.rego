package orgscan.detect.app_token_auth_test

import data.orgscan.detect.app_token_auth
import rego.v1

ev(id, t) := {"id": id, "time": t, "action": "rovo_mcp_tool_invoked", "actor": {"id": "u1", "name": "Uma", "auth_type": "api-token", "token_id": "tok-1"}}

inp(keys, events) := {"events": {"available": true}, "facts": {"action_sets": {"mcp": {"keys": keys}, "app_activity": {"keys": []}}, "declared": {"ATL-DET-018": {"token_calls": {"events": events}}}}}

test_token_authenticated_mcp_calls_fire_once_per_day if {
	findings := app_token_auth.deny with input as inp(["rovo_mcp_tool_invoked"], [ev("e1", "2026-11-01T10:00:00.000Z"), ev("e2", "2026-11-01T10:01:00.000Z")]) with input.control.id as "ATL-DET-018"
	count(findings) == 1
	some f in findings
	f.evidence.token_ids == ["tok-1"]
	f.evidence.count == 2
}

test_near_miss_oauth_calls_pass if {
	count(app_token_auth.deny) == 0 with input as inp(["rovo_mcp_tool_invoked"], []) with input.control.id as "ATL-DET-018"
}

test_not_evaluable_without_mcp_or_app_actions if {
	count(app_token_auth.not_evaluable) == 1 with input as inp([], []) with input.control.id as "ATL-DET-018"
}

test_calls_by_an_app_for_the_person_join_the_persons_finding if {
	by_app := object.union(ev("e3", "2026-11-01T11:00:00.000Z"), {"actor": {"id": "app-1", "on_behalf_of": "u1", "auth_type": "api-token", "token_id": "tok-2"}})
	findings := app_token_auth.deny with input as inp(["rovo_mcp_tool_invoked"], [ev("e1", "2026-11-01T10:00:00.000Z"), by_app]) with input.control.id as "ATL-DET-018"
	count(findings) == 1
	some f in findings
	f.resource.id == "u1"
	f.evidence.token_ids == ["tok-1", "tok-2"]
	f.evidence.actors == ["app-1", "u1"]
}

test_calls_on_two_days_are_two_findings if {
	findings := app_token_auth.deny with input as inp(["rovo_mcp_tool_invoked"], [ev("e1", "2026-11-01T23:59:00.000Z"), ev("e2", "2026-11-02T00:01:00.000Z")]) with input.control.id as "ATL-DET-018"
	count(findings) == 2
}
