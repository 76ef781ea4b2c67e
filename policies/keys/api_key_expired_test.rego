package orgscan.keys.api_key_expired_test

import data.orgscan.keys.api_key_expired as p
import rego.v1

now_ns := 1795176000000000000

key(id, expires) := {"id": id, "label": id, "createdAt": "2025-06-01T00:00:00.000Z", "expiresAt": expires}

inp(keys) := {"now_ns": now_ns, "config": {"controls": {}, "org": {}}, "api_keys": keys}

test_valid_keys_pass if {
	count(p.deny) == 0 with input as inp([key("k", "2026-11-20T12:00:00.001Z"), {"id": "legacy"}])
}

test_expired_key_fails if {
	findings := p.deny with input as inp([key("okta-sync", "2026-10-01T05:00:00.000Z")])
	count(findings) == 1
	some f in findings
	f.evidence.days_since_expiry == 50
}

test_expiry_at_now_counts_as_expired if {
	count(p.deny) == 1 with input as inp([key("k", "2026-11-20T12:00:00.000Z")])
}

test_revoked_key_is_ignored if {
	k := object.union(key("k", "2026-10-01T00:00:00.000Z"), {"revocationDate": "2026-10-02T00:00:00.000Z"})
	count(p.deny) == 0 with input as inp([k])
}

test_not_applicable_without_keys if {
	count(p.not_applicable) == 1 with input as inp([])
}
