package orgscan.keys.api_key_unused_test

import data.orgscan.keys.api_key_unused as p
import rego.v1

now_ns := 1795176000000000000

key(id, created, last) := {"id": id, "label": id, "createdAt": created, "expiresAt": "2027-06-01T00:00:00.000Z", "lastActiveAt": last}

inp(keys) := {"now_ns": now_ns, "config": {"controls": {"ATL-KEY-006": {"unused_days": 90}}, "org": {}}, "api_keys": keys}

test_used_key_passes if {
	count(p.deny) == 0 with input as inp([key("k", "2026-01-01T00:00:00.000Z", "2026-11-19T00:00:00.000Z")]) with input.control.id as "ATL-KEY-006"
}

test_unused_key_fails if {
	findings := p.deny with input as inp([key("backup", "2026-04-01T00:00:00.000Z", "2026-06-30T07:00:00.000Z")]) with input.control.id as "ATL-KEY-006"
	count(findings) == 1
	some f in findings
	f.evidence.idle_days == 143
}

test_near_miss if {
	count(p.deny) == 0 with input as inp([key("k", "2026-01-01T00:00:00.000Z", "2026-08-22T12:00:00.000Z")]) with input.control.id as "ATL-KEY-006"
	count(p.deny) == 1 with input as inp([key("k", "2026-01-01T00:00:00.000Z", "2026-08-21T11:00:00.000Z")]) with input.control.id as "ATL-KEY-006"
}

test_never_used_old_key_fails_but_new_one_passes if {
	count(p.deny) == 1 with input as inp([key("k", "2026-01-01T00:00:00.000Z", null)]) with input.control.id as "ATL-KEY-006"
	count(p.deny) == 0 with input as inp([key("k", "2026-11-01T00:00:00.000Z", null)]) with input.control.id as "ATL-KEY-006"
}

test_expired_key_is_ignored if {
	k := object.union(key("k", "2025-01-01T00:00:00.000Z", "2025-02-01T00:00:00.000Z"), {"expiresAt": "2026-01-01T00:00:00.000Z"})
	count(p.deny) == 0 with input as inp([k]) with input.control.id as "ATL-KEY-006"
}
