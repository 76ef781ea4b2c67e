# METADATA
# title: No MCP or app activity authenticated by an API token
# description: >-
#   AI agents and integrations should reach Atlassian through OAuth apps with scoped, revocable
#   consent. MCP or app API activity authenticated by a personal API token
#   (`actor.auth.authType` api-token) runs with everything the person can do, without 2SV,
#   and survives password resets. One finding per account and UTC day. The MCP and app-activity
#   action keys are resolved from the catalogue (sets `mcp` and `app_activity`).
# related_resources:
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/control-atlassian-rovo-mcp-server-settings/
# custom:
#   id: ATL-DET-018
#   severity: high
#   category: Threat detection
#   points: 1
#   kind: detection
#   user_impact: moderate
#   implementation_cost: moderate
#   remediation:
#     - Find the token (evidence token ids) under Security > API tokens, ask its owner what uses it, and revoke it.
#     - Move the integration or agent to OAuth (3LO), and turn off API-token authentication for the Rovo MCP server.
#   config:
#     auth_types: [api-token]
#     facts:
#       token_calls:
#         kind: select
#         actions: [set:mcp, set:app_activity]
#         where:
#           auth_type: $auth_types
#   frameworks:
#     cis-controls-v8: ["8.11"]
#     iso27001-2022: ["8.5", "8.16"]
#     soc2: ["CC7.2"]
#     nist-800-53-r5: ["IA-2", "SI-4"]
#     nist-csf-2: ["DE.CM-03"]
#   version: 1
package orgscan.detect.app_token_auth

import data.orgscan.lib.detect
import rego.v1

id := detect.control_id

keys := array.concat(detect.action_set("mcp"), detect.action_set("app_activity"))

tokens(group) := sort({t | some e in group; t := e.actor.token_id; is_string(t)})

# The person behind a call: the user an app acted for, else the actor.
person(e) := e.actor.on_behalf_of if {
	is_string(e.actor.on_behalf_of)
} else := e.actor.id

calls := detect.items(id, "token_calls", "events")

groups := {[person(e), substring(e.time, 0, 10)]: [x | some x in calls; person(x) == person(e); substring(x.time, 0, 10) == substring(e.time, 0, 10)] | some e in calls}

deny contains {
	"resource": {"type": "user", "id": who},
	"message": sprintf("%d MCP/app call(s) for %s authenticated with an API token on %s (actor %s)", [count(group), who, day, detect.who(group[0].actor.id, object.get(group[0].actor, "name", ""))]),
	"evidence": object.union(detect.group_evidence(group, detect.evidence_cap), {"token_ids": tokens(group), "actors": sort({e.actor.id | some e in group}), "action_keys": keys, "to_pass": "MCP and app activity authenticated through OAuth, not API tokens"}),
} if {
	some [who, day], group in groups
}

not_evaluable contains "the org's event-action catalogue has no MCP or app API activity action (needs Guard Premium/Enterprise and \"store user-created activity\")" if {
	detect.events_available
	count(keys) == 0
}

not_evaluable contains reason if some reason in detect.events_unavailable
