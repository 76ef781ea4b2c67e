package orgscan.keys.token_unused_test

import data.orgscan.keys.token_unused as p
import rego.v1

now_ns := 1795176000000000000

tok(id, created, last) := {"id": id, "label": id, "status": "ALLOWED", "createdAt": created, "lastActiveAt": last, "user": {"id": "u1"}}

inp(tokens) := {"now_ns": now_ns, "config": {"controls": {"ATL-KEY-008": {"unused_days": 90}}, "org": {}}, "api_tokens": tokens}

test_used_tokens_pass if {
	count(p.deny) == 0 with input as inp([tok("a", "2024-01-01T00:00:00.000Z", "2026-11-20T10:00:00.000Z")]) with input.control.id as "ATL-KEY-008"
}

test_unused_token_fails if {
	findings := p.deny with input as inp([tok("ci", "2025-01-01T00:00:00.000Z", "2026-08-14T10:00:00.000Z")]) with input.control.id as "ATL-KEY-008"
	count(findings) == 1
	some f in findings
	f.evidence.idle_days == 98
}

test_near_miss if {
	count(p.deny) == 0 with input as inp([tok("a", "2024-01-01T00:00:00.000Z", "2026-08-22T12:00:00.000Z")]) with input.control.id as "ATL-KEY-008"
	count(p.deny) == 1 with input as inp([tok("a", "2024-01-01T00:00:00.000Z", "2026-08-21T11:00:00.000Z")]) with input.control.id as "ATL-KEY-008"
}

test_never_used if {
	count(p.deny) == 1 with input as inp([tok("a", "2026-01-01T00:00:00.000Z", null)]) with input.control.id as "ATL-KEY-008"
	count(p.deny) == 0 with input as inp([tok("a", "2026-11-01T00:00:00.000Z", null)]) with input.control.id as "ATL-KEY-008"
}

test_expired_token_is_ignored if {
	t := object.union(tok("a", "2024-01-01T00:00:00.000Z", "2024-02-01T00:00:00.000Z"), {"expiresAt": "2025-01-01T00:00:00.000Z"})
	count(p.deny) == 0 with input as inp([t]) with input.control.id as "ATL-KEY-008"
}
