package orgscan.identity.auth_2sv_enforced_test

import data.orgscan.identity.auth_2sv_enforced as p
import rego.v1

inp(auth) := {"config": {"controls": {}, "org": {}}, "attestation": {"attested_by": "dana@acme.com", "attested_at": "2026-11-10T09:00:00.000Z", "authentication": auth}}

test_passes_with_2sv_enforced if {
	count(p.deny) == 0 with input as inp({"two_step_enforced": true, "sso_enforced": false})
	count(p.not_evaluable) == 0 with input as inp({"two_step_enforced": true, "sso_enforced": false})
}

test_passes_with_sso_enforced if {
	count(p.deny) == 0 with input as inp({"two_step_enforced": false, "sso_enforced": true})
	count(p.not_evaluable) == 0 with input as inp({"two_step_enforced": null, "sso_enforced": true})
}

test_fails_when_neither_is_enforced if {
	findings := p.deny with input as inp({"two_step_enforced": false, "sso_enforced": false})
	count(findings) == 1
	some f in findings
	f.evidence.source == "attestation"
	f.evidence.attested_by == "dana@acme.com"
}

test_not_evaluable_when_sso_unanswered if {
	count(p.deny) == 0 with input as inp({"two_step_enforced": false})
	count(p.not_evaluable) == 1 with input as inp({"two_step_enforced": false})
}

test_not_evaluable_when_nothing_answered if {
	count(p.not_evaluable) == 1 with input as inp({"exempt_accounts": []})
}
