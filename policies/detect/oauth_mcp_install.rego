# METADATA
# title: OAuth and Atlassian MCP app installs are reviewed
# description: >-
#   The first authorization of an OAuth (3LO) app, including the Atlassian MCP app that AI
#   agents use to reach Jira and Confluence, installs it for the whole site; later users who
#   authorize it do not appear again. Every first install should be expected. Atlassian has
#   not published this action's key: it is resolved from the org's event-action catalogue
#   (names or groups mentioning OAuth, 3LO, connected apps or MCP together with install or
#   authorize); the keys used are listed in the evidence and the report's activity.
# related_resources:
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/monitor-atlassian-rovo-mcp-server-activity/
# custom:
#   id: ATL-DET-016
#   severity: medium
#   category: Threat detection
#   points: 1
#   kind: detection
#   user_impact: low
#   implementation_cost: low
#   remediation:
#     - In admin.atlassian.com > Apps > Sites > Connected apps, review each listed app, its scopes and who authorized it.
#     - Remove apps nobody approved and turn on "Block user-installed OAuth apps" if users should not install them.
#   config:
#     facts:
#       installs:
#         kind: select
#         actions: [set:oauth_install]
#   frameworks:
#     cis-controls-v8: ["2.3"]
#     iso27001-2022: ["8.16", "8.19"]
#     soc2: ["CC7.2"]
#     nist-800-53-r5: ["CM-11", "SI-4"]
#     nist-csf-2: ["DE.CM-09"]
#   version: 1
package orgscan.detect.oauth_mcp_install

import data.orgscan.lib.detect
import rego.v1

id := detect.control_id

keys := detect.action_set("oauth_install")

apps(group) := sort({name |
	some e in group
	some c in e.context
	name := object.get(object.get(c, "attributes", {}), "name", c.id)
	is_string(name)
})

deny contains {
	"resource": detect.actor_resource(group[0]),
	"message": sprintf("%s installed or first authorized OAuth/MCP app(s) %s on %s", [detect.who(group[0].actor.id, object.get(group[0].actor, "name", "")), concat(", ", apps(group)), day]),
	"evidence": object.union(detect.group_evidence(group, detect.evidence_cap), {"apps": apps(group), "action_keys": keys, "to_pass": "each app install approved (waive the finding) or the app removed"}),
} if {
	some [_, day], group in detect.groups_by_actor_day(detect.items(id, "installs", "events"))
}

not_evaluable contains "the org's event-action catalogue has no OAuth/MCP app install action (nothing mentioning OAuth, 3LO, connected apps or MCP with install or authorize); Atlassian logs it with Guard Standard" if {
	detect.events_available
	count(keys) == 0
}

not_evaluable contains reason if some reason in detect.events_unavailable
