package orgscan.detect.failed_logins_test

import data.orgscan.detect.failed_logins
import rego.v1

inp(keys, bursts) := {
	"config": {"controls": {"ATL-DET-007": {"window_minutes": 60, "max_failures": 5}}},
	"events": {"available": true},
	"facts": {
		"action_sets": {"failed_login": {"keys": keys}},
		"declared": {"ATL-DET-007": {"bursts": {"bursts": bursts}}},
	},
}

burst := {"key": {"actor": "a1"}, "count": 12, "peak": 12, "first": "2026-11-01T10:00:00.000Z", "last": "2026-11-01T10:05:00.000Z", "event_ids": ["e1"]}

test_fires_when_the_catalogue_has_a_failed_login_action if {
	count(failed_logins.deny) == 1 with input as inp(["user_login_failed"], [burst]) with input.control.id as "ATL-DET-007"
}

test_near_miss_no_burst_passes if {
	count(failed_logins.deny) == 0 with input as inp(["user_login_failed"], []) with input.control.id as "ATL-DET-007"
	count(failed_logins.not_evaluable) == 0 with input as inp(["user_login_failed"], []) with input.control.id as "ATL-DET-007"
}

test_not_evaluable_without_a_failed_login_action if {
	reasons := failed_logins.not_evaluable with input as inp([], []) with input.control.id as "ATL-DET-007"
	count(reasons) == 1
	some r in reasons
	contains(r, "no failed-login action")
}

burst_of(peak) := object.union(burst, {"count": peak, "peak": peak})

test_exactly_at_the_threshold_is_no_finding if {
	count(failed_logins.deny) == 0 with input as inp(["user_login_failed"], [burst_of(5)]) with input.control.id as "ATL-DET-007"
}

test_one_above_the_threshold_fires if {
	findings := failed_logins.deny with input as inp(["user_login_failed"], [burst_of(6)]) with input.control.id as "ATL-DET-007"
	count(findings) == 1
	some f in findings
	f.evidence.peak == 6
	f.resource.id == "a1"
}
