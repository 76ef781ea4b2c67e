# METADATA
# title: Data security rules block public links and anonymous access
# description: >-
#   A Confluence public link or a space open to anonymous access publishes content to anyone
#   on the internet who has (or guesses) the URL, with no login and no audit of who read it.
#   The data security policy covering sensitive content should block public links and
#   anonymous access. The API returns only the export rule, so this control reads the
#   attestation (data_security.public_links_blocked, data_security.anonymous_access_blocked).
# related_resources:
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/what-is-a-data-security-policy/
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/block-public-links/
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/block-anonymous-access/
# custom:
#   id: ATL-DAT-006
#   severity: medium
#   category: Data protection
#   points: 4
#   kind: posture
#   user_impact: moderate
#   implementation_cost: low
#   remediation:
#     - In admin.atlassian.com go to Security > Data security policies and open the policy that covers your sensitive content.
#     - Select Add rule and add the Public links rule and the Anonymous access rule, both set to block.
#     - Update data_security.public_links_blocked and anonymous_access_blocked in the attestation.
#   data:
#     attestation: [data_security]
#   frameworks:
#     cis-controls-v8: ["3.3"]
#     iso27001-2022: ["5.15", "8.3"]
#     soc2: ["CC6.1"]
#     nist-800-53-r5: ["AC-3", "AC-22"]
#     nist-csf-2: ["PR.AA-05"]
#   version: 1
package orgscan.data.public_access_rules

import data.orgscan.lib.util
import rego.v1

rules := {
	"public_links_blocked": "public links",
	"anonymous_access_blocked": "anonymous access",
}

deny contains {
	"resource": {"type": "setting", "id": sprintf("data_security.%s", [key]), "name": sprintf("Data security policy: block %s", [label])},
	"message": sprintf("No data security policy blocks %s to covered content (attested)", [label]),
	"evidence": util.attestation_evidence(
		sprintf("data_security.%s", [key]),
		false,
		true,
		sprintf("add a rule blocking %s to the data security policy and update the attestation", [label]),
	),
} if {
	some key, label in rules
	util.att("data_security", key) == false
}

not_evaluable contains "the attestation answers neither data_security.public_links_blocked nor data_security.anonymous_access_blocked" if {
	util.att("data_security", "public_links_blocked") == null
	util.att("data_security", "anonymous_access_blocked") == null
}
