# METADATA
# title: An admin logged in as another user
# description: >-
#   "Log in as user" lets an admin act as someone else with their access and without their knowledge. Every use should be tied to a support request; one finding per admin and UTC day (Atlassian Guard Detect "user impersonation"; Defender for Cloud Apps "Unusual impersonated activities").
# related_resources:
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/track-organization-activities-from-the-audit-log/
# custom:
#   id: ATL-DET-015
#   severity: high
#   category: Threat detection
#   points: 1
#   kind: detection
#   user_impact: low
#   implementation_cost: low
#   remediation:
#     - Check each listed session against a support ticket; if none exists, treat it as an account compromise of the admin.
#     - Limit who holds the org-admin role and review this log monthly.
#   data:
#     events: [user_logged_in_as_user]
#   frameworks:
#     cis-controls-v8: ["8.11"]
#     iso27001-2022: ["8.2", "8.16"]
#     soc2: ["CC7.2"]
#     nist-800-53-r5: ["AC-6(9)"]
#     nist-csf-2: ["DE.CM-03"]
#   version: 1
package orgscan.detect.impersonation

import data.orgscan.lib.detect
import rego.v1

deny contains {
	"resource": detect.actor_resource(group[0]),
	"message": sprintf("%s logged in as another user %d time(s) on %s", [detect.who(group[0].actor.id, object.get(group[0].actor, "name", "")), count(group), day]),
	"evidence": object.union(detect.group_evidence(group, detect.evidence_cap), {"to_pass": "each event expected (waive the finding) or its effect reverted"}),
} if {
	some [_, day], group in detect.groups_by_actor_day(detect.events_of("user_logged_in_as_user"))
}

not_evaluable contains reason if some reason in detect.events_unavailable
