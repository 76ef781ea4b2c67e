package orgscan.keys.tokens_per_user_test

import data.orgscan.keys.tokens_per_user as p
import rego.v1

tok(id, owner) := {"id": id, "label": id, "status": "ALLOWED", "createdAt": "2026-01-01T00:00:00.000Z", "expiresAt": "2027-01-01T00:00:00.000Z", "user": {"id": owner, "email": sprintf("%s@acme.com", [owner])}}

inp(tokens) := {"now_ns": 1795176000000000000, "config": {"controls": {"ATL-KEY-010": {"max_tokens_per_user": 3}}, "org": {}}, "api_tokens": tokens}

test_three_tokens_pass if {
	count(p.deny) == 0 with input as inp([tok("a", "kevin"), tok("b", "kevin"), tok("c", "kevin"), tok("d", "noah")]) with input.control.id as "ATL-KEY-010"
}

test_four_tokens_fail if {
	tokens := [tok("z", "ava"), tok("a", "kevin"), tok("b", "kevin"), tok("n", "noah"), tok("c", "kevin"), tok("d", "kevin")]
	findings := p.deny with input as inp(tokens) with input.control.id as "ATL-KEY-010"
	count(findings) == 1
	some f in findings
	f.resource.id == "kevin"
	f.evidence.observed == 4
	f.evidence.tokens == ["a (a)", "b (b)", "c (c)", "d (d)"]
}

test_expired_and_blocked_tokens_do_not_count if {
	tokens := [
		tok("a", "kevin"), tok("b", "kevin"), tok("c", "kevin"),
		object.union(tok("d", "kevin"), {"expiresAt": "2025-01-01T00:00:00.000Z"}),
		object.union(tok("e", "kevin"), {"status": "BLOCKED"}),
	]
	count(p.deny) == 0 with input as inp(tokens) with input.control.id as "ATL-KEY-010"
}

test_last_owner_run_is_counted if {
	tokens := [tok("a", "ann"), tok("b", "zed"), tok("c", "zed"), tok("d", "zed"), tok("e", "zed")]
	some f in p.deny with input as inp(tokens) with input.control.id as "ATL-KEY-010"
	f.resource.id == "zed"
}

test_not_applicable_without_tokens if {
	count(p.not_applicable) == 1 with input as inp([]) with input.control.id as "ATL-KEY-010"
}

test_token_records_disagreeing_on_the_email_give_one_finding if {
	renamed := object.union(tok("d", "kevin"), {"user": {"id": "kevin", "email": "k.zhang@acme.com"}})
	findings := p.deny with input as inp([tok("a", "kevin"), tok("b", "kevin"), tok("c", "kevin"), renamed]) with input.control.id as "ATL-KEY-010"
	count(findings) == 1
	some f in findings
	f.resource.name == "k.zhang@acme.com"
}
