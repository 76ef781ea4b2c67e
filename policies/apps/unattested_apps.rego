# METADATA
# title: Every app seen acting is in the attested inventory
# description: >-
#   Apps acting in your audit log (third-party app API activity, OAuth first installs, Rovo MCP
#   tool calls) that are missing from the attested connected_apps inventory were connected
#   without review, often by a user granting an OAuth app or AI tool access to their data. Each
#   one must be reviewed and either added to the inventory with an owner or removed. App
#   activity is matched to the inventory by app name (the app account's name in the directory
#   or on the event) or app id. App API activity, MCP calls and OAuth/MCP installs are the
#   catalogue-resolved action sets app_activity, mcp and oauth_install, aggregated in the
#   streaming event pass, so millions of app requests cost a few items. Atlassian's own
#   automation apps are ignored by default (ignore_apps).
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
#     api: [events]
#     attestation: [connected_apps]
#   config:
#     ignore_apps: [Automation for Jira, Automation for Confluence, Jira Automation, Atlassian Automation]
#     facts:
#       activity:
#         kind: values
#         actions: [set:app_activity]
#         by: [actor]
#         value: action
#         per_key: true
#         ids: 5
#       activity_names:
#         kind: values
#         actions: [set:app_activity]
#         by: [actor]
#         value: actor_name
#         per_key: true
#         ids: 0
#       activity_apps:
#         kind: values
#         actions: [set:app_activity]
#         by: [actor]
#         value: app
#         per_key: true
#         ids: 0
#       activity_people:
#         kind: values
#         actions: [set:app_activity]
#         by: [actor]
#         value: on_behalf_of
#         per_key: true
#         ids: 0
#       mcp_calls:
#         kind: values
#         actions: [set:mcp]
#         by: [app]
#         value: action
#         per_key: true
#         ids: 5
#       installs:
#         kind: select
#         actions: [set:oauth_install]
#         limit: 10000
#   frameworks:
#     cis-controls-v8: ["2.3"]
#     iso27001-2022: ["5.9"]
#     soc2: ["CC6.8"]
#     nist-800-53-r5: ["CM-8"]
#     nist-csf-2: ["ID.AM-02"]
#   version: 2
package orgscan.apps.unattested_apps

import data.orgscan.lib.detect
import data.orgscan.lib.util
import rego.v1

id := util.control_id

ignored := {util.app_key(a) | some a in util.param(id, "ignore_apps", []); is_string(a)}

known := util.attested_app_names | ignored

# --- app API activity: the actor is the app's account ------------------------------------------
# The event pass reduces it to one item per app account: its actions (counts, first, last, a
# few event ids), the names and app ids it carried, and the people it acted for.

per_actor(fact) := {i.key.actor: i | some i in detect.items(id, fact, "items")}

activity := per_actor("activity")

names_seen := per_actor("activity_names")

apps_seen := per_actor("activity_apps")

people_seen := per_actor("activity_people")

values_of(facts, account) := [v.value | some v in object.get(facts, [account, "values"], [])]

# App account id -> name (app accounts only: few, so the pairwise build stays cheap), built from
# a set of pairs so a duplicated record cannot conflict.
name_pairs := {[u.accountId, u.name] |
	some u in input.users
	util.lower_of(u, "accountType") == "app"
	is_string(util.val(u, "name", null))
}

directory_names := {i: min({n | some p in name_pairs; p[0] == i; n := p[1]}) | some q in name_pairs; i := q[0]}

# The app's name: its account name in the directory, else a name the events gave it, else its
# app id, else the account id.
account_name(account) := n if {
	n := directory_names[account]
} else := n if {
	names := values_of(names_seen, account)
	count(names) > 0
	n := min(names)
} else := n if {
	apps := values_of(apps_seen, account)
	count(apps) > 0
	n := min(apps)
} else := account

account_aliases(account) := {n |
	some n in array.concat(array.concat([object.get(directory_names, account, null), account], values_of(names_seen, account)), values_of(apps_seen, account))
	is_string(n)
}

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

mcp_calls := [i | not mcp_attested; some i in detect.items(id, "mcp_calls", "items")]

# MCP app ids are named through the app activity of the same app id, else "Atlassian MCP".
mcp_app_name(app) := min(names) if {
	names := {account_name(account) | some account, _ in activity; app in values_of(apps_seen, account)}
	count(names) > 0
} else := "Atlassian MCP"

# --- installs: the app is named in a context object --------------------------------------------

install_sightings := [{"name": n, "aliases": {x | some x in [n, util.val(c, "id", null)]; is_string(x)}, "event": e} |
	some e in detect.items(id, "installs", "events")
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

sighting(name, aliases, kind, item, people, installers) := {
	"key": util.app_key(name),
	"name": name,
	"aliases": aliases,
	"kind": kind,
	"count": item.count,
	"first": item.first,
	"last": item.last,
	"event_ids": item.event_ids,
	"actions": {v.value | some v in item.values},
	"people": people,
	"installed_by": installers,
}

apps := array.concat(
	array.concat(
		[sighting(account_name(account), account_aliases(account), "api activity", item, values_of(people_seen, account), []) | some account, item in activity],
		[sighting(mcp_app_name(i.key.app), {mcp_app_name(i.key.app), i.key.app}, "mcp tool call", i, [], []) | some i in mcp_calls],
	),
	[sighting(s.name, s.aliases, "install", {"count": 1, "first": s.event.time, "last": s.event.time, "event_ids": [s.event.id], "values": [{"value": s.event.action}]}, [], [object.get(s.event.actor, "name", s.event.actor.id)]) | some s in install_sightings],
)

unknown := [a | some a in apps; not attested(a.aliases)]

unknown_keys := {a.key | some a in unknown}

deny contains {
	"resource": {"type": "app", "id": key, "name": display},
	"message": sprintf("App %s acted in the audit log (%d events, %s to %s) but is not in the attested connected apps", [display, events, first, last]),
	"evidence": {
		"source": "events",
		"observed": {"app": display, "events": events, "kinds": sort({a.kind | some a in mine}), "actions": sort({x | some a in mine; some x in a.actions})},
		"expected": "listed in the attestation's connected_apps",
		"first_seen": first,
		"last_seen": last,
		"sample_event_ids": array.slice(sort([x | some a in mine; some x in a.event_ids]), 0, 5),
		"on_behalf_of": array.slice(people, 0, 20),
		"on_behalf_of_count": count(people),
		"installed_by": sort({x | some a in mine; some x in a.installed_by; is_string(x)}),
		"attested_apps": sort(util.attested_app_names),
		"to_pass": "review the app, then add it with an owner to connected_apps, or uninstall it",
	},
} if {
	some key in unknown_keys
	mine := [a | some a in unknown; a.key == key]
	display := min({a.name | some a in mine})
	events := sum([a.count | some a in mine])
	first := min({a.first | some a in mine})
	last := max({a.last | some a in mine})
	people := sort({p | some a in mine; some p in a.people})
}

# A fact cut at its item limit is a partial view: say so rather than pass on it.
not_evaluable contains sprintf("the %s fact dropped %d items at its limit; raise config.facts.%s.limit in orgscan.toml", [name, dropped, name]) if {
	some name in ["activity", "mcp_calls", "installs"]
	dropped := object.get(detect.fact(id, name), "truncated", 0)
	dropped > 0
}

not_evaluable contains reason if some reason in detect.events_unavailable
