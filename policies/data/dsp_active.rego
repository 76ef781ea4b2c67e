# METADATA
# title: At least one data security policy is active
# description: >-
#   Data security policies are how Atlassian Guard stops sensitive pages and issues from being
#   exported, shared through public links, reached by anonymous users or read by apps and AI
#   agents. Without an active policy none of those rules apply anywhere. At least one data
#   security policy should be active (published, not a draft).
# related_resources:
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/what-is-a-data-security-policy/
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/create-and-manage-data-security-policies/
# custom:
#   id: ATL-DAT-001
#   severity: high
#   category: Data protection
#   points: 6
#   kind: posture
#   user_impact: moderate
#   implementation_cost: moderate
#   remediation:
#     - In admin.atlassian.com go to Security > Data security policies and select Create policy.
#     - Choose the coverage (classification levels, spaces or projects, or whole sites), add the rules you need (export, public links, anonymous access, app access), and publish the policy.
#   data:
#     api: [control_policies]
#   frameworks:
#     cis-controls-v8: ["3.3", "3.13"]
#     iso27001-2022: ["8.12"]
#     soc2: ["C1.1"]
#     nist-800-53-r5: ["AC-4"]
#     nist-csf-2: ["PR.DS-10"]
#   version: 1
package orgscan.data.dsp_active

import data.orgscan.lib.util
import rego.v1

dsps := util.policies_of_type("data-security")

active := [p | some p in dsps; util.lower_of(util.val(p, "attributes", {}), "status") in {"active", "enabled", "published"}]

deny contains {
	"resource": {"type": "org", "id": object.get(object.get(input, "org", {}), "id", "org"), "name": "Data security policies"},
	"message": message,
	"evidence": {
		"source": "api",
		"collection": "control_policies",
		"field": "attributes.status (type data-security)",
		"observed": sort([sprintf("%s: %s", [util.policy_name(p), util.val(util.val(p, "attributes", {}), "status", "unknown")]) | some p in dsps]),
		"expected": "at least one policy with status active",
		"to_pass": "publish (activate) a data security policy that covers your sensitive content",
	},
} if {
	count(active) == 0
}

message := sprintf("No data security policy is active (%d exist, none published)", [count(dsps)]) if {
	count(dsps) > 0
} else := "The organization has no data security policy"
