# METADATA
# title: Admin API keys are rotated within six months
# description: >-
#   The longer an admin API key lives, the more places it has been copied to (CI variables,
#   laptops, tickets) and the more likely it has leaked unnoticed. Replace every admin API key
#   at least every max_age_days days (180 by default), even when its expiry is further away.
# related_resources:
#   - ref: https://support.atlassian.com/organization-administration/docs/manage-an-organization-with-the-admin-apis/
# custom:
#   id: ATL-KEY-002
#   severity: medium
#   category: Keys and tokens
#   points: 4
#   kind: posture
#   user_impact: low
#   implementation_cost: moderate
#   remediation:
#     - In admin.atlassian.com go to Settings > API keys.
#     - Create a new key with the same scopes and a short expiry, update the integration that uses the listed key, then revoke the old key.
#     - Automate rotation where the integration supports it.
#   data:
#     api: [api_keys]
#   config:
#     max_age_days: 180
#   frameworks:
#     cis-controls-v8: ["5.2"]
#     iso27001-2022: ["5.17"]
#     soc2: ["CC6.1"]
#     nist-800-53-r5: ["IA-5"]
#     nist-csf-2: ["PR.AA-01"]
#   version: 1
package orgscan.keys.api_key_rotation

import data.orgscan.lib.util
import rego.v1

max_age := util.setting("max_age_days", 180)

live := [k | some k in input.api_keys; util.usable(k)]

dated := [k | some k in live; is_string(util.val(k, "createdAt", null))]

deny contains {
	"resource": {"type": "api_key", "id": k.id, "name": util.key_name(k)},
	"message": sprintf("Admin API key %s was created %d days ago (%s) and has not been rotated; the limit is %d days", [util.key_name(k), util.days_since(k.createdAt), k.createdAt, max_age]),
	"evidence": object.union(
		util.key_evidence("api_keys", k, "createdAt", k.createdAt, sprintf("created within the last %d days", [max_age]), "create a replacement key, move the integration to it and revoke this one"),
		{"age_days": util.days_since(k.createdAt)},
	),
} if {
	some k in dated
	util.days_since(k.createdAt) > max_age
}

not_applicable contains "the org has no admin API keys in use" if count(live) == 0

not_evaluable contains "no admin API key carries a creation date (createdAt)" if {
	count(live) > 0
	count(dated) == 0
}
