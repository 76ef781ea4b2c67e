# METADATA
# title: Admin API keys of departed people are replaced
# description: >-
#   An admin API key keeps working after the person who created it leaves: the organization is
#   then exposed through a credential nobody accountable holds, often stored in that person's
#   scripts or laptop. Every usable admin API key whose creator's account is deactivated,
#   suspended or closed should be replaced under a current org admin and revoked.
# related_resources:
#   - ref: https://support.atlassian.com/organization-administration/docs/manage-an-organization-with-the-admin-apis/
# custom:
#   id: ATL-KEY-012
#   severity: high
#   category: Keys and tokens
#   points: 4
#   kind: posture
#   user_impact: low
#   implementation_cost: low
#   remediation:
#     - In admin.atlassian.com go to Settings > API keys and find the listed key.
#     - Have a current org admin create a replacement (with scopes and an expiry), move the integration to it, then revoke the listed key.
#     - Add "review API keys created by the leaver" to offboarding and role-change checklists.
#   data:
#     api: [users, api_keys]
#     fields: [users.status, users.accountStatus, users.membershipStatus, users.forDeletion, users.accountId, users.name, users.email, users.platformRoles]
#   frameworks:
#     cis-controls-v8: ["6.2"]
#     iso27001-2022: ["5.18"]
#     soc2: ["CC6.2"]
#     nist-800-53-r5: ["AC-2", "PS-4"]
#     nist-csf-2: ["PR.AA-01"]
#   version: 1
package orgscan.keys.api_key_creator_inactive

import data.orgscan.lib.util
import rego.v1

# Only the directory records of the key creators are looked at (one pass with a set lookup).
referenced := {i | some k in object.get(input, "api_keys", []); o := object.get(k, "createdBy", null); is_object(o); i := object.get(o, "id", null); is_string(i)}

records := [u | ids := referenced; some u in object.get(input, "users", []); u.accountId in ids]

active_ids := {u.accountId | some u in util.active(records)}

known_ids := {u.accountId | some u in records}


live := [k | some k in input.api_keys; util.usable(k)]

problem(u) := "deactivated, suspended or closed" if not util.is_active(u)

deny contains {
	"resource": {"type": "api_key", "id": k.id, "name": util.key_name(k)},
	"message": sprintf("Admin API key %s was created by %s, who is %s", [util.key_name(k), util.display(creator), problem(creator)]),
	"evidence": object.union(
		util.key_evidence("api_keys", k, "createdBy.id -> users", problem(creator), "an active creator", "replace the key under a current org admin and revoke it"),
		{"creator_id": creator.accountId, "creator_roles": util.user_admin_roles(creator)},
	),
} if {
	some k in live
	creator_id := util.val(object.get(k, "createdBy", {}), "id", "")
	creator_id in known_ids
	not creator_id in active_ids
	creator := [u | some u in records; u.accountId == creator_id][0]
}

not_applicable contains "the org has no admin API keys in use" if count(live) == 0
