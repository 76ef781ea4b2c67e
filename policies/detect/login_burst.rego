# METADATA
# title: No sign-in bursts beyond the set limit
# description: >-
#   Many sign-ins by one account within an hour suggest scripted credential use or session
#   hijacking attempts. An hour counts as a burst when it holds more sign-ins than both an
#   absolute floor and a multiple of the account's own typical hourly count (its mean over its
#   earlier active hours), so a person who normally signs in a few times a day is flagged at a
#   dozen, while a service account that signs in every few minutes is not flagged for doing so.
#   One finding per account and hour (Sumo Logic "Login exceeds set parameters").
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
#     max_logins: 5
#     factor: 3
#     facts:
#       hours:
#         kind: baseline
#         actions: [user_login]
#         by: [actor]
#         bucket_minutes: $window_minutes
#         factor: $factor
#         min_count: $max_logins
#         min_history: 0
#         ids: 1000
#   frameworks:
#     cis-controls-v8: ["13.1"]
#     iso27001-2022: ["8.16"]
#     soc2: ["CC7.2"]
#     nist-800-53-r5: ["SI-4"]
#     nist-csf-2: ["DE.CM-03"]
#   version: 2
package orgscan.detect.login_burst

import data.orgscan.lib.detect
import data.orgscan.lib.util
import rego.v1

id := detect.control_id

cfg := detect.params(id)

# More than the floor and more than factor x the account's mean of its earlier active hours.
# The fact already drops hours below factor x the exact mean as the events stream (an hour
# whose count is below it is not "more than" it, whatever the rounded baseline says), so the pass
# holds only candidate hours: at 10^7 events, about 500 instead of 140,000 of which it could keep
# 10,000. This rule decides with the rounded numbers the finding shows.
threshold(h) := max([cfg.max_logins, round((cfg.factor * h.baseline) * 100) / 100])

deny contains {
	"resource": detect.key_resource(h.key, "actor"),
	"message": sprintf("%s signed in %d times between %s and %s (more than %s: the larger of the floor %d and %s x the account's typical %s per earlier active hour)", [detect.who(h.key.actor, object.get(h.key, "actor_name", "")), h.count, h.first, h.last, util.fixed1(threshold(h)), cfg.max_logins, util.fixed1(cfg.factor), util.fixed1(h.baseline)]),
	"evidence": {
		"source": "events",
		"fact": "hours",
		"count": h.count,
		"first": h.first,
		"last": h.last,
		"hour": h.bucket_start,
		"per_day": object.get(h, "per_day", {substring(h.first, 0, 10): h.count}),
		"baseline": h.baseline,
		"history_hours": h.history_buckets,
		"event_ids": h.event_ids,
		"threshold": threshold(h),
		"floor": cfg.max_logins,
		"factor": cfg.factor,
		"window_minutes": cfg.window_minutes,
		"to_pass": "no more than max(max_logins, factor x the account's mean per earlier active hour) sign-ins per account within one window",
	},
} if {
	some h in detect.items(id, "hours", "spikes")
	h.count > threshold(h)
}

not_evaluable contains reason if some reason in detect.events_unavailable
