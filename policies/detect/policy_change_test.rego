package orgscan.detect.policy_change_test

import data.orgscan.detect.policy_change
import rego.v1

ev(id, action, t) := {"id": id, "time": t, "action": action, "actor": {"id": "adm", "name": "Ada"}}

cfg := {"controls": {"ATL-DET-010": {"weakening": ["twosv_unenforced"]}}}

test_weakening_change_is_high if {
	findings := policy_change.deny with input as {"config": cfg, "events": {"available": true}, "events_by_action": {"twosv_unenforced": [ev("e1", "twosv_unenforced", "2026-11-01T10:00:00.000Z")], "set_session_policy": [ev("e2", "set_session_policy", "2026-11-01T11:00:00.000Z")]}} with input.control.id as "ATL-DET-010"
	count(findings) == 1
	some f in findings
	f.severity == "high"
	f.evidence.actions == ["set_session_policy", "twosv_unenforced"]
}

test_near_miss_views_are_not_changes if {
	count(policy_change.deny) == 0 with input as {"config": cfg, "events": {"available": true}, "events_by_action": {"organization_policies_viewed": [ev("e3", "organization_policies_viewed", "2026-11-01T10:00:00.000Z")]}} with input.control.id as "ATL-DET-010"
}

test_not_evaluable_without_events if {
	count(policy_change.not_evaluable) == 1 with input as {"events": {"available": false}} with input.control.id as "ATL-DET-010"
}

# A new org's bootstrap: Atlassian's system actor creates the default authentication policy.
bootstrap := object.union(ev("b2", "auth_policy_created", "2026-11-14T01:30:13.000Z"), {"actor": {"id": "atlassian-internal-system", "name": "Atlassian Internal System"}})

test_the_system_actors_bootstrap_policy_is_informational_and_named_as_the_system if {
	findings := policy_change.deny with input as {"config": cfg, "events": {"available": true}, "events_by_action": {"auth_policy_created": [bootstrap]}} with input.control.id as "ATL-DET-010"
	count(findings) == 1
	some f in findings
	f.severity == "info"
	f.resource == {"type": "system", "id": "atlassian-internal-system", "name": "Atlassian system actor"}
	f.message == "Atlassian system actor (atlassian-internal-system) made 1 security policy change(s) on 2026-11-14: auth_policy_created (Atlassian's own change, such as the org's bootstrap: informational)"
}

test_a_persons_change_on_the_same_day_is_a_separate_finding_at_its_own_severity if {
	findings := policy_change.deny with input as {"config": cfg, "events": {"available": true}, "events_by_action": {
		"auth_policy_created": [bootstrap],
		"twosv_unenforced": [ev("p2", "twosv_unenforced", "2026-11-14T09:00:00.000Z")],
	}} with input.control.id as "ATL-DET-010"
	count(findings) == 2
	{f.severity | some f in findings} == {"info", "high"}
}

test_one_ordinary_change_is_one_medium_finding if {
	findings := policy_change.deny with input as {"config": cfg, "events": {"available": true}, "events_by_action": {"set_session_policy": [ev("e2", "set_session_policy", "2026-11-01T11:00:00.000Z")]}} with input.control.id as "ATL-DET-010"
	count(findings) == 1
	some f in findings
	f.severity == "medium"
	f.evidence.count == 1
}
