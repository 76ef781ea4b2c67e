# METADATA
# title: Unused user API tokens are revoked
# description: >-
#   A user API token nobody has used for unused_days days (90 by default), or never used since
#   it was created longer ago than that, is a forgotten credential: it still works, bypasses
#   2SV and SSO, and nobody will notice when someone else starts using it. Revoke it.
# related_resources:
#   - ref: https://support.atlassian.com/organization-administration/docs/understand-user-api-tokens/
# custom:
#   id: ATL-KEY-008
#   severity: medium
#   category: Keys and tokens
#   points: 3
#   kind: posture
#   user_impact: low
#   implementation_cost: low
#   remediation:
#     - In admin.atlassian.com go to Security > User security > API tokens and sort by Last active.
#     - Revoke the listed tokens (the owner can create a new one when needed).
#   data:
#     api: [api_tokens]
#   config:
#     unused_days: 90
#   frameworks:
#     cis-controls-v8: ["5.3"]
#     iso27001-2022: ["5.18"]
#     soc2: ["CC6.2"]
#     nist-800-53-r5: ["AC-2(3)"]
#     nist-csf-2: ["PR.AA-01"]
#   version: 1
package orgscan.keys.token_unused

import data.orgscan.lib.util
import rego.v1

limit := util.setting("unused_days", 90)

live := [t | some t in input.api_tokens; util.usable(t)]

idle(t) := {"days": util.days_since(t.lastActiveAt), "basis": "last used", "since": t.lastActiveAt} if {
	is_string(util.val(t, "lastActiveAt", null))
} else := {"days": util.days_since(t.createdAt), "basis": "created, never used", "since": t.createdAt} if {
	is_string(util.val(t, "createdAt", null))
} else := {"days": null, "basis": "unknown", "since": null}

unused := [{"token": t, "idle": i} |
	some t in live
	i := idle(t)
	is_number(i.days)
	i.days > limit
]

deny contains {
	"resource": {"type": "api_token", "id": u.token.id, "name": util.key_name(u.token)},
	"message": sprintf("API token %s of %s has not been used for %d days (%s %s)", [util.key_name(u.token), util.val(object.get(u.token, "user", {}), "email", util.val(object.get(u.token, "user", {}), "id", "unknown owner")), u.idle.days, u.idle.basis, u.idle.since]),
	"evidence": object.union(
		util.key_evidence("api_tokens", u.token, "lastActiveAt", util.val(u.token, "lastActiveAt", null), sprintf("used within the last %d days", [limit]), "revoke the token"),
		{"idle_days": u.idle.days, "basis": u.idle.basis},
	),
} if {
	some u in unused
}

score := (count(live) - count(unused)) / count(live) if count(live) > 0

not_applicable contains "no user API tokens are in use" if count(live) == 0
