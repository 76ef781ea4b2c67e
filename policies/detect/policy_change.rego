# METADATA
# title: Security policy changes are reviewed
# description: >-
#   Changes to org policies (IP allowlist, data residency), authentication policies, two-step
#   verification, session and password rules, SAML and data-security policies weaken or
#   strengthen every account at once. Each change should be expected; one finding per admin
#   and UTC day, listing the changes (Sumo Logic "Change in Policy").
# related_resources:
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/audit-log-activities-database/
# custom:
#   id: ATL-DET-010
#   severity: medium
#   category: Threat detection
#   points: 1
#   kind: detection
#   user_impact: low
#   implementation_cost: low
#   remediation:
#     - Confirm each listed change with the admin who made it and the change ticket.
#     - Revert changes nobody approved, starting with those that turn protections off (unenforced, disabled, deleted).
#   data:
#     events: [policy_created, policy_updated, policy_deleted, policy_enforced, policy_disabled, auth_policy_created, auth_policy_updated, auth_policy_deleted, auth_policy_type_updated, default_auth_policy_updated, twosv_enforced, twosv_unenforced, twosv_disabled_for_user, set_session_policy, password_policy_changed, saml_policy_changed, saml_policy_deleted, saml_config_updated, saml_config_deleted, data_security_policy_created, data_security_policy_deleted, data_security_policy_activated, data_security_policy_deactivated, data_security_policy_rule_added, data_security_policy_rule_removed, data_security_policy_app_added, data_security_policy_app_removed, data_security_policy_coverage_updated, data_security_policy_all_coverage_removed, user_created_activity_disabled]
#   config:
#     # Actions that weaken protection: findings holding one are raised to high severity.
#     weakening: [policy_deleted, policy_disabled, auth_policy_deleted, twosv_unenforced, twosv_disabled_for_user, saml_policy_deleted, saml_config_deleted, data_security_policy_deleted, data_security_policy_deactivated, data_security_policy_rule_removed, data_security_policy_all_coverage_removed, user_created_activity_disabled]
#   frameworks:
#     cis-controls-v8: ["8.11"]
#     iso27001-2022: ["8.16", "8.32"]
#     soc2: ["CC7.2", "CC8.1"]
#     nist-800-53-r5: ["AU-6", "CM-3"]
#     nist-csf-2: ["DE.CM-09"]
#   version: 1
package orgscan.detect.policy_change

import data.orgscan.lib.detect
import rego.v1

id := detect.control_id

actions := [
	"policy_created", "policy_updated", "policy_deleted", "policy_enforced", "policy_disabled",
	"auth_policy_created", "auth_policy_updated", "auth_policy_deleted", "auth_policy_type_updated",
	"default_auth_policy_updated", "twosv_enforced", "twosv_unenforced", "twosv_disabled_for_user",
	"set_session_policy", "password_policy_changed", "saml_policy_changed", "saml_policy_deleted",
	"saml_config_updated", "saml_config_deleted", "data_security_policy_created",
	"data_security_policy_deleted", "data_security_policy_activated", "data_security_policy_deactivated",
	"data_security_policy_rule_added", "data_security_policy_rule_removed", "data_security_policy_app_added",
	"data_security_policy_app_removed", "data_security_policy_coverage_updated",
	"data_security_policy_all_coverage_removed", "user_created_activity_disabled",
]

changes := [e | some a in actions; some e in detect.events_of(a)]

weakening := {a | some a in object.get(detect.params(id), "weakening", [])}

# The system actor's changes (the default authentication policy created with the org, and
# Atlassian-side changes) are kept, as information: nobody in the org made them.
severity(group) := "info" if {
	detect.is_system(group[0])
} else := "high" if {
	some e in group
	e.action in weakening
} else := "medium"

deny contains {
	"resource": detect.actor_resource(group[0]),
	"message": sprintf("%s made %d security policy change(s) on %s: %s%s", [detect.actor_label(group[0]), count(group), day, concat(", ", ev.actions), system_note(group)]),
	"severity": severity(group),
	"evidence": object.union(ev, {"to_pass": "each change approved (waive the finding with the change ticket) or reverted"}),
} if {
	some [_, day], group in detect.groups_by_actor_day(changes)
	ev := detect.group_evidence(group, detect.evidence_cap)
}

system_note(group) := " (Atlassian's own change, such as the org's bootstrap: informational)" if {
	detect.is_system(group[0])
} else := ""

not_evaluable contains reason if some reason in detect.events_unavailable
