# METADATA
# title: Rovo MCP API-token authentication is off or justified
# description: >-
#   By default AI tools connect to the Rovo MCP server with OAuth 2.1: each user consents, the
#   grant is scoped and revocable, and the domain allowlist applies. Allowing API-token
#   authentication lets any script or agent holding a user's API token use MCP, bypassing the
#   domain allowlist (which only applies to OAuth) and 2SV. Keep it off unless a documented
#   need exists (attestation mcp.api_token_auth_justification).
# related_resources:
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/control-atlassian-rovo-mcp-server-settings/
# custom:
#   id: ATL-APP-004
#   severity: high
#   category: Apps, OAuth and AI agents
#   points: 5
#   kind: posture
#   user_impact: low
#   implementation_cost: low
#   remediation:
#     - In admin.atlassian.com go to Apps > AI settings > Rovo MCP server and open the authentication settings.
#     - Turn off API token authentication so tools must use OAuth 2.1, or record why it is needed in the attestation's mcp.api_token_auth_justification.
#   data:
#     attestation: [mcp.enabled]
#   frameworks:
#     cis-controls-v8: ["6.3"]
#     iso27001-2022: ["8.5"]
#     soc2: ["CC6.1"]
#     nist-800-53-r5: ["IA-2"]
#     nist-csf-2: ["PR.AA-03"]
#   version: 1
package orgscan.apps.mcp_api_token_auth

import data.orgscan.lib.util
import rego.v1

token_auth := util.att("mcp", "api_token_auth_enabled")

justification := util.att("mcp", "api_token_auth_justification")

justified if {
	is_string(justification)
	count(trim_space(justification)) >= 3
}

deny contains {
	"resource": {"type": "setting", "id": "mcp.api_token_auth_enabled", "name": "Rovo MCP server: API token authentication"},
	"message": "AI tools may connect to the Rovo MCP server with user API tokens (bypassing OAuth consent and the domain allowlist) and the attestation gives no reason",
	"evidence": util.attestation_evidence(
		"mcp.api_token_auth_enabled",
		{"api_token_auth_enabled": true, "api_token_auth_justification": justification},
		"false, or true with a justification",
		"turn off API token authentication for the MCP server, or record the justification",
	),
} if {
	util.mcp_enabled
	token_auth == true
	not justified
}

not_applicable contains "the Rovo MCP server is off (attested mcp.enabled = false)" if util.att("mcp", "enabled") == false

not_evaluable contains "the attestation does not answer mcp.api_token_auth_enabled" if {
	util.mcp_enabled
	token_auth == null
}
