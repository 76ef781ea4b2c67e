package orgscan.keys.token_without_expiry_test

import data.orgscan.keys.token_without_expiry as p
import rego.v1

now_ns := 1795176000000000000

tok(id, expires) := {"id": id, "label": id, "status": "ALLOWED", "createdAt": "2023-01-01T00:00:00.000Z", "expiresAt": expires, "user": {"id": "u1", "email": "kevin@acme.com"}}

inp(tokens) := {"now_ns": now_ns, "config": {"controls": {}, "org": {}}, "api_tokens": tokens}

test_expiring_tokens_pass if {
	count(p.deny) == 0 with input as inp([tok("a", "2027-01-01T00:00:00.000Z")])
}

test_null_and_absent_expiry_fail if {
	findings := p.deny with input as inp([tok("a", null), object.remove(tok("b", null), ["expiresAt"]), tok("c", "2027-01-01T00:00:00.000Z")])
	count(findings) == 2
	p.score == 1 / 3 with input as inp([tok("a", null), object.remove(tok("b", null), ["expiresAt"]), tok("c", "2027-01-01T00:00:00.000Z")])
}

test_blocked_tokens_are_ignored if {
	t := object.union(tok("a", null), {"status": "blocked"})
	count(p.deny) == 0 with input as inp([t])
}

test_not_applicable_without_tokens if {
	count(p.not_applicable) == 1 with input as inp([])
}
