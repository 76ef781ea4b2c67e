package orgscan.detect.third_party_connected_test

import data.orgscan.detect.third_party_connected
import rego.v1

ev := {"id": "e1", "time": "2026-11-04T09:00:00.000Z", "action": "third_party_integration_connected", "actor": {"id": "adm", "name": "Ada"}, "context": []}

inp(keys, events) := {"events": {"available": true}, "facts": {"action_sets": {"third_party_connect": {"keys": keys}}, "declared": {"ATL-DET-020": {"connections": {"events": events}}}}}

test_connection_fires if {
	findings := third_party_connected.deny with input as inp(["third_party_integration_connected"], [ev]) with input.control.id as "ATL-DET-020"
	count(findings) == 1
}

test_near_miss_disconnections_are_not_selected if {
	count(third_party_connected.deny) == 0 with input as inp(["third_party_integration_connected"], []) with input.control.id as "ATL-DET-020"
}

test_not_evaluable_without_the_action if {
	count(third_party_connected.not_evaluable) == 1 with input as inp([], []) with input.control.id as "ATL-DET-020"
}

test_one_connection_is_one_finding_naming_the_action if {
	findings := third_party_connected.deny with input as inp(["third_party_integration_connected"], [ev]) with input.control.id as "ATL-DET-020"
	count(findings) == 1
	some f in findings
	f.evidence.count == 1
	f.evidence.actions == ["third_party_integration_connected"]
	f.resource.id == "adm"
}
