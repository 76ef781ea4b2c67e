# METADATA
# title: Every app seen acting is in the attested inventory
# description: >-
#   Apps acting in your audit log (third-party app API activity, OAuth first installs, Rovo MCP
#   tool calls) that are missing from the attested connected_apps inventory were connected
#   without review, often by a user granting an OAuth app or AI tool access to their data. Each
#   one must be reviewed and either added to the inventory with an owner or removed. App
#   activity is matched to the inventory by app name (the app account's name in the directory
#   or on the event). OAuth/MCP install actions are found in the org's event-action catalogue
#   by id, display name or group (oauth, mcp, connected app, 3lo). Atlassian's own automation
#   apps are ignored by default (ignore_apps).
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
#     ignore_apps: [Automation for Jira, Automation for Confluence, Jira Automation, Atlassian Automation]
#   version: 1
package orgscan.apps.unattested_apps

import data.orgscan.lib.util
import rego.v1

id := "ATL-APP-007"

ignored := {util.app_key(a) | some a in util.param(id, "ignore_apps", []); is_string(a)}

known := util.attested_app_names | ignored

# App account id -> name (app accounts only: few, so the pairwise build stays cheap), built from
# a set of pairs so a duplicated record cannot conflict.
name_pairs := {[u.accountId, u.name] |
	some u in input.users
	util.lower_of(u, "accountType") == "app"
	is_string(util.val(u, "name", null))
}

directory_names := {i: min({n | some p in name_pairs; p[0] == i; n := p[1]}) | some q in name_pairs; i := q[0]}

activity_actions := {a | some a, _ in object.get(input, "events_by_action", {}); endswith(a, "_app_api_activity")}

# Catalogue actions for OAuth/MCP installs (not tool calls or sessions, whose actor is a person).
install_actions := {a |
	some a in util.catalogue_matching(util.param(id, "install_action_pattern", "(?i)oauth|mcp|connected app|3lo"))
	regex.match(`(?i)install|authori[sz]|connect|grant|consent|added`, a)
	not regex.match(`(?i)uninstall|remove|revoke|disconnect|delete`, a)
}

# --- app API activity: the actor is the app's account -----------------------------------------
# Events can number in the hundred thousands, so they are reduced to distinct actor signatures
# with builtins only, and names are resolved per signature.

activity_events := [e | some a in activity_actions; some e in util.events_of(a)]

signatures := {[object.get(e.actor, "id", ""), object.get(e.actor, "name", null), object.get(e.actor, "app", null)] | some e in activity_events}

# The app's name: its account name in the directory, else the actor name, else the app id.
sig_name(s) := n if {
	n := directory_names[s[0]]
} else := s[1] if {
	is_string(s[1])
} else := s[2] if {
	is_string(s[2])
} else := s[0]

sig_aliases(s) := {n | some n in [object.get(directory_names, s[0], null), s[1], s[2], s[0]]; is_string(n)}

# --- Rovo MCP tool calls: the person is the actor, actor.app is the Atlassian MCP app ----------
# They count as attested when the inventory holds an MCP app (kind mcp, or "MCP" in its name).

mcp_attested if {
	some a in util.connected_apps
	util.lower_of(a, "kind") == "mcp"
}

mcp_attested if {
	some a in util.connected_apps
	regex.match(`(?i)\bmcp\b`, util.val(a, "name", ""))
}

mcp_events := [e |
	not mcp_attested
	some a in util.catalogue_matching("(?i)mcp")
	some e in util.events_of(a)
	is_string(object.get(e.actor, "app", null))
]

# MCP app ids are named through the app activity of the same app id, else "Atlassian MCP".
mcp_app_name(app) := min({sig_name(s) | some s in signatures; s[2] == app}) if {
	count({s | some s in signatures; s[2] == app}) > 0
} else := "Atlassian MCP"

mcp_apps := {object.get(e.actor, "app", null) | some e in mcp_events}

# --- installs: the app is named in a context object -----------------------------------------

install_sightings := [{"name": n, "aliases": {x | some x in [n, util.val(c, "id", null)]; is_string(x)}, "event": e} |
	some a in install_actions
	some e in util.events_of(a)
	some c in util.arr(e, "context")
	util.lower_of(c, "type") in {"apps", "app", "oauth-app", "connected-app"}
	n := util.val(util.val(c, "attributes", {}), "name", c.id)
	is_string(n)
]

# --- every app seen, by normalized name --------------------------------------------------------

attested(aliases) if {
	some n in aliases
	util.app_key(n) in known
}

apps := array.concat(
	array.concat(
		[{"key": util.app_key(sig_name(s)), "name": sig_name(s), "aliases": sig_aliases(s), "kind": "api activity", "sig": s} | some s in signatures],
		[{"key": util.app_key(mcp_app_name(a)), "name": mcp_app_name(a), "aliases": {mcp_app_name(a), a}, "kind": "mcp tool call", "app": a} | some a in mcp_apps],
	),
	[{"key": util.app_key(i.name), "name": i.name, "aliases": i.aliases, "kind": "install", "event_id": i.event.id} | some i in install_sightings],
)

unknown := [a | some a in apps; not attested(a.aliases)]

unknown_keys := {a.key | some a in unknown}

deny contains {
	"resource": {"type": "app", "id": key, "name": display},
	"message": sprintf("App %s acted in the audit log (%d events, %s to %s) but is not in the attested connected apps", [display, count(seen), first, last]),
	"evidence": {
		"source": "events",
		"observed": {"app": display, "events": count(seen), "kinds": sort({a.kind | some a in mine}), "actions": sort({e.action | some e in seen})},
		"expected": "listed in the attestation's connected_apps",
		"first_seen": first,
		"last_seen": last,
		"sample_event_ids": array.slice(sort([e.id | some e in seen]), 0, 5),
		"on_behalf_of": sort({o | some e in seen; o := object.get(e.actor, "on_behalf_of", null); is_string(o)}),
		"installed_by": sort({object.get(e.actor, "name", e.actor.id) | some e in installs}),
		"attested_apps": sort(util.attested_app_names),
		"to_pass": "review the app, then add it with an owner to connected_apps, or uninstall it",
	},
} if {
	some key in unknown_keys
	mine := [a | some a in unknown; a.key == key]
	display := min({a.name | some a in mine})
	sigs := {a.sig | some a in mine; a.kind == "api activity"}
	app_ids := {a.app | some a in mine; a.kind == "mcp tool call"}
	install_ids := {a.event_id | some a in mine; a.kind == "install"}
	installs := [i.event | some i in install_sightings; i.event.id in install_ids]
	seen := array.concat(
		array.concat(
			[e | count(sigs) > 0; some e in activity_events; [object.get(e.actor, "id", ""), object.get(e.actor, "name", null), object.get(e.actor, "app", null)] in sigs],
			[e | count(app_ids) > 0; some e in mcp_events; object.get(e.actor, "app", null) in app_ids],
		),
		installs,
	)
	first := min({e.time | some e in seen})
	last := max({e.time | some e in seen})
}

# Install actions the catalogue has and events hold, but whose events were not loaded (the
# engine loads only declared action keys).
unloaded := {a | some a in install_actions; util.action_count(a) > 0; object.get(object.get(input, "events_by_action", {}), a, null) == null}

not_evaluable contains sprintf("the audit log holds app install events (%s) that orgscan did not load; their apps could not be checked", [concat(", ", sort(unloaded))]) if count(unloaded) > 0
