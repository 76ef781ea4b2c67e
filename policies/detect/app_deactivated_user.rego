# METADATA
# title: No MCP or app activity on behalf of deactivated users
# description: >-
#   When a person leaves, agents and integrations acting for them must stop. MCP or app API
#   activity on behalf of an account that is deactivated, suspended or closed in the directory
#   means a token or an OAuth grant outlived the person. One finding per person, with the
#   actions, count, first and last time (sets `mcp` and `app_activity`, resolved from the
#   catalogue).
# related_resources:
#   - ref: https://support.atlassian.com/user-management/docs/deactivate-a-managed-account/
# custom:
#   id: ATL-DET-019
#   severity: high
#   category: Threat detection
#   points: 1
#   kind: detection
#   user_impact: low
#   implementation_cost: low
#   remediation:
#     - Revoke the listed person's API tokens and OAuth app authorizations, and the app's access if it acts for them alone.
#     - Hand the integration over to a service account owned by a current team.
#   data:
#     api: [users]
#     fields: [users.status, users.accountStatus, users.membershipStatus, users.forDeletion, users.accountId, users.name, users.email]
#   config:
#     facts:
#       per_user:
#         kind: values
#         actions: [set:mcp, set:app_activity]
#         by: [user]
#         value: action
#         limit: 100000
#   frameworks:
#     cis-controls-v8: ["6.2", "8.11"]
#     iso27001-2022: ["5.18", "8.16"]
#     soc2: ["CC7.2"]
#     nist-800-53-r5: ["AC-2", "SI-4"]
#     nist-csf-2: ["DE.CM-03"]
#   version: 1
package orgscan.detect.app_deactivated_user

import data.orgscan.lib.detect
import data.orgscan.lib.util
import rego.v1

id := "ATL-DET-019"

keys := array.concat(detect.action_set("mcp"), detect.action_set("app_activity"))

inactive := {u.accountId: u | some u in input.users; not util.is_active(u)}

deny contains {
	"resource": {"type": "user", "id": uid, "name": util.display(inactive[uid])},
	"message": sprintf("%d MCP/app event(s) on behalf of %s, whose account is %s, %s to %s", [sum([i.count | some i in items]), util.display(inactive[uid]), state(inactive[uid]), min({i.first | some i in items}), max({i.last | some i in items})]),
	"evidence": {
		"source": "events",
		"fact": "per_user",
		"actions": sort({i.value | some i in items}),
		"count": sum([i.count | some i in items]),
		"first": min({i.first | some i in items}),
		"last": max({i.last | some i in items}),
		"event_ids": detect.first_n(sort([x | some i in items; some x in i.event_ids]), 20),
		"account_status": state(inactive[uid]),
		"to_pass": "no MCP or app activity for accounts that are not active",
	},
} if {
	some uid, _ in inactive
	items := [i | some i in detect.items(id, "per_user", "items"); i.key.user == uid]
	count(items) > 0
}

state(u) := sprintf("%s/%s", [object.get(u, "status", "?"), object.get(u, "accountStatus", "?")])

not_evaluable contains "the org's event-action catalogue has no MCP or app API activity action" if {
	detect.events_available
	count(keys) == 0
}

not_evaluable contains reason if some reason in detect.events_unavailable
