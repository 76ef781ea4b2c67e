# METADATA
# title: An admin API key was created
# description: >-
#   Admin API keys act with org-admin rights on the organization's admin APIs without a person signing in. A new key that nobody planned is a backdoor; one finding per admin and UTC day (Atlassian Guard Detect "Admin API key creation"; Sumo Logic "API Token Created").
# related_resources:
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/track-organization-activities-from-the-audit-log/
# custom:
#   id: ATL-DET-004
#   severity: high
#   category: Threat detection
#   points: 1
#   kind: detection
#   user_impact: low
#   implementation_cost: low
#   remediation:
#     - In admin.atlassian.com > Settings > API keys, check who created each listed key and why; revoke keys nobody owns.
#     - Give every key an expiry date and an owner, and store it in a secrets manager.
#   data:
#     events: [api_token_created]
#   frameworks:
#     cis-controls-v8: ["8.11"]
#     iso27001-2022: ["8.16"]
#     soc2: ["CC7.2"]
#     nist-800-53-r5: ["AC-2(4)"]
#     nist-csf-2: ["DE.CM-03"]
#   version: 1
package orgscan.detect.admin_api_key

import data.orgscan.lib.detect
import rego.v1

deny contains {
	"resource": detect.actor_resource(group[0]),
	"message": sprintf("%s created admin API key(s) %d time(s) on %s", [detect.who(group[0].actor.id, object.get(group[0].actor, "name", "")), count(group), day]),
	"evidence": object.union(detect.group_evidence(group, detect.evidence_cap), {"to_pass": "each event expected (waive the finding) or its effect reverted"}),
} if {
	some [_, day], group in detect.groups_by_actor_day(detect.events_of("api_token_created"))
}

not_evaluable contains reason if some reason in detect.events_unavailable
