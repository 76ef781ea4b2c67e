# METADATA
# title: Creating API tokens is not open to everyone without a reason
# description: >-
#   When every managed account may create user API tokens, anyone can mint a credential that
#   skips 2SV and SSO and hand it to a script or AI tool (MCP client). If your people do not
#   need tokens, turn creation off; if they do, record why in the attestation
#   (api_tokens.justification) and keep the token controls (expiry, use, per-user count) green.
#   Read from the attestation: this setting has no API.
# related_resources:
#   - ref: https://support.atlassian.com/organization-administration/docs/understand-user-api-tokens/
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/manage-api-token-creation/
# custom:
#   id: ATL-KEY-011
#   severity: medium
#   category: Keys and tokens
#   points: 3
#   kind: posture
#   user_impact: high
#   implementation_cost: low
#   remediation:
#     - In admin.atlassian.com go to Security > User security > API tokens > Settings (or the authentication policy's API token setting).
#     - Turn off "Allow users to create API tokens" for policies whose members do not need tokens, or write the business reason in the attestation's api_tokens.justification.
#   data:
#     attestation: [api_tokens.users_can_create]
#   config:
#     facts:
#       created_after_attestation:
#         kind: select
#         actions: [ts_api_token_creation]
#         where: {after: "@attested_at"}
#         limit: 1000
#   frameworks:
#     cis-controls-v8: ["6.8"]
#     iso27001-2022: ["5.17"]
#     soc2: ["CC6.1"]
#     nist-800-53-r5: ["AC-6", "IA-5"]
#     nist-csf-2: ["PR.AA-05"]
#   version: 1
package orgscan.keys.token_creation_open

import data.orgscan.lib.detect
import data.orgscan.lib.util
import rego.v1

justification := util.att("api_tokens", "justification")

justified if {
	is_string(justification)
	count(trim_space(justification)) >= 3
}

deny contains {
	"resource": {"type": "setting", "id": "api_tokens.users_can_create", "name": "Allow users to create API tokens"},
	"message": "Every managed account may create API tokens and the attestation gives no reason why",
	"evidence": util.attestation_evidence(
		"api_tokens.users_can_create",
		{"users_can_create": true, "justification": justification},
		"false, or true with a justification",
		"turn off API token creation, or record the business need in api_tokens.justification",
	),
} if {
	util.att("api_tokens", "users_can_create") == true
	not justified
}

# The audit log contradicts an attested "users cannot create API tokens": tokens were created
# after the attestation was answered.
created := object.get(input, ["facts", "declared", util.control_id, "created_after_attestation", "events"], [])

deny contains {
	"resource": {"type": "setting", "id": "api_tokens.users_can_create", "name": "Allow users to create API tokens"},
	"message": sprintf("The attestation says users cannot create API tokens, but %d token(s) were created after it (%s, first %s)", [count(created), concat(", ", sort({detect.who(e.actor.id, object.get(e.actor, "name", "")) | some e in created})), created[0].time]),
	"evidence": {
		"source": "events",
		"attestation_path": "api_tokens.users_can_create",
		"attested": false,
		"attested_at": object.get(input, ["attestation", "attested_at"], null),
		"event_ids": [e.id | some e in created],
		"first": created[0].time,
		"last": created[count(created) - 1].time,
		"to_pass": "turn off API token creation for managed accounts and answer the attestation again, or correct it to true",
	},
} if {
	util.att("api_tokens", "users_can_create") == false
	count(created) > 0
}
