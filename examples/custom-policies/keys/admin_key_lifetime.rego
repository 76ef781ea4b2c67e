# METADATA
# title: Admin API keys expire within a year
# description: >-
#   An organization admin API key can read and change the whole org: users, policies, the
#   audit log. A key without an expiry date, or one that lives for years, stays useful to
#   whoever copied it long after the automation that needed it is gone. Every key should
#   expire within the allowed lifetime and be rotated before then.
# related_resources:
#   - ref: https://support.atlassian.com/organization-administration/docs/manage-an-organization-with-the-admin-apis/
# custom:
#   id: ACME-KEY-001
#   severity: high
#   category: Keys and tokens
#   points: 5
#   kind: posture
#   user_impact: low
#   implementation_cost: low
#   remediation:
#     - In admin.atlassian.com go to Settings > API keys.
#     - Create a replacement key that expires within the allowed lifetime and move the automation to it.
#     - Revoke the old key.
#   data:
#     api: [api_keys]
#     fields: [api_keys.id, api_keys.label, api_keys.createdAt, api_keys.expiresAt, api_keys.revocationDate]
#   config:
#     max_lifetime_days: 365
#   version: 1
package acme.keys.admin_key_lifetime

import data.orgscan.lib.util
import rego.v1

max_days := util.settings.max_lifetime_days

# Keys that still work: not revoked. A field the API did not send is null in the input, so
# test it with is_string / == null, never with `not k.field` (null is not false).
keys := [k | some k in input.api_keys; object.get(k, "revocationDate", null) == null]

name(k) := k.label if is_string(k.label)

else := k.id

lifetime_days(k) := floor((util.ts_ns(k.expiresAt) - util.ts_ns(k.createdAt)) / util.ns_per_day)

problem(k) := "has no expiry date" if not is_string(k.expiresAt)

problem(k) := sprintf("lives %d days, longer than the allowed %d", [lifetime_days(k), max_days]) if {
	is_string(k.expiresAt)
	lifetime_days(k) > max_days
}

deny contains {
	"resource": {"type": "api_key", "id": k.id, "name": name(k)},
	"message": sprintf("Admin API key %s %s", [name(k), problem(k)]),
	"evidence": {
		"source": "api",
		"collection": "api_keys",
		"field": "expiresAt",
		"observed": object.get(k, "expiresAt", null),
		"expected": sprintf("at most %d days after createdAt", [max_days]),
		"to_pass": "rotate to a key that expires within the allowed lifetime, then revoke this one",
	},
} if {
	some k in keys
	problem(k)
}

# Partial credit: the share of keys that expire in time.
score := (count(keys) - count(deny)) / count(keys) if count(keys) > 0

not_applicable contains "the org has no admin API keys" if count(keys) == 0
