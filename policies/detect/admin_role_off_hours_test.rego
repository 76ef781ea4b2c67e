package orgscan.detect.admin_role_off_hours_test

import data.orgscan.detect.admin_role_off_hours
import rego.v1

cfg := {"controls": {"ATL-DET-021": {"timezone": "Europe/Berlin", "work_start_hour": 8, "work_end_hour": 18, "workdays": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]}}}

ev(id, t) := {"id": id, "time": t, "time_ns": time.parse_rfc3339_ns(t), "action": "added_org_admin", "actor": {"id": "adm", "name": "Ada"}, "context": [], "message": "Added user as organization admin"}

inp(events) := {"config": cfg, "events": {"available": true}, "events_by_action": {"added_org_admin": events}}

test_grant_at_night_local_time_fires if {
	# 2026-11-04 is a Wednesday; 01:30 UTC is 02:30 in Berlin.
	findings := admin_role_off_hours.deny with input as inp([ev("e1", "2026-11-04T01:30:00.000Z")]) with input.control.id as "ATL-DET-021"
	count(findings) == 1
	some f in findings
	f.evidence.event_ids == ["e1"]
}

test_near_miss_just_inside_working_hours if {
	# 07:00 UTC is 08:00 in Berlin (CET): inside.
	count(admin_role_off_hours.deny) == 0 with input as inp([ev("e2", "2026-11-04T07:00:00.000Z")]) with input.control.id as "ATL-DET-021"
}

test_weekend_grant_fires if {
	# 2026-11-07 is a Saturday.
	count(admin_role_off_hours.deny) == 1 with input as inp([ev("e3", "2026-11-07T10:00:00.000Z")]) with input.control.id as "ATL-DET-021"
}

test_not_evaluable_without_events if {
	count(admin_role_off_hours.not_evaluable) == 1 with input as {"events": {"available": false}} with input.control.id as "ATL-DET-021"
}

# A new org's bootstrap, as the audit log records it: Atlassian's system actor makes the
# creator org admin (here on a Saturday night) and creates the default authentication policy.
system := {"id": "atlassian-internal-system", "name": "Atlassian Internal System"}

bootstrap_grant := object.union(ev("b1", "2026-11-14T01:30:12.000Z"), {"actor": system, "context": [{"id": "creator", "type": "users"}]})

test_the_system_actors_bootstrap_grant_is_not_an_off_hours_grant if {
	count(admin_role_off_hours.deny) == 0 with input as inp([bootstrap_grant]) with input.control.id as "ATL-DET-021"
}

test_a_person_granting_at_the_same_hour_still_fires if {
	findings := admin_role_off_hours.deny with input as inp([bootstrap_grant, ev("p1", "2026-11-14T01:35:00.000Z")]) with input.control.id as "ATL-DET-021"
	count(findings) == 1
	some f in findings
	f.resource == {"type": "user", "id": "adm", "name": "Ada"}
	f.evidence.event_ids == ["p1"]
}

test_the_last_minute_of_working_hours_is_inside if {
	# 16:59 UTC is 17:59 in Berlin: inside; 17:00 UTC is 18:00, the end hour: outside.
	count(admin_role_off_hours.deny) == 0 with input as inp([ev("e4", "2026-11-04T16:59:00.000Z")]) with input.control.id as "ATL-DET-021"
	findings := admin_role_off_hours.deny with input as inp([ev("e5", "2026-11-04T17:00:00.000Z")]) with input.control.id as "ATL-DET-021"
	count(findings) == 1
	some f in findings
	f.evidence.event_ids == ["e5"]
}

test_the_minute_before_working_hours_is_outside if {
	# 06:59 UTC is 07:59 in Berlin.
	count(admin_role_off_hours.deny) == 1 with input as inp([ev("e6", "2026-11-04T06:59:00.000Z")]) with input.control.id as "ATL-DET-021"
}
