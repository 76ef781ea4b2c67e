# METADATA
# title: User provisioning (SCIM) follows the identity provider
# description: >-
#   With SSO connected but no SCIM user provisioning, leavers keep their Atlassian account,
#   group memberships and licences until someone remembers to remove them by hand, and new
#   joiners are added ad hoc. Provisioning from the identity provider deactivates accounts and
#   syncs groups automatically. Read from the attestation (sso.scim_provisioning); not
#   applicable when no identity provider is connected.
# related_resources:
#   - ref: https://support.atlassian.com/provisioning-users/docs/understand-user-provisioning/
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/configure-saml-single-sign-on-with-an-identity-provider/
# custom:
#   id: ATL-IDN-016
#   severity: medium
#   category: Identity and authentication
#   points: 3
#   kind: posture
#   user_impact: low
#   implementation_cost: moderate
#   remediation:
#     - In admin.atlassian.com go to Security > Identity providers, open your identity provider directory and set up user provisioning (SCIM).
#     - Configure the SCIM app in your identity provider with the directory base URL and API key, and sync the groups that grant app access.
#     - Set sso.scim_provisioning = true in the attestation.
#   data:
#     attestation: [sso]
#   frameworks:
#     cis-controls-v8: ["5.3", "5.6", "6.2"]
#     iso27001-2022: ["5.16", "5.18"]
#     soc2: ["CC6.2"]
#     nist-800-53-r5: ["AC-2(1)"]
#     nist-csf-2: ["PR.AA-01"]
#   version: 1
package orgscan.identity.scim_provisioning

import data.orgscan.lib.util
import rego.v1

deny contains {
	"resource": {"type": "setting", "id": "sso.scim_provisioning", "name": "Identity provider: user provisioning (SCIM)"},
	"message": sprintf("An identity provider (%s) is connected but users are not provisioned from it (no SCIM): leavers must be removed by hand", [util.val(util.att_section("sso"), "identity_provider", "unnamed")]),
	"evidence": util.attestation_evidence("sso.scim_provisioning", false, true, "set up SCIM user provisioning from the identity provider and update the attestation"),
} if {
	util.att("sso", "configured") == true
	util.att("sso", "scim_provisioning") == false
}

not_applicable contains "no identity provider is connected (attested sso.configured = false)" if util.att("sso", "configured") == false

not_evaluable contains "the attestation does not answer sso.scim_provisioning" if {
	util.att("sso", "configured") == true
	util.att("sso", "scim_provisioning") == null
}

not_evaluable contains "the attestation does not answer sso.configured" if util.att("sso", "configured") == null
