package orgscan.detect.unusual_admin_test

import data.orgscan.detect.unusual_admin
import rego.v1

spike := {"key": {"actor": "adm"}, "bucket_start": "2026-11-05T00:00:00.000Z", "bucket_end": "2026-11-06T00:00:00.000Z", "count": 120, "baseline": 4.5, "ratio": 26.67, "history_buckets": 9, "first": "2026-11-05T01:00:00.000Z", "last": "2026-11-05T03:00:00.000Z", "event_ids": ["e1"]}

inp(spikes) := {"events": {"available": true}, "facts": {"declared": {"ATL-DET-014": {"spikes": {"spikes": spikes}}}}}

test_spike_fires if {
	count(unusual_admin.deny) == 1 with input as inp([spike])
}

test_near_miss_no_spike if {
	count(unusual_admin.deny) == 0 with input as inp([])
}

test_not_evaluable_without_events if {
	count(unusual_admin.not_evaluable) == 1 with input as {"events": {"available": false}}
}
