package orgscan.keys.api_key_scopes_test

import data.orgscan.keys.api_key_scopes as p
import rego.v1

now_ns := 1795176000000000000

key(id, scopes) := {"id": id, "label": id, "createdAt": "2026-11-08T11:15:09.000Z", "expiresAt": "2027-11-08T00:00:00.000Z", "scopes": scopes}

inp(keys) := {"now_ns": now_ns, "config": {"controls": {}, "org": {}}, "api_keys": keys}

test_scoped_keys_pass if {
	count(p.deny) == 0 with input as inp([key("a", ["read:events:admin"])])
}

test_empty_scopes_fail if {
	findings := p.deny with input as inp([key("a", ["read:events:admin"]), key("temp-migration", [])])
	count(findings) == 1
	some f in findings
	f.resource.id == "temp-migration"
	f.evidence.observed == []
}

test_absent_scopes_next_to_scoped_keys_fail if {
	count(p.deny) == 1 with input as inp([key("a", ["read:events:admin"]), key("b", null)])
}

test_not_evaluable_when_no_key_reports_scopes if {
	count(p.deny) == 0 with input as inp([key("a", null)])
	count(p.not_evaluable) == 1 with input as inp([key("a", null)])
}

test_expired_keys_are_ignored if {
	k := object.union(key("old", []), {"expiresAt": "2026-01-01T00:00:00.000Z"})
	count(p.deny) == 0 with input as inp([k, key("a", ["x"])])
}
