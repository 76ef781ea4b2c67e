package orgscan.keys.api_key_lifetime_test

import data.orgscan.keys.api_key_lifetime as p
import rego.v1

now_ns := 1795176000000000000

key(id, created, expires) := {"id": id, "label": id, "createdAt": created, "expiresAt": expires, "scopes": ["read:events:admin"]}

inp(keys) := {"now_ns": now_ns, "config": {"controls": {"ATL-KEY-001": {"max_lifetime_months": 12}}, "org": {}}, "api_keys": keys}

test_one_year_key_passes if {
	count(p.deny) == 0 with input as inp([key("k", "2026-01-10T08:00:00.000Z", "2027-01-10T08:00:00.000Z")]) with input.control.id as "ATL-KEY-001"
}

test_leap_year_keeps_366_days_within_a_year if {
	count(p.deny) == 0 with input as inp([key("k", "2026-03-01T00:00:00.000Z", "2027-03-01T00:00:00.000Z")]) with input.control.id as "ATL-KEY-001"
	count(p.deny) == 0 with input as inp([key("k", "2027-03-01T00:00:00.000Z", "2028-03-01T00:00:00.000Z")]) with input.control.id as "ATL-KEY-001"
}

test_one_day_over_fails if {
	findings := p.deny with input as inp([key("k", "2026-01-10T08:00:00.000Z", "2027-01-11T08:00:00.000Z")]) with input.control.id as "ATL-KEY-001"
	count(findings) == 1
	some f in findings
	f.evidence.lifetime_days == 366
}

test_key_without_expiry_fails if {
	k := object.remove(key("k", "2026-01-10T08:00:00.000Z", null), ["expiresAt"])
	count(p.deny) == 1 with input as inp([k]) with input.control.id as "ATL-KEY-001"
}

test_expired_and_revoked_keys_are_left_to_other_controls if {
	keys := [
		key("old", "2020-01-01T00:00:00.000Z", "2023-01-01T00:00:00.000Z"),
		object.union(key("rev", "2026-01-01T00:00:00.000Z", null), {"revocationDate": "2026-02-01T00:00:00.000Z"}),
	]
	count(p.deny) == 0 with input as inp(keys) with input.control.id as "ATL-KEY-001"
}

test_no_creation_date_uses_remaining_validity if {
	count(p.deny) == 1 with input as inp([key("k", null, "2028-06-01T00:00:00.000Z")]) with input.control.id as "ATL-KEY-001"
	count(p.deny) == 0 with input as inp([key("k", null, "2027-06-01T00:00:00.000Z")]) with input.control.id as "ATL-KEY-001"
}

test_not_applicable_without_keys if {
	count(p.not_applicable) == 1 with input as inp([]) with input.control.id as "ATL-KEY-001"
}
