package orgscan.data.ip_allowlist_test

import data.orgscan.data.ip_allowlist as p
import rego.v1

allowlist(status, resources) := {"id": "ip1", "attributes": {"type": "ip-allowlist", "name": "Office", "status": status, "rule": {"in": ["203.0.113.0/24"], "allowMobileBypass": true}, "resources": resources}}

res(id, s) := {"id": id, "applicationStatus": s}

inp(policies) := {"org": {"id": "o"}, "org_policies": policies, "control_policies": []}

test_enabled_and_applied_passes if {
	count(p.deny) == 0 with input as inp([allowlist("enabled", [res("site1", "applied"), res("site2", "APPLIED")])])
}

test_no_allowlist_fails if {
	count(p.deny) == 1 with input as inp([{"id": "dr", "attributes": {"type": "data-residency", "status": "enabled"}}])
}

test_disabled_allowlist_fails if {
	findings := p.deny with input as inp([allowlist("disabled", [res("site1", "applied")])])
	count(findings) == 1
	some f in findings
	contains(f.message, "none is enabled")
}

test_failed_and_applying_resources_fail if {
	findings := p.deny with input as inp([allowlist("enabled", [res("site1", "applied"), res("site2", "failed"), res("site3", "applying")])])
	count(findings) == 2
}

test_enabled_without_resources_fails if {
	count(p.deny) == 1 with input as inp([allowlist("enabled", [])])
}

test_mobile_bypass_is_reported_in_evidence if {
	findings := p.deny with input as inp([allowlist("enabled", [res("site2", "failed")])])
	some f in findings
	f.evidence.allowlist.allow_mobile_bypass == true
}

test_control_api_copy_is_counted_once if {
	a := allowlist("enabled", [res("site1", "applied")])
	count(p.deny) == 0 with input as {"org": {"id": "o"}, "org_policies": [a], "control_policies": [a]}
}
