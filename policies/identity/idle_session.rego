# METADATA
# title: Idle sessions end within the allowed time
# description: >-
#   A browser left logged in on a shared or stolen laptop is an open door. Atlassian's default
#   idle session duration is 30 days; the authentication policy for managed accounts should log
#   people out after at most max_idle_session_minutes of inactivity (8 hours by default). Read
#   from the attestation (authentication.idle_session_timeout_minutes): no API exposes it.
# related_resources:
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/update-idle-session-duration/
# custom:
#   id: ATL-IDN-005
#   severity: medium
#   category: Identity and authentication
#   points: 4
#   kind: posture
#   user_impact: moderate
#   implementation_cost: low
#   remediation:
#     - In admin.atlassian.com go to Security > User security > Authentication policies.
#     - Select Edit on each policy, and under Settings choose an Idle session duration at or below the threshold (for example 8 hours or less).
#     - Update authentication.idle_session_timeout_minutes in the attestation and collect again.
#   data:
#     attestation: [authentication.idle_session_timeout_minutes]
#   config:
#     max_idle_session_minutes: 480
#   frameworks:
#     cis-controls-v8: ["4.3"]
#     iso27001-2022: ["8.5"]
#     soc2: ["CC6.1"]
#     nist-800-53-r5: ["AC-12"]
#     nist-csf-2: ["PR.AA-03"]
#   version: 1
package orgscan.identity.idle_session

import data.orgscan.lib.util
import rego.v1

max_minutes := util.setting("max_idle_session_minutes", 480)

observed := util.att("authentication", "idle_session_timeout_minutes")

deny contains {
	"resource": {"type": "setting", "id": "authentication.idle_session_timeout_minutes", "name": "Authentication policy: idle session duration"},
	"message": sprintf("Idle sessions last %d minutes (%s); the limit is %d minutes", [observed, human(observed), max_minutes]),
	"evidence": util.attestation_evidence(
		"authentication.idle_session_timeout_minutes",
		observed,
		sprintf("<= %d", [max_minutes]),
		sprintf("set the idle session duration to %d minutes or less and update the attestation", [max_minutes]),
	),
} if {
	is_number(observed)
	observed > max_minutes
}

human(m) := sprintf("%d days", [m / 1440]) if {
	m >= 1440
	m % 1440 == 0
} else := sprintf("%d hours", [m / 60]) if {
	m % 60 == 0
} else := sprintf("%d minutes", [m])
