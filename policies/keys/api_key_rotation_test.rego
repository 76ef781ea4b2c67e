package orgscan.keys.api_key_rotation_test

import data.orgscan.keys.api_key_rotation as p
import rego.v1

now_ns := 1795176000000000000

key(id, created) := {"id": id, "label": id, "createdAt": created, "expiresAt": "2027-06-01T00:00:00.000Z"}

inp(keys) := {"now_ns": now_ns, "config": {"controls": {"ATL-KEY-002": {"max_age_days": 180}}, "org": {}}, "api_keys": keys}

test_young_key_passes if {
	count(p.deny) == 0 with input as inp([key("k", "2026-09-21T12:00:00.000Z")]) with input.control.id as "ATL-KEY-002"
}

test_near_miss_180_vs_181_days if {
	# 2026-05-24T12:00Z is exactly 180 days before now.
	count(p.deny) == 0 with input as inp([key("k", "2026-05-24T12:00:00.000Z")]) with input.control.id as "ATL-KEY-002"
	count(p.deny) == 1 with input as inp([key("k", "2026-05-23T12:00:00.000Z")]) with input.control.id as "ATL-KEY-002"
}

test_old_key_fails_with_age if {
	findings := p.deny with input as inp([key("terraform", "2026-03-01T05:00:00.000Z")]) with input.control.id as "ATL-KEY-002"
	some f in findings
	f.evidence.age_days == 264
}

test_expired_key_is_left_to_the_expired_control if {
	k := object.union(key("old", "2025-01-01T00:00:00.000Z"), {"expiresAt": "2026-01-01T00:00:00.000Z"})
	count(p.deny) == 0 with input as inp([k]) with input.control.id as "ATL-KEY-002"
}

test_not_evaluable_without_creation_dates if {
	count(p.not_evaluable) == 1 with input as inp([{"id": "k", "expiresAt": "2027-01-01T00:00:00.000Z"}]) with input.control.id as "ATL-KEY-002"
}
