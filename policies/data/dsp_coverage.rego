# METADATA
# title: Active data security policies cover something
# description: >-
#   A data security policy protects only the content it covers. An active policy whose coverage
#   is UNASSIGNED (no classification level, space, project or site) is published but enforces
#   nothing, which is worse than no policy because everyone believes the content is protected.
# related_resources:
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/what-is-a-data-security-policy/
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/create-and-manage-data-security-policies/
# custom:
#   id: ATL-DAT-002
#   severity: high
#   category: Data protection
#   points: 4
#   kind: posture
#   user_impact: moderate
#   implementation_cost: low
#   remediation:
#     - In admin.atlassian.com go to Security > Data security policies and open the listed policy.
#     - Under Coverage, add the classification levels, spaces, projects or sites it should protect, and save.
#   data:
#     api: [control_policies]
#   frameworks:
#     cis-controls-v8: ["3.3"]
#     iso27001-2022: ["8.12"]
#     soc2: ["C1.1"]
#     nist-800-53-r5: ["AC-4"]
#     nist-csf-2: ["PR.DS-10"]
#   version: 1
package orgscan.data.dsp_coverage

import data.orgscan.lib.util
import rego.v1

active := [p |
	some p in util.policies_of_type("data-security")
	util.lower_of(util.val(p, "attributes", {}), "status") in {"active", "enabled", "published"}
]

coverage(p) := c if {
	c := util.val(util.val(util.val(p, "attributes", {}), "metadata", {}), "policyCoverageLevel", null)
	is_string(c)
} else := null

coverage_text(p) := coverage(p) if {
	is_string(coverage(p))
} else := "not set, no resources"

unassigned(p) if {
	is_string(coverage(p))
	upper(coverage(p)) == "UNASSIGNED"
}

# No coverage level reported and no resources attached.
coverage_text(p) := coverage(p) if {
	is_string(coverage(p))
} else := "not set, no resources"

unassigned(p) if {
	coverage(p) == null
	util.val(util.val(p, "attributes", {}), "metadata", null) != null
	count(util.arr(util.val(p, "attributes", {}), "resources")) == 0
}

deny contains {
	"resource": {"type": "policy", "id": p.id, "name": util.policy_name(p)},
	"message": sprintf("Active data security policy %q covers nothing (coverage %s)", [util.policy_name(p), coverage_text(p)]),
	"evidence": {
		"source": "api",
		"collection": "control_policies",
		"field": "attributes.metadata.policyCoverageLevel",
		"observed": coverage(p),
		"expected": "a coverage level other than UNASSIGNED (classification levels, containers or workspaces)",
		"resources": count(util.arr(util.val(p, "attributes", {}), "resources")),
		"to_pass": "assign coverage to the policy",
	},
} if {
	some p in active
	unassigned(p)
}

not_applicable contains "no data security policy is active (see ATL-DAT-001)" if count(active) == 0

not_evaluable contains "no active data security policy reports its coverage (metadata.policyCoverageLevel)" if {
	count(active) > 0
	count([p | some p in active; coverage(p) != null]) == 0
	count([p | some p in active; unassigned(p)]) == 0
	count([p | some p in active; count(util.arr(util.val(p, "attributes", {}), "resources")) > 0]) == 0
}
