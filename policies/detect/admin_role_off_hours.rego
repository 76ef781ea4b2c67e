# METADATA
# title: No admin roles granted outside working hours
# description: >-
#   Admin rights granted at night or at the weekend, when nobody watches, are a classic step
#   of an account takeover or insider abuse. Working hours and days are read in the org's
#   time zone (an IANA name such as Europe/Berlin). Grants of org admin, product admin to a
#   group, admin role assignments, and product roles whose event mentions admin count.
#   One finding per admin and local day; more product-role grants that may mention admin
#   than max_role_grants make the control not evaluable rather than pass.
# related_resources:
#   - ref: https://support.atlassian.com/user-management/docs/give-users-admin-permissions/
# custom:
#   id: ATL-DET-021
#   severity: medium
#   category: Threat detection
#   points: 1
#   kind: detection
#   user_impact: low
#   implementation_cost: low
#   remediation:
#     - Confirm each listed grant with the admin who made it and a ticket; remove grants nobody approved.
#     - Require approval (a second admin) for admin role changes.
#   data:
#     events: [added_org_admin, group_granted_admin_access, role_assignment_added_to_group]
#   config:
#     timezone: UTC
#     work_start_hour: 8
#     work_end_hour: 18
#     workdays: [Monday, Tuesday, Wednesday, Thursday, Friday]
#     # Most product-role grants that may mention admin the scan holds (each a slim event of a
#     # few KB); more make the control not evaluable rather than pass.
#     max_role_grants: 10000
#     facts:
#       # Product-role grants are common and few mention admin: the pass keeps only those whose
#       # context or message could (`mentions` is a superset; the rule checks exactly).
#       role_grants:
#         kind: select
#         actions: [user_granted_role, group_granted_role]
#         where:
#           mentions: admin
#         limit: $max_role_grants
#   frameworks:
#     cis-controls-v8: ["8.11"]
#     iso27001-2022: ["8.2", "8.16"]
#     soc2: ["CC7.2"]
#     nist-800-53-r5: ["AC-2(4)", "AC-6(9)"]
#     nist-csf-2: ["DE.CM-03"]
#   version: 1
package orgscan.detect.admin_role_off_hours

import data.orgscan.lib.detect
import rego.v1

id := detect.control_id

cfg := detect.params(id)

always_admin := ["added_org_admin", "group_granted_admin_access", "role_assignment_added_to_group"]

maybe_admin := ["user_granted_role", "group_granted_role"]

grants contains e if {
	some a in always_admin
	some e in detect.events_of(a)
}

# A product-role grant counts when its context or message mentions admin. The role_grants fact
# holds every such grant and some more (its `mentions: admin` filter reads the same context
# objects, links left out, and message, as written); this is the exact check.
grants contains e if {
	some e in detect.items(id, "role_grants", "events")
	e.action in maybe_admin
	regex.match(`(?i)admin`, json.marshal([object.get(e, "context", []), object.get(e, "message", "")]))
}

# Grants the fact found past its limit were never examined.
role_grants_dropped := object.get(detect.fact(id, "role_grants"), "truncated", 0)

# A finding still says so (the not_evaluable reason below only shows when nothing fails).
unexamined := {"role_grants_not_examined": role_grants_dropped} if {
	role_grants_dropped > 0
} else := {}

local(e) := {"hour": c[0], "minute": c[1], "weekday": time.weekday([e.time_ns, cfg.timezone]), "day": sprintf("%04d-%02d-%02d", time.date([e.time_ns, cfg.timezone]))} if {
	c := time.clock([e.time_ns, cfg.timezone])
}

off_hours(e) if not local(e).weekday in cfg.workdays

off_hours(e) if local(e).hour < cfg.work_start_hour

off_hours(e) if local(e).hour >= cfg.work_end_hour

# Atlassian's system actor works at any hour (it grants the creator org admin when the org is
# created): off hours is about people, so its grants are not counted.
off := [object.union(e, {"local_day": local(e).day}) | some e in grants; not detect.is_system(e); off_hours(e)]

# Off-hours grants per admin and local day.
groups := {[e.actor.id, e.local_day]: [x | some x in off; x.actor.id == e.actor.id; x.local_day == e.local_day] | some e in off}

deny contains {
	"resource": detect.actor_resource(group[0]),
	"message": sprintf("%s granted admin rights %d time(s) outside working hours on %s (%s)", [detect.actor_label(group[0]), count(group), day, cfg.timezone]),
	"evidence": object.union(object.union(detect.group_evidence(group, detect.evidence_cap), {
		"timezone": cfg.timezone,
		"working_hours": sprintf("%02d:00-%02d:00 %s", [cfg.work_start_hour, cfg.work_end_hour, concat(",", cfg.workdays)]),
		"to_pass": "admin grants made within working hours, or approved (waive the finding)",
	}), unexamined),
} if {
	some [_, day], group in groups
}

# A fact cut at its item limit is a partial view: say so rather than pass on it.
not_evaluable contains sprintf("the role_grants fact dropped %d product-role grants that may mention admin at its limit, so their hours were not examined; raise max_role_grants under [controls.%s] in orgscan.toml", [role_grants_dropped, id]) if {
	role_grants_dropped > 0
}

not_evaluable contains reason if some reason in detect.events_unavailable
