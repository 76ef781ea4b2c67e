package orgscan.lib.util_policies_test

import data.orgscan.lib.util
import rego.v1

inp := {
	"org_policies": [{"id": "p1", "attributes": {"type": "IP-Allowlist", "name": "Office"}}, {"id": "p2", "attributes": {"type": "ip-allowlist"}}, {"id": "p3", "attributes": {"type": "data-residency"}}],
	"control_policies": [{"id": "p1", "attributes": {"type": "ip-allowlist", "name": "Office (control)"}}],
}

test_a_policy_both_apis_return_is_taken_once_from_the_control_api if {
	ps := util.policies_of_type("ip-allowlist") with input as inp
	[[p.id, util.policy_name(p)] | some p in ps] == [["p1", "Office (control)"], ["p2", "p2"]]
	util.policies_of_type("none") == [] with input as inp
}
