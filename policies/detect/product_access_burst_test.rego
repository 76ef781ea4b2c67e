package orgscan.detect.product_access_burst_test

import data.orgscan.detect.product_access_burst
import rego.v1

inp(bursts) := {
	"config": {"controls": {"ATL-DET-006": {"window_minutes": 60, "max_grants": 5}}},
	"events": {"available": true},
	"facts": {"declared": {"ATL-DET-006": {"bursts": {"bursts": bursts, "max_peak": 5}}}},
}

burst := {"key": {"actor": "a1", "actor_name": "Ann"}, "count": 9, "peak": 9, "first": "2026-11-01T10:00:00.000Z", "last": "2026-11-01T10:40:00.000Z", "event_ids": ["e1", "e2"]}

test_a_burst_is_one_finding if {
	findings := product_access_burst.deny with input as inp([burst]) with input.control.id as "ATL-DET-006"
	count(findings) == 1
	some f in findings
	f.evidence.count == 9
	f.resource.name == "Ann"
}

burst_of(peak) := object.union(burst, {"count": peak, "peak": peak})

test_exactly_at_the_threshold_is_no_finding if {
	# Five grants within the hour: Sumo's "Count > 5" is not met.
	count(product_access_burst.deny) == 0 with input as inp([burst_of(5)]) with input.control.id as "ATL-DET-006"
}

test_one_above_the_threshold_fires if {
	findings := product_access_burst.deny with input as inp([burst_of(6)]) with input.control.id as "ATL-DET-006"
	count(findings) == 1
	some f in findings
	f.evidence.peak == 6
	f.evidence.threshold == 5
}

test_a_raised_threshold_is_applied_by_the_rule if {
	raised := object.union(inp([burst_of(6)]), {"config": {"controls": {"ATL-DET-006": {"max_grants": 6}}}})
	count(product_access_burst.deny) == 0 with input as raised with input.control.id as "ATL-DET-006"
}

test_not_evaluable_without_events if {
	count(product_access_burst.not_evaluable) == 1 with input as {"events": {"available": false}} with input.control.id as "ATL-DET-006"
}
