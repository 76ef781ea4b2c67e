# METADATA
# title: Users cannot connect unapproved OAuth apps
# description: >-
#   By default any user can authorize a third-party OAuth (3LO) app, including AI tools and the
#   Atlassian MCP app, to read and write Jira and Confluence with their permissions. Block
#   user-installed apps in the Connected apps settings, or allow only an approved list
#   (attestation oauth.approved_apps) and keep every OAuth or MCP app in use on it. Read from
#   the attestation: this setting has no API.
# related_resources:
#   - ref: https://support.atlassian.com/organization-administration/docs/installing-and-managing-app-access/
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/block-app-access/
# custom:
#   id: ATL-APP-001
#   severity: high
#   category: Apps, OAuth and AI agents
#   points: 6
#   kind: posture
#   user_impact: moderate
#   implementation_cost: low
#   remediation:
#     - In admin.atlassian.com go to Apps > Sites, select the site, then Connected apps > Settings.
#     - Select "Block user apps" so only admins can install apps, or allow only the apps on your approved list.
#     - Review the OAuth and MCP apps already connected and remove those not approved; update oauth.* and connected_apps in the attestation.
#   data:
#     attestation: [oauth.block_user_installed_apps]
#   config:
#     facts:
#       installs_after_attestation:
#         kind: select
#         actions: [set:oauth_install]
#         where: {after: "@attested_at"}
#         limit: 1000
#   frameworks:
#     cis-controls-v8: ["2.5"]
#     iso27001-2022: ["8.19"]
#     soc2: ["CC6.8"]
#     nist-800-53-r5: ["CM-11"]
#     nist-csf-2: ["PR.PS-05"]
#   version: 1
package orgscan.apps.oauth_user_installs

import data.orgscan.lib.detect
import data.orgscan.lib.util
import rego.v1

approved := {util.app_key(a) | some a in util.arr(util.att_section("oauth"), "approved_apps"); is_string(a)}

# Attested connected apps users install themselves (OAuth 3LO, MCP).
user_apps := [a |
	some a in util.connected_apps
	util.lower_of(a, "kind") in {"oauth", "mcp", "3lo"}
]

setting := {"type": "setting", "id": "oauth.block_user_installed_apps", "name": "Connected apps: block user apps"}

unapproved := sort([a.name | some a in user_apps; not util.app_key(a.name) in approved])

deny contains {
	"resource": setting,
	"message": "Users may connect any OAuth app to your sites: user-installed apps are not blocked and no approved list is attested",
	"evidence": util.attestation_evidence(
		"oauth.block_user_installed_apps",
		{"block_user_installed_apps": false, "approved_apps": []},
		"true, or an approved list",
		"block user-installed apps, or allow only an approved list and record it in oauth.approved_apps",
	),
} if {
	util.att("oauth", "block_user_installed_apps") == false
	count(approved) == 0
}

deny contains {
	"resource": setting,
	"message": sprintf("User-installed apps are not blocked, and connected OAuth/MCP apps are outside the approved list: %s", [concat(", ", unapproved)]),
	"evidence": util.attestation_evidence(
		"oauth.block_user_installed_apps",
		{"block_user_installed_apps": false, "approved_apps": sort(approved), "connected_user_apps_not_approved": unapproved},
		"true, or every user-installed OAuth/MCP app on the approved list",
		"block user-installed apps, or review the listed apps and add them to the approved list (or remove them)",
	),
} if {
	util.att("oauth", "block_user_installed_apps") == false
	count(approved) > 0
	count(unapproved) > 0
}

# The audit log contradicts an attested block: people who are not admins installed or first
# authorized an OAuth / MCP app after the attestation was answered.
installs_by_users := [e |
	some e in object.get(input, ["facts", "declared", util.control_id, "installs_after_attestation", "events"], [])
	not e.actor.id in admin_ids
]

admin_ids := {u.accountId | some u in util.admins_of(object.get(input, "users", []))}

deny contains {
	"resource": setting,
	"message": sprintf("The attestation says user-installed apps are blocked, but %d OAuth/MCP app install(s) by people who are not admins came after it (%s, first %s)", [count(installs_by_users), concat(", ", sort({detect.who(e.actor.id, object.get(e.actor, "name", "")) | some e in installs_by_users})), installs_by_users[0].time]),
	"evidence": {
		"source": "events",
		"attestation_path": "oauth.block_user_installed_apps",
		"attested": true,
		"attested_at": object.get(input, ["attestation", "attested_at"], null),
		"event_ids": [e.id | some e in installs_by_users],
		"actions": sort({e.action | some e in installs_by_users}),
		"first": installs_by_users[0].time,
		"last": installs_by_users[count(installs_by_users) - 1].time,
		"to_pass": "block user-installed apps in admin.atlassian.com and answer the attestation again, or correct it to false",
	},
} if {
	util.att("oauth", "block_user_installed_apps") == true
	count(installs_by_users) > 0
}
