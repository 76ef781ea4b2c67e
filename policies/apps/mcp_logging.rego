# METADATA
# title: Rovo MCP tool calls are actually logged
# description: >-
#   When AI agents act through the Rovo MCP server, the audit log is the only record of which
#   tool read or changed what, for whom. Tool invocations and app API calls are logged only with
#   Atlassian Guard Premium or Enterprise and "Store user-created activity" turned on; the
#   org's event-action catalogue must hold the Rovo MCP actions, and MCP events should appear in
#   the collected window. Reads the attestation (audit_log.guard_tier,
#   audit_log.user_created_activity_enabled), the catalogue and the event counts; not
#   applicable when MCP is off.
# related_resources:
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/monitor-atlassian-rovo-mcp-server-activity/
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/track-organization-activities-from-the-audit-log/
# custom:
#   id: ATL-APP-005
#   severity: high
#   category: Apps, OAuth and AI agents
#   points: 5
#   kind: posture
#   user_impact: low
#   implementation_cost: moderate
#   remediation:
#     - Make sure the org has Atlassian Guard Premium (or Cloud Enterprise), which records app and MCP activity.
#     - In admin.atlassian.com go to Insights > Audit log > Settings and turn on storing user-created activity for Jira and Confluence.
#     - Check in the audit log (search "MCP") that tool invocations appear, then collect again.
#   data:
#     attestation: [mcp.enabled]
#     api: [event_actions]
#   config:
#     mcp_action_pattern: (?i)mcp
#     logging_tiers: [premium, enterprise]
#   frameworks:
#     cis-controls-v8: ["8.2", "8.5"]
#     iso27001-2022: ["8.15"]
#     soc2: ["CC7.2"]
#     nist-800-53-r5: ["AU-2", "AU-12"]
#     nist-csf-2: ["PR.PS-04"]
#   version: 1
package orgscan.apps.mcp_logging

import data.orgscan.lib.util
import rego.v1

id := util.control_id

tier := util.att("audit_log", "guard_tier")

tiers := {lower(t) | some t in util.param(id, "logging_tiers", ["premium", "enterprise"]); is_string(t)}

activity := util.att("audit_log", "user_created_activity_enabled")

mcp_actions := util.catalogue_matching(util.param(id, "mcp_action_pattern", "(?i)mcp"))

mcp_event_count := sum([util.action_count(a) | some a in mcp_actions])

setting(key, name) := {"type": "setting", "id": key, "name": name}

deny contains {
	"resource": setting("audit_log.guard_tier", "Atlassian Guard tier"),
	"message": sprintf("The Rovo MCP server is on but the Guard tier (%s) does not log MCP tool calls and app API activity; Premium or Enterprise does", [tier]),
	"evidence": util.attestation_evidence("audit_log.guard_tier", tier, sort(tiers), "move to Atlassian Guard Premium or Cloud Enterprise"),
} if {
	util.mcp_enabled
	is_string(tier)
	not lower(tier) in tiers
}

deny contains {
	"resource": setting("audit_log.user_created_activity_enabled", "Audit log: store user-created activity"),
	"message": "The Rovo MCP server is on but the audit log does not store user-created activity, so MCP tool calls are not recorded",
	"evidence": util.attestation_evidence("audit_log.user_created_activity_enabled", false, true, "turn on storing user-created activity in the audit log settings"),
} if {
	util.mcp_enabled
	activity == false
}

deny contains {
	"resource": setting("event_actions", "Event-action catalogue: Rovo MCP actions"),
	"message": "The Rovo MCP server is on but the org's audit-log catalogue has no MCP actions, so tool calls cannot be logged",
	"evidence": {
		"source": "api",
		"collection": "event_actions",
		"field": "id / display_name / groups",
		"observed": [],
		"expected": sprintf("actions matching %s (e.g. the \"Rovo MCP User Actions\" group)", [util.param(id, "mcp_action_pattern", "(?i)mcp")]),
		"to_pass": "enable MCP activity logging (Guard Premium, user-created activity) and collect the catalogue again",
	},
} if {
	util.mcp_enabled
	util.catalogue_available
	count(mcp_actions) == 0
}

not_applicable contains "the Rovo MCP server is off (attested mcp.enabled = false)" if util.att("mcp", "enabled") == false

not_evaluable contains "the attestation answers neither audit_log.guard_tier nor audit_log.user_created_activity_enabled" if {
	util.mcp_enabled
	tier == null
	activity == null
}

not_evaluable contains "events were not collected, so orgscan cannot confirm that MCP tool calls reach the audit log" if {
	util.mcp_enabled
	count(mcp_actions) > 0
	not util.events_available
}

not_evaluable contains sprintf("no Rovo MCP event (%s) was recorded in the collected window, so orgscan cannot confirm logging works", [concat(", ", sort(mcp_actions))]) if {
	util.mcp_enabled
	count(mcp_actions) > 0
	util.events_available
	mcp_event_count == 0
}
