# METADATA
# title: Managed accounts use two-step verification
# description: >-
#   Every person whose account your organization manages should prove who they are with more
#   than a password. This control measures the share of active managed accounts with Atlassian
#   two-step verification turned on and names each account without it. When the attestation
#   says SSO is enforced for managed accounts, MFA is the identity provider's job and the
#   control passes. Break-glass accounts listed in the attestation's exempt_accounts, app
#   accounts and unmanaged accounts (which no org policy can reach) are left out.
# related_resources:
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/enforce-two-step-verification/
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/understand-authentication-policies/
# custom:
#   id: ATL-IDN-001
#   severity: high
#   category: Identity and authentication
#   points: 8
#   kind: posture
#   user_impact: moderate
#   implementation_cost: low
#   remediation:
#     - In admin.atlassian.com go to Security > User security > Authentication policies.
#     - Edit each policy that holds managed accounts and turn on "Require two-step verification" (or enforce SSO through an identity provider that requires MFA).
#     - Remind the listed people to set up 2SV under Account settings > Security; enforcement prompts them at their next login.
#   data:
#     api: [users]
#     fields: [users.status, users.accountStatus, users.membershipStatus, users.forDeletion, users.accountType, users.claimStatus, users.accountId, users.name, users.email, users.groups.name, users.mfaEnabled]
#   config:
#     exempt_accounts: []
#   frameworks:
#     cis-controls-v8: ["6.3", "6.4"]
#     iso27001-2022: ["8.5"]
#     soc2: ["CC6.1"]
#     nist-800-53-r5: ["IA-2", "IA-2(2)"]
#     nist-csf-2: ["PR.AA-03"]
#   version: 1
package orgscan.identity.managed_2sv

import data.orgscan.lib.util
import rego.v1

id := util.control_id

exempt := util.attested_exempt | {lower(a) | some a in util.param(id, "exempt_accounts", []); is_string(a)}

sso_enforced if util.att("authentication", "sso_enforced") == true

candidates := util.claimed(util.humans(util.active(input.users)), "managed")

exempt_ids := util.listed_ids(candidates, exempt)

population := [u | ids := exempt_ids; some u in candidates; not u.accountId in ids]

# The directory says whether 2SV is on only when the collector could read it.
known := [u | some u in population; is_boolean(object.get(u, "mfaEnabled", null))]

without := [u | some u in known; u.mfaEnabled == false]

deny contains {
	"resource": {"type": "user", "id": u.accountId, "name": name},
	"message": sprintf("Managed account %s has no two-step verification", [name]),
	"evidence": {
		"source": "api",
		"collection": "users",
		"field": "mfaEnabled",
		"observed": false,
		"expected": true,
		"email": object.get(u, "email", null),
		"share_with_2sv": share,
		"accounts_without_2sv": n_without,
		"managed_accounts_checked": n_known,
		"to_pass": "the account sets up 2SV (enforce it in the authentication policy), or SSO is enforced and attested",
	},
} if {
	not sso_enforced
	some u in without
	name := util.display(u)
}

n_without := count(without)

n_known := count(known)

share := (count(known) - count(without)) / count(known) if count(known) > 0

score := share

not_applicable contains "the directory has no active managed accounts (verify a domain to manage accounts)" if {
	count(population) == 0
	util.claims_collected(object.get(input, "users", []))
}

not_evaluable contains util.claims_missing_reason if {
	count(object.get(input, "users", [])) > 0
	not util.claims_collected(object.get(input, "users", []))
}

not_evaluable contains "the users collection does not say whether managed accounts use 2SV (mfaEnabled is absent on every account)" if {
	count(population) > 0
	count(known) == 0
	not sso_enforced
}
