# METADATA
# title: A break-glass org admin exists when SSO is enforced
# description: >-
#   When every managed account must log in through SSO, an outage or misconfiguration of the
#   identity provider locks all admins out of Atlassian, including out of the settings that
#   would fix it. Keep at least one org admin on a separate authentication policy without SSO
#   (protected by 2SV, ideally a hardware key), listed in the attestation's
#   authentication.exempt_accounts. Not applicable while SSO is not enforced.
# related_resources:
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/understand-authentication-policies/
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/configure-saml-single-sign-on-with-an-identity-provider/
# custom:
#   id: ATL-IDN-014
#   severity: medium
#   category: Identity and authentication
#   points: 3
#   kind: posture
#   user_impact: low
#   implementation_cost: low
#   remediation:
#     - Create (or pick) a dedicated managed account, give it the Organization admin role under Directory > Users, and turn on 2SV for it.
#     - In Security > User security > Authentication policies, add a policy without SSO (2SV required) and move only that account to it.
#     - List the account in the attestation's authentication.exempt_accounts and store its credentials in your emergency vault.
#   data:
#     api: [users]
#     fields: [users.status, users.accountStatus, users.membershipStatus, users.forDeletion, users.platformRoles, users.accountId, users.name, users.email, users.groups.name]
#     attestation: [authentication.sso_enforced]
#   frameworks:
#     cis-controls-v8: ["5.4"]
#     iso27001-2022: ["8.2"]
#     soc2: ["CC6.1"]
#     nist-800-53-r5: ["AC-2"]
#     nist-csf-2: ["PR.AA-05"]
#   version: 1
package orgscan.identity.break_glass_admin

import data.orgscan.lib.util
import rego.v1

break_glass := util.listed_ids(util.org_admins_of(util.active(input.users)), util.attested_exempt)

deny contains {
	"resource": {"type": "setting", "id": "authentication.exempt_accounts", "name": "Break-glass org admin"},
	"message": "SSO is enforced but no active org admin is listed as a break-glass account outside SSO: an identity-provider outage would lock every admin out",
	"evidence": util.attestation_evidence(
		"authentication.exempt_accounts",
		{"exempt_accounts": sort(util.attested_exempt), "sso_enforced": true},
		"at least one active org admin listed in exempt_accounts",
		"set up a break-glass org admin on a policy without SSO and list it in exempt_accounts",
	),
} if {
	util.att("authentication", "sso_enforced") == true
	util.roles_collected(object.get(input, "users", []))
	count(break_glass) == 0
}

not_applicable contains "SSO is not enforced (attested), so admins can still log in with their passwords" if {
	util.att("authentication", "sso_enforced") == false
}

not_evaluable contains util.roles_missing_reason if {
	util.att("authentication", "sso_enforced") == true
	not util.roles_collected(object.get(input, "users", []))
}
