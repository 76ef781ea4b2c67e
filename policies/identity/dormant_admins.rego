# METADATA
# title: No dormant administrators
# description: >-
#   An admin account nobody uses is a standing privilege nobody watches: if its password leaks,
#   no one notices the login. Administrators (org, site and user-access admins) with no
#   recorded activity for more than dormant_days days, or never active since they joined longer
#   ago than that, should lose the role or be deactivated. Break-glass accounts listed in the
#   attestation's exempt_accounts are idle by design and are left out.
# related_resources:
#   - ref: https://support.atlassian.com/user-management/docs/view-a-users-last-active-date/
#   - ref: https://support.atlassian.com/user-management/docs/give-users-admin-permissions/
# custom:
#   id: ATL-IDN-009
#   severity: high
#   category: Identity and authentication
#   points: 6
#   kind: posture
#   user_impact: low
#   implementation_cost: low
#   remediation:
#     - In admin.atlassian.com go to Directory > Users, filter by admin roles and sort by Last active.
#     - Remove the admin roles from each listed account (or deactivate it when the person has left).
#     - If the account is a break-glass account, list it in the attestation's authentication.exempt_accounts.
#   data:
#     api: [users]
#     fields: [users.status, users.accountStatus, users.membershipStatus, users.forDeletion, users.accountType, users.platformRoles, users.accountId, users.name, users.email, users.groups.name, users.lastActive, users.productAccess, users.addedToOrg]
#   config:
#     dormant_days: 90
#   frameworks:
#     cis-controls-v8: ["5.3"]
#     iso27001-2022: ["5.18", "8.2"]
#     soc2: ["CC6.2"]
#     nist-800-53-r5: ["AC-2(3)"]
#     nist-csf-2: ["PR.AA-05"]
#   version: 1
package orgscan.identity.dormant_admins

import data.orgscan.lib.util
import rego.v1

limit := util.setting("dormant_days", 90)

all_admins := util.admins_of(util.humans(util.active(input.users)))

break_glass := util.listed_ids(all_admins, util.attested_exempt)

admins := [u | ids := break_glass; some u in all_admins; not u.accountId in ids]

deny contains {
	"resource": {"type": "user", "id": u.accountId, "name": util.display(u)},
	"message": sprintf("%s (%s) has been idle for %d days (%s %s)", [util.display(u), concat(", ", util.user_admin_roles(u)), i.days, i.basis, i.since]),
	"evidence": {
		"source": "api",
		"collection": "users",
		"field": "lastActive / productAccess[].lastActiveTimestamp",
		"observed": i.since,
		"idle_days": i.days,
		"basis": i.basis,
		"expected": sprintf("activity within the last %d days", [limit]),
		"roles": util.user_admin_roles(u),
		"to_pass": "remove the admin roles or deactivate the account; list break-glass accounts in the attestation",
	},
} if {
	util.activity_known(object.get(input, "users", []))
	some i in util.idle_records(admins)
	i.days > limit
	u := i.user
}

not_applicable contains "the org has no active administrators (other than attested break-glass accounts)" if {
	count(admins) == 0
	util.roles_collected(object.get(input, "users", []))
}

not_evaluable contains util.roles_missing_reason if not util.roles_collected(object.get(input, "users", []))

not_evaluable contains "the users collection holds no activity dates (lastActive, productAccess[].lastActiveTimestamp) for any account" if {
	count(admins) > 0
	not util.activity_known(object.get(input, "users", []))
}
