package orgscan.apps.mcp_sensitive_content_test

import data.orgscan.apps.mcp_sensitive_content as p
import rego.v1

inp(enabled, ds) := {"attestation": {"attested_by": "d", "attested_at": "2026-11-10T09:00:00.000Z", "mcp": {"enabled": enabled}, "data_security": ds}}

test_blocked_passes if {
	count(p.deny) == 0 with input as inp(true, {"mcp_app_blocked_on_sensitive": true})
	count(p.not_evaluable) == 0 with input as inp(true, {"mcp_app_blocked_on_sensitive": true})
}

test_unblocked_fails if {
	count(p.deny) == 1 with input as inp(true, {"mcp_app_blocked_on_sensitive": false})
}

test_not_applicable_when_mcp_off if {
	count(p.deny) == 0 with input as inp(false, {"mcp_app_blocked_on_sensitive": false})
	count(p.not_applicable) == 1 with input as inp(false, null)
}

test_not_evaluable_when_data_security_unanswered if {
	count(p.not_evaluable) == 1 with input as inp(true, null)
}

ev(id, action, at, policy) := {
	"id": id, "action": action, "time": at, "time_ns": time.parse_rfc3339_ns(at),
	"actor": {"id": "p", "name": "Priya"},
	"context": [{"id": policy, "type": "data-security-policy", "attributes": {"name": "Block MCP - Finance"}}],
}

# The select fact as the Rust side fills it (events after attested_at, in time order).
with_changes(enabled, events) := object.union(inp(enabled, {"mcp_app_blocked_on_sensitive": true}), {"facts": {"declared": {"ATL-APP-002": {"dsp_changes": {"events": events}}}}})

test_a_rule_removed_after_the_attestation_fails_with_its_event if {
	findings := p.deny with input as with_changes(true, [ev("e1", "data_security_policy_rule_removed", "2026-11-17T18:05:00.000Z", "dsp1")]) with input.control.id as "ATL-APP-002"
	count(findings) == 1
	some f in findings
	f.evidence.event_ids == ["e1"]
	f.message == "The attestation says a data security policy blocks the Atlassian MCP app from sensitive content, but after it (2026-11-10T09:00:00.000Z) Priya (p) removed a rule from data security policy \"Block MCP - Finance\" on 2026-11-17T18:05:00.000Z, and no later change restored it"
}

test_a_removal_before_the_attestation_passes if {
	count(p.deny) == 0 with input as with_changes(true, [ev("e0", "data_security_policy_rule_removed", "2026-11-09T18:05:00.000Z", "dsp1")]) with input.control.id as "ATL-APP-002"
}

test_a_removal_undone_later_passes if {
	count(p.deny) == 0 with input as with_changes(true, [
		ev("e1", "data_security_policy_rule_removed", "2026-11-17T18:05:00.000Z", "dsp1"),
		ev("e2", "data_security_policy_rule_added", "2026-11-17T18:15:00.000Z", "dsp1"),
	]) with input.control.id as "ATL-APP-002"
}

test_an_app_list_edit_is_not_a_removal if {
	count(p.deny) == 0 with input as with_changes(true, [ev("e1", "data_security_policy_app_removed", "2026-11-17T18:05:00.000Z", "dsp1")]) with input.control.id as "ATL-APP-002"
}

test_no_contradiction_when_mcp_is_off if {
	count(p.deny) == 0 with input as with_changes(false, [ev("e1", "data_security_policy_deleted", "2026-11-17T18:05:00.000Z", "dsp1")]) with input.control.id as "ATL-APP-002"
}
