# METADATA
# title: Few people hold the org admin role
# description: >-
#   An org admin can change every security setting, read the audit log, create API keys and
#   take over any managed account. Each extra org admin is one more account whose compromise
#   gives all of that away. Keep the role to a small named group (a break-glass account
#   included): at most max_org_admins people, and, in orgs of at least min_users_for_share
#   active people, no more than max_org_admin_share of them. Site and user-access admins are
#   counted in the evidence but not against the limit.
# related_resources:
#   - ref: https://support.atlassian.com/user-management/docs/give-users-admin-permissions/
#   - ref: https://support.atlassian.com/organization-administration/docs/what-is-an-atlassian-organization/
# custom:
#   id: ATL-IDN-008
#   severity: medium
#   category: Identity and authentication
#   points: 4
#   kind: posture
#   user_impact: low
#   implementation_cost: low
#   remediation:
#     - In admin.atlassian.com go to Directory > Users and filter by the Organization admin role.
#     - Remove the org admin role from everyone who does not need it every week; give them site admin, user-access admin or product admin roles instead.
#     - Keep one documented break-glass org admin with 2SV, and review the list every quarter.
#   data:
#     api: [users]
#     fields: [users.status, users.accountStatus, users.membershipStatus, users.forDeletion, users.accountType, users.platformRoles, users.accountId, users.name, users.email]
#   config:
#     max_org_admins: 5
#     max_org_admin_share: 0.1
#     min_users_for_share: 20
#   frameworks:
#     cis-controls-v8: ["5.4"]
#     iso27001-2022: ["8.2"]
#     soc2: ["CC6.3"]
#     nist-800-53-r5: ["AC-6(5)"]
#     nist-csf-2: ["PR.AA-05"]
#   version: 1
package orgscan.identity.org_admin_count

import data.orgscan.lib.util
import rego.v1

id := util.control_id

max_admins := util.param(id, "max_org_admins", 5)

max_share := util.param(id, "max_org_admin_share", 0.1)

min_users := util.param(id, "min_users_for_share", 20)

people := util.humans(util.active(input.users))

org_admins := util.org_admins_of(people)

all_admins := util.admins_of(people)

share := count(org_admins) / count(people) if count(people) > 0

# Percentages as text (one decimal, the same in OPA and regorus).
share_text := util.fixed1(share * 100)

max_share_text := util.fixed1(max_share * 100)

names := sort([util.display(u) | some u in org_admins])

evidence(field, observed, expected) := {
	"source": "api",
	"collection": "users",
	"field": field,
	"observed": observed,
	"expected": expected,
	"org_admins": names,
	"org_admin_count": count(org_admins),
	"admins_of_any_kind": count(all_admins),
	"active_people": count(people),
	"to_pass": sprintf("reduce the org admins to %d or fewer (and %s%% or less of active people)", [max_admins, max_share_text]),
}

deny contains {
	"resource": {"type": "org", "id": object.get(object.get(input, "org", {}), "id", "org"), "name": "Org admin role holders"},
	"message": sprintf("%d active people hold the org admin role; the limit is %d", [count(org_admins), max_admins]),
	"evidence": evidence("platformRoles (atlassian/org-admin) count", count(org_admins), sprintf("<= %d", [max_admins])),
} if {
	count(org_admins) > max_admins
}

deny contains {
	"resource": {"type": "org", "id": object.get(object.get(input, "org", {}), "id", "org"), "name": "Org admin share"},
	"message": sprintf("%s%% of active people (%d of %d) are org admins; the limit is %s%%", [share_text, count(org_admins), count(people), max_share_text]),
	"evidence": evidence("platformRoles (atlassian/org-admin) share", share, sprintf("<= %s%%", [max_share_text])),
} if {
	count(people) >= min_users
	share > max_share
}

not_applicable contains "the directory has no active people" if count(people) == 0

not_evaluable contains util.roles_missing_reason if {
	count(people) > 0
	not util.roles_collected(object.get(input, "users", []))
}
