package orgscan.apps.mcp_api_token_auth_test

import data.orgscan.apps.mcp_api_token_auth as p
import rego.v1

inp(mcp) := {"attestation": {"attested_by": "d", "attested_at": "2026-11-10T09:00:00.000Z", "mcp": mcp}}

test_off_passes if {
	count(p.deny) == 0 with input as inp({"enabled": true, "api_token_auth_enabled": false})
}

test_on_with_justification_passes if {
	count(p.deny) == 0 with input as inp({"enabled": true, "api_token_auth_enabled": true, "api_token_auth_justification": "Headless CI agent for release notes, ticket SEC-142"})
}

test_on_without_justification_fails if {
	count(p.deny) == 1 with input as inp({"enabled": true, "api_token_auth_enabled": true})
	count(p.deny) == 1 with input as inp({"enabled": true, "api_token_auth_enabled": true, "api_token_auth_justification": ""})
}

test_not_applicable_when_mcp_off if {
	count(p.deny) == 0 with input as inp({"enabled": false, "api_token_auth_enabled": true})
	count(p.not_applicable) == 1 with input as inp({"enabled": false})
}

test_not_evaluable_when_unanswered if {
	count(p.not_evaluable) == 1 with input as inp({"enabled": true})
}
