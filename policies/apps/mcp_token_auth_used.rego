# METADATA
# title: No MCP or app access by API token while that is attested off
# description: >-
#   The attestation says the Rovo MCP server does not accept API-token authentication, yet the
#   audit log shows Rovo MCP tool calls or app API requests authenticated with a user API token
#   after the attestation date. Either the setting was turned on again, or the attestation is
#   wrong; both mean an agent is reaching your data without OAuth consent or the domain
#   allowlist. One finding per token.
# related_resources:
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/control-atlassian-rovo-mcp-server-settings/
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/monitor-atlassian-rovo-mcp-server-activity/
# custom:
#   id: ATL-APP-008
#   severity: high
#   category: Apps, OAuth and AI agents
#   points: 4
#   kind: posture
#   user_impact: low
#   implementation_cost: low
#   remediation:
#     - In admin.atlassian.com go to Apps > AI settings > Rovo MCP server and check the authentication settings; turn API token authentication off again if it was turned on.
#     - Revoke the listed API token (Security > User security > API tokens) and ask its owner to connect the AI tool through OAuth.
#     - Correct mcp.api_token_auth_enabled in the attestation if it was wrong.
#   data:
#     attestation: [mcp.api_token_auth_enabled]
#     events: [rovo_mcp_tool_invoked, jira_app_api_activity, confluence_app_api_activity]
#   version: 1
package orgscan.apps.mcp_token_auth_used

import data.orgscan.lib.util
import rego.v1

mcp_actions := util.catalogue_matching("(?i)mcp")

loaded := {a | some a, _ in object.get(input, "events_by_action", {}); a in mcp_actions} | {a | some a, _ in object.get(input, "events_by_action", {}); endswith(a, "_app_api_activity")}

since := util.attested_at_ns

token_events := [e |
	util.att("mcp", "api_token_auth_enabled") == false
	after := since
	some a in loaded
	some e in util.events_of(a)
	e.time_ns > after
	object.get(e.actor, "auth_type", null) == "api-token"
	is_string(object.get(e.actor, "app", null))
]

tokens := {object.get(e.actor, "token_id", "unknown token") | some e in token_events}

deny contains {
	"resource": {"type": "api_token", "id": token, "name": sprintf("API token %s", [token])},
	"message": sprintf("%d Rovo MCP or app requests (%s to %s) used API token %s although the attestation says MCP API-token authentication is off", [count(used), first, last, token]),
	"evidence": {
		"source": "events",
		"observed": {"events": count(used), "actions": sort({e.action | some e in used}), "people": sort({n | some e in used; n := object.get(e.actor, "name", object.get(e.actor, "on_behalf_of", null)); is_string(n)})},
		"expected": "no API-token authenticated MCP or app requests (mcp.api_token_auth_enabled = false)",
		"first_seen": first,
		"last_seen": last,
		"sample_event_ids": array.slice(sort([e.id | some e in used]), 0, 5),
		"attested_at": util.attestation.attested_at,
		"to_pass": "turn API-token authentication off again (or correct the attestation) and revoke the token",
	},
} if {
	some token in tokens
	used := [e | some e in token_events; object.get(e.actor, "token_id", "unknown token") == token]
	first := min({e.time | some e in used})
	last := max({e.time | some e in used})
}

not_applicable contains "the attestation says MCP API-token authentication is on (see ATL-APP-004 for its justification)" if {
	util.att("mcp", "api_token_auth_enabled") == true
}
