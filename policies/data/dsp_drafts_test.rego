package orgscan.data.dsp_drafts_test

import data.orgscan.data.dsp_drafts as p
import rego.v1

dsp(id, status, created) := {"id": id, "attributes": {"type": "data-security", "name": id, "status": status, "createdAt": created, "updatedAt": null}}

inp(policies, grace) := {"now_ns": 1795176000000000000, "config": {"controls": {"ATL-DAT-003": {"draft_grace_days": grace}}, "org": {}}, "control_policies": policies, "org_policies": []}

test_published_policies_pass if {
	count(p.deny) == 0 with input as inp([dsp("a", "active", "2026-01-01T00:00:00.000Z")], 0) with input.control.id as "ATL-DAT-003"
}

test_old_draft_fails if {
	findings := p.deny with input as inp([dsp("d", "draft", "2026-04-08T15:22:00.000Z")], 0) with input.control.id as "ATL-DAT-003"
	count(findings) == 1
	some f in findings
	contains(f.message, "225 days")
}

test_grace_period if {
	count(p.deny) == 0 with input as inp([dsp("d", "DRAFT", "2026-11-15T12:00:00.000Z")], 7) with input.control.id as "ATL-DAT-003"
	count(p.deny) == 1 with input as inp([dsp("d", "DRAFT", "2026-11-12T12:00:00.000Z")], 7) with input.control.id as "ATL-DAT-003"
}

test_draft_without_dates_fails if {
	count(p.deny) == 1 with input as inp([{"id": "d", "attributes": {"type": "data-security", "status": "draft"}}], 7) with input.control.id as "ATL-DAT-003"
}
