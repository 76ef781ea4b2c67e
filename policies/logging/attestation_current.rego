# METADATA
# title: The attestation is recent
# description: >-
#   Several controls rely on the admin's attestation for settings no API exposes
#   (authentication policy, SSO, OAuth and MCP settings, connected apps, audit-log streaming).
#   Answers older than max_age_days days (180 by default) are likely out of date, so those
#   controls may pass or fail on stale facts. Renew the attestation at least that often and
#   after every significant change.
# related_resources:
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/understand-authentication-policies/
# custom:
#   id: ATL-LOG-007
#   severity: low
#   category: Logging and monitoring
#   points: 2
#   kind: posture
#   user_impact: low
#   implementation_cost: low
#   remediation:
#     - Run `orgscan attest init`, check each answer against admin.atlassian.com (Security, Apps > AI settings, Apps > Sites > Connected apps, Insights > Audit log settings), and sign it with today's date.
#     - Collect again with --attestation.
#   data:
#     attestation: [attested_at]
#   config:
#     max_age_days: 180
#   frameworks:
#     cis-controls-v8: ["4.1"]
#     iso27001-2022: ["5.36"]
#     soc2: ["CC4.1"]
#     nist-800-53-r5: ["CA-7"]
#     nist-csf-2: ["PR.PS-01"]
#   version: 1
package orgscan.logging.attestation_current

import data.orgscan.lib.util
import rego.v1

max_age := util.setting("max_age_days", 180)

age := util.days_since(util.attestation.attested_at)

deny contains {
	"resource": {"type": "attestation", "id": "attestation.json", "name": sprintf("Attestation by %s", [util.val(util.attestation, "attested_by", "unknown")])},
	"message": sprintf("The attestation is %d days old (signed %s by %s); the limit is %d days", [age, util.attestation.attested_at, util.val(util.attestation, "attested_by", "unknown"), max_age]),
	"evidence": util.attestation_evidence("attested_at", util.attestation.attested_at, sprintf("within the last %d days", [max_age]), "renew the attestation"),
} if {
	age > max_age
}
