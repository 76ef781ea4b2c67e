# METADATA
# title: No bursts of failed sign-ins
# description: >-
#   Many failed sign-ins for one account within a short window suggest password guessing or
#   credential stuffing (Sumo Logic "Failed Login events", Count > 5). Atlassian's org audit
#   log has no published failed-login action: the control looks for one in the org's own
#   event-action catalogue and is not evaluable, with that reason, when there is none.
# related_resources:
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/audit-log-activities-database/
# custom:
#   id: ATL-DET-007
#   severity: medium
#   category: Threat detection
#   points: 1
#   kind: detection
#   user_impact: low
#   implementation_cost: moderate
#   remediation:
#     - Check whether the listed account was locked or signed in successfully after the failures.
#     - Enforce two-step verification or SSO for the account, and block the source addresses at your IdP or proxy.
#   config:
#     window_minutes: 60
#     max_failures: 5
#     facts:
#       bursts:
#         kind: count
#         ids: 1000
#         actions: [set:failed_login]
#         by: [actor]
#         window_minutes: $window_minutes
#         over: $max_failures
#   frameworks:
#     cis-controls-v8: ["8.11"]
#     iso27001-2022: ["8.5", "8.16"]
#     soc2: ["CC7.2"]
#     nist-800-53-r5: ["AC-7", "SI-4"]
#     nist-csf-2: ["DE.CM-03"]
#   version: 1
package orgscan.detect.failed_logins

import data.orgscan.lib.detect
import rego.v1

id := detect.control_id

cfg := detect.params(id)

deny contains {
	"resource": detect.key_resource(b.key, "actor"),
	"message": sprintf("%d failed sign-ins for %s between %s and %s (more than %d within %d minutes)", [b.count, detect.who(b.key.actor, object.get(b.key, "actor_name", "")), b.first, b.last, cfg.max_failures, cfg.window_minutes]),
	"evidence": {
		"source": "events",
		"fact": "bursts",
		"actions": detect.action_set("failed_login"),
		"count": b.count,
		"peak": b.peak,
		"first": b.first,
		"last": b.last,
		"per_day": object.get(b, "per_day", {}),
		"event_ids": b.event_ids,
		"to_pass": "no more than max_failures failed sign-ins per account within window_minutes",
	},
} if {
	some b in detect.items(id, "bursts", "bursts")
	detect.burst_over(b, cfg.max_failures)
}

not_evaluable contains reason if some reason in detect.events_unavailable

not_evaluable contains "the org's event-action catalogue has no failed-login action (Atlassian's org audit log does not record failed sign-ins; use Guard Detect or your identity provider's sign-in logs)" if {
	detect.events_available
	count(detect.action_set("failed_login")) == 0
}
