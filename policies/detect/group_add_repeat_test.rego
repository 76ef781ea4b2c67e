package orgscan.detect.group_add_repeat_test

import data.orgscan.detect.group_add_repeat
import rego.v1

inp(bursts) := {
	"config": {"controls": {"ATL-DET-002": {"window_minutes": 60, "max_additions": 1}}},
	"events": {"available": true},
	"facts": {"declared": {"ATL-DET-002": {"additions": {"bursts": bursts, "max_peak": 1}}}},
}

burst := {"key": {"target_user": "u2"}, "count": 3, "peak": 3, "first": "2026-11-01T10:00:00.000Z", "last": "2026-11-01T10:20:00.000Z", "event_ids": ["e1", "e2", "e3"]}

test_a_burst_is_one_finding if {
	findings := group_add_repeat.deny with input as inp([burst])
	count(findings) == 1
	some f in findings
	f.evidence.count == 3
	f.resource.id == "u2"
}

test_near_miss_single_additions_pass if {
	count(group_add_repeat.deny) == 0 with input as inp([])
}

test_not_evaluable_without_events if {
	count(group_add_repeat.not_evaluable) == 1 with input as {"events": {"available": false}}
}
