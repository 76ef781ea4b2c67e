# METADATA
# title: Admin API keys live at most one year
# description: >-
#   An org admin API key reads (and with write scopes changes) the whole organization without
#   2SV or SSO. Atlassian now caps new keys at one year, but older keys, or keys without an
#   expiry date, can outlive the people and systems that use them. Every admin API key should
#   expire no more than max_lifetime_months (12) calendar months after it was created.
# related_resources:
#   - ref: https://support.atlassian.com/organization-administration/docs/manage-an-organization-with-the-admin-apis/
# custom:
#   id: ATL-KEY-001
#   severity: high
#   category: Keys and tokens
#   points: 5
#   kind: posture
#   user_impact: low
#   implementation_cost: low
#   remediation:
#     - In admin.atlassian.com go to Settings > API keys.
#     - Create a replacement key with an expiry date at most one year away (and only the scopes it needs), move the integration to it, then revoke the listed key.
#   data:
#     api: [api_keys]
#   config:
#     max_lifetime_months: 12
#   frameworks:
#     cis-controls-v8: ["5.2"]
#     iso27001-2022: ["5.17"]
#     soc2: ["CC6.1"]
#     nist-800-53-r5: ["IA-5"]
#     nist-csf-2: ["PR.AA-01"]
#   version: 1
package orgscan.keys.api_key_lifetime

import data.orgscan.lib.util
import rego.v1

months := util.setting("max_lifetime_months", 12)

live := [k | some k in input.api_keys; util.usable(k)]

lifetime_days(k) := floor((util.ts_ns(k.expiresAt) - util.ts_ns(k.createdAt)) / util.ns_per_day)

limit_days(k) := floor((time.add_date(util.ts_ns(k.createdAt), 0, months, 0) - util.ts_ns(k.createdAt)) / util.ns_per_day)

deny contains {
	"resource": {"type": "api_key", "id": k.id, "name": util.key_name(k)},
	"message": sprintf("Admin API key %s never expires", [util.key_name(k)]),
	"evidence": util.key_evidence("api_keys", k, "expiresAt", null, sprintf("an expiry date at most %d months after creation", [months]), "replace it with a key that expires within a year, then revoke it"),
} if {
	some k in live
	util.val(k, "expiresAt", null) == null
}

deny contains {
	"resource": {"type": "api_key", "id": k.id, "name": util.key_name(k)},
	"message": sprintf("Admin API key %s lives %d days (created %s, expires %s); the limit is %d months", [util.key_name(k), lifetime_days(k), k.createdAt, k.expiresAt, months]),
	"evidence": object.union(
		util.key_evidence("api_keys", k, "expiresAt - createdAt", lifetime_days(k), sprintf("<= %d days", [limit_days(k)]), "replace it with a key that expires within a year, then revoke it"),
		{"lifetime_days": lifetime_days(k)},
	),
} if {
	some k in live
	is_string(util.val(k, "expiresAt", null))
	is_string(util.val(k, "createdAt", null))
	lifetime_days(k) > limit_days(k)
}

# Without a creation date, a key that is valid for more than the limit from now is too long.
deny contains {
	"resource": {"type": "api_key", "id": k.id, "name": util.key_name(k)},
	"message": sprintf("Admin API key %s is valid until %s, more than %d months from now", [util.key_name(k), k.expiresAt, months]),
	"evidence": util.key_evidence("api_keys", k, "expiresAt", k.expiresAt, sprintf("within %d months", [months]), "replace it with a key that expires within a year, then revoke it"),
} if {
	some k in live
	is_string(util.val(k, "expiresAt", null))
	util.val(k, "createdAt", null) == null
	util.ts_ns(k.expiresAt) > time.add_date(input.now_ns, 0, months, 0)
}

not_applicable contains "the org has no admin API keys in use" if count(live) == 0
