# METADATA
# title: Admin API keys are limited by scopes
# description: >-
#   An admin API key created without scopes can call every organization admin API: read every
#   user and event, change policies, revoke tokens, remove users. Keys should carry only the
#   scopes their integration needs (for example read:events:admin for a SIEM export), so a
#   leaked key does limited harm.
# related_resources:
#   - ref: https://support.atlassian.com/organization-administration/docs/manage-an-organization-with-the-admin-apis/
# custom:
#   id: ATL-KEY-005
#   severity: high
#   category: Keys and tokens
#   points: 5
#   kind: posture
#   user_impact: low
#   implementation_cost: low
#   remediation:
#     - In admin.atlassian.com go to Settings > API keys and select Create API key.
#     - Choose "API key with scopes" and select only the scopes the integration needs.
#     - Switch the integration to the new key and revoke the listed key without scopes.
#   data:
#     api: [api_keys]
#   frameworks:
#     cis-controls-v8: ["6.8"]
#     iso27001-2022: ["8.2"]
#     soc2: ["CC6.3"]
#     nist-800-53-r5: ["AC-6"]
#     nist-csf-2: ["PR.AA-05"]
#   version: 1
package orgscan.keys.api_key_scopes

import data.orgscan.lib.util
import rego.v1

live := [k | some k in input.api_keys; util.usable(k)]

# The API returns `scopes` on current keys; when no key carries the field at all, it is unknown.
reported := [k | some k in live; is_array(util.val(k, "scopes", null))]

deny contains {
	"resource": {"type": "api_key", "id": k.id, "name": util.key_name(k)},
	"message": sprintf("Admin API key %s has no scopes: it can call every organization admin API", [util.key_name(k)]),
	"evidence": util.key_evidence("api_keys", k, "scopes", util.val(k, "scopes", null), "the scopes the integration needs, e.g. [\"read:events:admin\"]", "replace it with a key that has scopes, then revoke it"),
} if {
	count(reported) > 0
	some k in live
	count(util.arr(k, "scopes")) == 0
}

not_applicable contains "the org has no admin API keys in use" if count(live) == 0

not_evaluable contains "the api_keys collection does not report scopes for any key (older API response)" if {
	count(live) > 0
	count(reported) == 0
}
