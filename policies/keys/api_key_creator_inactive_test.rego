package orgscan.keys.api_key_creator_inactive_test

import data.orgscan.keys.api_key_creator_inactive as p
import rego.v1

users := [
	{"accountId": "dana", "name": "Dana", "status": "active", "platformRoles": ["atlassian/org-admin"]},
	{"accountId": "paul", "name": "Paul", "status": "deactivated", "platformRoles": ["atlassian/org-admin"]},
	{"accountId": "sam", "name": "Sam", "status": "active", "platformRoles": ["atlassian/site-admin"]},
]

key(id, creator) := {"id": id, "label": id, "createdAt": "2026-06-01T00:00:00.000Z", "expiresAt": "2027-06-01T00:00:00.000Z", "createdBy": {"id": creator}}

inp(keys) := {"now_ns": 1795176000000000000, "config": {"controls": {}, "org": {}}, "users": users, "api_keys": keys}

test_key_of_current_org_admin_passes if {
	count(p.deny) == 0 with input as inp([key("a", "dana")])
}

test_key_of_deactivated_creator_fails if {
	findings := p.deny with input as inp([key("a", "paul")])
	count(findings) == 1
	some f in findings
	contains(f.message, "deactivated")
}

test_key_of_active_creator_with_another_role_passes if {
	count(p.deny) == 0 with input as inp([key("a", "sam")])
}

test_unknown_creator_is_not_guessed if {
	count(p.deny) == 0 with input as inp([key("a", "ghost"), object.remove(key("b", "x"), ["createdBy"])])
}
