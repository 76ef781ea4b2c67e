# METADATA
# title: No unmanaged accounts on your verified domains
# description: >-
#   An account that uses your company's email domain but is not managed by your organization
#   escapes your authentication policies (2SV, SSO, session length) and you cannot deactivate
#   it when the person leaves. After a domain is verified, Atlassian accounts on it are
#   normally claimed; any still unmanaged (for example automatic claiming was off, or the
#   account was created later) should be claimed.
# related_resources:
#   - ref: https://support.atlassian.com/user-management/docs/verify-a-domain-to-manage-accounts/
#   - ref: https://support.atlassian.com/user-management/docs/what-are-managed-accounts/
# custom:
#   id: ATL-IDN-012
#   severity: high
#   category: Identity and authentication
#   points: 5
#   kind: posture
#   user_impact: low
#   implementation_cost: low
#   remediation:
#     - In admin.atlassian.com go to Settings > Domains (Directory > Domains) and open the verified domain.
#     - Claim the listed accounts (Claim accounts), and turn on automatic claiming for new accounts on the domain.
#     - Check that the claimed accounts now fall under your authentication policy.
#   data:
#     api: [users, domains]
#     fields: [users.status, users.accountStatus, users.membershipStatus, users.forDeletion, users.accountType, users.claimStatus, users.accountId, users.name, users.email]
#   frameworks:
#     cis-controls-v8: ["5.1", "5.6"]
#     iso27001-2022: ["5.16"]
#     soc2: ["CC6.2"]
#     nist-800-53-r5: ["AC-2"]
#     nist-csf-2: ["PR.AA-01"]
#   version: 1
package orgscan.identity.unmanaged_on_verified_domains

import data.orgscan.lib.util
import rego.v1

verified := {lower(name) |
	some d in input.domains
	lower(util.val(util.val(util.val(d, "attributes", {}), "claim", {}), "status", "")) == "verified"
	name := util.val(util.val(d, "attributes", {}), "name", d.id)
	is_string(name)
}

deny contains {
	"resource": {"type": "user", "id": u.accountId, "name": util.display(u)},
	"message": sprintf("%s uses the verified domain %s but is not managed by the organization", [util.val(u, "email", util.display(u)), util.email_domain(u)]),
	"evidence": {
		"source": "api",
		"collection": "users",
		"field": "claimStatus",
		"observed": util.val(u, "claimStatus", null),
		"expected": "managed",
		"email": util.val(u, "email", null),
		"domain": util.email_domain(u),
		"to_pass": "claim the account from the verified domain (Settings > Domains > Claim accounts)",
	},
} if {
	some u in on_verified
}

on_verified := [u |
	count(verified) > 0
	some u in util.claimed(util.humans(util.active(input.users)), "unmanaged")
	email := object.get(u, "email", null)
	is_string(email)
	parts := split(lower(email), "@")
	count(parts) == 2
	parts[1] in verified
]

not_applicable contains "the org has no verified domain" if count(verified) == 0

not_evaluable contains util.claims_missing_reason if {
	count(verified) > 0
	count(object.get(input, "users", [])) > 0
	not util.claims_collected(object.get(input, "users", []))
}
