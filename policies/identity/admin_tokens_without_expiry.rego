# METADATA
# title: Administrators hold no API tokens without expiry
# description: >-
#   A user API token acts with all the permissions of its owner, skips two-step verification
#   and SSO, and a legacy token without an expiry date works until someone revokes it. On an
#   admin account such a token is a permanent, MFA-free admin credential sitting in a script or
#   a laptop. Administrators should hold no user API token without an expiry date.
# related_resources:
#   - ref: https://support.atlassian.com/organization-administration/docs/understand-user-api-tokens/
#   - ref: https://support.atlassian.com/atlassian-account/docs/manage-api-tokens-for-your-atlassian-account/
# custom:
#   id: ATL-IDN-010
#   severity: high
#   category: Identity and authentication
#   points: 6
#   kind: posture
#   user_impact: moderate
#   implementation_cost: low
#   remediation:
#     - In admin.atlassian.com go to Security > User security > API tokens (or Directory > API tokens) and filter by the listed admin.
#     - Revoke each token without an expiry date; the admin creates a replacement with an expiry date (at most one year) only if it is still needed, ideally on a non-admin service account.
#   data:
#     api: [users, api_tokens]
#     fields: [users.status, users.accountStatus, users.membershipStatus, users.forDeletion, users.platformRoles, users.accountId, users.name, users.email]
#   frameworks:
#     cis-controls-v8: ["5.2"]
#     iso27001-2022: ["5.17", "8.2"]
#     soc2: ["CC6.1"]
#     nist-800-53-r5: ["IA-5"]
#     nist-csf-2: ["PR.AA-01"]
#   version: 1
package orgscan.identity.admin_tokens_without_expiry

import data.orgscan.lib.util
import rego.v1

admin_records := util.admins_of(util.active(input.users))

admins := {u.accountId | some u in admin_records}

usable(t) if upper(util.val(t, "status", "ALLOWED")) != "BLOCKED"

deny contains {
	"resource": {"type": "api_token", "id": t.id, "name": sprintf("%s (%s)", [util.val(t, "label", t.id), util.display(owner)])},
	"message": sprintf("Admin %s (%s) holds API token %q with no expiry date", [util.display(owner), concat(", ", util.user_admin_roles(owner)), util.val(t, "label", t.id)]),
	"evidence": {
		"source": "api",
		"collection": "api_tokens",
		"field": "expiresAt",
		"observed": null,
		"expected": "an expiry date",
		"owner": owner.accountId,
		"roles": util.user_admin_roles(owner),
		"created_at": util.val(t, "createdAt", null),
		"last_active_at": util.val(t, "lastActiveAt", null),
		"to_pass": "revoke the token (replace it with one that expires, on a non-admin account)",
	},
} if {
	some t in input.api_tokens
	usable(t)
	util.val(t, "expiresAt", null) == null
	owner_id := util.val(object.get(t, "user", {}), "id", "")
	owner_id in admins
	owner := [u | some u in admin_records; u.accountId == owner_id][0]
}

not_applicable contains "the org has no active administrators" if {
	count(admins) == 0
	util.roles_collected(object.get(input, "users", []))
}

not_evaluable contains util.roles_missing_reason if not util.roles_collected(object.get(input, "users", []))
