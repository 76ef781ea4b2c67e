package orgscan.data.dsp_active_test

import data.orgscan.data.dsp_active as p
import rego.v1

dsp(id, status) := {"id": id, "attributes": {"type": "data-security", "name": id, "status": status}}

test_active_policy_passes if {
	count(p.deny) == 0 with input as {"org": {"id": "o"}, "control_policies": [dsp("a", "ACTIVE"), dsp("b", "draft")], "org_policies": []}
}

test_only_drafts_fail if {
	findings := p.deny with input as {"org": {"id": "o"}, "control_policies": [dsp("b", "draft")], "org_policies": []}
	count(findings) == 1
	some f in findings
	contains(f.message, "none published")
}

test_no_policy_fails if {
	count(p.deny) == 1 with input as {"org": {"id": "o"}, "control_policies": [{"id": "ip", "attributes": {"type": "ip-allowlist", "status": "enabled"}}], "org_policies": []}
}
