package orgscan.apps.mcp_sensitive_content_test

import data.orgscan.apps.mcp_sensitive_content as p
import rego.v1

inp(enabled, ds) := {"attestation": {"attested_by": "d", "attested_at": "2026-11-10T09:00:00.000Z", "mcp": {"enabled": enabled}, "data_security": ds}}

test_blocked_passes if {
	count(p.deny) == 0 with input as inp(true, {"mcp_app_blocked_on_sensitive": true})
	count(p.not_evaluable) == 0 with input as inp(true, {"mcp_app_blocked_on_sensitive": true})
}

test_unblocked_fails if {
	count(p.deny) == 1 with input as inp(true, {"mcp_app_blocked_on_sensitive": false})
}

test_not_applicable_when_mcp_off if {
	count(p.deny) == 0 with input as inp(false, {"mcp_app_blocked_on_sensitive": false})
	count(p.not_applicable) == 1 with input as inp(false, null)
}

test_not_evaluable_when_data_security_unanswered if {
	count(p.not_evaluable) == 1 with input as inp(true, null)
}
