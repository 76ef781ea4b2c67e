package orgscan.data.public_access_rules_test

import data.orgscan.data.public_access_rules as p
import rego.v1

inp(section) := {"attestation": {"attested_by": "d", "attested_at": "2026-11-10T09:00:00.000Z", "data_security": section}}

test_passes_when_both_blocked if {
	count(p.deny) == 0 with input as inp({"public_links_blocked": true, "anonymous_access_blocked": true})
}

test_fails_per_open_rule if {
	count(p.deny) == 2 with input as inp({"public_links_blocked": false, "anonymous_access_blocked": false})
	count(p.deny) == 1 with input as inp({"public_links_blocked": true, "anonymous_access_blocked": false})
}

test_not_evaluable_when_unanswered if {
	count(p.not_evaluable) == 1 with input as inp({"app_access_rule": true})
	count(p.not_evaluable) == 0 with input as inp({"public_links_blocked": true})
}
