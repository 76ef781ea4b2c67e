# Audit events: availability, slim events of an action, action counts, the event-action catalogue.
# Part of the `orgscan.lib.util` package (one package over the util_*.rego files, so policies
# call every helper as `util.…`). Plain Rego v1: runs the same under regorus and OPA.
package orgscan.lib.util

import rego.v1

events_available if object.get(object.get(input, "events", {}), "available", false) == true

# The slim events of one action (lower case key), [] when none.
events_of(action) := e if {
	e := object.get(object.get(input, "events_by_action", {}), lower(action), [])
	is_array(e)
} else := []

# Count of an action in the whole event history (from the streaming pass).
action_count(action) := n if {
	n := object.get(object.get(object.get(input, "events", {}), "per_action", {}), lower(action), 0)
	is_number(n)
} else := 0

# The org's event-action catalogue as a set of lower-case keys.
catalogue_ids := {lower(a.id) | some a in object.get(input, "event_actions", []); is_string(a.id)}

catalogue_available if object.get(object.get(object.get(input, "collections", {}), "event_actions", {}), "available", false) == true

collection_available(name) if object.get(object.get(object.get(input, "collections", {}), name, {}), "available", false) == true

# Short reference to an event for evidence.
event_ref(e) := {
	"id": e.id,
	"time": e.time,
	"action": e.action,
	"actor": val(object.get(e, "actor", {}), "name", val(object.get(e, "actor", {}), "id", null)),
	"actor_id": val(object.get(e, "actor", {}), "id", null),
	"context": [{"type": val(c, "type", null), "id": val(c, "id", null), "attributes": val(c, "attributes", null)} | some c in arr(e, "context")],
}

# Catalogue entries whose id, display name or group matches a regular expression.
catalogue_matching(pattern) := {lower(a.id) |
	some a in object.get(input, "event_actions", [])
	is_string(a.id)
	texts := array.concat([a.id, val(a, "display_name", "")], arr(a, "groups"))
	some t in texts
	is_string(t)
	regex.match(pattern, t)
}
