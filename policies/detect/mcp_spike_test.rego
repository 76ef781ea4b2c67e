package orgscan.detect.mcp_spike_test

import data.orgscan.detect.mcp_spike
import rego.v1

spike := {"key": {"user": "u1", "user_name": "Uma"}, "bucket_start": "2026-11-05T10:00:00.000Z", "bucket_end": "2026-11-05T11:00:00.000Z", "count": 400, "baseline": 6, "ratio": 66.67, "history_buckets": 40, "first": "2026-11-05T10:00:01.000Z", "last": "2026-11-05T10:59:00.000Z", "event_ids": ["e1"]}

inp(keys, spikes) := {"events": {"available": true}, "facts": {"action_sets": {"mcp_tool": {"keys": keys}}, "declared": {"ATL-DET-017": {"spikes": {"spikes": spikes}}}}}

test_spike_fires if {
	findings := mcp_spike.deny with input as inp(["rovo_mcp_tool_invoked"], [spike])
	count(findings) == 1
	some f in findings
	f.resource.name == "Uma"
}

test_near_miss_no_spike if {
	count(mcp_spike.deny) == 0 with input as inp(["rovo_mcp_tool_invoked"], [])
	count(mcp_spike.not_evaluable) == 0 with input as inp(["rovo_mcp_tool_invoked"], [])
}

test_not_evaluable_without_mcp_actions if {
	count(mcp_spike.not_evaluable) == 1 with input as inp([], [])
}
