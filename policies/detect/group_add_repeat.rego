# METADATA
# title: No user added to groups repeatedly in a short time
# description: >-
#   A person added to groups again and again within a short window is a sign of an attacker
#   granting itself access step by step, or of a broken provisioning loop. One finding per
#   person and burst (Sumo Logic "user added to group more than once in a window").
# related_resources:
#   - ref: https://support.atlassian.com/user-management/docs/create-and-update-groups/
# custom:
#   id: ATL-DET-002
#   severity: medium
#   category: Threat detection
#   points: 1
#   kind: detection
#   user_impact: low
#   implementation_cost: low
#   remediation:
#     - Review the listed person's group memberships in admin.atlassian.com > Directory > Groups.
#     - Remove memberships nobody approved and ask who made the changes.
#   config:
#     window_minutes: 60
#     max_additions: 1
#     facts:
#       additions:
#         kind: count
#         actions: [user_added_to_group, scim_group_add_member]
#         by: [target_user]
#         window_minutes: $window_minutes
#         over: $max_additions
#   frameworks:
#     cis-controls-v8: ["8.11"]
#     iso27001-2022: ["8.16"]
#     soc2: ["CC7.2"]
#     nist-800-53-r5: ["AC-2(4)"]
#     nist-csf-2: ["DE.CM-03"]
#   version: 1
package orgscan.detect.group_add_repeat

import data.orgscan.lib.detect
import rego.v1

id := "ATL-DET-002"

deny contains {
	"resource": detect.key_resource(b.key, "target_user"),
	"message": sprintf("%s was added to groups %d times between %s and %s (more than %d within %d minutes)", [b.key.target_user, b.count, b.first, b.last, detect.params(id).max_additions, detect.params(id).window_minutes]),
	"evidence": {
		"source": "events",
		"fact": "additions",
		"count": b.count,
		"peak": b.peak,
		"first": b.first,
		"last": b.last,
		"event_ids": b.event_ids,
		"to_pass": "no more than max_additions group additions per person within window_minutes",
	},
} if {
	some b in detect.items(id, "additions", "bursts")
}

not_evaluable contains reason if some reason in detect.events_unavailable
