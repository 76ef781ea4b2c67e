# Admin API keys and user API tokens: revoked, expired, usable, and their evidence.
# Part of the `orgscan.lib.util` package (one package over the util_*.rego files, so policies
# call every helper as `util.…`). Plain Rego v1: runs the same under regorus and OPA.
package orgscan.lib.util

import rego.v1

# A key or token revoked already (it may still be listed).
revoked(k) if is_string(val(k, "revocationDate", null))

revoked(k) if upper(val(k, "status", "")) in {"REVOKED", "BLOCKED"}

expired(k) if {
	exp := val(k, "expiresAt", null)
	is_string(exp)
	ts_ns(exp) <= input.now_ns
}

# Can still be used: not revoked, blocked or expired.
usable(k) if {
	not revoked(k)
	not expired(k)
}

key_name(k) := sprintf("%s (%s)", [l, k.id]) if {
	l := val(k, "label", null)
	is_string(l)
	l != ""
} else := k.id

key_evidence(collection, k, field, observed, expected, to_pass) := {
	"source": "api",
	"collection": collection,
	"field": field,
	"observed": observed,
	"expected": expected,
	"label": val(k, "label", null),
	"created_at": val(k, "createdAt", null),
	"expires_at": val(k, "expiresAt", null),
	"last_active_at": val(k, "lastActiveAt", null),
	"owner": val(object.get(k, "createdBy", object.get(k, "user", {})), "email", val(object.get(k, "createdBy", object.get(k, "user", {})), "id", null)),
	"to_pass": to_pass,
}
