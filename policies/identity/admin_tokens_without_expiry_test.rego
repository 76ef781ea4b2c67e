package orgscan.identity.admin_tokens_without_expiry_test

import data.orgscan.identity.admin_tokens_without_expiry as p
import rego.v1

users := [
	{"accountId": "adm", "name": "Marcus", "status": "active", "platformRoles": ["atlassian/org-admin"]},
	{"accountId": "dev", "name": "Kevin", "status": "active", "platformRoles": []},
]

token(id, owner, expires) := {"id": id, "label": id, "status": "ALLOWED", "createdAt": "2023-01-01T00:00:00.000Z", "expiresAt": expires, "user": {"id": owner}}

inp(tokens) := {"config": {"controls": {}, "org": {}}, "users": users, "api_tokens": tokens}

test_passes_when_admin_tokens_expire if {
	count(p.deny) == 0 with input as inp([token("t1", "adm", "2027-01-01T00:00:00.000Z"), token("t2", "dev", null)])
}

test_fails_for_admin_legacy_token if {
	findings := p.deny with input as inp([token("t1", "adm", null)])
	count(findings) == 1
	some f in findings
	f.resource.id == "t1"
	f.evidence.owner == "adm"
}

test_absent_expiry_field_counts_as_none if {
	t := object.remove(token("t3", "adm", null), ["expiresAt"])
	count(p.deny) == 1 with input as inp([t])
}

test_blocked_token_is_ignored if {
	t := object.union(token("t4", "adm", null), {"status": "BLOCKED"})
	count(p.deny) == 0 with input as inp([t])
}

test_not_applicable_without_admins if {
	u := object.union(users[1], {"platformRoles": ["atlassian/ai-access"]})
	count(p.not_applicable) == 1 with input as {"users": [u], "api_tokens": []}
}

test_not_evaluable_when_roles_were_not_collected if {
	count(p.not_evaluable) == 1 with input as {"users": [users[1]], "api_tokens": [token("t1", "dev", null)]}
}
