# METADATA
# title: Third-party integrations connected are reviewed
# description: >-
#   Connecting a third-party integration or a Rovo connector (Slack, Teams, Google, external
#   search connectors, …) lets data flow out of Atlassian to another vendor, often with broad
#   read access. Every new connection should be expected; one finding per admin and UTC day.
#   The action keys (set `third_party_connect`) are resolved from the catalogue.
# related_resources:
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/audit-log-activities-database/
# custom:
#   id: ATL-DET-020
#   severity: low
#   category: Threat detection
#   points: 1
#   kind: detection
#   user_impact: low
#   implementation_cost: low
#   remediation:
#     - Check each listed connection with the person who made it, what data it reaches and the vendor's review.
#     - Disconnect integrations nobody approved.
#   config:
#     facts:
#       connections:
#         kind: select
#         actions: [set:third_party_connect]
#   frameworks:
#     cis-controls-v8: ["15.6"]
#     iso27001-2022: ["5.22", "8.16"]
#     soc2: ["CC9.2"]
#     nist-800-53-r5: ["SA-9", "SI-4"]
#     nist-csf-2: ["DE.CM-06"]
#   version: 1
package orgscan.detect.third_party_connected

import data.orgscan.lib.detect
import rego.v1

id := detect.control_id

keys := detect.action_set("third_party_connect")

deny contains {
	"resource": detect.actor_resource(group[0]),
	"message": sprintf("%s connected %d third-party integration(s) on %s (%s)", [detect.who(group[0].actor.id, object.get(group[0].actor, "name", "")), count(group), day, concat(", ", ev.actions)]),
	"evidence": object.union(ev, {"action_keys": keys, "to_pass": "each connection approved (waive the finding) or disconnected"}),
} if {
	some [_, day], group in detect.groups_by_actor_day(detect.items(id, "connections", "events"))
	ev := detect.group_evidence(group, detect.evidence_cap)
}

not_evaluable contains "the org's event-action catalogue has no third-party connection action" if {
	detect.events_available
	count(keys) == 0
}

not_evaluable contains reason if some reason in detect.events_unavailable
