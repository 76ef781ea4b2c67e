# METADATA
# title: The Rovo MCP app cannot reach sensitive content
# description: >-
#   With the Atlassian Rovo MCP server on, any AI client a user connects (Claude, ChatGPT, IDE
#   agents) can search and read everything that user can see, and act on it. A data security
#   policy's app access rule should block the Atlassian MCP app on your sensitive (classified)
#   content so that an agent, a prompt injection or a leaked OAuth grant cannot pull it out.
#   The API does not return app access rules, so this control reads the attestation
#   (data_security.mcp_app_blocked_on_sensitive); not applicable when MCP is off. An attested
#   block fails when the audit log shows a data security policy deleted or deactivated, a rule
#   removed or all coverage removed after attested_at, and no later change restored it.
# related_resources:
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/control-atlassian-rovo-mcp-server-settings/
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/block-app-access/
# custom:
#   id: ATL-APP-002
#   severity: high
#   category: Apps, OAuth and AI agents
#   points: 6
#   kind: posture
#   user_impact: moderate
#   implementation_cost: moderate
#   remediation:
#     - In admin.atlassian.com go to Security > Data security policies and open (or create) the policy covering your sensitive classification levels, spaces or projects.
#     - Add an App access rule that blocks the Atlassian MCP app (or an allowlist that leaves it out) and publish the policy.
#     - Set data_security.mcp_app_blocked_on_sensitive = true in the attestation.
#   data:
#     attestation: [mcp.enabled]
#   config:
#     facts:
#       dsp_changes:
#         kind: select
#         actions: [data_security_policy_deleted, data_security_policy_deactivated, data_security_policy_rule_removed, data_security_policy_all_coverage_removed, data_security_policy_activated, data_security_policy_rule_added, data_security_policy_coverage_updated, data_security_policy_resource_added]
#         where: {after: "@attested_at"}
#         limit: 1000
#   frameworks:
#     cis-controls-v8: ["3.3"]
#     iso27001-2022: ["5.15", "8.3"]
#     soc2: ["CC6.1"]
#     nist-800-53-r5: ["AC-3"]
#     nist-csf-2: ["PR.AA-05"]
#   version: 1
package orgscan.apps.mcp_sensitive_content

import data.orgscan.lib.dsp_changes
import data.orgscan.lib.util
import rego.v1

blocked := util.att("data_security", "mcp_app_blocked_on_sensitive")

deny contains {
	"resource": {"type": "setting", "id": "data_security.mcp_app_blocked_on_sensitive", "name": "App access rule: Atlassian MCP app on sensitive content"},
	"message": "The Rovo MCP server is on and no data security policy blocks the Atlassian MCP app from sensitive content",
	"evidence": util.attestation_evidence(
		"data_security.mcp_app_blocked_on_sensitive",
		{"mcp_enabled": true, "mcp_app_blocked_on_sensitive": false},
		true,
		"block the Atlassian MCP app with an app access rule on sensitive content and update the attestation",
	),
} if {
	util.mcp_enabled
	blocked == false
}

# The audit log contradicts an attested block: a change after the attestation could have
# removed the app access rule (docs/detections.md, "Attestations the audit log can contradict").
changes := object.get(input, ["facts", "declared", util.control_id, "dsp_changes", "events"], [])

open_removals := dsp_changes.unrestored(changes, util.attested_at_ns)

deny contains {
	"resource": {"type": "setting", "id": "data_security.mcp_app_blocked_on_sensitive", "name": "App access rule: Atlassian MCP app on sensitive content"},
	"message": sprintf("The attestation says a data security policy blocks the Atlassian MCP app from sensitive content, but after it (%s) %s, and no later change restored it", [util.attestation.attested_at, dsp_changes.describe(open_removals)]),
	"evidence": dsp_changes.evidence(
		"data_security.mcp_app_blocked_on_sensitive",
		open_removals,
		dsp_changes.restored(changes, util.attested_at_ns),
		"check that an app access rule still blocks the Atlassian MCP app on sensitive content, restore it if not, and answer the attestation again",
	),
} if {
	util.mcp_enabled
	blocked == true
	count(open_removals) > 0
}

not_applicable contains "the Rovo MCP server is off (attested mcp.enabled = false)" if util.att("mcp", "enabled") == false

not_evaluable contains "the attestation does not answer data_security.mcp_app_blocked_on_sensitive" if {
	util.mcp_enabled
	blocked == null
}
