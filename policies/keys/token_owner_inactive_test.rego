package orgscan.keys.token_owner_inactive_test

import data.orgscan.keys.token_owner_inactive as p
import rego.v1

users := [
	{"accountId": "kevin", "name": "Kevin", "status": "active", "accountStatus": "active"},
	{"accountId": "paul", "name": "Paul", "status": "deactivated", "accountStatus": "inactive", "deactivatedOn": "2026-08-14T09:00:00.000Z"},
	{"accountId": "old", "name": "Old", "status": "active", "accountStatus": "closed"},
]

tok(id, owner) := {"id": id, "label": id, "status": "ALLOWED", "user": {"id": owner}}

inp(tokens) := {"now_ns": 1795176000000000000, "config": {"controls": {}, "org": {}}, "users": users, "api_tokens": tokens}

test_active_owner_passes if {
	count(p.deny) == 0 with input as inp([tok("a", "kevin")])
}

test_deactivated_and_closed_owners_fail if {
	findings := p.deny with input as inp([tok("a", "kevin"), tok("ci", "paul"), tok("x", "old")])
	count(findings) == 2
	some f in findings
	f.resource.id == "ci"
	f.evidence.deactivated_on == "2026-08-14T09:00:00.000Z"
}

test_unknown_owner_is_not_guessed if {
	count(p.deny) == 0 with input as inp([tok("a", "someone-else")])
}

test_not_applicable_without_tokens if {
	count(p.not_applicable) == 1 with input as inp([])
}
