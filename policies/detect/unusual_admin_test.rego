package orgscan.detect.unusual_admin_test

import data.orgscan.detect.unusual_admin
import rego.v1

spike := {"key": {"actor": "adm"}, "bucket_start": "2026-11-05T00:00:00.000Z", "bucket_end": "2026-11-06T00:00:00.000Z", "count": 120, "baseline": 4.5, "ratio": 26.67, "history_buckets": 9, "first": "2026-11-05T01:00:00.000Z", "last": "2026-11-05T03:00:00.000Z", "event_ids": ["e1"]}

inp(spikes) := {
	"config": {"controls": {"ATL-DET-014": {"bucket_minutes": 1440, "factor": 5, "min_count": 20, "min_history": 3}}},
	"events": {"available": true},
	"facts": {"declared": {"ATL-DET-014": {"spikes": {"spikes": spikes}}}},
}

# A day of n admin actions by an admin with `history` earlier active days averaging `mean`.
day(n, mean, history) := object.union(spike, {"count": n, "baseline": mean, "ratio": round((n / mean) * 100) / 100, "history_buckets": history})

test_spike_fires if {
	findings := unusual_admin.deny with input as inp([spike]) with input.control.id as "ATL-DET-014"
	count(findings) == 1
	some f in findings
	f.resource.id == "adm"
	f.evidence.count == 120
}

test_just_below_the_count_floor_is_no_finding if {
	# 19 actions at 19 x the usual one a day: the floor of 20 is inclusive, 19 is below it.
	count(unusual_admin.deny) == 0 with input as inp([day(19, 1, 5)]) with input.control.id as "ATL-DET-014"
}

test_exactly_at_the_count_floor_fires if {
	findings := unusual_admin.deny with input as inp([day(20, 1, 5)]) with input.control.id as "ATL-DET-014"
	count(findings) == 1
	some f in findings
	f.evidence.count == 20
}

test_just_below_the_factor_is_no_finding if {
	# 24 actions against a usual 5: 4.8 x, below the factor of 5.
	count(unusual_admin.deny) == 0 with input as inp([day(24, 5, 5)]) with input.control.id as "ATL-DET-014"
}

test_exactly_at_the_factor_fires if {
	count(unusual_admin.deny) == 1 with input as inp([day(25, 5, 5)]) with input.control.id as "ATL-DET-014"
}

test_too_little_history_is_no_finding if {
	# Two earlier active days: no baseline yet (min_history 3).
	count(unusual_admin.deny) == 0 with input as inp([day(120, 4.5, 2)]) with input.control.id as "ATL-DET-014"
	count(unusual_admin.deny) == 1 with input as inp([day(120, 4.5, 3)]) with input.control.id as "ATL-DET-014"
}

test_near_miss_no_spike if {
	count(unusual_admin.deny) == 0 with input as inp([]) with input.control.id as "ATL-DET-014"
}

test_not_evaluable_without_events if {
	count(unusual_admin.not_evaluable) == 1 with input as {"events": {"available": false}} with input.control.id as "ATL-DET-014"
}
