package orgscan.apps.mcp_token_auth_used_test

import data.orgscan.apps.mcp_token_auth_used as p
import rego.v1

# The `values` items the event pass writes for API-token requests after the attestation date.
use(token, actions, first, last) := {
	"key": {"token": token},
	"values": [{"value": a[0], "count": a[1], "first": first, "last": last, "event_ids": [sprintf("%s-%s", [token, a[0]])]} | some a in actions],
	"count": sum([a[1] | some a in actions]), "first": first, "last": last,
	"event_ids": sort([sprintf("%s-%s", [token, a[0]]) | some a in actions]),
}

people(token, ids) := {"key": {"token": token}, "values": [{"value": i, "count": 1, "event_ids": []} | some i in ids]}

inp(enabled, uses, who) := {
	"attestation": {"attested_by": "d", "attested_at": "2026-11-10T09:00:00.000Z", "mcp": {"enabled": true, "api_token_auth_enabled": enabled}},
	"events": {"available": true},
	"facts": {"declared": {"ATL-APP-008": {"token_use": {"items": uses, "truncated": 0}, "token_people": {"items": who}}}},
}

tok1 := use("tok-1", [["rovo_mcp_tool_invoked", 2], ["jira_app_api_activity", 1]], "2026-11-17T10:12:03.000Z", "2026-11-17T10:14:05.000Z")

test_no_token_requests_pass if {
	count(p.deny) == 0 with input as inp(false, [], []) with input.control.id as "ATL-APP-008"
	count(p.not_evaluable) == 0 with input as inp(false, [], []) with input.control.id as "ATL-APP-008"
}

test_token_requests_after_attestation_fail_once_per_token if {
	findings := p.deny with input as inp(false, [tok1], [people("tok-1", ["noah"])]) with input.control.id as "ATL-APP-008"
	count(findings) == 1
	some f in findings
	f.resource.id == "tok-1"
	f.evidence.observed.events == 3
	f.evidence.observed.actions == ["jira_app_api_activity", "rovo_mcp_tool_invoked"]
	f.evidence.observed.people == ["noah"]
	f.evidence.first_seen == "2026-11-17T10:12:03.000Z"
}

test_two_tokens_are_two_findings if {
	tok2 := use("unknown token", [["rovo_mcp_tool_invoked", 1]], "2026-11-18T10:00:00.000Z", "2026-11-18T10:00:00.000Z")
	count(p.deny) == 2 with input as inp(false, [tok1, tok2], []) with input.control.id as "ATL-APP-008"
}

test_not_applicable_when_token_auth_is_attested_on if {
	i := inp(true, [tok1], [])
	count(p.deny) == 0 with input as i with input.control.id as "ATL-APP-008"
	count(p.not_applicable) == 1 with input as i with input.control.id as "ATL-APP-008"
}

test_truncated_tokens_are_not_evaluable if {
	i := json.patch(inp(false, [tok1], []), [{"op": "replace", "path": "/facts/declared/ATL-APP-008/token_use/truncated", "value": 3}])
	count(p.not_evaluable) == 1 with input as i with input.control.id as "ATL-APP-008"
}
