# METADATA
# title: No dormant accounts keep product access
# description: >-
#   People who left a project or the company but keep an active, licensed account are easy to
#   miss and easy to misuse: nobody notices when their account logs in again. Active accounts
#   with product access and no recorded activity for more than dormant_days days (or never
#   active since they joined longer ago than that) should lose their product access or be
#   deactivated. Deactivated, suspended and closed accounts, app accounts and break-glass
#   accounts listed in the attestation are left out.
# related_resources:
#   - ref: https://support.atlassian.com/user-management/docs/view-a-users-last-active-date/
#   - ref: https://support.atlassian.com/user-management/docs/deactivate-a-managed-account/
# custom:
#   id: ATL-IDN-011
#   severity: medium
#   category: Identity and authentication
#   points: 5
#   kind: posture
#   user_impact: low
#   implementation_cost: low
#   remediation:
#     - In admin.atlassian.com go to Directory > Users and sort by Last active (or export the user list).
#     - Remove app access from each listed account, or deactivate it (managed accounts) or remove it from the org (unmanaged accounts).
#     - Automate it where possible, for example through SCIM deprovisioning from your identity provider.
#   data:
#     api: [users]
#     fields: [users.status, users.accountStatus, users.membershipStatus, users.forDeletion, users.accountType, users.accountId, users.name, users.email, users.groups.name, users.lastActive, users.productAccess, users.addedToOrg, users.claimStatus, users.platformRoles]
#   config:
#     dormant_days: 90
#   frameworks:
#     cis-controls-v8: ["5.3"]
#     iso27001-2022: ["5.18"]
#     soc2: ["CC6.2"]
#     nist-800-53-r5: ["AC-2(3)"]
#     nist-csf-2: ["PR.AA-01"]
#   version: 1
package orgscan.identity.dormant_accounts

import data.orgscan.lib.util
import rego.v1

limit := util.setting("dormant_days", 90)

with_access := [u |
	some u in util.humans(util.active(input.users))
	pa := object.get(u, "productAccess", [])
	is_array(pa)
	count(pa) > 0
]

break_glass := util.listed_ids(with_access, util.attested_exempt)

licensed := [u | ids := break_glass; some u in with_access; not u.accountId in ids]

dormant := [{"user": i.user, "idle": i} | max_days := limit; some i in util.idle_records(licensed); i.days > max_days]

deny contains {
	"resource": {"type": "user", "id": d.user.accountId, "name": name},
	"message": sprintf("%s keeps access to %s but has been idle for %d days (%s %s)", [name, concat(", ", ps), d.idle.days, d.idle.basis, d.idle.since]),
	"evidence": {
		"source": "api",
		"collection": "users",
		"field": "lastActive / productAccess[].lastActiveTimestamp",
		"observed": d.idle.since,
		"idle_days": d.idle.days,
		"basis": d.idle.basis,
		"expected": sprintf("activity within the last %d days", [limit]),
		"products": ps,
		"claim_status": object.get(d.user, "claimStatus", null),
		"admin_roles": util.user_admin_roles(d.user),
		"to_pass": "remove the account's app access or deactivate it",
	},
} if {
	util.activity_known(object.get(input, "users", []))
	some d in dormant
	name := util.display(d.user)
	ps := products(d.user)
}

products(u) := sort({k | some p in util.arr(u, "productAccess"); k := util.val(p, "key", util.val(p, "id", "unknown"))})

score := (count(licensed) - count(dormant)) / count(licensed) if count(licensed) > 0

not_applicable contains "no active account has product access" if count(licensed) == 0

not_evaluable contains "the users collection holds no activity dates (lastActive, productAccess[].lastActiveTimestamp) for any account" if {
	count(licensed) > 0
	not util.activity_known(object.get(input, "users", []))
}
