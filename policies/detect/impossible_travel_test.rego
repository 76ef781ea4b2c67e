package orgscan.detect.impossible_travel_test

import data.orgscan.detect.impossible_travel
import rego.v1

t := {
	"key": {"actor": "a1", "actor_name": "Ann"},
	"from": {"country": "Germany", "city": "Berlin", "precision": "city", "time": "2026-11-01T10:00:00.000Z", "event_id": "e1"},
	"to": {"country": "Australia", "city": "Sydney", "precision": "city", "time": "2026-11-01T12:00:00.000Z", "event_id": "e2"},
	"distance_km": 16090, "min_distance_km": 16030, "hours": 2, "speed_kmh": 8015,
}

inp(ts) := {
	"config": {"controls": {"ATL-DET-013": {"max_kmh": 1000, "min_km": 500}}},
	"events": {"available": true},
	"facts": {"declared": {"ATL-DET-013": {"travel": {"transitions": ts}}}},
}

trip(km, kmh) := object.union(t, {"min_distance_km": km, "speed_kmh": kmh})

test_berlin_to_sydney_in_two_hours_fires if {
	findings := impossible_travel.deny with input as inp([t]) with input.control.id as "ATL-DET-013"
	count(findings) == 1
	some f in findings
	f.evidence.event_ids == ["e1", "e2"]
	contains(f.message, "Sydney, Australia")
}

test_near_miss_reachable_travel_passes if {
	count(impossible_travel.deny) == 0 with input as inp([]) with input.control.id as "ATL-DET-013"
}

test_not_evaluable_without_events if {
	count(impossible_travel.not_evaluable) == 1 with input as {"events": {"available": false}} with input.control.id as "ATL-DET-013"
}

test_just_below_the_speed_is_no_finding if {
	count(impossible_travel.deny) == 0 with input as inp([trip(900, 999)]) with input.control.id as "ATL-DET-013"
}

test_exactly_at_the_speed_fires if {
	# The thresholds are inclusive, as in the fact: 1,000 km/h is impossible.
	findings := impossible_travel.deny with input as inp([trip(900, 1000)]) with input.control.id as "ATL-DET-013"
	count(findings) == 1
	some f in findings
	f.evidence.speed_kmh == 1000
}

test_a_short_hop_is_no_finding_at_any_speed if {
	count(impossible_travel.deny) == 0 with input as inp([trip(499, "instant")]) with input.control.id as "ATL-DET-013"
	count(impossible_travel.deny) == 1 with input as inp([trip(500, "instant")]) with input.control.id as "ATL-DET-013"
}
