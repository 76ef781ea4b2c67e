# METADATA
# title: A user created an API token
# description: >-
#   User API tokens let scripts, and AI agents such as MCP clients, act as the person without two-step verification. Track who creates them; one finding per person and UTC day (Sumo Logic "API Token Created"; Atlassian Guard Detect "User API token created" alerts).
# related_resources:
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/track-organization-activities-from-the-audit-log/
# custom:
#   id: ATL-DET-005
#   severity: low
#   category: Threat detection
#   points: 1
#   kind: detection
#   user_impact: low
#   implementation_cost: low
#   remediation:
#     - Ask each listed person what the token is for; revoke unknown tokens in admin.atlassian.com > Security > API tokens.
#     - Consider blocking users from creating API tokens and prefer OAuth apps with scoped access.
#   data:
#     events: [ts_api_token_creation]
#   frameworks:
#     cis-controls-v8: ["8.11"]
#     iso27001-2022: ["8.16"]
#     soc2: ["CC7.2"]
#     nist-800-53-r5: ["AU-6"]
#     nist-csf-2: ["DE.CM-03"]
#   version: 1
package orgscan.detect.user_api_token

import data.orgscan.lib.detect
import rego.v1

deny contains {
	"resource": detect.actor_resource(group[0]),
	"message": sprintf("%s created API token(s) %d time(s) on %s", [detect.who(group[0].actor.id, object.get(group[0].actor, "name", "")), count(group), day]),
	"evidence": object.union(detect.group_evidence(group, detect.evidence_cap), {"to_pass": "each event expected (waive the finding) or its effect reverted"}),
} if {
	some [_, day], group in detect.groups_by_actor_day(detect.events_of("ts_api_token_creation"))
}

not_evaluable contains reason if some reason in detect.events_unavailable
