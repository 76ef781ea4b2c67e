# METADATA
# title: Unused admin API keys are revoked
# description: >-
#   An admin API key that has not been used for unused_days days (90 by default), or was never
#   used since it was created longer ago than that, serves no integration but still opens the
#   organization to whoever holds it. Revoke it.
# related_resources:
#   - ref: https://support.atlassian.com/organization-administration/docs/manage-an-organization-with-the-admin-apis/
# custom:
#   id: ATL-KEY-006
#   severity: medium
#   category: Keys and tokens
#   points: 3
#   kind: posture
#   user_impact: low
#   implementation_cost: low
#   remediation:
#     - In admin.atlassian.com go to Settings > API keys and check the Last active date of the listed key.
#     - Confirm with its creator that nothing uses it, then revoke it.
#   data:
#     api: [api_keys]
#   config:
#     unused_days: 90
#   frameworks:
#     cis-controls-v8: ["5.3"]
#     iso27001-2022: ["5.18"]
#     soc2: ["CC6.2"]
#     nist-800-53-r5: ["AC-2(3)"]
#     nist-csf-2: ["PR.AA-01"]
#   version: 1
package orgscan.keys.api_key_unused

import data.orgscan.lib.util
import rego.v1

limit := util.setting("unused_days", 90)

live := [k | some k in input.api_keys; util.usable(k)]

idle(k) := {"days": util.days_since(k.lastActiveAt), "basis": "last used", "since": k.lastActiveAt} if {
	is_string(util.val(k, "lastActiveAt", null))
} else := {"days": util.days_since(k.createdAt), "basis": "created, never used", "since": k.createdAt} if {
	is_string(util.val(k, "createdAt", null))
} else := {"days": null, "basis": "unknown", "since": null}

deny contains {
	"resource": {"type": "api_key", "id": k.id, "name": util.key_name(k)},
	"message": sprintf("Admin API key %s has not been used for %d days (%s %s)", [util.key_name(k), i.days, i.basis, i.since]),
	"evidence": object.union(
		util.key_evidence("api_keys", k, "lastActiveAt", util.val(k, "lastActiveAt", null), sprintf("used within the last %d days", [limit]), "revoke the key if nothing uses it"),
		{"idle_days": i.days, "basis": i.basis},
	),
} if {
	some k in live
	i := idle(k)
	is_number(i.days)
	i.days > limit
}

not_applicable contains "the org has no admin API keys in use" if count(live) == 0
