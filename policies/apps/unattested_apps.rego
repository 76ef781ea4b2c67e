# METADATA
# title: Every app seen acting is in the attested inventory
# description: >-
#   Apps acting in your audit log (third-party app API activity, OAuth first installs, Rovo MCP
#   tool calls) that are missing from the attested connected_apps inventory were connected
#   without review, often by a user granting an OAuth app or AI tool access to their data. Each
#   one must be reviewed and either added to the inventory with an owner or removed. App
#   activity is matched to the inventory by app name (the app account's name in the directory
#   or on the event). OAuth/MCP install actions are found in the org's event-action catalogue
#   by id, display name or group (oauth, mcp, connected app, 3lo).
# related_resources:
#   - ref: https://support.atlassian.com/organization-administration/docs/installing-and-managing-app-access/
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/monitor-atlassian-rovo-mcp-server-activity/
# custom:
#   id: ATL-APP-007
#   severity: high
#   category: Apps, OAuth and AI agents
#   points: 5
#   kind: posture
#   user_impact: low
#   implementation_cost: low
#   remediation:
#     - In admin.atlassian.com go to Apps > Sites > (site) > Connected apps and find the listed app; check who authorized it and its scopes.
#     - Remove it (and block user-installed apps) if it is not wanted, or review it, name an owner and add it to the attestation's connected_apps.
#   data:
#     attestation: [connected_apps]
#     events: [jira_app_api_activity, confluence_app_api_activity, bitbucket_app_api_activity, oauth_app_first_installed, oauth_app_installed, connected_app_installed, rovo_mcp_tool_invoked]
#   config:
#     install_action_pattern: (?i)oauth|mcp|connected app|3lo
#     ignore_apps: []
#   version: 1
package orgscan.apps.unattested_apps

import data.orgscan.lib.util
import rego.v1

id := "ATL-APP-007"

ignored := {util.app_key(a) | some a in util.param(id, "ignore_apps", []); is_string(a)}

known := util.attested_app_names | ignored

directory_names := {u.accountId: u.name | some u in input.users; is_string(util.val(u, "name", null))}

activity_actions := {a | some a, _ in object.get(input, "events_by_action", {}); endswith(a, "_app_api_activity")}

# Catalogue actions for OAuth/MCP installs (not tool calls or sessions, whose actor is a person).
install_actions := {a |
	some a in util.catalogue_matching(util.param(id, "install_action_pattern", "(?i)oauth|mcp|connected app|3lo"))
	regex.match(`(?i)install|authori[sz]|connect|grant|consent|added`, a)
	not regex.match(`(?i)uninstall|remove|revoke|disconnect|delete`, a)
}

# The app acting in an app API activity event: its account name in the directory, else the
# actor name on the event, else the app id.
activity_app(e) := n if {
	n := directory_names[e.actor.id]
} else := n if {
	n := util.val(e.actor, "name", null)
	is_string(n)
} else := util.val(e.actor, "app", e.actor.id)

# Every name an app is known by on an event (compared with the inventory after app_key).
activity_aliases(e) := {n |
	some n in [object.get(directory_names, e.actor.id, null), util.val(e.actor, "name", null), util.val(e.actor, "app", null), e.actor.id]
	is_string(n)
}

app_sightings := [{"name": activity_app(e), "aliases": activity_aliases(e), "event": e, "kind": "api activity"} |
	some a in activity_actions
	some e in util.events_of(a)
]

# Install events name the app in a context object (type apps / attributes.name).
install_sightings := [{"name": n, "aliases": {x | some x in [n, util.val(c, "id", null)]; is_string(x)}, "event": e, "kind": "install"} |
	some a in install_actions
	some e in util.events_of(a)
	some c in util.arr(e, "context")
	util.lower_of(c, "type") in {"apps", "app", "oauth-app", "connected-app"}
	n := util.val(util.val(c, "attributes", {}), "name", c.id)
	is_string(n)
]

# Rovo MCP tool calls: the person is the actor and actor.app is the Atlassian MCP app. They
# count as attested when the inventory holds an MCP app (kind mcp, or "MCP" in its name).
app_id_names := {e.actor.app: activity_app(e) |
	some s in app_sightings
	e := s.event
	is_string(util.val(e.actor, "app", null))
}

mcp_attested if {
	some a in util.connected_apps
	util.lower_of(a, "kind") == "mcp"
}

mcp_attested if {
	some a in util.connected_apps
	regex.match(`(?i)\bmcp\b`, util.val(a, "name", ""))
}

mcp_sightings := [{"name": object.get(app_id_names, e.actor.app, "Atlassian MCP"), "aliases": {object.get(app_id_names, e.actor.app, "Atlassian MCP"), e.actor.app}, "event": e, "kind": "mcp tool call"} |
	not mcp_attested
	some a in util.catalogue_matching("(?i)mcp")
	some e in util.events_of(a)
	is_string(util.val(e.actor, "app", null))
]

sightings := array.concat(array.concat(app_sightings, install_sightings), mcp_sightings)

attested(s) if {
	some n in s.aliases
	util.app_key(n) in known
}

unknown_names := {util.app_key(s.name) | some s in sightings; not attested(s)}

deny contains {
	"resource": {"type": "app", "id": key, "name": display},
	"message": sprintf("App %s acted in the audit log (%d events, %s to %s) but is not in the attested connected apps", [display, count(seen), first, last]),
	"evidence": {
		"source": "events",
		"observed": {"app": display, "events": count(seen), "kinds": sort({s.kind | some s in seen}), "actions": sort({s.event.action | some s in seen})},
		"expected": "listed in the attestation's connected_apps",
		"first_seen": first,
		"last_seen": last,
		"sample_event_ids": array.slice(sort([s.event.id | some s in seen]), 0, 5),
		"on_behalf_of": sort({o | some s in seen; o := util.val(s.event.actor, "on_behalf_of", null); is_string(o)}),
		"installed_by": sort({util.val(s.event.actor, "name", s.event.actor.id) | some s in seen; s.kind == "install"}),
		"attested_apps": sort(util.attested_app_names),
		"to_pass": "review the app, then add it with an owner to connected_apps, or uninstall it",
	},
} if {
	some key in unknown_names
	seen := [s | some s in sightings; util.app_key(s.name) == key; not attested(s)]
	display := seen[0].name
	first := min([s.event.time | some s in seen])
	last := max([s.event.time | some s in seen])
}

# Install actions the catalogue has and events hold, but whose events were not loaded (the
# engine loads only declared action keys).
unloaded := {a | some a in install_actions; util.action_count(a) > 0; object.get(object.get(input, "events_by_action", {}), a, null) == null}

not_evaluable contains sprintf("the audit log holds app install events (%s) that orgscan did not load; their apps could not be checked", [concat(", ", sort(unloaded))]) if count(unloaded) > 0
