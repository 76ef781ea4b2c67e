package orgscan.detect.group_add_repeat_test

import data.orgscan.detect.group_add_repeat
import rego.v1

cfg := {"window_minutes": 60, "max_additions": 1, "provisioning_actors": ["atlassian-internal-system"]}

inp(targets, actors) := {
	"config": {"controls": {"ATL-DET-002": cfg}},
	"events": {"available": true},
	"facts": {"declared": {"ATL-DET-002": {
		"additions": {"bursts": targets},
		"by_actor": {"bursts": actors},
	}}},
}

burst(key, ids) := {"key": key, "count": count(ids), "peak": count(ids), "first": "2026-11-01T10:00:00.000Z", "last": "2026-11-01T10:20:00.000Z", "event_ids": ids}

test_a_person_added_three_times_is_one_finding if {
	findings := group_add_repeat.deny with input as inp([burst({"target_user": "u2"}, ["e1", "e2", "e3"])], []) with input.control.id as "ATL-DET-002"
	count(findings) == 1
	some f in findings
	f.evidence.count == 3
	f.evidence.grouping == "per person added"
	f.resource.id == "u2"
}

test_exactly_at_the_threshold_is_no_finding if {
	count(group_add_repeat.deny) == 0 with input as inp([burst({"target_user": "u2"}, ["e1"])], [burst({"actor": "adm"}, ["e1"])]) with input.control.id as "ATL-DET-002"
}

test_one_above_the_threshold_fires if {
	count(group_add_repeat.deny) == 1 with input as inp([burst({"target_user": "u2"}, ["e1", "e2"])], []) with input.control.id as "ATL-DET-002"
}

test_one_actor_adding_several_people_once_each_fires_per_actor if {
	findings := group_add_repeat.deny with input as inp([], [burst({"actor": "adm", "actor_name": "Ada"}, ["e1", "e2", "e3"])]) with input.control.id as "ATL-DET-002"
	count(findings) == 1
	some f in findings
	f.resource.id == "adm"
	f.evidence.grouping == "per actor"
	f.message == "Ada (adm) added people to groups 3 times between 2026-11-01T10:00:00.000Z and 2026-11-01T10:20:00.000Z (more than 1 within 60 minutes)"
}

test_one_person_added_to_several_groups_is_reported_once if {
	# The actor's burst holds exactly the target's additions: one finding, about the person added.
	findings := group_add_repeat.deny with input as inp([burst({"target_user": "u2"}, ["e1", "e2"])], [burst({"actor": "adm"}, ["e1", "e2"])]) with input.control.id as "ATL-DET-002"
	count(findings) == 1
	some f in findings
	f.resource.id == "u2"
}

test_an_actor_burst_beyond_the_target_burst_is_reported_too if {
	findings := group_add_repeat.deny with input as inp([burst({"target_user": "u2"}, ["e1", "e2"])], [burst({"actor": "adm"}, ["e1", "e2", "e3"])]) with input.control.id as "ATL-DET-002"
	count(findings) == 2
}

test_near_miss_no_bursts_pass if {
	count(group_add_repeat.deny) == 0 with input as inp([], []) with input.control.id as "ATL-DET-002"
}

test_not_evaluable_without_events if {
	count(group_add_repeat.not_evaluable) == 1 with input as {"events": {"available": false}} with input.control.id as "ATL-DET-002"
}
