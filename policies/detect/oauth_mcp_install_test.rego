package orgscan.detect.oauth_mcp_install_test

import data.orgscan.detect.oauth_mcp_install
import rego.v1

ev := {"id": "e1", "time": "2026-11-03T09:00:00.000Z", "action": "oauth_app_first_installed", "actor": {"id": "u1", "name": "Uma"}, "context": [{"id": "app1", "type": "apps", "attributes": {"name": "Atlassian MCP"}}]}

inp(keys, events) := {"events": {"available": true}, "facts": {"action_sets": {"oauth_install": {"keys": keys}}, "declared": {"ATL-DET-016": {"installs": {"events": events}}}}}

test_mcp_app_install_fires if {
	findings := oauth_mcp_install.deny with input as inp(["oauth_app_first_installed"], [ev]) with input.control.id as "ATL-DET-016"
	count(findings) == 1
	some f in findings
	f.evidence.apps == ["Atlassian MCP"]
	f.evidence.action_keys == ["oauth_app_first_installed"]
}

test_near_miss_no_install_passes if {
	count(oauth_mcp_install.deny) == 0 with input as inp(["oauth_app_first_installed"], []) with input.control.id as "ATL-DET-016"
	count(oauth_mcp_install.not_evaluable) == 0 with input as inp(["oauth_app_first_installed"], []) with input.control.id as "ATL-DET-016"
}

test_not_evaluable_without_the_action if {
	count(oauth_mcp_install.not_evaluable) == 1 with input as inp([], []) with input.control.id as "ATL-DET-016"
}

test_installs_on_two_days_are_two_findings if {
	later := object.union(ev, {"id": "e2", "time": "2026-11-04T09:00:00.000Z"})
	findings := oauth_mcp_install.deny with input as inp(["oauth_app_first_installed"], [ev, later]) with input.control.id as "ATL-DET-016"
	count(findings) == 2
	{f.evidence.event_ids[0] | some f in findings} == {"e1", "e2"}
}
