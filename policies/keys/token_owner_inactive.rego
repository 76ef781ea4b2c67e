# METADATA
# title: No API tokens belong to deactivated accounts
# description: >-
#   When someone leaves, their account is deactivated, but their user API tokens stay listed
#   and are easy to overlook when the account is later reactivated or its tokens are reviewed.
#   Tokens whose owner is deactivated, suspended or closed should be revoked as part of
#   offboarding.
# related_resources:
#   - ref: https://support.atlassian.com/organization-administration/docs/understand-user-api-tokens/
#   - ref: https://support.atlassian.com/user-management/docs/deactivate-a-managed-account/
# custom:
#   id: ATL-KEY-009
#   severity: medium
#   category: Keys and tokens
#   points: 3
#   kind: posture
#   user_impact: low
#   implementation_cost: low
#   remediation:
#     - In admin.atlassian.com go to Security > User security > API tokens and filter by the listed owner.
#     - Revoke the tokens, and add "revoke API tokens" to your offboarding checklist.
#   data:
#     api: [users, api_tokens]
#     fields: [users.status, users.accountStatus, users.membershipStatus, users.forDeletion, users.accountId, users.name, users.email, users.deactivatedOn]
#   frameworks:
#     cis-controls-v8: ["5.3", "6.2"]
#     iso27001-2022: ["5.18"]
#     soc2: ["CC6.2"]
#     nist-800-53-r5: ["AC-2", "PS-4"]
#     nist-csf-2: ["PR.AA-01"]
#   version: 1
package orgscan.keys.token_owner_inactive

import data.orgscan.lib.util
import rego.v1

# Only the directory records of the token owners are looked at (one pass with a set lookup).
referenced := {i | some k in object.get(input, "api_tokens", []); o := object.get(k, "user", null); is_object(o); i := object.get(o, "id", null); is_string(i)}

records := [u | ids := referenced; some u in object.get(input, "users", []); u.accountId in ids]

active_ids := {u.accountId | some u in util.active(records)}

known_ids := {u.accountId | some u in records}


live := [t | some t in input.api_tokens; not util.revoked(t)]

deny contains {
	"resource": {"type": "api_token", "id": t.id, "name": util.key_name(t)},
	"message": sprintf("API token %s belongs to %s, whose account is %s", [util.key_name(t), util.display(owner), state(owner)]),
	"evidence": object.union(
		util.key_evidence("api_tokens", t, "user.id -> users[].status", state(owner), "an active owner", "revoke the token"),
		{"owner_id": owner.accountId, "deactivated_on": util.val(owner, "deactivatedOn", null)},
	),
} if {
	some t in orphaned
	owner_id := object.get(t.user, "id", "")
	owner := [u | some u in records; u.accountId == owner_id][0]
}

# Tokens whose owner is listed but has no active directory record (one pass, sets bound once).
orphaned := [t |
	known := known_ids
	active := active_ids
	some t in live
	owner_id := object.get(object.get(t, "user", {}), "id", "")
	owner_id in known
	not owner_id in active
]

state(u) := concat(" / ", [s | some s in [util.val(u, "status", null), util.val(u, "accountStatus", null)]; is_string(s)])

not_applicable contains "no user API tokens are listed" if count(live) == 0
