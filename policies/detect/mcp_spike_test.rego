package orgscan.detect.mcp_spike_test

import data.orgscan.detect.mcp_spike
import rego.v1

spike := {"key": {"user": "u1", "user_name": "Uma"}, "bucket_start": "2026-11-05T10:00:00.000Z", "bucket_end": "2026-11-05T11:00:00.000Z", "count": 400, "baseline": 6, "ratio": 66.67, "history_buckets": 40, "first": "2026-11-05T10:00:01.000Z", "last": "2026-11-05T10:59:00.000Z", "event_ids": ["e1"]}

inp(keys, spikes) := {
	"config": {"controls": {"ATL-DET-017": {"bucket_minutes": 60, "factor": 5, "min_count": 30, "min_history": 5}}},
	"events": {"available": true},
	"facts": {"action_sets": {"mcp_tool": {"keys": keys}}, "declared": {"ATL-DET-017": {"spikes": {"spikes": spikes}}}},
}

# An hour of n tool calls by a person with `history` earlier active hours averaging `mean`.
hour(n, mean, history) := object.union(spike, {"count": n, "baseline": mean, "ratio": round((n / mean) * 100) / 100, "history_buckets": history})

tool := ["rovo_mcp_tool_invoked"]

test_spike_fires if {
	findings := mcp_spike.deny with input as inp(["rovo_mcp_tool_invoked"], [spike]) with input.control.id as "ATL-DET-017"
	count(findings) == 1
	some f in findings
	f.resource.name == "Uma"
}

test_near_miss_no_spike if {
	count(mcp_spike.deny) == 0 with input as inp(["rovo_mcp_tool_invoked"], []) with input.control.id as "ATL-DET-017"
	count(mcp_spike.not_evaluable) == 0 with input as inp(["rovo_mcp_tool_invoked"], []) with input.control.id as "ATL-DET-017"
}

test_not_evaluable_without_mcp_actions if {
	count(mcp_spike.not_evaluable) == 1 with input as inp([], []) with input.control.id as "ATL-DET-017"
}

test_just_below_the_count_floor_is_no_finding if {
	count(mcp_spike.deny) == 0 with input as inp(tool, [hour(29, 2, 10)]) with input.control.id as "ATL-DET-017"
}

test_exactly_at_the_count_floor_fires if {
	findings := mcp_spike.deny with input as inp(tool, [hour(30, 2, 10)]) with input.control.id as "ATL-DET-017"
	count(findings) == 1
	some f in findings
	f.evidence.count == 30
	f.evidence.ratio == 15
}

test_just_below_the_factor_is_no_finding if {
	# 49 calls against a usual 10 an hour: 4.9 x.
	count(mcp_spike.deny) == 0 with input as inp(tool, [hour(49, 10, 10)]) with input.control.id as "ATL-DET-017"
	count(mcp_spike.deny) == 1 with input as inp(tool, [hour(50, 10, 10)]) with input.control.id as "ATL-DET-017"
}

test_before_the_history_is_long_enough_is_no_finding if {
	count(mcp_spike.deny) == 0 with input as inp(tool, [hour(400, 6, 4)]) with input.control.id as "ATL-DET-017"
	count(mcp_spike.deny) == 1 with input as inp(tool, [hour(400, 6, 5)]) with input.control.id as "ATL-DET-017"
}
