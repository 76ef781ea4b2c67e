# Helpers for detections (policies/detect): reading declared facts, resolved action sets and
# slim events, and shaping findings so a burst is one finding. Plain Rego v1, no
# engine-specific builtins: runs the same under regorus and the reference OPA.
package orgscan.lib.detect

import data.orgscan.lib.util
import rego.v1

# Settings of a control, the slim events of an action and whether the audit log was collected
# are defined once, in lib/util_config.rego and lib/util_events.rego; these names keep
# `detect.params(…)` etc. readable.
params(id) := util.params(id)

control_id := util.control_id

# The output of a fact the control declared in custom.config.facts (see docs/policy-input.md).
fact(id, name) := object.get(input, ["facts", "declared", id, name], {})

# The items of a declared fact (bursts, spikes, items, pairs, transitions or events).
items(id, name, list) := object.get(fact(id, name), list, [])

# The action keys a catalogue-resolved set holds (e.g. "mcp", "oauth_install", "failed_login").
action_set(name) := object.get(input, ["facts", "action_sets", name, "keys"], [])

# Slim events of one action (declared in custom.data.events).
events_of(action) := util.events_of(action)

events_available if util.events_available

# Why event data is missing, when it is.
events_unavailable contains reason if {
	not events_available
	reason := sprintf("the audit log was not collected: %s", [object.get(object.get(input, "events", {}), "unavailable_reason", "the snapshot has no events")])
}

# The threshold checks below repeat what a declared fact applied while the events streamed, with
# the control's settings: the rule decides on what it is given, so its unit tests can fail at the
# boundary, and a fact spec edited apart from the rule cannot loosen it.

# A `count` fact's burst: some window held more than `over` events (the fact's `over`).
burst_over(b, over) if b.peak > over

# A `baseline` fact's spike still meets the control's inclusive thresholds: at least `min_count`
# events, at least `min_history` earlier active buckets, and at least `factor` times their mean.
# The fact rounds the ratio to two decimals, which never turns a ratio at or above the factor
# into one below it.
baseline_spike(s, cfg) if {
	s.count >= cfg.min_count
	s.history_buckets >= cfg.min_history
	not below_factor(s, cfg.factor)
}

below_factor(s, factor) if {
	s.baseline > 0
	s.ratio < factor
}

# A `travel` fact's transition still at least `min_km` apart (lower bound) at `min_kmh` or more.
# The fact rounds distance and speed to whole numbers; rounding the thresholds the same way keeps
# the comparison exact.
travel_impossible(t, min_km, min_kmh) if {
	t.min_distance_km >= round(min_km)
	fast(t.speed_kmh, min_kmh)
}

fast(speed, _) if speed == "instant"

fast(speed, min_kmh) if {
	is_number(speed)
	speed >= round(min_kmh)
}

# Most event ids a finding's evidence lists (the JSON report keeps them all; the HTML may show
# fewer with "n more").
evidence_cap := 1000

# At most n items of a list.
first_n(list, n) := [x | some i, x in list; i < n]

# A person's display name: "Name (id)" or the id; the system actor is named as such.
who(id, name) := sprintf("%s (%s)", [system_name, id]) if {
	id in system_actor_ids
} else := sprintf("%s (%s)", [name, id]) if {
	is_string(name)
	name != ""
} else := id

# The actor resource of a keyed fact item (key.actor / key.user / …).
key_resource(key, field) := {"type": "system", "id": key[field], "name": system_name} if {
	key[field] in system_actor_ids
} else := {"type": "user", "id": key[field], "name": object.get(key, sprintf("%s_name", [field]), key[field])}

# Atlassian's own system actor (org bootstrap, IdP sync, Atlassian-side changes): never a person.
system_actor_ids := {"atlassian-internal-system"}

is_system(e) if e.actor.id in system_actor_ids

system_name := "Atlassian system actor"

# The resource of a slim event's actor.
actor_resource(e) := {"type": "system", "id": e.actor.id, "name": system_name} if {
	is_system(e)
} else := {"type": "user", "id": e.actor.id, "name": object.get(e.actor, "name", e.actor.id)} if {
	is_string(e.actor.name)
} else := {"type": "user", "id": e.actor.id}

# How a message names a slim event's actor: the person, or the system actor as such.
actor_label(e) := who(e.actor.id, object.get(e.actor, "name", ""))

# Country spelling → ISO code, using the bundled table (input.facts.geo.aliases).
country_code(name) := code if {
	code := input.facts.geo.aliases[lower(name)]
} else := upper(name)

# Whether a country (name as the API spells it) is in a configured list of names or codes.
country_in(name, list) if {
	code := country_code(name)
	some entry in list
	country_code(entry) == code
}

# Slim events of several actions, grouped per actor and UTC day: one finding per group.
groups_by_actor_day(events) := {[e.actor.id, substring(e.time, 0, 10)]: group |
	some e in events
	group := [x | some x in events; x.actor.id == e.actor.id; substring(x.time, 0, 10) == substring(e.time, 0, 10)]
}

# Evidence of a group of slim events: count, first and last time, per-day counts, and the ids
# in time order (ties by id), capped.
group_evidence(group, cap) := {
	"source": "events",
	"count": count(group),
	"first": min({e.time | some e in group}),
	"last": max({e.time | some e in group}),
	"per_day": {day: count([e | some e in group; substring(e.time, 0, 10) == day]) | some day in {substring(e.time, 0, 10) | some e in group}},
	"event_ids": first_n([p[1] | some p in sort([[e.time, e.id] | some e in group])], cap),
	"actions": sort({e.action | some e in group}),
}
