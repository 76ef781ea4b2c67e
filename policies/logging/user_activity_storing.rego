# METADATA
# title: The audit log stores user-created activity
# description: >-
#   With "Store user-created activity" off, the audit log does not record what people and apps
#   do with content (page and issue views, creates, exports, app and Rovo MCP API calls), so
#   data theft through a compromised account, an app or an AI agent leaves no trace. The
#   newest evidence decides: a user_created_activity_enabled / _disabled audit event, or the
#   attestation (audit_log.user_created_activity_enabled) when it is more recent.
# related_resources:
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/track-organization-activities-from-the-audit-log/
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/monitor-atlassian-rovo-mcp-server-activity/
# custom:
#   id: ATL-LOG-003
#   severity: high
#   category: Logging and monitoring
#   points: 5
#   kind: posture
#   user_impact: low
#   implementation_cost: low
#   remediation:
#     - In admin.atlassian.com go to Insights > Audit log (Security > Audit log) and select Settings.
#     - Turn on storing user-created activity (in-app data) for Jira and Confluence, then update audit_log.user_created_activity_enabled in the attestation.
#   frameworks:
#     cis-controls-v8: ["8.2", "8.5"]
#     iso27001-2022: ["8.15"]
#     soc2: ["CC7.2"]
#     nist-800-53-r5: ["AU-2", "AU-3"]
#     nist-csf-2: ["PR.PS-04"]
#   version: 1
package orgscan.logging.user_activity_storing

import data.orgscan.lib.util
import rego.v1

attested := util.att("audit_log", "user_created_activity_enabled")

toggles := array.concat(util.events_of("user_created_activity_enabled"), util.events_of("user_created_activity_disabled"))

latest := newest[0] if {
	count(toggles) > 0
	t := max([x.time_ns | some x in toggles])
	newest := [e | some e in toggles; e.time_ns == t]
}

attestation_newer if {
	is_boolean(attested)
	count(toggles) == 0
}

attestation_newer if {
	is_boolean(attested)
	util.attested_at_ns > latest.time_ns
}

setting := {"type": "setting", "id": "audit_log.user_created_activity_enabled", "name": "Audit log: store user-created activity"}

deny contains {
	"resource": setting,
	"message": sprintf("%s stopped storing user-created activity in the audit log on %s, and it was not turned back on", [util.val(latest.actor, "name", latest.actor.id), latest.time]),
	"evidence": {
		"source": "events",
		"event": util.event_ref(latest),
		"observed": "user_created_activity_disabled",
		"expected": "storing turned on",
		"attested": attested,
		"to_pass": "turn storing user-created activity back on in the audit log settings",
	},
} if {
	not attestation_newer
	latest.action == "user_created_activity_disabled"
}

deny contains {
	"resource": setting,
	"message": "The audit log does not store user-created activity (attested)",
	"evidence": util.attestation_evidence("audit_log.user_created_activity_enabled", false, true, "turn on storing user-created activity in the audit log settings and update the attestation"),
} if {
	attestation_newer
	attested == false
}

not_evaluable contains "neither the attestation (audit_log.user_created_activity_enabled) nor any user_created_activity_enabled/disabled event tells whether user-created activity is stored" if {
	not is_boolean(attested)
	count(toggles) == 0
}
