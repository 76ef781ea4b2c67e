# METADATA
# title: Authentication settings have not changed since they were attested
# description: >-
#   The attestation describes the authentication policy as it was on the day it was signed. An
#   audit event afterwards that stops enforcing 2SV, edits or deletes an authentication policy,
#   changes the idle session duration or password policy, or changes SAML / Google SSO means the
#   attested answers may no longer be true, and the controls fed by them may pass on stale
#   facts. Each such event is a finding; stopping 2SV enforcement or removing SSO is high
#   severity unless a later event restored it.
# related_resources:
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/track-organization-activities-from-the-audit-log/
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/understand-authentication-policies/
# custom:
#   id: ATL-IDN-007
#   severity: medium
#   category: Identity and authentication
#   points: 5
#   kind: posture
#   user_impact: low
#   implementation_cost: low
#   remediation:
#     - In admin.atlassian.com open Security > Audit log (Insights > Audit log) and review each listed change with the admin who made it.
#     - Undo changes that were not intended (for example turn "Require two-step verification" back on under Security > User security > Authentication policies).
#     - Answer the attestation again (orgscan attest init) so it describes the current settings, and collect again.
#   data:
#     attestation: [attested_at]
#     events: [twosv_unenforced, twosv_enforced, twosv_disabled_for_user, auth_policy_created, auth_policy_updated, auth_policy_deleted, auth_policy_type_updated, default_auth_policy_updated, set_session_policy, password_policy_changed, saml_config_created, saml_config_updated, saml_config_deleted, saml_policy_changed, saml_policy_deleted, gsync_sso_enabled, gsync_sso_disabled]
#   frameworks:
#     cis-controls-v8: ["4.1"]
#     iso27001-2022: ["8.9", "8.32"]
#     soc2: ["CC8.1"]
#     nist-800-53-r5: ["CM-3", "CM-6"]
#     nist-csf-2: ["PR.PS-01"]
#   version: 1
package orgscan.identity.auth_changes_after_attestation

import data.orgscan.lib.util
import rego.v1

watched := {
	"twosv_unenforced": "stopped enforcing two-step verification for managed accounts",
	"twosv_disabled_for_user": "excluded a user from two-step verification",
	"auth_policy_created": "added an authentication policy",
	"auth_policy_updated": "updated an authentication policy",
	"auth_policy_deleted": "deleted an authentication policy",
	"auth_policy_type_updated": "changed the type of an authentication policy",
	"default_auth_policy_updated": "changed the default authentication policy",
	"set_session_policy": "changed the idle session duration",
	"password_policy_changed": "changed the password policy",
	"saml_config_created": "added a SAML configuration",
	"saml_config_updated": "updated the SAML configuration",
	"saml_config_deleted": "deleted the SAML configuration",
	"saml_policy_changed": "changed the SAML policy",
	"saml_policy_deleted": "deleted the SAML policy",
	"gsync_sso_enabled": "started requiring Google login",
	"gsync_sso_disabled": "stopped requiring Google login",
}

# The attested setting each change can contradict.
contradicts := {
	"twosv_unenforced": "authentication.two_step_enforced",
	"twosv_disabled_for_user": "authentication.two_step_enforced",
	"set_session_policy": "authentication.idle_session_timeout_minutes",
	"password_policy_changed": "authentication.password_min_length, authentication.password_strength",
	"saml_config_deleted": "authentication.sso_enforced",
	"saml_policy_deleted": "authentication.sso_enforced",
	"gsync_sso_disabled": "authentication.sso_enforced",
}

since := util.attested_at_ns

changes := [e |
	some action, _ in watched
	some e in util.events_of(action)
	e.time_ns > since
]

latest_time(action) := max([e.time_ns | some e in util.events_of(action)]) if {
	count(util.events_of(action)) > 0
} else := 0



# A weakening change that a later event undid.
restored(e) if {
	e.action == "twosv_unenforced"
	latest_time("twosv_enforced") > e.time_ns
}

restored(e) if {
	e.action == "gsync_sso_disabled"
	latest_time("gsync_sso_enabled") > e.time_ns
}

restored(e) if {
	e.action in {"saml_config_deleted", "saml_policy_deleted"}
	latest_time("saml_config_created") > e.time_ns
}

high_risk := {"twosv_unenforced", "saml_config_deleted", "saml_policy_deleted", "gsync_sso_disabled"}

severity(e) := "high" if {
	e.action in high_risk
	not restored(e)
} else := "low" if {
	restored(e)
} else := "medium"

deny contains {
	"resource": {"type": "audit_event", "id": e.id, "name": sprintf("%s at %s", [e.action, e.time])},
	"severity": severity(e),
	"message": sprintf("%s %s on %s, after the attestation of %s%s", [actor(e), watched[e.action], e.time, util.attestation.attested_at, restored_note(e)]),
	"evidence": {
		"source": "events",
		"event": util.event_ref(e),
		"ip": util.val(e, "ip", null),
		"attested_at": util.attestation.attested_at,
		"attested_by": util.val(util.attestation, "attested_by", null),
		"may_contradict": object.get(contradicts, e.action, "authentication settings"),
		"restored_later": count([1 | restored(e)]) > 0,
		"to_pass": "confirm the change, fix it if unintended, and renew the attestation so it postdates the change",
	},
} if {
	some e in changes
}

actor(e) := n if {
	n := util.val(object.get(e, "actor", {}), "name", null)
	is_string(n)
} else := util.val(object.get(e, "actor", {}), "id", "someone")

restored_note(e) := " (a later event restored it)" if {
	restored(e)
} else := ""


