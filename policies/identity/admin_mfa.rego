# METADATA
# title: Every administrator uses two-step verification
# description: >-
#   Org admins, site admins and user-access admins can change who gets in and what they can
#   reach. A stolen password alone must not be enough to take over one of these accounts:
#   each needs Atlassian two-step verification, or an SSO login whose identity provider
#   enforces MFA (listed in the attestation's authentication.exempt_accounts with a reason).
# related_resources:
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/enforce-two-step-verification/
# custom:
#   id: ATL-IDN-002
#   severity: critical
#   category: Identity and authentication
#   points: 10
#   kind: posture
#   user_impact: low
#   implementation_cost: low
#   remediation:
#     - In admin.atlassian.com go to Security > Authentication policies.
#     - Edit the policy that covers your administrators and turn on "Require two-step verification", or move them to an SSO policy whose identity provider enforces MFA.
#     - Ask each listed admin to set up two-step verification under Account settings > Security.
#   data:
#     api: [users]
#   config:
#     sso_accounts_exempt: []
#   version: 1
package orgscan.identity.admin_mfa

import data.orgscan.lib.util
import rego.v1

exempt := {lower(a) | some a in util.params("ATL-IDN-002").sso_accounts_exempt}

admins := [u | some u in input.users; util.is_active(u); util.is_admin(u)]

unprotected := [u |
	some u in admins
	not u.mfaEnabled == true
	not lower(object.get(u, "email", "")) in exempt
	not u.accountId in exempt
]

deny contains {
	"resource": {"type": "user", "id": u.accountId, "name": util.display(u)},
	"message": sprintf("%s holds %s without two-step verification", [util.display(u), concat(", ", util.user_admin_roles(u))]),
	"evidence": {
		"source": "api",
		"collection": "users",
		"field": "mfaEnabled",
		"observed": object.get(u, "mfaEnabled", null),
		"expected": true,
		"roles": util.user_admin_roles(u),
		"to_pass": "turn on 2SV for this account, or list it in sso_accounts_exempt if its SSO enforces MFA",
	},
} if {
	some u in unprotected
}

# Partial credit: the share of admins that are protected.
score := (count(admins) - count(unprotected)) / count(admins) if count(admins) > 0

not_applicable contains "the org has no active administrators in the directory" if count(admins) == 0
