package orgscan.data.dsp_coverage_test

import data.orgscan.data.dsp_coverage as p
import rego.v1

dsp(id, status, coverage) := {"id": id, "attributes": {"type": "data-security", "name": id, "status": status, "metadata": {"policyCoverageLevel": coverage}, "resources": []}}

inp(policies) := {"control_policies": policies, "org_policies": []}

test_covered_policy_passes if {
	count(p.deny) == 0 with input as inp([dsp("a", "active", "CLASSIFICATION_LEVEL")])
}

test_unassigned_active_policy_fails if {
	findings := p.deny with input as inp([dsp("a", "active", "CLASSIFICATION_LEVEL"), dsp("b", "active", "unassigned")])
	count(findings) == 1
	some f in findings
	f.resource.id == "b"
}

test_unassigned_draft_is_left_to_the_draft_control if {
	count(p.deny) == 0 with input as inp([dsp("a", "active", "WORKSPACE"), dsp("d", "draft", "UNASSIGNED")])
}

test_not_applicable_without_active_policies if {
	count(p.not_applicable) == 1 with input as inp([dsp("d", "draft", "UNASSIGNED")])
}

test_not_evaluable_without_coverage_data if {
	i := inp([{"id": "a", "attributes": {"type": "data-security", "status": "active"}}])
	count(p.deny) == 0 with input as i
	count(p.not_evaluable) == 1 with input as i
}
