# METADATA
# title: Active data security policies block exports
# description: >-
#   Exporting a Confluence space or page, or a Jira issue list, to PDF, Word or CSV is the
#   easiest way to take sensitive content out of Atlassian in bulk. Every active data security
#   policy should carry an export rule that blocks it for the content it covers.
# related_resources:
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/block-exports/
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/what-is-a-data-security-policy/
# custom:
#   id: ATL-DAT-004
#   severity: medium
#   category: Data protection
#   points: 3
#   kind: posture
#   user_impact: moderate
#   implementation_cost: low
#   remediation:
#     - In admin.atlassian.com go to Security > Data security policies and open the listed policy.
#     - Select Add rule > Export, set it to block exports, and save.
#   data:
#     api: [control_policies]
#   frameworks:
#     cis-controls-v8: ["3.13"]
#     iso27001-2022: ["8.12"]
#     soc2: ["C1.1"]
#     nist-800-53-r5: ["AC-4"]
#     nist-csf-2: ["PR.DS-10"]
#   version: 1
package orgscan.data.dsp_export_rule

import data.orgscan.lib.util
import rego.v1

active := [p |
	some p in util.policies_of_type("data-security")
	util.lower_of(util.val(p, "attributes", {}), "status") in {"active", "enabled", "published"}
]

export_rule(p) := r if {
	r := util.val(util.val(util.val(p, "attributes", {}), "rule", {}), "export", null)
	r != null
} else := null

effect(p) := lower(e) if {
	e := util.val(export_rule(p), "effect", null)
	is_string(e)
} else := null

deny contains {
	"resource": {"type": "policy", "id": p.id, "name": util.policy_name(p)},
	"message": sprintf("Active data security policy %q has no export rule", [util.policy_name(p)]),
	"evidence": {
		"source": "api",
		"collection": "control_policies",
		"field": "attributes.rule.export",
		"observed": null,
		"expected": {"effect": "block"},
		"to_pass": "add an export rule that blocks exports",
	},
} if {
	some p in active
	export_rule(p) == null
}

deny contains {
	"resource": {"type": "policy", "id": p.id, "name": util.policy_name(p)},
	"message": sprintf("The export rule of data security policy %q allows exports (effect %s)", [util.policy_name(p), effect(p)]),
	"evidence": {
		"source": "api",
		"collection": "control_policies",
		"field": "attributes.rule.export.effect",
		"observed": effect(p),
		"expected": "block",
		"to_pass": "set the export rule to block",
	},
} if {
	some p in active
	effect(p) in {"allow", "allowed", "none", "off"}
}

not_applicable contains "no data security policy is active (see ATL-DAT-001)" if count(active) == 0
