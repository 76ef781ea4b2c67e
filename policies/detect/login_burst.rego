# METADATA
# title: No sign-in bursts beyond the set limit
# description: >-
#   Many sign-ins by one account within an hour suggest scripted credential use or session hijacking attempts. One finding per account and burst (Sumo Logic "logins exceeding set parameters").
# related_resources:
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/track-organization-activities-from-the-audit-log/
# custom:
#   id: ATL-DET-009
#   severity: medium
#   category: Threat detection
#   points: 1
#   kind: detection
#   user_impact: low
#   implementation_cost: low
#   remediation:
#     - Check the listed account's sessions and devices; reset its password and sessions if the activity is not the person's.
#     - If the burst was an approved bulk change, waive the finding with the ticket reference.
#   config:
#     window_minutes: 60
#     max_logins: 20
#     facts:
#       bursts:
#         kind: count
#         actions: [user_login]
#         by: [actor]
#         window_minutes: $window_minutes
#         over: $max_logins
#   frameworks:
#     cis-controls-v8: ["13.1"]
#     iso27001-2022: ["8.16"]
#     soc2: ["CC7.2"]
#     nist-800-53-r5: ["SI-4"]
#     nist-csf-2: ["DE.CM-03"]
#   version: 1
package orgscan.detect.login_burst

import data.orgscan.lib.detect
import rego.v1

id := "ATL-DET-009"

cfg := detect.params(id)

deny contains {
	"resource": detect.key_resource(b.key, "actor"),
	"message": sprintf("%s signed in %d times between %s and %s (more than %d within %d minutes)", [detect.who(b.key.actor, object.get(b.key, "actor_name", "")), b.count, b.first, b.last, cfg.max_logins, cfg.window_minutes]),
	"evidence": {
		"source": "events",
		"fact": "bursts",
		"count": b.count,
		"peak": b.peak,
		"first": b.first,
		"last": b.last,
		"event_ids": b.event_ids,
		"threshold": cfg.max_logins,
		"window_minutes": cfg.window_minutes,
		"to_pass": "no more than max_logins events per account within window_minutes",
	},
} if {
	some b in detect.items(id, "bursts", "bursts")
}

not_evaluable contains reason if some reason in detect.events_unavailable
