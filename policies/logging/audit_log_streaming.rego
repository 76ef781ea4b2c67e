# METADATA
# title: The audit log is streamed to your own tools
# description: >-
#   Atlassian keeps the organization audit log for 180 days and an org admin can read it, so an
#   attacker with admin access can act and wait. Streaming events in real time to a SIEM or log
#   store (audit log webhook) keeps an independent copy, lets alerts fire within minutes and
#   keeps history beyond retention. Read from the attestation (audit_log.streaming_enabled): no
#   API returns the webhook configuration.
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
#   frameworks:
#     cis-controls-v8: ["8.9"]
#     iso27001-2022: ["8.15", "8.16"]
#     soc2: ["CC7.2"]
#     nist-800-53-r5: ["AU-9(2)"]
#     nist-csf-2: ["PR.PS-04"]
#   version: 1
package orgscan.logging.audit_log_streaming

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
