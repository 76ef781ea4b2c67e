package orgscan.identity.sso_enforced_test

import data.orgscan.identity.sso_enforced as p
import rego.v1

inp(auth, sso) := {"config": {"controls": {}, "org": {}}, "attestation": {"attested_by": "d", "attested_at": "2026-11-10T09:00:00.000Z", "authentication": auth, "sso": sso}}

test_passes_when_enforced if {
	count(p.deny) == 0 with input as inp({"sso_enforced": true}, {"configured": true})
}

test_fails_when_configured_but_not_enforced if {
	findings := p.deny with input as inp({"sso_enforced": false}, {"configured": true, "identity_provider": "okta"})
	count(findings) == 1
	some f in findings
	contains(f.message, "connected")
	f.evidence.observed.identity_provider == "okta"
}

test_fails_without_sso_section if {
	count(p.deny) == 1 with input as inp({"sso_enforced": false}, null)
}
