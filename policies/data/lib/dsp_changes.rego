# Data security policy changes after the attestation that could have removed an attested rule:
# what ATL-DAT-005 (app access), ATL-DAT-006 (public links, anonymous access) and ATL-APP-002
# (the Atlassian MCP app blocked on sensitive content) check their answers against. Each control selects these events with a declared fact
# (`where: {after: "@attested_at"}`) and passes them here in time order. Plain Rego v1.
package orgscan.lib.dsp_changes

import data.orgscan.lib.detect
import data.orgscan.lib.util
import rego.v1

# The changes that can take an attested rule away, in a reader's words. Atlassian's documented
# event fields do not say which rule `data_security_policy_rule_removed` removed, so each of
# these counts against every attested rule. Narrowing the coverage
# (`data_security_policy_coverage_updated`, `…_resource_removed`) and editing the app list
# (`…_app_added`, `…_app_removed`, `…_app_list_rule_switched`) cannot be read either way from
# the event and are not counted (ATL-DET-010 reports them).
removals := {
	"data_security_policy_deleted": "deleted data security policy",
	"data_security_policy_deactivated": "deactivated data security policy",
	"data_security_policy_rule_removed": "removed a rule from data security policy",
	"data_security_policy_all_coverage_removed": "removed all coverage from data security policy",
}

# The id of the data security policy an event names (its first context object whose type
# mentions a policy), undefined when it names none.
policy_id(e) := ids[0] if {
	ids := [c.id |
		some c in util.arr(e, "context")
		names_a_policy(c)
		is_string(c.id)
	]
	count(ids) > 0
}

names_a_policy(c) if {
	t := util.val(c, "type", null)
	is_string(t)
	regex.match(`(?i)polic`, t)
}

# Two events are about the same policy unless both name one and the names differ.
same_policy(a, _) if not policy_id(a)

same_policy(_, b) if not policy_id(b)

same_policy(a, b) if policy_id(a) == policy_id(b)

# A later event that undoes a removal of the same policy.
undoes(x, e) if {
	e.action == "data_security_policy_deactivated"
	x.action == "data_security_policy_activated"
	same_policy(e, x)
}

undoes(x, e) if {
	e.action == "data_security_policy_rule_removed"
	x.action == "data_security_policy_rule_added"
	same_policy(e, x)
}

undoes(x, e) if {
	e.action == "data_security_policy_all_coverage_removed"
	x.action in {"data_security_policy_coverage_updated", "data_security_policy_resource_added"}
	same_policy(e, x)
}

# The later events that restored what a removal took away; [] when nothing did. A deleted
# policy is gone for good: only a rule added later (to a new policy) and a policy activated
# later (new policies start as drafts) bring a rule back.
restored_by(e, events) := [x.id | some x in events; x.time_ns > e.time_ns; undoes(x, e)] if {
	e.action != "data_security_policy_deleted"
}

restored_by(e, events) := recreated(
	[x.id | some x in events; x.time_ns > e.time_ns; x.action == "data_security_policy_rule_added"],
	[x.id | some x in events; x.time_ns > e.time_ns; x.action == "data_security_policy_activated"],
) if {
	e.action == "data_security_policy_deleted"
}

recreated(added, activated) := [added[0], activated[0]] if {
	count(added) > 0
	count(activated) > 0
} else := []

# Removals after `since_ns` that nothing restored, in time order.
unrestored(events, since_ns) := [e |
	some e in events
	removals[e.action]
	e.time_ns > since_ns
	count(restored_by(e, events)) == 0
]

# Removals a later change restored: the near misses, kept in the evidence.
restored(events, since_ns) := [{"event_id": e.id, "action": e.action, "time": e.time, "restored_by": restored_by(e, events)} |
	some e in events
	removals[e.action]
	e.time_ns > since_ns
	count(restored_by(e, events)) > 0
]

# How a message names the policy of an event.
policy_label(e) := sprintf(" \"%s\"", [names[0]]) if {
	names := [n |
		some c in util.arr(e, "context")
		names_a_policy(c)
		n := util.val(util.val(c, "attributes", {}), "name", null)
		is_string(n)
	]
	count(names) > 0
} else := sprintf(" %s", [policy_id(e)]) if {
	policy_id(e)
} else := ""

# One line per removal: who did what to which policy, when.
describe(open) := concat("; ", [sprintf("%s %s%s on %s", [detect.actor_label(e), removals[e.action], policy_label(e), e.time]) | some e in open])

# The evidence of a contradicted answer.
evidence(path, open, near_misses, to_pass) := {
	"source": "events",
	"attestation_path": path,
	"attested": true,
	"attested_at": util.val(util.attestation, "attested_at", null),
	"event_ids": [e.id | some e in open],
	"actions": sort({e.action | some e in open}),
	"first": open[0].time,
	"last": open[count(open) - 1].time,
	"restored_later": near_misses,
	"to_pass": to_pass,
}
