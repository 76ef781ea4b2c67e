package orgscan.lib.util_keys_test

import data.orgscan.lib.util
import rego.v1

now := {"now_ns": time.parse_rfc3339_ns("2026-11-20T00:00:00Z")}

test_revoked_expired_usable if {
	util.revoked({"revocationDate": "2026-01-01T00:00:00Z"})
	util.revoked({"status": "blocked"})
	not util.revoked({"status": "active"})
	util.expired({"expiresAt": "2026-11-19T00:00:00Z"}) with input as now
	not util.expired({"expiresAt": "2026-11-21T00:00:00Z"}) with input as now
	util.usable({"id": "k", "expiresAt": "2026-11-21T00:00:00Z"}) with input as now
	not util.usable({"id": "k", "status": "REVOKED"}) with input as now
}

test_key_name_and_evidence if {
	util.key_name({"id": "k1", "label": "ci"}) == "ci (k1)"
	util.key_name({"id": "k1", "label": ""}) == "k1"
	ev := util.key_evidence("api_keys", {"id": "k1", "createdBy": {"id": "u1", "email": "a@x.io"}}, "expiresAt", null, "a date", "set one")
	ev.owner == "a@x.io"
	ev.collection == "api_keys"
	util.key_evidence("api_tokens", {"id": "t1", "user": {"id": "u2"}}, "f", 1, 2, "x").owner == "u2"
}
