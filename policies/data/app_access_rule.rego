# METADATA
# title: A data security policy restricts app access to content
# description: >-
#   By default every installed Marketplace, Connect, Forge and OAuth app can read the Jira
#   issues and Confluence pages of the products it is installed in. The app access rule of a
#   data security policy blocks apps (or all but an allowlist) from sensitive content. The API
#   does not return this rule, so this control reads the attestation
#   (data_security.app_access_rule). An attested rule fails when the audit log shows a data
#   security policy deleted or deactivated, a rule removed or all coverage removed after
#   attested_at, and no later change restored it.
# related_resources:
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/block-app-access/
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/what-is-a-data-security-policy/
# custom:
#   id: ATL-DAT-005
#   severity: medium
#   category: Data protection
#   points: 4
#   kind: posture
#   user_impact: moderate
#   implementation_cost: moderate
#   remediation:
#     - In admin.atlassian.com go to Security > Data security policies and open the policy that covers your sensitive content.
#     - Select Add rule > App access (Marketplace and custom app access), choose Allowlist, and allow only the apps that need that content.
#     - Record data_security.app_access_rule = true in the attestation.
#   data:
#     attestation: [data_security.app_access_rule]
#   config:
#     facts:
#       dsp_changes:
#         kind: select
#         actions: [data_security_policy_deleted, data_security_policy_deactivated, data_security_policy_rule_removed, data_security_policy_all_coverage_removed, data_security_policy_activated, data_security_policy_rule_added, data_security_policy_coverage_updated, data_security_policy_resource_added]
#         where: {after: "@attested_at"}
#         limit: 1000
#   frameworks:
#     cis-controls-v8: ["3.3"]
#     iso27001-2022: ["5.15", "8.3"]
#     soc2: ["CC6.1"]
#     nist-800-53-r5: ["AC-3"]
#     nist-csf-2: ["PR.AA-05"]
#   version: 1
package orgscan.data.app_access_rule

import data.orgscan.lib.dsp_changes
import data.orgscan.lib.util
import rego.v1

deny contains {
	"resource": {"type": "setting", "id": "data_security.app_access_rule", "name": "Data security policy: app access rule"},
	"message": "No data security policy restricts which apps can read your content (attested)",
	"evidence": util.attestation_evidence(
		"data_security.app_access_rule",
		false,
		true,
		"add an app access rule (allowlist) to the data security policy covering sensitive content, then update the attestation",
	),
} if {
	util.att("data_security", "app_access_rule") == false
}

# The audit log contradicts an attested app access rule: a change after the attestation could
# have removed it (docs/detections.md, "Attestations the audit log can contradict").
changes := object.get(input, ["facts", "declared", util.control_id, "dsp_changes", "events"], [])

open_removals := dsp_changes.unrestored(changes, util.attested_at_ns)

deny contains {
	"resource": {"type": "setting", "id": "data_security.app_access_rule", "name": "Data security policy: app access rule"},
	"message": sprintf("The attestation says a data security policy restricts app access, but after it (%s) %s, and no later change restored it", [util.attestation.attested_at, dsp_changes.describe(open_removals)]),
	"evidence": dsp_changes.evidence(
		"data_security.app_access_rule",
		open_removals,
		dsp_changes.restored(changes, util.attested_at_ns),
		"check that a data security policy with an app access rule still covers your sensitive content, restore it if not, and answer the attestation again",
	),
} if {
	util.att("data_security", "app_access_rule") == true
	count(open_removals) > 0
}
