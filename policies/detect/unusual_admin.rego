# METADATA
# title: No unusual spikes of administrative activity
# description: >-
#   An admin doing far more administrative actions in a day than their own usual is a sign of
#   a compromised admin account or mass changes nobody planned (Defender for Cloud Apps
#   "Unusual administrative activities"). The baseline is the admin's own earlier active days;
#   admin actions are the catalogue's settings, security-policy, user-management, access and
#   permission actions (the `admin` action set, listed in the report's activity).
# related_resources:
#   - ref: https://learn.microsoft.com/en-us/defender-cloud-apps/anomaly-detection-policy
# custom:
#   id: ATL-DET-014
#   severity: medium
#   category: Threat detection
#   points: 1
#   kind: detection
#   user_impact: low
#   implementation_cost: low
#   remediation:
#     - Review the listed admin's actions for that day in the audit log and confirm them with the admin.
#     - If they were not theirs, remove the admin role, reset the account and revert the changes.
#   config:
#     bucket_minutes: 1440
#     factor: 5
#     min_count: 20
#     min_history: 3
#     facts:
#       spikes:
#         kind: baseline
#         ids: 1000
#         actions: [set:admin]
#         by: [actor]
#         bucket_minutes: $bucket_minutes
#         factor: $factor
#         min_count: $min_count
#         min_history: $min_history
#   frameworks:
#     cis-controls-v8: ["8.11"]
#     iso27001-2022: ["8.2", "8.16"]
#     soc2: ["CC7.2"]
#     nist-800-53-r5: ["AC-6(9)", "AU-6"]
#     nist-csf-2: ["DE.CM-03"]
#   version: 1
package orgscan.detect.unusual_admin

import data.orgscan.lib.detect
import rego.v1

id := detect.control_id

cfg := detect.params(id)

deny contains {
	"resource": detect.key_resource(s.key, "actor"),
	"message": sprintf("%s did %d admin actions between %s and %s, %v times their usual %v", [detect.who(s.key.actor, object.get(s.key, "actor_name", "")), s.count, s.bucket_start, s.bucket_end, s.ratio, s.baseline]),
	"evidence": {
		"source": "events",
		"fact": "spikes",
		"count": s.count,
		"baseline": s.baseline,
		"ratio": s.ratio,
		"history_buckets": s.history_buckets,
		"first": s.first,
		"last": s.last,
		"per_day": object.get(s, "per_day", {}),
		"event_ids": s.event_ids,
		"to_pass": "admin actions per bucket below factor × the admin's own average",
	},
} if {
	some s in detect.items(id, "spikes", "spikes")
	detect.baseline_spike(s, cfg)
}

not_evaluable contains reason if some reason in detect.events_unavailable
