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

# Product-role grants arrive through the role_grants select fact (slim events whose context or
# message could mention admin), not events_by_action.
role_grant(id, t, action, context, message) := object.union(ev(id, t), {"action": action, "context": context, "message": message})

role_inp(grants, truncated) := {"config": cfg, "events": {"available": true}, "events_by_action": {}, "facts": {"declared": {"ATL-DET-021": {"role_grants": {"kind": "select", "actions": ["user_granted_role", "group_granted_role"], "by": [], "total": count(grants) + truncated, "truncated": truncated, "events": grants}}}}}

site_admin := [{"id": "r1", "type": "roles", "attributes": {"roleName": "Site Administrator"}}]

product_role := "Granted role to user for product"

test_a_product_role_mentioning_admin_at_night_fires if {
	# 01:30 UTC, 02:30 in Berlin; the context names the admin role.
	findings := admin_role_off_hours.deny with input as role_inp([role_grant("g1", "2026-11-04T01:30:00.000Z", "user_granted_role", site_admin, product_role)], 0) with input.control.id as "ATL-DET-021"
	count(findings) == 1
	some f in findings
	f.evidence.event_ids == ["g1"]
	f.evidence.actions == ["user_granted_role"]
	not f.evidence.role_grants_not_examined
}

test_a_group_role_whose_message_mentions_admin_fires if {
	findings := admin_role_off_hours.deny with input as role_inp([role_grant("g2", "2026-11-07T10:00:00.000Z", "group_granted_role", [], "Granted Jira ADMIN role to group")], 0) with input.control.id as "ATL-DET-021"
	count(findings) == 1
}

test_near_miss_a_product_role_without_admin_at_night_does_not_fire if {
	# The fact may hold more than the rule counts (its filter keeps escaped text undecoded):
	# a role grant mentioning no admin is not an admin grant, whatever the hour.
	grant := role_grant("g3", "2026-11-04T01:30:00.000Z", "user_granted_role", [{"id": "u1", "type": "users", "attributes": {"name": "Zoë"}}], product_role)
	count(admin_role_off_hours.deny) == 0 with input as role_inp([grant], 0) with input.control.id as "ATL-DET-021"
	count(admin_role_off_hours.not_evaluable) == 0 with input as role_inp([grant], 0) with input.control.id as "ATL-DET-021"
}

test_near_miss_an_admin_role_grant_in_working_hours_does_not_fire if {
	# 09:00 UTC is 10:00 in Berlin on a Wednesday.
	count(admin_role_off_hours.deny) == 0 with input as role_inp([role_grant("g4", "2026-11-04T09:00:00.000Z", "user_granted_role", site_admin, product_role)], 0) with input.control.id as "ATL-DET-021"
}

test_an_item_of_another_action_is_not_a_role_grant if {
	# A fact widened in orgscan.toml cannot widen the rule.
	count(admin_role_off_hours.deny) == 0 with input as role_inp([role_grant("g5", "2026-11-04T01:30:00.000Z", "user_login", site_admin, "admin")], 0) with input.control.id as "ATL-DET-021"
}

test_grants_past_the_limit_make_the_control_not_evaluable if {
	# Nothing fails among the kept grants, but 3 were never examined: not a pass.
	reasons := admin_role_off_hours.not_evaluable with input as role_inp([role_grant("g6", "2026-11-04T09:00:00.000Z", "user_granted_role", site_admin, product_role)], 3) with input.control.id as "ATL-DET-021"
	reasons == {"the role_grants fact dropped 3 product-role grants that may mention admin at its limit, so their hours were not examined; raise max_role_grants under [controls.ATL-DET-021] in orgscan.toml"}
	count(admin_role_off_hours.deny) == 0 with input as role_inp([role_grant("g6", "2026-11-04T09:00:00.000Z", "user_granted_role", site_admin, product_role)], 3) with input.control.id as "ATL-DET-021"
}

test_a_finding_says_how_many_grants_were_not_examined if {
	findings := admin_role_off_hours.deny with input as role_inp([role_grant("g7", "2026-11-04T01:30:00.000Z", "user_granted_role", site_admin, product_role)], 2) with input.control.id as "ATL-DET-021"
	count(findings) == 1
	some f in findings
	f.evidence.role_grants_not_examined == 2
}

test_product_roles_in_events_by_action_are_no_longer_read if {
	# The slim events of user_granted_role are not requested any more; were they there, they
	# would not count (only the fact's items do).
	inp := {"config": cfg, "events": {"available": true}, "events_by_action": {"user_granted_role": [role_grant("g8", "2026-11-04T01:30:00.000Z", "user_granted_role", site_admin, product_role)]}}
	count(admin_role_off_hours.deny) == 0 with input as inp with input.control.id as "ATL-DET-021"
}
