package orgscan.data.app_access_rule_test

import data.orgscan.data.app_access_rule as p
import rego.v1

inp(v) := {"attestation": {"attested_by": "d", "attested_at": "2026-11-10T09:00:00.000Z", "data_security": {"app_access_rule": v}}}

test_passes_with_rule if {
	count(p.deny) == 0 with input as inp(true) with input.control.id as "ATL-DAT-005"
}

test_fails_without_rule if {
	findings := p.deny with input as inp(false) with input.control.id as "ATL-DAT-005"
	count(findings) == 1
	some f in findings
	f.evidence.source == "attestation"
}

ev(id, action, at, policy) := {
	"id": id, "action": action, "time": at, "time_ns": time.parse_rfc3339_ns(at),
	"actor": {"id": "p", "name": "Priya"},
	"context": [{"id": policy, "type": "data-security-policy", "attributes": {"name": "Apps - Finance"}}],
}

# The select fact as the Rust side fills it (events after attested_at, in time order).
with_changes(v, events) := object.union(inp(v), {"facts": {"declared": {"ATL-DAT-005": {"dsp_changes": {"events": events}}}}})

test_a_rule_removed_after_the_attestation_fails_with_its_event if {
	findings := p.deny with input as with_changes(true, [ev("e1", "data_security_policy_rule_removed", "2026-11-17T18:05:00.000Z", "dsp1")]) with input.control.id as "ATL-DAT-005"
	count(findings) == 1
	some f in findings
	f.resource.id == "data_security.app_access_rule"
	f.evidence.source == "events"
	f.evidence.event_ids == ["e1"]
	f.message == "The attestation says a data security policy restricts app access, but after it (2026-11-10T09:00:00.000Z) Priya (p) removed a rule from data security policy \"Apps - Finance\" on 2026-11-17T18:05:00.000Z, and no later change restored it"
}

test_a_removal_before_the_attestation_passes if {
	count(p.deny) == 0 with input as with_changes(true, [ev("e0", "data_security_policy_deleted", "2026-11-09T18:05:00.000Z", "dsp1")]) with input.control.id as "ATL-DAT-005"
}

test_a_deactivation_undone_by_an_activation_passes if {
	count(p.deny) == 0 with input as with_changes(true, [
		ev("e1", "data_security_policy_deactivated", "2026-11-17T18:05:00.000Z", "dsp1"),
		ev("e2", "data_security_policy_activated", "2026-11-17T18:20:00.000Z", "dsp1"),
	]) with input.control.id as "ATL-DAT-005"
}

test_an_app_list_or_coverage_edit_is_not_a_removal if {
	# Unrelated (or unreadable) actions: which way they change the rule is not in the event.
	count(p.deny) == 0 with input as with_changes(true, [
		ev("e1", "data_security_policy_app_added", "2026-11-17T18:05:00.000Z", "dsp1"),
		ev("e2", "data_security_policy_coverage_updated", "2026-11-17T18:06:00.000Z", "dsp1"),
	]) with input.control.id as "ATL-DAT-005"
}

test_attested_without_rule_is_not_reported_twice if {
	findings := p.deny with input as with_changes(false, [ev("e1", "data_security_policy_deleted", "2026-11-17T18:05:00.000Z", "dsp1")]) with input.control.id as "ATL-DAT-005"
	count(findings) == 1
	some f in findings
	f.evidence.source == "attestation"
}
