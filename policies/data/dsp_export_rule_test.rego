package orgscan.data.dsp_export_rule_test

import data.orgscan.data.dsp_export_rule as p
import rego.v1

dsp(id, rule) := {"id": id, "attributes": {"type": "data-security", "name": id, "status": "active", "rule": rule}}

inp(policies) := {"control_policies": policies, "org_policies": []}

test_blocking_export_rule_passes if {
	count(p.deny) == 0 with input as inp([dsp("a", {"export": {"effect": "block"}})])
}

test_missing_export_rule_fails if {
	count(p.deny) == 1 with input as inp([dsp("a", {}), {"id": "d", "attributes": {"type": "data-security", "status": "draft", "rule": {}}}])
	count(p.deny) == 1 with input as inp([dsp("a", null)])
}

test_allowing_export_rule_fails if {
	count(p.deny) == 1 with input as inp([dsp("a", {"export": {"effect": "ALLOW"}})])
}

test_not_applicable_without_active_policies if {
	count(p.not_applicable) == 1 with input as inp([])
}
