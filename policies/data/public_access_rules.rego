# METADATA
# title: Data security rules block public links and anonymous access
# description: >-
#   A Confluence public link or a space open to anonymous access publishes content to anyone
#   on the internet who has (or guesses) the URL, with no login and no audit of who read it.
#   The data security policy covering sensitive content should block public links and
#   anonymous access. The API returns only the export rule, so this control reads the
#   attestation (data_security.public_links_blocked, data_security.anonymous_access_blocked).
#   An attested block fails when the audit log shows a data security policy deleted or
#   deactivated, a rule removed or all coverage removed after attested_at, and no later change
#   restored it.
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
#     nist-800-53-r5: ["AC-3", "AC-22"]
#     nist-csf-2: ["PR.AA-05"]
#   version: 1
package orgscan.data.public_access_rules

import data.orgscan.lib.dsp_changes
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

# The audit log contradicts an attested block: a change after the attestation could have
# removed the rule (docs/detections.md, "Attestations the audit log can contradict").
changes := object.get(input, ["facts", "declared", util.control_id, "dsp_changes", "events"], [])

open_removals := dsp_changes.unrestored(changes, util.attested_at_ns)

deny contains {
	"resource": {"type": "setting", "id": sprintf("data_security.%s", [key]), "name": sprintf("Data security policy: block %s", [label])},
	"message": sprintf("The attestation says a data security policy blocks %s, but after it (%s) %s, and no later change restored it", [label, util.attestation.attested_at, dsp_changes.describe(open_removals)]),
	"evidence": dsp_changes.evidence(
		sprintf("data_security.%s", [key]),
		open_removals,
		dsp_changes.restored(changes, util.attested_at_ns),
		sprintf("check that a data security policy blocking %s still covers your sensitive content, restore it if not, and answer the attestation again", [label]),
	),
} if {
	some key, label in rules
	util.att("data_security", key) == true
	count(open_removals) > 0
}

not_evaluable contains "the attestation answers neither data_security.public_links_blocked nor data_security.anonymous_access_blocked" if {
	util.att("data_security", "public_links_blocked") == null
	util.att("data_security", "anonymous_access_blocked") == null
}
