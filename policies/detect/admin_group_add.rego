# METADATA
# title: No unexpected additions to administrator groups
# description: >-
#   Membership of an admin group (org-admins, site-admins, jira-administrators, …) gives
#   control over users, security settings and data. Every addition should be expected; one
#   finding per admin who made additions and UTC day (Sumo Logic "User addition to group", whose description singles out groups with elevated privileges).
# related_resources:
#   - ref: https://support.atlassian.com/user-management/docs/give-users-admin-permissions/
# custom:
#   id: ATL-DET-003
#   severity: high
#   category: Threat detection
#   points: 1
#   kind: detection
#   user_impact: low
#   implementation_cost: low
#   remediation:
#     - Confirm with the admin who made the change that each addition was approved.
#     - Remove unapproved members in admin.atlassian.com > Directory > Groups.
#   config:
#     # Case-insensitive regular expression over the group name.
#     admin_group_pattern: "(?i)admin"
#     facts:
#       admin_additions:
#         kind: select
#         actions: [user_added_to_group, scim_group_add_member]
#         where:
#           group_matches: $admin_group_pattern
#   frameworks:
#     cis-controls-v8: ["8.11"]
#     iso27001-2022: ["8.2", "8.16"]
#     soc2: ["CC7.2"]
#     nist-800-53-r5: ["AC-2(4)", "AC-6(9)"]
#     nist-csf-2: ["DE.CM-03"]
#   version: 1
package orgscan.detect.admin_group_add

import data.orgscan.lib.detect
import rego.v1

id := detect.control_id

additions := detect.items(id, "admin_additions", "events")

group_names(group) := sort({name |
	some e in group
	some c in e.context
	c.type in {"groups", "group"}
	name := object.get(c.attributes, "groupName", object.get(c.attributes, "name", c.id))
})

deny contains {
	"resource": detect.actor_resource(group[0]),
	"message": sprintf("%s added members to admin group(s) %s %d time(s) on %s", [detect.who(group[0].actor.id, object.get(group[0].actor, "name", "")), concat(", ", group_names(group)), count(group), day]),
	"evidence": object.union(detect.group_evidence(group, detect.evidence_cap), {"groups": group_names(group), "to_pass": "every addition to an admin group approved (waive the finding) or reverted"}),
} if {
	some [_, day], group in detect.groups_by_actor_day(additions)
}

not_evaluable contains reason if some reason in detect.events_unavailable
