# Org and Control API policies of one type, and their names.
# Part of the `orgscan.lib.util` package (one package over the util_*.rego files, so policies
# call every helper as `util.…`). Plain Rego v1: runs the same under regorus and OPA.
package orgscan.lib.util

import rego.v1

# Org and Control API policies of a type (lower case). A policy both APIs return (same id) is
# taken once, from the Control API.
policies_of_type(t) := array.concat(control, [p |
	some p in arr(input, "org_policies")
	lower_of(object.get(p, "attributes", {}), "type") == t
	not p.id in control_ids
]) if {
	control := [p | some p in arr(input, "control_policies"); lower_of(object.get(p, "attributes", {}), "type") == t]
	# Bound here, not nested in the head's comprehension: there OPA 1.20 found no ids and kept
	# both copies of a policy, where regorus kept one (util_policies_test).
	control_ids := {c.id | some c in control}
}

policy_name(p) := n if {
	n := val(object.get(p, "attributes", {}), "name", null)
	is_string(n)
	n != ""
} else := p.id
