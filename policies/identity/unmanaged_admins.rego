# METADATA
# title: Administrators use managed accounts
# description: >-
#   An admin role on an account your organization does not manage (a personal address, a
#   contractor's company domain) puts admin power outside every control you have: your
#   authentication policy (2SV, SSO, session length) does not apply, you cannot see or reset
#   its 2SV, and you cannot deactivate it when the person leaves. Admin roles should be held
#   only by managed accounts on your verified domains.
# related_resources:
#   - ref: https://support.atlassian.com/user-management/docs/what-are-managed-accounts/
#   - ref: https://support.atlassian.com/user-management/docs/give-users-admin-permissions/
# custom:
#   id: ATL-IDN-015
#   severity: high
#   category: Identity and authentication
#   points: 5
#   kind: posture
#   user_impact: low
#   implementation_cost: low
#   remediation:
#     - In admin.atlassian.com go to Directory > Users and open each listed account.
#     - Remove its admin roles; if the person needs admin access, give it to a managed account on your verified domain (create one for contractors).
#   data:
#     api: [users]
#     fields: [users.status, users.accountStatus, users.membershipStatus, users.forDeletion, users.accountType, users.platformRoles, users.claimStatus, users.accountId, users.name, users.email]
#   frameworks:
#     cis-controls-v8: ["5.4", "6.5"]
#     iso27001-2022: ["8.2"]
#     soc2: ["CC6.3"]
#     nist-800-53-r5: ["AC-2", "AC-6(5)"]
#     nist-csf-2: ["PR.AA-05"]
#   version: 1
package orgscan.identity.unmanaged_admins

import data.orgscan.lib.util
import rego.v1

admins := util.admins_of(util.humans(util.active(input.users)))

deny contains {
	"resource": {"type": "user", "id": u.accountId, "name": util.display(u)},
	"message": sprintf("%s holds %s on an account the organization does not manage (%s)", [util.display(u), concat(", ", util.user_admin_roles(u)), util.val(u, "email", "no email")]),
	"evidence": {
		"source": "api",
		"collection": "users",
		"field": "claimStatus",
		"observed": util.val(u, "claimStatus", null),
		"expected": "managed",
		"roles": util.user_admin_roles(u),
		"email_domain": util.email_domain(u),
		"to_pass": "remove the admin roles from this account, or claim it through a verified domain",
	},
} if {
	some u in util.claimed(admins, "unmanaged")
}

not_applicable contains "the org has no active administrators" if {
	count(admins) == 0
	util.roles_collected(object.get(input, "users", []))
}

not_evaluable contains util.roles_missing_reason if not util.roles_collected(object.get(input, "users", []))

not_evaluable contains util.claims_missing_reason if {
	count(admins) > 0
	not util.claims_collected(object.get(input, "users", []))
}
