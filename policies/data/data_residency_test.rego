package orgscan.data.data_residency_test

import data.orgscan.data.data_residency as p
import rego.v1

ws(id, type, realm) := {"id": id, "attributes": {"name": "site", "typeKey": type, "status": "online", "realm": realm}}

residency := {"id": "dr", "attributes": {"type": "data-residency", "name": "EU", "status": "enabled", "rule": {"in": ["eu"]}, "resources": [{"id": "jira-eu", "applicationStatus": "applied"}, {"id": "conf-eu", "applicationStatus": "applied"}]}}

workspaces := [ws("jira-eu", "jira", "eu"), ws("conf-eu", "confluence", "eu"), ws("jira-us", "jira", "us"), ws("bb", "bitbucket", "us")]

inp(required) := {"config": {"controls": {}, "org": {"data_residency_required": required}}, "org_policies": [residency], "control_policies": [], "workspaces": workspaces}

test_not_applicable_when_not_required if {
	i := {"config": {"controls": {}, "org": {}}, "org_policies": [], "control_policies": [], "workspaces": workspaces}
	count(p.deny) == 0 with input as i
	count(p.not_applicable) == 1 with input as i
	count(p.not_applicable) == 1 with input as inp(false)
}

test_unpinned_product_fails if {
	findings := p.deny with input as inp(["EU"])
	count(findings) == 1
	some f in findings
	f.resource.id == "jira-us"
}

test_any_location_accepts_pinned_products if {
	i := object.union(inp(true), {"workspaces": [ws("jira-eu", "jira", "eu"), ws("bb", "bitbucket", "us")]})
	count(p.deny) == 0 with input as i
}

test_wrong_location_fails if {
	findings := p.deny with input as object.union(inp(["us"]), {"workspaces": [ws("jira-eu", "jira", "eu")]})
	count(findings) == 1
}

test_disabled_policy_does_not_pin if {
	dis := json.patch(residency, [{"op": "replace", "path": "/attributes/status", "value": "disabled"}])
	i := object.union(inp(true), {"org_policies": [dis], "workspaces": [ws("jira-eu", "jira", "eu")]})
	count(p.deny) == 1 with input as i
}
