package orgscan.detect.login_burst_test

import data.orgscan.detect.login_burst
import rego.v1

inp(hours) := {
	"config": {"controls": {"ATL-DET-009": {"window_minutes": 60, "max_logins": 5, "factor": 3}}},
	"events": {"available": true},
	"facts": {"declared": {"ATL-DET-009": {"hours": {"spikes": hours}}}},
}

hour(n, baseline) := {
	"key": {"actor": "u5", "actor_name": "Uma"},
	"bucket_start": "2026-11-15T10:00:00.000Z",
	"count": n,
	"baseline": baseline,
	"history_buckets": 12,
	"first": "2026-11-15T10:00:00.000Z",
	"last": "2026-11-15T10:40:00.000Z",
	"event_ids": [sprintf("e%d", [i]) | some i in numbers.range(1, n)],
}

test_a_dozen_sign_ins_by_a_person_who_signs_in_once_an_hour_fire if {
	findings := login_burst.deny with input as inp([hour(12, 1)]) with input.control.id as "ATL-DET-009"
	count(findings) == 1
	some f in findings
	f.resource.id == "u5"
	f.evidence.count == 12
	f.evidence.threshold == 5
	count(f.evidence.event_ids) == 12
}

test_exactly_at_the_floor_is_no_finding if {
	count(login_burst.deny) == 0 with input as inp([hour(5, 1)]) with input.control.id as "ATL-DET-009"
}

test_one_above_the_floor_fires if {
	count(login_burst.deny) == 1 with input as inp([hour(6, 1)]) with input.control.id as "ATL-DET-009"
}

test_exactly_at_the_accounts_own_baseline_threshold_is_no_finding if {
	# A service account signing in 10 times an hour on average: 30 in an hour is its normal x3.
	count(login_burst.deny) == 0 with input as inp([hour(30, 10)]) with input.control.id as "ATL-DET-009"
}

test_one_above_the_accounts_own_baseline_threshold_fires if {
	count(login_burst.deny) == 1 with input as inp([hour(31, 10)]) with input.control.id as "ATL-DET-009"
}

test_near_miss_no_busy_hours_pass if {
	count(login_burst.deny) == 0 with input as inp([]) with input.control.id as "ATL-DET-009"
}

test_not_evaluable_without_events if {
	count(login_burst.not_evaluable) == 1 with input as {"events": {"available": false}} with input.control.id as "ATL-DET-009"
}
