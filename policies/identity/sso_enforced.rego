# METADATA
# title: Managed accounts log in through enforced SSO
# description: >-
#   With SAML single sign-on enforced, joiners and leavers are handled once in your identity
#   provider, its MFA and conditional-access rules apply to Atlassian, and a deprovisioned
#   employee cannot log in with an old Atlassian password. This control reads the attestation
#   (authentication.sso_enforced, sso.configured) because no Atlassian API exposes
#   authentication policy settings.
# related_resources:
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/configure-saml-single-sign-on-with-an-identity-provider/
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/understand-authentication-policies/
# custom:
#   id: ATL-IDN-004
#   severity: medium
#   category: Identity and authentication
#   points: 6
#   kind: posture
#   user_impact: moderate
#   implementation_cost: moderate
#   remediation:
#     - Connect your identity provider in admin.atlassian.com under Security > Identity providers and set up SAML single sign-on (and SCIM provisioning).
#     - In Security > User security > Authentication policies, edit the policies that hold managed accounts and turn on "Enforce single sign-on".
#     - Keep a break-glass org admin on a separate policy without SSO (with 2SV) and list it in the attestation's exempt_accounts.
#   data:
#     attestation: [authentication.sso_enforced]
#   frameworks:
#     cis-controls-v8: ["6.7", "12.5"]
#     iso27001-2022: ["5.16", "8.5"]
#     soc2: ["CC6.1"]
#     nist-800-53-r5: ["IA-2", "IA-8"]
#     nist-csf-2: ["PR.AA-03", "PR.AA-04"]
#   version: 1
package orgscan.identity.sso_enforced

import data.orgscan.lib.util
import rego.v1

configured := util.att("sso", "configured")

deny contains {
	"resource": {"type": "setting", "id": "authentication.sso_enforced", "name": "Authentication policy: enforce single sign-on"},
	"message": message,
	"evidence": util.attestation_evidence(
		"authentication.sso_enforced",
		{"sso_enforced": false, "sso_configured": configured, "identity_provider": util.att("sso", "identity_provider")},
		{"sso_enforced": true},
		"enforce SSO in the authentication policies that hold managed accounts and update the attestation",
	),
} if {
	util.att("authentication", "sso_enforced") == false
}

message := "An identity provider is connected but the authentication policy does not enforce SSO for managed accounts" if {
	configured == true
} else := "No single sign-on is enforced for managed accounts (the attestation says SSO is not configured)" if {
	configured == false
} else := "The authentication policy does not enforce SSO for managed accounts"
