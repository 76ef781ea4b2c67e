package acme.keys.admin_key_lifetime_test

import data.acme.keys.admin_key_lifetime
import rego.v1

cfg := {"controls": {"ACME-KEY-001": {"max_lifetime_days": 365}}, "org": {}}

# As in the real input, a value the API did not send is null.
key(id, created, expires) := {"id": id, "label": id, "createdAt": created, "expiresAt": expires, "revocationDate": null}

test_a_key_that_expires_within_a_year_passes if {
	k := key("ci", "2026-01-10T08:00:00.000Z", "2027-01-09T08:00:00.000Z")
	count(admin_key_lifetime.deny) == 0 with input as {"config": cfg, "api_keys": [k]} with input.control.id as "ACME-KEY-001"
}

test_a_key_without_expiry_fails if {
	k := key("legacy", "2024-01-01T00:00:00.000Z", null)
	findings := admin_key_lifetime.deny with input as {"config": cfg, "api_keys": [k]} with input.control.id as "ACME-KEY-001"
	count(findings) == 1
	some f in findings
	f.resource.id == "legacy"
	f.message == "Admin API key legacy has no expiry date"
}

test_a_two_year_key_fails_with_partial_credit if {
	keys := [
		key("ok", "2026-01-10T08:00:00.000Z", "2026-06-10T08:00:00.000Z"),
		key("long", "2026-01-10T08:00:00.000Z", "2028-01-10T08:00:00.000Z"),
	]
	findings := admin_key_lifetime.deny with input as {"config": cfg, "api_keys": keys} with input.control.id as "ACME-KEY-001"
	count(findings) == 1
	some f in findings
	f.message == "Admin API key long lives 730 days, longer than the allowed 365"
	admin_key_lifetime.score == 0.5 with input as {"config": cfg, "api_keys": keys} with input.control.id as "ACME-KEY-001"
}

test_the_lifetime_is_configurable if {
	k := key("long", "2026-01-10T08:00:00.000Z", "2028-01-10T08:00:00.000Z")
	relaxed := {"controls": {"ACME-KEY-001": {"max_lifetime_days": 800}}, "org": {}}
	count(admin_key_lifetime.deny) == 0 with input as {"config": relaxed, "api_keys": [k]} with input.control.id as "ACME-KEY-001"
}

test_revoked_keys_are_ignored if {
	k := object.union(key("old", "2020-01-01T00:00:00.000Z", null), {"revocationDate": "2021-01-01T00:00:00.000Z"})
	count(admin_key_lifetime.deny) == 0 with input as {"config": cfg, "api_keys": [k]} with input.control.id as "ACME-KEY-001"
	count(admin_key_lifetime.not_applicable) == 1 with input as {"config": cfg, "api_keys": [k]} with input.control.id as "ACME-KEY-001"
}
