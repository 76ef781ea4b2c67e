package orgscan.data.public_access_rules_test

import data.orgscan.data.public_access_rules as p
import rego.v1

inp(section) := {"attestation": {"attested_by": "d", "attested_at": "2026-11-10T09:00:00.000Z", "data_security": section}}

test_passes_when_both_blocked if {
	count(p.deny) == 0 with input as inp({"public_links_blocked": true, "anonymous_access_blocked": true}) with input.control.id as "ATL-DAT-006"
}

test_fails_per_open_rule if {
	count(p.deny) == 2 with input as inp({"public_links_blocked": false, "anonymous_access_blocked": false}) with input.control.id as "ATL-DAT-006"
	count(p.deny) == 1 with input as inp({"public_links_blocked": true, "anonymous_access_blocked": false}) with input.control.id as "ATL-DAT-006"
}

test_not_evaluable_when_unanswered if {
	count(p.not_evaluable) == 1 with input as inp({"app_access_rule": true}) with input.control.id as "ATL-DAT-006"
	count(p.not_evaluable) == 0 with input as inp({"public_links_blocked": true}) with input.control.id as "ATL-DAT-006"
}

ev(id, action, at, policy) := {
	"id": id, "action": action, "time": at, "time_ns": time.parse_rfc3339_ns(at),
	"actor": {"id": "p", "name": "Priya"},
	"context": [{"id": policy, "type": "data-security-policy", "attributes": {"name": "Block public links - Finance"}}],
}

blocked := {"public_links_blocked": true, "anonymous_access_blocked": true}

# The select fact as the Rust side fills it (events after attested_at, in time order).
with_changes(section, events) := object.union(inp(section), {"facts": {"declared": {"ATL-DAT-006": {"dsp_changes": {"events": events}}}}})

test_a_policy_deactivated_then_deleted_contradicts_both_blocks if {
	findings := p.deny with input as with_changes(blocked, [
		ev("e1", "data_security_policy_deactivated", "2026-11-17T18:05:12.000Z", "dsp1"),
		ev("e2", "data_security_policy_deleted", "2026-11-17T18:07:40.000Z", "dsp1"),
	]) with input.control.id as "ATL-DAT-006"
	count(findings) == 2
	{f.resource.id | some f in findings} == {"data_security.public_links_blocked", "data_security.anonymous_access_blocked"}
	every f in findings {
		f.evidence.event_ids == ["e1", "e2"]
		f.evidence.actions == ["data_security_policy_deactivated", "data_security_policy_deleted"]
		f.evidence.first == "2026-11-17T18:05:12.000Z"
	}
}

test_only_the_attested_block_is_contradicted if {
	findings := p.deny with input as with_changes({"public_links_blocked": true}, [ev("e1", "data_security_policy_all_coverage_removed", "2026-11-17T18:05:12.000Z", "dsp1")]) with input.control.id as "ATL-DAT-006"
	count(findings) == 1
	some f in findings
	f.resource.id == "data_security.public_links_blocked"
	contains(f.message, "Priya (p) removed all coverage from data security policy \"Block public links - Finance\" on 2026-11-17T18:05:12.000Z")
}

test_a_removal_before_the_attestation_passes if {
	count(p.deny) == 0 with input as with_changes(blocked, [ev("e0", "data_security_policy_rule_removed", "2026-11-10T08:59:00.000Z", "dsp1")]) with input.control.id as "ATL-DAT-006"
}

test_a_deleted_policy_recreated_and_activated_passes_and_is_noted if {
	changes := [
		ev("e1", "data_security_policy_deleted", "2026-11-17T18:07:40.000Z", "dsp1"),
		ev("e2", "data_security_policy_created", "2026-11-18T09:00:00.000Z", "dsp2"),
		ev("e3", "data_security_policy_rule_added", "2026-11-18T09:01:00.000Z", "dsp2"),
		ev("e4", "data_security_policy_activated", "2026-11-18T09:02:00.000Z", "dsp2"),
	]
	count(p.deny) == 0 with input as with_changes(blocked, changes) with input.control.id as "ATL-DAT-006"
}

test_a_recreated_policy_left_in_draft_still_fails if {
	findings := p.deny with input as with_changes(blocked, [
		ev("e1", "data_security_policy_deleted", "2026-11-17T18:07:40.000Z", "dsp1"),
		ev("e3", "data_security_policy_rule_added", "2026-11-18T09:01:00.000Z", "dsp2"),
	]) with input.control.id as "ATL-DAT-006"
	count(findings) == 2
}

test_a_rule_added_to_another_policy_does_not_restore_a_removed_one if {
	findings := p.deny with input as with_changes({"anonymous_access_blocked": true}, [
		ev("e1", "data_security_policy_rule_removed", "2026-11-17T18:00:00.000Z", "dsp1"),
		ev("e2", "data_security_policy_rule_added", "2026-11-17T18:10:00.000Z", "dsp9"),
		ev("e3", "data_security_policy_rule_removed", "2026-11-17T19:00:00.000Z", "dsp3"),
		ev("e4", "data_security_policy_rule_added", "2026-11-17T19:10:00.000Z", "dsp3"),
	]) with input.control.id as "ATL-DAT-006"
	count(findings) == 1
	some f in findings
	f.evidence.event_ids == ["e1"]
	f.evidence.restored_later == [{"event_id": "e3", "action": "data_security_policy_rule_removed", "time": "2026-11-17T19:00:00.000Z", "restored_by": ["e4"]}]
}
