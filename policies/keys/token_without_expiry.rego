# METADATA
# title: User API tokens expire
# description: >-
#   A user API token acts as its owner without 2SV or SSO. Tokens created before Atlassian
#   introduced expiry dates (legacy tokens) never expire: a token pasted into a script years
#   ago still works today. Every user API token should have an expiry date; replace legacy
#   tokens with ones that expire (one year at most).
# related_resources:
#   - ref: https://support.atlassian.com/organization-administration/docs/understand-user-api-tokens/
#   - ref: https://support.atlassian.com/atlassian-account/docs/manage-api-tokens-for-your-atlassian-account/
# custom:
#   id: ATL-KEY-007
#   severity: medium
#   category: Keys and tokens
#   points: 4
#   kind: posture
#   user_impact: moderate
#   implementation_cost: low
#   remediation:
#     - In admin.atlassian.com go to Security > User security > API tokens and sort by expiry.
#     - Ask each owner to create a replacement token with an expiry date at id.atlassian.com > Security > API tokens, then revoke the listed legacy token.
#   data:
#     api: [api_tokens]
#   frameworks:
#     cis-controls-v8: ["5.2"]
#     iso27001-2022: ["5.17"]
#     soc2: ["CC6.1"]
#     nist-800-53-r5: ["IA-5"]
#     nist-csf-2: ["PR.AA-01"]
#   version: 1
package orgscan.keys.token_without_expiry

import data.orgscan.lib.util
import rego.v1

live := [t | some t in input.api_tokens; util.usable(t)]

owner(t) := util.val(object.get(t, "user", {}), "email", util.val(object.get(t, "user", {}), "name", util.val(object.get(t, "user", {}), "id", "unknown owner")))

deny contains {
	"resource": {"type": "api_token", "id": t.id, "name": util.key_name(t)},
	"message": sprintf("API token %s of %s never expires (created %s)", [util.key_name(t), owner(t), util.val(t, "createdAt", "at an unknown date")]),
	"evidence": util.key_evidence("api_tokens", t, "expiresAt", null, "an expiry date", "replace it with a token that expires and revoke it"),
} if {
	some t in live
	util.val(t, "expiresAt", null) == null
}

score := count([t | some t in live; util.val(t, "expiresAt", null) != null]) / count(live) if count(live) > 0

not_applicable contains "no user API tokens are in use" if count(live) == 0
