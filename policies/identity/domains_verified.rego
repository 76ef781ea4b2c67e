# METADATA
# title: Every domain of the organization is verified
# description: >-
#   Only a verified domain lets the organization manage the accounts that use it and apply
#   2SV, SSO and session rules to them. A domain added but left unverified, whose verification
#   token went missing (the DNS record or HTML file was removed), or that was superseded,
#   leaves those accounts outside your control, and a lapsed verification can let someone else
#   claim the domain.
# related_resources:
#   - ref: https://support.atlassian.com/user-management/docs/verify-a-domain-to-manage-accounts/
# custom:
#   id: ATL-IDN-013
#   severity: medium
#   category: Identity and authentication
#   points: 4
#   kind: posture
#   user_impact: low
#   implementation_cost: low
#   remediation:
#     - In admin.atlassian.com go to Settings > Domains (Directory > Domains).
#     - For each listed domain, add the DNS TXT record or upload the HTML file again and select Verify; for missing_token, restore the verification record and keep it in place.
#     - Remove domains the company no longer owns.
#   data:
#     api: [domains]
#   frameworks:
#     cis-controls-v8: ["5.6"]
#     iso27001-2022: ["5.16"]
#     soc2: ["CC6.1"]
#     nist-800-53-r5: ["IA-4"]
#     nist-csf-2: ["PR.AA-01"]
#   version: 1
package orgscan.identity.domains_verified

import data.orgscan.lib.util
import rego.v1

status(d) := lower(s) if {
	s := util.val(util.val(util.val(d, "attributes", {}), "claim", {}), "status", null)
	is_string(s)
} else := "unknown"

name(d) := util.val(util.val(d, "attributes", {}), "name", d.id)

why := {
	"unverified": "was added but never verified",
	"missing_token": "lost its verification token (the DNS record or HTML file is gone)",
	"superseded": "was superseded by another verification",
	"deleted": "has its verification deleted",
	"unknown": "has no verification status",
}

deny contains {
	"resource": {"type": "domain", "id": d.id, "name": name(d)},
	"message": sprintf("Domain %s %s (claim.status %s)%s", [name(d), object.get(why, status(d), "is not verified"), status(d), impact_text(impact(d))]),
	"evidence": {
		"source": "api",
		"collection": "domains",
		"field": "attributes.claim.status",
		"observed": util.val(util.val(util.val(d, "attributes", {}), "claim", {}), "status", null),
		"expected": "verified",
		"claim_type": util.val(util.val(util.val(d, "attributes", {}), "claim", {}), "type", null),
		"impact": impact(d),
		"to_pass": "verify the domain again (DNS TXT or HTTPS), or remove it from the organization",
	},
} if {
	some d in input.domains
	status(d) != "verified"
}

# The active people whose email is on the domain: none of them can be claimed while it is not
# verified, so all are outside the org's authentication policy, 2SV enforcement and offboarding.
people := util.humans(util.active(object.get(input, "users", [])))

admin_ids := {u.accountId | some u in util.admins_of(people)}

impact(d) := {
	"accounts": count(ids),
	"account_ids": ids,
	"admins": count([x | some x in ids; x in admin_ids]),
} if {
	domain := lower(name(d))
	ids := sort([u.accountId | some u in people; util.email_domain(u) == domain])
}

impact_text(i) := "" if {
	i.accounts == 0
} else := sprintf(": %d account(s) on it cannot be claimed (%d admin(s))", [i.accounts, i.admins])

score := count([d | some d in input.domains; status(d) == "verified"]) / count(input.domains) if count(input.domains) > 0

not_applicable contains "the organization has no domains" if count(input.domains) == 0
