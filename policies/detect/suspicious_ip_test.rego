package orgscan.detect.suspicious_ip_test

import data.orgscan.detect.suspicious_ip
import rego.v1

item := {"key": {"actor": "a1"}, "value": "185.220.101.4", "count": 4, "first": "2026-11-01T10:00:00.000Z", "last": "2026-11-01T10:09:00.000Z", "event_ids": ["e1"]}

inp(lists, items) := {
	"config": {"controls": {"ATL-DET-011": {"suspicious_ips": lists}}},
	"events": {"available": true},
	"facts": {"declared": {"ATL-DET-011": {"listed": {"items": items}}}},
}

test_fires_for_a_listed_address if {
	count(suspicious_ip.deny) == 1 with input as inp(["185.220.101.0/24"], [item]) with input.control.id as "ATL-DET-011"
}

test_near_miss_nothing_listed_matched if {
	count(suspicious_ip.deny) == 0 with input as inp(["185.220.101.0/24"], []) with input.control.id as "ATL-DET-011"
	count(suspicious_ip.not_evaluable) == 0 with input as inp(["185.220.101.0/24"], []) with input.control.id as "ATL-DET-011"
}

test_not_evaluable_without_a_list if {
	count(suspicious_ip.not_evaluable) == 1 with input as inp([], []) with input.control.id as "ATL-DET-011"
}

test_one_finding_per_listed_address if {
	other := object.union(item, {"value": "185.220.101.9", "count": 1, "event_ids": ["e7"]})
	findings := suspicious_ip.deny with input as inp(["185.220.101.0/24"], [item, other]) with input.control.id as "ATL-DET-011"
	count(findings) == 2
	{f.evidence.ip | some f in findings} == {"185.220.101.4", "185.220.101.9"}
}
