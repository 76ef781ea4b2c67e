# METADATA
# title: The event catalogue holds the actions orgscan's checks need
# description: >-
#   orgscan's detections and cross-checks look for specific audit-log actions (admin role
#   grants, 2SV and authentication policy changes, API key and token creation, audit-log and
#   data security policy changes, logins). If the org's event-action catalogue lacks them
#   (a lower Guard tier, or a catalogue that could not be read fully), those checks silently
#   have nothing to look at. Every action in required_actions should be in the catalogue
#   (compared case-insensitively).
# related_resources:
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/track-organization-activities-from-the-audit-log/
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/understand-atlassian-guard/
# custom:
#   id: ATL-LOG-005
#   severity: medium
#   category: Logging and monitoring
#   points: 3
#   kind: posture
#   user_impact: low
#   implementation_cost: moderate
#   remediation:
#     - Check that the organization has Atlassian Guard (Standard or above) so admin and security activity is logged, and Premium or Enterprise for app and user-created activity.
#     - Check that the collection key has read:events:admin and collect the catalogue again; if an action is still missing, adjust required_actions in orgscan.toml to what your plan provides.
#   data:
#     api: [event_actions]
#   config:
#     required_actions: [user_login, added_org_admin, removed_org_admin, user_granted_role, twosv_enforced, twosv_unenforced, auth_policy_updated, set_session_policy, password_policy_changed, saml_config_updated, api_token_created, ts_api_token_creation, policy_updated, policy_deleted, data_security_policy_deactivated, data_security_policy_deleted, user_created_activity_disabled, audit_log_webhook_deleted, managed_account_deactivated, user_added_to_group, user_logged_in_as_user, group_granted_admin_access, role_assignment_added_to_group, twosv_disabled_for_user, saml_config_deleted, policy_disabled, data_security_policy_rule_removed, jira_app_api_activity, confluence_app_api_activity]
#   frameworks:
#     cis-controls-v8: ["8.5"]
#     iso27001-2022: ["8.15"]
#     soc2: ["CC7.2"]
#     nist-800-53-r5: ["AU-2"]
#     nist-csf-2: ["PR.PS-04"]
#   version: 1
package orgscan.logging.catalogue_coverage

import data.orgscan.lib.util
import rego.v1

required := {lower(a) | some a in util.setting("required_actions", []); is_string(a)}

missing := required - util.catalogue_ids

deny contains {
	"resource": {"type": "event_action", "id": a, "name": a},
	"message": sprintf("The org's event-action catalogue has no %s action, so checks that look for it cannot see it", [a]),
	"evidence": {
		"source": "api",
		"collection": "event_actions",
		"field": "id",
		"observed": null,
		"expected": a,
		"catalogue_size": count(util.catalogue_ids),
		"to_pass": "make the action available (Guard plan, key scope) or remove it from required_actions",
	},
} if {
	count(util.catalogue_ids) > 0
	some a in missing
}

score := (count(required) - count(missing)) / count(required) if count(required) > 0

not_evaluable contains "the event-action catalogue is empty" if count(util.catalogue_ids) == 0

not_applicable contains "required_actions is empty" if count(required) == 0
