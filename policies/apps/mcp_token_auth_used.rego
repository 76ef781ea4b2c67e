# METADATA
# title: No MCP or app access by API token while that is attested off
# description: >-
#   The attestation says the Rovo MCP server does not accept API-token authentication, yet the
#   audit log shows Rovo MCP tool calls or app API requests authenticated with a user API token
#   after the attestation date. Either the setting was turned on again, or the attestation is
#   wrong; both mean an agent is reaching your data without OAuth consent or the domain
#   allowlist. One finding per token. The requests are the catalogue-resolved action sets mcp and
#   app_activity, filtered and grouped per token in the streaming event pass.
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
#     api: [events]
#     attestation: [mcp.api_token_auth_enabled]
#   config:
#     facts:
#       token_use:
#         kind: values
#         actions: [set:mcp, set:app_activity]
#         by: [token]
#         key_default: unknown token
#         value: action
#         per_key: true
#         ids: 5
#         where:
#           auth_type: [api-token]
#           app_present: true
#           after: "@attested_at"
#       token_people:
#         kind: values
#         actions: [set:mcp, set:app_activity]
#         by: [token]
#         key_default: unknown token
#         value: user
#         per_key: true
#         ids: 0
#         where:
#           auth_type: [api-token]
#           app_present: true
#           after: "@attested_at"
#   frameworks:
#     cis-controls-v8: ["6.3"]
#     iso27001-2022: ["8.5"]
#     soc2: ["CC6.1"]
#     nist-800-53-r5: ["IA-2"]
#     nist-csf-2: ["PR.AA-03"]
#   version: 2
package orgscan.apps.mcp_token_auth_used

import data.orgscan.lib.detect
import data.orgscan.lib.util
import rego.v1

id := util.control_id

attested_off if util.att("mcp", "api_token_auth_enabled") == false

# Per token: the MCP/app actions it authenticated after the attestation date.
uses := [i | attested_off; some i in detect.items(id, "token_use", "items")]

people := {i.key.token: sort([v.value | some v in i.values]) | some i in detect.items(id, "token_people", "items")}

deny contains {
	"resource": {"type": "api_token", "id": token, "name": sprintf("API token %s", [token])},
	"message": sprintf("%d Rovo MCP or app requests (%s to %s) used API token %s although the attestation says MCP API-token authentication is off", [use.count, use.first, use.last, token]),
	"evidence": {
		"source": "events",
		"observed": {"events": use.count, "actions": sort([v.value | some v in use.values]), "people": array.slice(who, 0, 20), "people_count": count(who)},
		"expected": "no API-token authenticated MCP or app requests (mcp.api_token_auth_enabled = false)",
		"first_seen": use.first,
		"last_seen": use.last,
		"sample_event_ids": array.slice(use.event_ids, 0, 5),
		"attested_at": util.attestation.attested_at,
		"to_pass": "turn API-token authentication off again (or correct the attestation) and revoke the token",
	},
} if {
	some use in uses
	token := use.key.token
	who := object.get(people, token, [])
}

not_applicable contains "the attestation says MCP API-token authentication is on (see ATL-APP-004 for its justification)" if {
	util.att("mcp", "api_token_auth_enabled") == true
}

not_evaluable contains sprintf("the token_use fact dropped %d tokens at its limit; raise config.facts.token_use.limit in orgscan.toml", [dropped]) if {
	dropped := object.get(detect.fact(id, "token_use"), "truncated", 0)
	dropped > 0
}

not_evaluable contains reason if some reason in detect.events_unavailable
