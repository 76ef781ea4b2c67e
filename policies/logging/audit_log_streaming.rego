# METADATA
# title: The audit log is streamed to your own tools
# description: >-
#   Atlassian keeps the organization audit log for 180 days and an org admin can read it, so an
#   attacker with admin access can act and wait. Streaming events in real time to a SIEM or log
#   store (audit log webhook) keeps an independent copy, lets alerts fire within minutes and
#   keeps history beyond retention. Read from the attestation (audit_log.streaming_enabled): no
#   API returns the webhook configuration. An attested "on" fails when the audit log shows the
#   webhook deleted after attested_at and no webhook registered again later.
# related_resources:
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/learn-more-about-audit-log-webhooks/
# custom:
#   id: ATL-LOG-004
#   severity: medium
#   category: Logging and monitoring
#   points: 4
#   kind: posture
#   user_impact: low
#   implementation_cost: moderate
#   remediation:
#     - In admin.atlassian.com go to Security > Audit log > Settings and open the Webhook tab (Guard Premium or Enterprise).
#     - Register your SIEM's or log store's HTTPS endpoint with an authorization header and send a test event.
#     - Set audit_log.streaming_enabled = true and streaming_destination in the attestation.
#   data:
#     attestation: [audit_log.streaming_enabled]
#   config:
#     facts:
#       webhook_changes:
#         kind: select
#         actions: [audit_log_webhook_deleted, audit_log_webhook_created]
#         where: {after: "@attested_at"}
#         limit: 1000
#   frameworks:
#     cis-controls-v8: ["8.9"]
#     iso27001-2022: ["8.15", "8.16"]
#     soc2: ["CC7.2"]
#     nist-800-53-r5: ["AU-9(2)"]
#     nist-csf-2: ["PR.PS-04"]
#   version: 1
package orgscan.logging.audit_log_streaming

import data.orgscan.lib.detect
import data.orgscan.lib.util
import rego.v1

deny contains {
	"resource": {"type": "setting", "id": "audit_log.streaming_enabled", "name": "Audit log webhook (streaming)"},
	"message": "Audit-log events are not streamed to a SIEM or log store (attested)",
	"evidence": util.attestation_evidence(
		"audit_log.streaming_enabled",
		{"streaming_enabled": false, "guard_tier": util.att("audit_log", "guard_tier")},
		true,
		"register an audit log webhook to your SIEM and update the attestation",
	),
} if {
	util.att("audit_log", "streaming_enabled") == false
}

# The audit log contradicts an attested "streaming on": the webhook was deleted after the
# attestation and no webhook was registered again afterwards. An org may register up to three
# webhooks and the events do not say how many remain, so a deletion that left another webhook
# streaming also fails until the attestation is renewed after it. An update
# (audit_log_webhook_updated) is not a stop; ATL-LOG-006 reports it.
changes := [e |
	some e in object.get(input, ["facts", "declared", util.control_id, "webhook_changes", "events"], [])
	# The fact keeps only events after attested_at; checked again so the rule stands on its own.
	e.time_ns > util.attested_at_ns
]

deleted := [e | some e in changes; e.action == "audit_log_webhook_deleted"]

registered_after(e) := [r.id | some r in changes; r.action == "audit_log_webhook_created"; r.time_ns > e.time_ns]

# Deletions nothing re-registered, in time order.
unrestored := [e | some e in deleted; count(registered_after(e)) == 0]

# Deletions a later registration restored: the near miss, kept in the evidence.
restored := [{"deleted": e.id, "at": e.time, "registered_again": registered_after(e)} | some e in deleted; count(registered_after(e)) > 0]

restored_note := "" if {
	count(restored) == 0
} else := sprintf("; %d earlier deletion(s) were followed by a new registration", [count(restored)])

deny contains {
	"resource": {"type": "setting", "id": "audit_log.streaming_enabled", "name": "Audit log webhook (streaming)"},
	"message": sprintf("The attestation says audit-log events are streamed, but the audit log webhook was deleted %d time(s) after the attestation of %s (the last by %s on %s) and no webhook was registered again%s", [count(unrestored), util.attestation.attested_at, detect.actor_label(last), last.time, restored_note]),
	"evidence": {
		"source": "events",
		"attestation_path": "audit_log.streaming_enabled",
		"attested": true,
		"attested_at": util.attestation.attested_at,
		"event_ids": [e.id | some e in unrestored],
		"actions": ["audit_log_webhook_deleted"],
		"first": unrestored[0].time,
		"last": last.time,
		"restored_later": restored,
		"to_pass": "register the webhook again (Security > Audit log > Settings > Webhook) and renew the attestation; if another webhook still streams, renew the attestation after the deletion",
	},
} if {
	util.att("audit_log", "streaming_enabled") == true
	count(unrestored) > 0
	last := unrestored[count(unrestored) - 1]
}
