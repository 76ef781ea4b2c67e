package orgscan.logging.attestation_current_test

import data.orgscan.logging.attestation_current as p
import rego.v1

inp(at) := {"now_ns": 1795176000000000000, "config": {"controls": {"ATL-LOG-007": {"max_age_days": 180}}, "org": {}}, "attestation": {"attested_by": "dana@acme.com", "attested_at": at}}

test_recent_attestation_passes if {
	count(p.deny) == 0 with input as inp("2026-11-10T09:00:00.000Z") with input.control.id as "ATL-LOG-007"
}

test_near_miss if {
	count(p.deny) == 0 with input as inp("2026-05-24T12:00:00.000Z") with input.control.id as "ATL-LOG-007"
	count(p.deny) == 1 with input as inp("2026-05-23T12:00:00.000Z") with input.control.id as "ATL-LOG-007"
}
