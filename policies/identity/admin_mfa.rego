# METADATA
# title: Every administrator uses two-step verification or enforced SSO
# description: >-
#   Org admins, site admins and user-access admins can change who gets in and what they can
#   reach. A stolen password alone must not be enough to take over one of these accounts:
#   each needs Atlassian two-step verification, or must log in through SSO whose identity
#   provider enforces MFA (a managed account while the attestation says SSO is enforced, or an
#   account listed in this control's sso_accounts_exempt setting). Break-glass accounts listed
#   in the attestation's exempt_accounts are deliberately outside SSO, so they need 2SV too.
# related_resources:
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/enforce-two-step-verification/
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/understand-authentication-policies/
# custom:
#   id: ATL-IDN-002
#   severity: critical
#   category: Identity and authentication
#   points: 10
#   kind: posture
#   user_impact: low
#   implementation_cost: low
#   remediation:
#     - In admin.atlassian.com go to Security > User security > Authentication policies.
#     - Edit the policy that covers your administrators and turn on "Require two-step verification", or move them to an SSO policy whose identity provider enforces MFA.
#     - Ask each listed admin to set up two-step verification under Account settings > Security, and give break-glass admins a hardware security key.
#   data:
#     api: [users]
#     fields: [users.status, users.accountStatus, users.membershipStatus, users.forDeletion, users.accountType, users.platformRoles, users.accountId, users.name, users.email, users.groups.name, users.claimStatus, users.mfaEnabled]
#   config:
#     sso_accounts_exempt: []
#   frameworks:
#     cis-controls-v8: ["6.5"]
#     iso27001-2022: ["8.2", "8.5"]
#     soc2: ["CC6.1"]
#     nist-800-53-r5: ["IA-2(1)"]
#     nist-csf-2: ["PR.AA-03"]
#   version: 2
package orgscan.identity.admin_mfa

import data.orgscan.lib.util
import rego.v1

id := util.control_id

exempt := {lower(a) | some a in util.param(id, "sso_accounts_exempt", []); is_string(a)}

sso_enforced if util.att("authentication", "sso_enforced") == true

admins := util.admins_of(util.humans(util.active(input.users)))

# A managed admin logs in through SSO when SSO is enforced, unless the attestation lists the
# account as deliberately outside the SSO/2SV policy (break-glass).
covered_by_sso(u) if {
	sso_enforced
	util.is_managed(u)
	not util.listed_in(u, util.attested_exempt)
}

covered_by_sso(u) if util.listed_in(u, exempt)

unprotected := [u |
	some u in admins
	not u.mfaEnabled == true
	not covered_by_sso(u)
]

deny contains {
	"resource": {"type": "user", "id": u.accountId, "name": util.display(u)},
	"message": sprintf("%s holds %s without two-step verification%s", [util.display(u), concat(", ", util.user_admin_roles(u)), suffix(u)]),
	"evidence": {
		"source": "api",
		"collection": "users",
		"field": "mfaEnabled",
		"observed": util.val(u, "mfaEnabled", null),
		"expected": true,
		"roles": util.user_admin_roles(u),
		"claim_status": util.val(u, "claimStatus", null),
		"break_glass": util.is_listed(u, util.attested_exempt),
		"sso_enforced_attested": util.att("authentication", "sso_enforced"),
		"to_pass": "turn on 2SV for this account, or (for a managed account) enforce SSO with an MFA-enforcing identity provider and list it in sso_accounts_exempt",
	},
} if {
	some u in unprotected
}

suffix(u) := " (break-glass account listed in the attestation)" if {
	util.listed_in(u, util.attested_exempt)
} else := " (unmanaged account: no org policy can enforce 2SV or SSO on it)" if {
	not util.is_managed(u)
} else := ""

# Partial credit: the share of admins that are protected.
score := (count(admins) - count(unprotected)) / count(admins) if count(admins) > 0

not_applicable contains "the org has no active administrators in the directory" if {
	count(admins) == 0
	util.roles_collected(object.get(input, "users", []))
}

not_evaluable contains util.roles_missing_reason if not util.roles_collected(object.get(input, "users", []))
