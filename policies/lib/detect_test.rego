package orgscan.lib.detect_test

import data.orgscan.lib.detect
import rego.v1

declared := {"facts": {
	"declared": {"ATL-DET-006": {"bursts": {"bursts": [{"peak": 6}], "max_peak": 6}}},
	"action_sets": {"mcp": {"keys": ["rovo_mcp_tool_invoked"]}},
}}

test_items_of_a_declared_fact if {
	detect.items("ATL-DET-006", "bursts", "bursts") == [{"peak": 6}] with input as declared
	detect.fact("ATL-DET-006", "bursts").max_peak == 6 with input as declared
}

test_a_missing_fact_or_list_is_empty if {
	detect.items("ATL-DET-006", "bursts", "spikes") == [] with input as declared
	detect.items("ATL-DET-007", "bursts", "bursts") == [] with input as declared
	detect.fact("ATL-DET-007", "bursts") == {} with input as declared
}

test_action_sets if {
	detect.action_set("mcp") == ["rovo_mcp_tool_invoked"] with input as declared
	detect.action_set("failed_login") == [] with input as declared
}

test_events_unavailable_gives_the_reason if {
	detect.events_unavailable == {"the audit log was not collected: 403 Forbidden"} with input as {"events": {"available": false, "unavailable_reason": "403 Forbidden"}}
	detect.events_unavailable == {"the audit log was not collected: the snapshot has no events"} with input as {}
	count(detect.events_unavailable) == 0 with input as {"events": {"available": true}}
}

test_first_n if {
	detect.first_n(["a", "b", "c"], 2) == ["a", "b"]
	detect.first_n(["a"], 5) == ["a"]
	detect.first_n([], 5) == []
}

test_who_names_people_and_the_system_actor if {
	detect.who("u1", "Ann") == "Ann (u1)"
	detect.who("u1", "") == "u1"
	detect.who("u1", null) == "u1"
	detect.who("atlassian-internal-system", "Atlassian") == "Atlassian system actor (atlassian-internal-system)"
}

test_key_resource if {
	detect.key_resource({"actor": "u1", "actor_name": "Ann"}, "actor") == {"type": "user", "id": "u1", "name": "Ann"}
	detect.key_resource({"user": "u2"}, "user") == {"type": "user", "id": "u2", "name": "u2"}
	detect.key_resource({"actor": "atlassian-internal-system"}, "actor") == {"type": "system", "id": "atlassian-internal-system", "name": "Atlassian system actor"}
}

test_actor_resource_and_label if {
	detect.actor_resource({"actor": {"id": "u1", "name": "Ann"}}) == {"type": "user", "id": "u1", "name": "Ann"}
	detect.actor_resource({"actor": {"id": "u1"}}) == {"type": "user", "id": "u1"}
	detect.actor_resource({"actor": {"id": "atlassian-internal-system", "name": "Atlassian"}}).type == "system"
	detect.actor_label({"actor": {"id": "u1", "name": "Ann"}}) == "Ann (u1)"
	detect.is_system({"actor": {"id": "atlassian-internal-system"}})
	not detect.is_system({"actor": {"id": "u1"}})
}

geo := {"facts": {"geo": {"aliases": {"iran, islamic republic of": "IR", "iran": "IR", "south korea": "KR"}}}}

test_country_codes_and_lists if {
	detect.country_code("Iran, Islamic Republic of") == "IR" with input as geo
	detect.country_code("kp") == "KP" with input as geo
	detect.country_in("Iran", ["IR"]) with input as geo
	detect.country_in("IR", ["Iran"]) with input as geo
	not detect.country_in("South Korea", ["KP", "IR"]) with input as geo
}

ev(id, actor, t) := {"id": id, "time": t, "action": "a", "actor": {"id": actor}}

test_groups_by_actor_and_utc_day if {
	groups := detect.groups_by_actor_day([ev("e1", "u1", "2026-11-01T23:59:59.000Z"), ev("e2", "u1", "2026-11-02T00:00:00.000Z"), ev("e3", "u2", "2026-11-01T10:00:00.000Z")])
	count(groups) == 3
	[e.id | some e in groups[["u1", "2026-11-01"]]] == ["e1"]
	[e.id | some e in groups[["u1", "2026-11-02"]]] == ["e2"]
}

test_group_evidence_lists_ids_in_time_order_then_id_capped if {
	group := [ev("e3", "u1", "2026-11-02T08:00:00.000Z"), ev("e2", "u1", "2026-11-01T09:00:00.000Z"), ev("e1", "u1", "2026-11-02T08:00:00.000Z")]
	full := detect.group_evidence(group, 10)
	full.event_ids == ["e2", "e1", "e3"]
	full.count == 3
	full.first == "2026-11-01T09:00:00.000Z"
	full.last == "2026-11-02T08:00:00.000Z"
	full.per_day == {"2026-11-01": 1, "2026-11-02": 2}
	full.actions == ["a"]
	detect.group_evidence(group, 2).event_ids == ["e2", "e1"]
	detect.group_evidence(group, 2).count == 3
}

test_burst_over_is_strict if {
	not detect.burst_over({"peak": 5}, 5)
	detect.burst_over({"peak": 6}, 5)
}

cfg := {"min_count": 20, "min_history": 3, "factor": 5}

test_baseline_spike_thresholds_are_inclusive if {
	detect.baseline_spike({"count": 20, "history_buckets": 3, "baseline": 4, "ratio": 5}, cfg)
	not detect.baseline_spike({"count": 19, "history_buckets": 3, "baseline": 1, "ratio": 19}, cfg)
	not detect.baseline_spike({"count": 40, "history_buckets": 2, "baseline": 1, "ratio": 40}, cfg)
	not detect.baseline_spike({"count": 24, "history_buckets": 3, "baseline": 5, "ratio": 4.8}, cfg)
}

test_a_baseline_without_history_is_judged_on_the_floor_alone if {
	detect.baseline_spike({"count": 20, "history_buckets": 0, "baseline": 0, "ratio": 0}, {"min_count": 20, "min_history": 0, "factor": 5})
}

test_travel_thresholds_round_like_the_fact if {
	detect.travel_impossible({"min_distance_km": 500, "speed_kmh": 1000}, 500, 1000)
	detect.travel_impossible({"min_distance_km": 500, "speed_kmh": "instant"}, 500, 1000)
	not detect.travel_impossible({"min_distance_km": 499, "speed_kmh": 5000}, 500, 1000)
	not detect.travel_impossible({"min_distance_km": 900, "speed_kmh": 999}, 500, 1000)
	# A fractional setting compares as the fact's rounded output does: 999.6 km/h rounds to 1000.
	detect.travel_impossible({"min_distance_km": 900, "speed_kmh": 1000}, 500, 999.6)
}
