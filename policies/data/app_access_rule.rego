# METADATA
# title: A data security policy restricts app access to content
# description: >-
#   By default every installed Marketplace, Connect, Forge and OAuth app can read the Jira
#   issues and Confluence pages of the products it is installed in. The app access rule of a
#   data security policy blocks apps (or all but an allowlist) from sensitive content. The API
#   does not return this rule, so this control reads the attestation
#   (data_security.app_access_rule).
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
#   frameworks:
#     cis-controls-v8: ["3.3"]
#     iso27001-2022: ["5.15", "8.3"]
#     soc2: ["CC6.1"]
#     nist-800-53-r5: ["AC-3"]
#     nist-csf-2: ["PR.AA-05"]
#   version: 1
package orgscan.data.app_access_rule

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
