package orgscan.keys.api_key_expiring_test

import data.orgscan.keys.api_key_expiring as p
import rego.v1

now_ns := 1795176000000000000

key(id, expires) := {"id": id, "label": id, "createdAt": "2026-06-01T00:00:00.000Z", "expiresAt": expires}

inp(keys) := {"now_ns": now_ns, "config": {"controls": {"ATL-KEY-003": {"expiring_within_days": 30}}, "org": {}}, "api_keys": keys}

test_far_expiry_passes if {
	count(p.deny) == 0 with input as inp([key("k", "2027-01-01T00:00:00.000Z")]) with input.control.id as "ATL-KEY-003"
}

test_expiring_in_15_days_fails if {
	findings := p.deny with input as inp([key("siem", "2026-12-05T05:00:00.000Z")]) with input.control.id as "ATL-KEY-003"
	count(findings) == 1
	some f in findings
	f.evidence.days_left == 14
}

test_near_miss_30_vs_31_days if {
	count(p.deny) == 1 with input as inp([key("k", "2026-12-20T12:00:00.000Z")]) with input.control.id as "ATL-KEY-003"
	count(p.deny) == 0 with input as inp([key("k", "2026-12-21T12:00:00.000Z")]) with input.control.id as "ATL-KEY-003"
}

test_expired_and_unlimited_keys_are_left_out if {
	count(p.deny) == 0 with input as inp([key("old", "2026-11-01T00:00:00.000Z"), {"id": "x", "createdAt": "2026-01-01T00:00:00.000Z"}]) with input.control.id as "ATL-KEY-003"
}

test_not_applicable_without_keys if {
	count(p.not_applicable) == 1 with input as inp([]) with input.control.id as "ATL-KEY-003"
}
