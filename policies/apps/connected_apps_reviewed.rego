# METADATA
# title: Every connected app has an owner and a recent review
# description: >-
#   Each Marketplace, Connect, Forge, OAuth and MCP app reads and writes your data with its own
#   credentials and scopes. Someone must own each one, and its access must be reviewed at least
#   every max_review_age_days days (180 by default) and approved. No API lists the apps
#   installed on a site, so this control reads the attested inventory (connected_apps: name,
#   owner, reviewed_at, approved).
# related_resources:
#   - ref: https://support.atlassian.com/organization-administration/docs/installing-and-managing-app-access/
#   - ref: https://support.atlassian.com/organization-administration/docs/managing-an-installed-app/
# custom:
#   id: ATL-APP-006
#   severity: medium
#   category: Apps, OAuth and AI agents
#   points: 4
#   kind: posture
#   user_impact: low
#   implementation_cost: low
#   remediation:
#     - In admin.atlassian.com go to Apps > Sites > (site) > Connected apps and open each listed app to check its scopes and who uses it.
#     - Name an owner for it, record the review date (and approval) in the attestation's connected_apps entry, or uninstall apps nobody owns.
#   data:
#     attestation: [connected_apps]
#   config:
#     max_review_age_days: 180
#   frameworks:
#     cis-controls-v8: ["2.1", "15.1"]
#     iso27001-2022: ["5.9", "5.22"]
#     soc2: ["CC9.2"]
#     nist-800-53-r5: ["CM-8", "SA-9"]
#     nist-csf-2: ["ID.AM-02"]
#   version: 1
package orgscan.apps.connected_apps_reviewed

import data.orgscan.lib.util
import rego.v1

max_age := util.setting("max_review_age_days", 180)

apps := util.connected_apps

resource(a) := {"type": "app", "id": util.app_key(a.name), "name": a.name}

fields(a) := {"name": a.name, "kind": util.val(a, "kind", null), "site": util.val(a, "site", null), "owner": util.val(a, "owner", null), "reviewed_at": util.val(a, "reviewed_at", null), "approved": util.val(a, "approved", null)}

deny contains {
	"resource": resource(a),
	"message": sprintf("Connected app %s has no owner", [a.name]),
	"evidence": util.attestation_evidence("connected_apps[].owner", fields(a), "a named owner", "name an owner for the app in the attestation, or uninstall it"),
} if {
	some a in apps
	util.str(a, "owner") == null
}

deny contains {
	"resource": resource(a),
	"message": sprintf("Connected app %s has never been reviewed", [a.name]),
	"evidence": util.attestation_evidence("connected_apps[].reviewed_at", fields(a), sprintf("a review within the last %d days", [max_age]), "review the app's access and record reviewed_at"),
} if {
	some a in apps
	util.str(a, "reviewed_at") == null
}

deny contains {
	"resource": resource(a),
	"message": sprintf("Connected app %s was last reviewed %d days ago (%s); the limit is %d days", [a.name, util.days_since(a.reviewed_at), a.reviewed_at, max_age]),
	"evidence": util.attestation_evidence("connected_apps[].reviewed_at", fields(a), sprintf("a review within the last %d days", [max_age]), "review the app's access again and record reviewed_at"),
} if {
	some a in apps
	util.str(a, "reviewed_at") != null
	util.days_since(a.reviewed_at) > max_age
}

deny contains {
	"resource": resource(a),
	"message": sprintf("Connected app %s is installed but marked not approved", [a.name]),
	"evidence": util.attestation_evidence("connected_apps[].approved", fields(a), true, "approve the app after review or uninstall it"),
} if {
	some a in apps
	util.val(a, "approved", null) == false
}

not_applicable contains "the attestation lists no connected apps" if count(apps) == 0
