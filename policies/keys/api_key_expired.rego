# METADATA
# title: Expired admin API keys are removed
# description: >-
#   An expired admin API key no longer works, but leaving it listed hides which integrations
#   broke, clutters the reviews of the keys that matter, and suggests no one owns key hygiene.
#   Revoke (delete) admin API keys once they have expired.
# related_resources:
#   - ref: https://support.atlassian.com/organization-administration/docs/manage-an-organization-with-the-admin-apis/
# custom:
#   id: ATL-KEY-004
#   severity: low
#   category: Keys and tokens
#   points: 1
#   kind: posture
#   user_impact: low
#   implementation_cost: low
#   remediation:
#     - In admin.atlassian.com go to Settings > API keys.
#     - Check that nothing still depends on the listed key (its integration should have a newer key), then revoke it.
#   data:
#     api: [api_keys]
#   frameworks:
#     cis-controls-v8: ["5.5"]
#     iso27001-2022: ["5.17"]
#     soc2: ["CC6.2"]
#     nist-800-53-r5: ["IA-5"]
#     nist-csf-2: ["PR.AA-01"]
#   version: 1
package orgscan.keys.api_key_expired

import data.orgscan.lib.util
import rego.v1

deny contains {
	"resource": {"type": "api_key", "id": k.id, "name": util.key_name(k)},
	"message": sprintf("Admin API key %s expired on %s (%d days ago) and is still listed", [util.key_name(k), k.expiresAt, util.days_since(k.expiresAt)]),
	"evidence": object.union(
		util.key_evidence("api_keys", k, "expiresAt", k.expiresAt, "a key that has not expired, or none", "revoke the expired key"),
		{"days_since_expiry": util.days_since(k.expiresAt)},
	),
} if {
	some k in input.api_keys
	not util.revoked(k)
	util.expired(k)
}

not_applicable contains "the org has no admin API keys" if count(input.api_keys) == 0
