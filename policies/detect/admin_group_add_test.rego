package orgscan.detect.admin_group_add_test

import data.orgscan.detect.admin_group_add
import rego.v1

ev(id, t, group) := {"id": id, "time": t, "action": "user_added_to_group", "actor": {"id": "adm", "name": "Ada"}, "context": [{"id": "u9", "type": "users"}, {"id": "g1", "type": "groups", "attributes": {"groupName": group}}]}

inp(events) := {"events": {"available": true}, "facts": {"declared": {"ATL-DET-003": {"admin_additions": {"events": events}}}}}

test_two_additions_same_day_are_one_finding if {
	findings := admin_group_add.deny with input as inp([ev("e1", "2026-11-01T10:00:00.000Z", "org-admins"), ev("e2", "2026-11-01T12:00:00.000Z", "site-admins")]) with input.control.id as "ATL-DET-003"
	count(findings) == 1
	some f in findings
	f.evidence.count == 2
	f.evidence.groups == ["org-admins", "site-admins"]
}

test_near_miss_no_admin_group_additions if {
	count(admin_group_add.deny) == 0 with input as inp([]) with input.control.id as "ATL-DET-003"
}

test_not_evaluable_without_events if {
	count(admin_group_add.not_evaluable) == 1 with input as {"events": {"available": false}} with input.control.id as "ATL-DET-003"
}

test_one_addition_is_enough if {
	# Unlike ATL-DET-002 (more than one), a single addition to an admin group is a finding.
	findings := admin_group_add.deny with input as inp([ev("e1", "2026-11-01T10:00:00.000Z", "jira-administrators")]) with input.control.id as "ATL-DET-003"
	count(findings) == 1
	some f in findings
	f.evidence.count == 1
	f.resource.id == "adm"
}

test_additions_either_side_of_midnight_utc_are_two_findings if {
	findings := admin_group_add.deny with input as inp([ev("e1", "2026-11-01T23:59:59.000Z", "org-admins"), ev("e2", "2026-11-02T00:00:00.000Z", "org-admins")]) with input.control.id as "ATL-DET-003"
	count(findings) == 2
	{f.evidence.first | some f in findings} == {"2026-11-01T23:59:59.000Z", "2026-11-02T00:00:00.000Z"}
}
