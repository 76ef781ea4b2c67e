package orgscan.identity.idle_session_test

import data.orgscan.identity.idle_session as p
import rego.v1

inp(minutes) := {"config": {"controls": {"ATL-IDN-005": {"max_idle_session_minutes": 480}}, "org": {}}, "attestation": {"attested_by": "d", "attested_at": "2026-11-10T09:00:00.000Z", "authentication": {"idle_session_timeout_minutes": minutes}}}

test_passes_at_the_threshold if {
	count(p.deny) == 0 with input as inp(480) with input.control.id as "ATL-IDN-005"
}

test_passes_below if {
	count(p.deny) == 0 with input as inp(60) with input.control.id as "ATL-IDN-005"
}

test_fails_just_over if {
	count(p.deny) == 1 with input as inp(481) with input.control.id as "ATL-IDN-005"
}

test_fails_on_twelve_hours if {
	findings := p.deny with input as inp(720) with input.control.id as "ATL-IDN-005"
	some f in findings
	f.evidence.observed == 720
	contains(f.message, "12 hours")
}

test_fails_on_atlassian_default_30_days if {
	findings := p.deny with input as inp(43200) with input.control.id as "ATL-IDN-005"
	some f in findings
	contains(f.message, "30 days")
}

test_threshold_is_configurable if {
	i := object.union(inp(720), {"config": {"controls": {"ATL-IDN-005": {"max_idle_session_minutes": 720}}}})
	count(p.deny) == 0 with input as i with input.control.id as "ATL-IDN-005"
}
