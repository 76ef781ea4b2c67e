# METADATA
# title: No activity from a country new to the person
# description: >-
#   A person who has worked from the same few countries and suddenly acts from another may be
#   travelling, or may have lost a session or credential (Defender for Cloud Apps "Activity
#   from infrequent country"). The baseline is the person's own earlier activity: a country
#   is flagged when it first appears after at least `min_prior_events` of their events and
#   `baseline_days` of history, and holds at most `max_share` of their events.
# related_resources:
#   - ref: https://learn.microsoft.com/en-us/defender-cloud-apps/anomaly-detection-policy
# custom:
#   id: ATL-DET-012
#   severity: medium
#   category: Threat detection
#   points: 1
#   kind: detection
#   user_impact: low
#   implementation_cost: low
#   remediation:
#     - Ask the person whether they were in the listed country at that time.
#     - If not, reset their password and sessions and review what the listed events did.
#   config:
#     min_prior_events: 20
#     baseline_days: 7
#     max_share: 0.05
#     facts:
#       countries:
#         kind: values
#         actions: ["*"]
#         by: [actor]
#         value: country
#         # Rust pre-filter; the rules below decide with the same thresholds.
#         min_before: $min_prior_events
#         min_days_before: $baseline_days
#         max_share: $max_share
#         limit: 100000
#   frameworks:
#     cis-controls-v8: ["13.1"]
#     iso27001-2022: ["8.16"]
#     soc2: ["CC7.2"]
#     nist-800-53-r5: ["SI-4"]
#     nist-csf-2: ["DE.AE-02"]
#   version: 1
package orgscan.detect.infrequent_country

import data.orgscan.lib.detect
import rego.v1

id := detect.control_id

cfg := detect.params(id)

ns_per_day := 86400000000000

deny contains {
	"resource": detect.key_resource(item.key, "actor"),
	"message": sprintf("%s acted from %s for the first time on %s after %d earlier event(s); %d of their %d event(s) came from there", [detect.who(item.key.actor, object.get(item.key, "actor_name", "")), item.value, item.first, item.key_events_before, item.count, item.key_count]),
	"evidence": {
		"source": "events",
		"fact": "countries",
		"country": item.value,
		"count": item.count,
		"first": item.first,
		"last": item.last,
		"events_before": item.key_events_before,
		"actor_first_seen": item.key_first,
		"actor_events": item.key_count,
		"event_ids": item.event_ids,
		"to_pass": "activity only from countries the person has used before",
	},
} if {
	some item in detect.items(id, "countries", "items")
	item.key_events_before >= cfg.min_prior_events
	item.first_ns - item.key_first_ns >= cfg.baseline_days * ns_per_day
	item.count <= cfg.max_share * item.key_count
}

not_evaluable contains reason if some reason in detect.events_unavailable
