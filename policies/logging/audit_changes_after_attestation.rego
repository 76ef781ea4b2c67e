# METADATA
# title: Audit-log settings have not changed since they were attested
# description: >-
#   Turning off storage of user-created activity, or removing or redirecting the audit log
#   webhook, is what an attacker with admin access does first to act unseen. The attestation
#   describes the audit-log settings on the day it was signed; any such audit event afterwards
#   is a finding (high when it stopped activity storing or removed streaming and nothing
#   restored it), because the attested answers may no longer hold.
# related_resources:
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/learn-more-about-audit-log-webhooks/
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/track-organization-activities-from-the-audit-log/
# custom:
#   id: ATL-LOG-006
#   severity: medium
#   category: Logging and monitoring
#   points: 4
#   kind: posture
#   user_impact: low
#   implementation_cost: low
#   remediation:
#     - In admin.atlassian.com open Insights > Audit log and review each listed change with the admin who made it.
#     - Restore the intended settings (Security > Audit log > Settings, for user-created activity and the Webhook tab), then renew the attestation and collect again.
#   data:
#     attestation: [attested_at]
#     events: [user_created_activity_disabled, user_created_activity_enabled, audit_log_webhook_created, audit_log_webhook_updated, audit_log_webhook_deleted]
#   frameworks:
#     cis-controls-v8: ["8.1"]
#     iso27001-2022: ["8.15", "8.32"]
#     soc2: ["CC8.1"]
#     nist-800-53-r5: ["AU-9", "CM-3"]
#     nist-csf-2: ["PR.PS-01"]
#   version: 1
package orgscan.logging.audit_changes_after_attestation

import data.orgscan.lib.util
import rego.v1

watched := {
	"user_created_activity_disabled": "stopped storing user-created activity in the audit log",
	"audit_log_webhook_deleted": "deleted the audit log webhook (streaming)",
	"audit_log_webhook_updated": "changed the audit log webhook (streaming destination)",
	"audit_log_webhook_created": "registered a new audit log webhook",
}

restorer := {
	"user_created_activity_disabled": "user_created_activity_enabled",
	"audit_log_webhook_deleted": "audit_log_webhook_created",
}

latest_time(action) := max([e.time_ns | some e in util.events_of(action)]) if {
	count(util.events_of(action)) > 0
} else := 0

restored(e) if latest_time(restorer[e.action]) > e.time_ns

severity(e) := "high" if {
	e.action in {"user_created_activity_disabled", "audit_log_webhook_deleted"}
	not restored(e)
} else := "low" if {
	restored(e)
} else := "medium"

deny contains {
	"resource": {"type": "audit_event", "id": e.id, "name": sprintf("%s at %s", [e.action, e.time])},
	"severity": severity(e),
	"message": sprintf("%s %s on %s, after the attestation of %s%s", [util.val(e.actor, "name", e.actor.id), watched[e.action], e.time, util.attestation.attested_at, note(e)]),
	"evidence": {
		"source": "events",
		"event": util.event_ref(e),
		"ip": util.val(e, "ip", null),
		"attested_at": util.attestation.attested_at,
		"attested": util.att_section("audit_log"),
		"restored_later": count([1 | restored(e)]) > 0,
		"to_pass": "confirm or undo the change and renew the attestation",
	},
} if {
	some action, _ in watched
	some e in util.events_of(action)
	e.time_ns > util.attested_at_ns
}

note(e) := " (a later event restored it)" if {
	restored(e)
} else := ""
