# METADATA
# title: No MCP or app activity on behalf of deactivated users
# description: >-
#   When a person leaves, agents and integrations acting for them must stop. MCP or app API
#   activity on behalf of an account that is deactivated, suspended or closed in the directory
#   means a token or an OAuth grant outlived the person. Only activity after the account
#   stopped being active counts: the time comes from the audit events that changed its state
#   (set `account_deactivation`, after any `account_reactivation`), or from the directory's
#   `deactivatedOn` when the change predates the event window; when neither tells, the finding
#   says so. One finding per person, with the actions, count, first and last time, per-day
#   counts and event ids in time order (sets `mcp` and `app_activity`, resolved from the
#   catalogue).
# related_resources:
#   - ref: https://support.atlassian.com/user-management/docs/deactivate-a-managed-account/
# custom:
#   id: ATL-DET-019
#   severity: high
#   category: Threat detection
#   points: 1
#   kind: detection
#   user_impact: low
#   implementation_cost: low
#   remediation:
#     - Revoke the listed person's API tokens and OAuth app authorizations, and the app's access if it acts for them alone.
#     - Hand the integration over to a service account owned by a current team.
#   data:
#     api: [users]
#     fields: [users.status, users.accountStatus, users.membershipStatus, users.forDeletion, users.accountId, users.name, users.email, users.deactivatedOn]
#   config:
#     facts:
#       per_user:
#         kind: values
#         actions: [set:mcp, set:app_activity]
#         by: [user]
#         value: action
#         # Only accounts the directory lists as not active: the rule reads no others.
#         where:
#           user: ["@inactive_users"]
#         limit: 100000
#         ids: 1000
#         times: true
#       state_changes:
#         kind: values
#         actions: [set:account_deactivation, set:account_reactivation]
#         by: [target_user]
#         value: action
#         limit: 100000
#   frameworks:
#     cis-controls-v8: ["6.2", "8.11"]
#     iso27001-2022: ["5.18", "8.16"]
#     soc2: ["CC7.2"]
#     nist-800-53-r5: ["AC-2", "SI-4"]
#     nist-csf-2: ["DE.CM-03"]
#   version: 2
package orgscan.detect.app_deactivated_user

import data.orgscan.lib.detect
import data.orgscan.lib.util
import rego.v1

id := detect.control_id

cap := 1000

keys := array.concat(detect.action_set("mcp"), detect.action_set("app_activity"))

deactivation_keys := {k | some k in detect.action_set("account_deactivation")}

reactivation_keys := {k | some k in detect.action_set("account_reactivation")}

inactive := {u.accountId: u | some u in input.users; not util.is_active(u)}

activity := {uid: items |
	some uid, _ in inactive
	items := [i | some i in detect.items(id, "per_user", "items"); i.key.user == uid]
	count(items) > 0
}

changes(uid) := [c | some c in detect.items(id, "state_changes", "items"); c.key.target_user == uid]

last_of(uid, actions) := max({c.last | some c in changes(uid); c.value in actions})

# When the account stopped being active: its last deactivation in the audit log (unless a
# reactivation came later), else the directory's deactivatedOn, else unknown.
since(uid) := {"time": t, "source": "audit log", "actions": sort({c.value | some c in changes(uid); c.value in deactivation_keys; c.last == t})} if {
	t := last_of(uid, deactivation_keys)
	not reactivated_after(uid, t)
} else := {"time": t, "source": "directory (deactivatedOn)"} if {
	t := util.val(inactive[uid], "deactivatedOn", null)
	is_string(t)
}

reactivated_after(uid, t) if last_of(uid, reactivation_keys) > t

# Event ids with their times, when the fact carries them (event_times beside event_ids).
timed(i) := [[i.event_times[n], x] | some n, x in i.event_ids; n < count(object.get(i, "event_times", []))]

# Events of an item after time t: exact when the item's events are all before or all after,
# or when the kept times cover the item (or reach past t: events beyond the cap are later).
after(i, t) := {"count": 0, "exact": true, "timed": []} if {
	i.last <= t
} else := {"count": i.count, "exact": true, "timed": timed(i)} if {
	i.first > t
} else := {"count": count(kept) + (i.count - count(timed(i))), "exact": true, "timed": kept} if {
	count(timed(i)) > 0
	kept := [p | some p in timed(i); p[0] > t]
	any_kept_after(timed(i), t, i.count)
} else := {"count": i.count, "exact": false, "timed": timed(i)}

any_kept_after(pairs, _, n) if count(pairs) == n

any_kept_after(pairs, t, _) if pairs[count(pairs) - 1][0] > t

counted(uid) := [{"item": i, "after": after(i, s.time)} |
	s := since(uid)
	some i in activity[uid]
] if since(uid)

counted(uid) := [{"item": i, "after": {"count": i.count, "exact": false, "timed": timed(i)}} | some i in activity[uid]] if not since(uid)

findings_of(uid) := [c | some c in counted(uid); c.after.count > 0]

total(uid) := sum([c.after.count | some c in findings_of(uid)])

ordered_ids(uid) := ids if {
	pairs := sort([p | some c in findings_of(uid); some p in c.after.timed])
	count(pairs) > 0
	ids := detect.first_n([p[1] | some p in pairs], cap)
} else := detect.first_n(sort([x | some c in findings_of(uid); some x in c.item.event_ids]), cap)

per_day(uid) := {day: n |
	pairs := [p | some c in findings_of(uid); some p in c.after.timed]
	some p in pairs
	day := substring(p[0], 0, 10)
	n := count([q | some q in pairs; substring(q[0], 0, 10) == day])
}

first_after(uid) := min({t | some c in findings_of(uid); some t in first_time(c)})

first_time(c) := {c.after.timed[0][0]} if count(c.after.timed) > 0

first_time(c) := {c.item.first} if count(c.after.timed) == 0

exact(uid) := true if {
	every c in findings_of(uid) {
		c.after.exact
	}
} else := false

change_text(uid) := sprintf("since %s (%s)", [since(uid).time, since(uid).source]) if since(uid)

change_text(uid) := "at an unknown time: no deactivation in the audit log and no deactivatedOn in the directory, so some of this activity may predate the change" if not since(uid)

count_text(uid) := sprintf("%d", [total(uid)]) if exact(uid)

count_text(uid) := sprintf("up to %d", [total(uid)]) if exact(uid) == false

deny contains {
	"resource": {"type": "user", "id": uid, "name": util.display(inactive[uid])},
	"message": sprintf("%s MCP/app event(s) on behalf of %s, whose account is %s %s; first %s, last %s", [count_text(uid), util.display(inactive[uid]), state(inactive[uid]), change_text(uid), first_after(uid), max({c.item.last | some c in findings_of(uid)})]),
	"evidence": {
		"source": "events",
		"fact": "per_user",
		"actions": sort({c.item.value | some c in findings_of(uid)}),
		"count": total(uid),
		"count_exact": exact(uid),
		"first": first_after(uid),
		"last": max({c.item.last | some c in findings_of(uid)}),
		"per_day": per_day(uid),
		"event_ids": ordered_ids(uid),
		"account_status": state(inactive[uid]),
		"inactive_since": object.get(since_or_null(uid), "time", null),
		"inactive_since_source": object.get(since_or_null(uid), "source", "unknown"),
		"to_pass": "no MCP or app activity for an account after it stopped being active",
	},
} if {
	some uid, _ in activity
	count(findings_of(uid)) > 0
}

since_or_null(uid) := since(uid) if since(uid)

since_or_null(uid) := {} if not since(uid)

state(u) := sprintf("%s/%s", [object.get(u, "status", "?"), object.get(u, "accountStatus", "?")])

not_evaluable contains "the org's event-action catalogue has no MCP or app API activity action" if {
	detect.events_available
	count(keys) == 0
}

not_evaluable contains reason if some reason in detect.events_unavailable
