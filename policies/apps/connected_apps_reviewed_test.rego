package orgscan.apps.connected_apps_reviewed_test

import data.orgscan.apps.connected_apps_reviewed as p
import rego.v1

app(name, owner, reviewed) := {"name": name, "kind": "connect", "owner": owner, "reviewed_at": reviewed, "approved": true}

inp(apps) := {"now_ns": 1795176000000000000, "config": {"controls": {"ATL-APP-006": {"max_review_age_days": 180}}, "org": {}}, "attestation": {"attested_by": "d", "attested_at": "2026-11-10T09:00:00.000Z", "connected_apps": apps}}

test_owned_and_reviewed_apps_pass if {
	count(p.deny) == 0 with input as inp([app("Slack", "it@acme.com", "2026-09-15T10:00:00.000Z")]) with input.control.id as "ATL-APP-006"
}

test_app_without_owner_fails if {
	findings := p.deny with input as inp([app("Slack", "it@acme.com", "2026-09-15T10:00:00.000Z"), app("Tempo Timesheets", null, "2026-09-15T10:00:00.000Z")]) with input.control.id as "ATL-APP-006"
	count(findings) == 1
	some f in findings
	f.resource.name == "Tempo Timesheets"
	contains(f.message, "no owner")
}

test_review_near_miss if {
	# 2026-05-24T12:00Z is exactly 180 days before now.
	count(p.deny) == 0 with input as inp([app("A", "o", "2026-05-24T12:00:00.000Z")]) with input.control.id as "ATL-APP-006"
	count(p.deny) == 1 with input as inp([app("A", "o", "2026-05-23T12:00:00.000Z")]) with input.control.id as "ATL-APP-006"
}

test_never_reviewed_and_unapproved_fail if {
	a := object.union(app("A", "o", null), {"approved": false})
	count(p.deny) == 2 with input as inp([a]) with input.control.id as "ATL-APP-006"
}

test_not_applicable_without_apps if {
	count(p.not_applicable) == 1 with input as inp([]) with input.control.id as "ATL-APP-006"
}
