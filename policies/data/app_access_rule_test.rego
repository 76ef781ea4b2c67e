package orgscan.data.app_access_rule_test

import data.orgscan.data.app_access_rule as p
import rego.v1

inp(v) := {"attestation": {"attested_by": "d", "attested_at": "2026-11-10T09:00:00.000Z", "data_security": {"app_access_rule": v}}}

test_passes_with_rule if {
	count(p.deny) == 0 with input as inp(true)
}

test_fails_without_rule if {
	findings := p.deny with input as inp(false)
	count(findings) == 1
	some f in findings
	f.evidence.source == "attestation"
}
