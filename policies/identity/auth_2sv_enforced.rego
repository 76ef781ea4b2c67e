# METADATA
# title: The authentication policy enforces two-step verification or SSO
# description: >-
#   Turning on 2SV one account at a time leaves gaps: new joiners and forgotten accounts log in
#   with a password alone. The authentication policy that covers your managed accounts should
#   require two-step verification, or require SSO through an identity provider that enforces
#   MFA. No Atlassian API exposes authentication policy settings, so this control reads the
#   attestation (authentication.two_step_enforced / sso_enforced).
# related_resources:
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/enforce-two-step-verification/
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/understand-authentication-policies/
# custom:
#   id: ATL-IDN-003
#   severity: high
#   category: Identity and authentication
#   points: 8
#   kind: posture
#   user_impact: moderate
#   implementation_cost: low
#   remediation:
#     - In admin.atlassian.com go to Security > User security > Authentication policies.
#     - Edit the default policy and every policy that holds managed accounts, and turn on "Require two-step verification" (or enforce single sign-on).
#     - Keep only named break-glass accounts on a policy without 2SV/SSO, and list them in the attestation's exempt_accounts.
#     - Update the attestation (authentication.two_step_enforced) and collect again.
#   data:
#     attestation: [authentication]
#   frameworks:
#     cis-controls-v8: ["6.3"]
#     iso27001-2022: ["8.5"]
#     soc2: ["CC6.1"]
#     nist-800-53-r5: ["IA-2(1)", "IA-2(2)"]
#     nist-csf-2: ["PR.AA-03"]
#   version: 1
package orgscan.identity.auth_2sv_enforced

import data.orgscan.lib.util
import rego.v1

two_step := util.att("authentication", "two_step_enforced")

sso := util.att("authentication", "sso_enforced")

deny contains {
	"resource": {"type": "setting", "id": "authentication.two_step_enforced", "name": "Authentication policy: require two-step verification"},
	"message": "The attestation says the authentication policy for managed accounts requires neither two-step verification nor SSO",
	"evidence": util.attestation_evidence(
		"authentication.two_step_enforced",
		{"two_step_enforced": two_step, "sso_enforced": sso},
		{"two_step_enforced": true, "or_sso_enforced": true},
		"require 2SV (or enforce SSO) in the authentication policy and update the attestation",
	),
} if {
	two_step == false
	sso == false
}

not_evaluable contains "the attestation says 2SV is not enforced but does not answer authentication.sso_enforced" if {
	two_step == false
	sso == null
}

not_evaluable contains "the attestation answers neither authentication.two_step_enforced nor authentication.sso_enforced" if {
	two_step == null
	not sso == true
}
