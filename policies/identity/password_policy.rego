# METADATA
# title: Password rules require long, strong passwords
# description: >-
#   Accounts that log in with an Atlassian password (everyone when SSO is not enforced, and
#   break-glass accounts) are only as safe as the weakest password the policy accepts. Atlassian
#   accepts 8 characters by default. The authentication policy should require at least
#   min_password_length characters and at least min_password_strength. Periodic expiry is not
#   required (current NIST guidance advises against it). Read from the attestation; not
#   applicable when SSO is enforced, because the identity provider then owns password rules.
# related_resources:
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/manage-your-password-policy/
# custom:
#   id: ATL-IDN-006
#   severity: medium
#   category: Identity and authentication
#   points: 4
#   kind: posture
#   user_impact: moderate
#   implementation_cost: low
#   remediation:
#     - In admin.atlassian.com go to Security > User security > Authentication policies.
#     - Select Edit on each policy, open Password Strength and Expiration, and raise the minimum strength (Good or stronger) and length (12 or more characters).
#     - Optionally reset passwords for managed accounts so existing weak passwords are replaced, then update the attestation.
#   data:
#     attestation: [authentication]
#   config:
#     min_password_length: 12
#     min_password_strength: good
#   frameworks:
#     cis-controls-v8: ["5.2"]
#     iso27001-2022: ["5.17"]
#     soc2: ["CC6.1"]
#     nist-800-53-r5: ["IA-5(1)"]
#     nist-csf-2: ["PR.AA-01"]
#   version: 1
package orgscan.identity.password_policy

import data.orgscan.lib.util
import rego.v1

id := util.control_id

min_length := util.param(id, "min_password_length", 12)

strength_rank := {"weak": 1, "fair": 2, "good": 3, "strong": 4, "very_strong": 5}

norm(s) := replace(replace(lower(trim_space(s)), " ", "_"), "-", "_")

min_strength := norm(util.param(id, "min_password_strength", "good"))

length := util.att("authentication", "password_min_length")

strength := util.att("authentication", "password_strength")

sso_enforced if util.att("authentication", "sso_enforced") == true

deny contains {
	"resource": {"type": "setting", "id": "authentication.password_min_length", "name": "Authentication policy: minimum password length"},
	"message": sprintf("Passwords may be as short as %d characters; require at least %d", [length, min_length]),
	"evidence": util.attestation_evidence(
		"authentication.password_min_length",
		length,
		sprintf(">= %d", [min_length]),
		sprintf("require passwords of %d characters or more and update the attestation", [min_length]),
	),
} if {
	not sso_enforced
	is_number(length)
	length < min_length
}

deny contains {
	"resource": {"type": "setting", "id": "authentication.password_strength", "name": "Authentication policy: password strength"},
	"message": sprintf("The password policy accepts %s passwords; require %s or stronger", [strength, min_strength]),
	"evidence": util.attestation_evidence(
		"authentication.password_strength",
		strength,
		sprintf(">= %s (weak < fair < good < strong < very_strong)", [min_strength]),
		sprintf("set the minimum password strength to %s or stronger and update the attestation", [min_strength]),
	),
} if {
	not sso_enforced
	is_string(strength)
	strength_rank[norm(strength)] < strength_rank[min_strength]
}

not_applicable contains "SSO is enforced for managed accounts (attested): the identity provider sets password rules" if sso_enforced

not_evaluable contains "the attestation answers neither authentication.password_min_length nor authentication.password_strength" if {
	not sso_enforced
	length == null
	strength == null
}

not_evaluable contains sprintf("authentication.password_strength %q is not one of weak, fair, good, strong, very_strong", [strength]) if {
	not sso_enforced
	is_string(strength)
	not strength_rank[norm(strength)]
}
