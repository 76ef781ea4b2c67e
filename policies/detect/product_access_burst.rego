# METADATA
# title: No bursts of product-access grants
# description: >-
#   One admin granting product access many times within an hour is how an attacker with admin rights opens products to accounts they control, or a sign of a runaway script. One finding per admin and burst (Sumo Logic "User Granted Product Access", Count > 5, read as per admin within an hour).
# related_resources:
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/track-organization-activities-from-the-audit-log/
# custom:
#   id: ATL-DET-006
#   severity: medium
#   category: Threat detection
#   points: 1
#   kind: detection
#   user_impact: low
#   implementation_cost: low
#   remediation:
#     - Review the grants made in the listed window in admin.atlassian.com > Directory > Users and revoke the unexpected ones.
#     - If the burst was an approved bulk change, waive the finding with the ticket reference.
#   config:
#     window_minutes: 60
#     max_grants: 5
#     facts:
#       bursts:
#         kind: count
#         ids: 1000
#         actions: [user_granted_product_access]
#         by: [actor]
#         window_minutes: $window_minutes
#         over: $max_grants
#   frameworks:
#     cis-controls-v8: ["8.11"]
#     iso27001-2022: ["8.16"]
#     soc2: ["CC7.2"]
#     nist-800-53-r5: ["AC-2(4)"]
#     nist-csf-2: ["DE.CM-03"]
#   version: 1
package orgscan.detect.product_access_burst

import data.orgscan.lib.detect
import rego.v1

id := detect.control_id

cfg := detect.params(id)

deny contains {
	"resource": detect.key_resource(b.key, "actor"),
	"message": sprintf("%s granted product access %d times between %s and %s (more than %d within %d minutes)", [detect.who(b.key.actor, object.get(b.key, "actor_name", "")), b.count, b.first, b.last, cfg.max_grants, cfg.window_minutes]),
	"evidence": {
		"source": "events",
		"fact": "bursts",
		"count": b.count,
		"peak": b.peak,
		"first": b.first,
		"last": b.last,
		"per_day": object.get(b, "per_day", {}),
		"event_ids": b.event_ids,
		"threshold": cfg.max_grants,
		"window_minutes": cfg.window_minutes,
		"to_pass": "no more than max_grants events per account within window_minutes",
	},
} if {
	some b in detect.items(id, "bursts", "bursts")
	detect.burst_over(b, cfg.max_grants)
}

not_evaluable contains reason if some reason in detect.events_unavailable
