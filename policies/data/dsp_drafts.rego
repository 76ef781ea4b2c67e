# METADATA
# title: Draft data security policies are published or removed
# description: >-
#   A data security policy left in draft protects nothing. It usually means someone designed a
#   control (for example blocking exports for contractors) and never switched it on, while
#   reviewers reading the policy list assume it is in force. Publish drafts older than
#   draft_grace_days days or delete them.
# related_resources:
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/create-and-manage-data-security-policies/
# custom:
#   id: ATL-DAT-003
#   severity: low
#   category: Data protection
#   points: 2
#   kind: posture
#   user_impact: moderate
#   implementation_cost: low
#   remediation:
#     - In admin.atlassian.com go to Security > Data security policies and open the listed draft.
#     - Finish its coverage and rules and select Publish, or delete it if it is no longer wanted.
#   data:
#     api: [control_policies]
#   config:
#     draft_grace_days: 0
#   frameworks:
#     cis-controls-v8: ["4.1"]
#     iso27001-2022: ["8.9"]
#     soc2: ["CC8.1"]
#     nist-800-53-r5: ["CM-6"]
#     nist-csf-2: ["PR.PS-01"]
#   version: 1
package orgscan.data.dsp_drafts

import data.orgscan.lib.util
import rego.v1

grace := util.setting("draft_grace_days", 0)

drafts := [p |
	some p in util.policies_of_type("data-security")
	util.lower_of(util.val(p, "attributes", {}), "status") == "draft"
]

last_change(p) := ts if {
	ts := max([t | some t in [util.val(p.attributes, "updatedAt", null), util.val(p.attributes, "createdAt", null)]; is_string(t)])
} else := null

age(p) := util.days_since(last_change(p)) if last_change(p) != null

deny contains {
	"resource": {"type": "policy", "id": p.id, "name": util.policy_name(p)},
	"message": sprintf("Data security policy %q is still a draft%s and protects nothing", [util.policy_name(p), since(p)]),
	"evidence": {
		"source": "api",
		"collection": "control_policies",
		"field": "attributes.status",
		"observed": util.val(p.attributes, "status", null),
		"expected": "active (published) or deleted",
		"last_changed": last_change(p),
		"coverage": util.val(util.val(p.attributes, "metadata", {}), "policyCoverageLevel", null),
		"to_pass": "publish the policy or delete it",
	},
} if {
	some p in drafts
	not young(p)
}

young(p) if age(p) <= grace

since(p) := sprintf(" since %s (%d days)", [last_change(p), age(p)]) if {
	last_change(p) != null
} else := ""
