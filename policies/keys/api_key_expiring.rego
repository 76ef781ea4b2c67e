# METADATA
# title: No admin API key expires within 30 days unnoticed
# description: >-
#   When an admin API key expires, the integration that uses it (SIEM export, provisioning,
#   this scanner) silently stops, and the usual rushed fix is a new key with broad scopes and a
#   long life. Keys that expire within expiring_within_days days (30 by default) should be
#   replaced in a planned way now.
# related_resources:
#   - ref: https://support.atlassian.com/organization-administration/docs/manage-an-organization-with-the-admin-apis/
# custom:
#   id: ATL-KEY-003
#   severity: low
#   category: Keys and tokens
#   points: 2
#   kind: posture
#   user_impact: low
#   implementation_cost: low
#   remediation:
#     - In admin.atlassian.com go to Settings > API keys and find the listed key.
#     - Create its replacement (same scopes, expiry at most a year away), switch the integration over, and revoke the old key once the new one works.
#   data:
#     api: [api_keys]
#   config:
#     expiring_within_days: 30
#   frameworks:
#     cis-controls-v8: ["5.5"]
#     iso27001-2022: ["5.17"]
#     soc2: ["CC6.1"]
#     nist-800-53-r5: ["IA-5"]
#     nist-csf-2: ["PR.AA-01"]
#   version: 1
package orgscan.keys.api_key_expiring

import data.orgscan.lib.util
import rego.v1

window := util.setting("expiring_within_days", 30)

live := [k | some k in input.api_keys; util.usable(k)]

remaining_ns(k) := util.ts_ns(k.expiresAt) - input.now_ns

deny contains {
	"resource": {"type": "api_key", "id": k.id, "name": util.key_name(k)},
	"message": sprintf("Admin API key %s expires on %s, in %d days", [util.key_name(k), k.expiresAt, util.days_until(k.expiresAt)]),
	"evidence": object.union(
		util.key_evidence("api_keys", k, "expiresAt", k.expiresAt, sprintf("more than %d days away", [window]), "replace the key before it expires and revoke it"),
		{"days_left": util.days_until(k.expiresAt)},
	),
} if {
	some k in live
	is_string(util.val(k, "expiresAt", null))
	remaining_ns(k) <= window * util.ns_per_day
}

not_applicable contains "the org has no admin API keys in use" if count(live) == 0
