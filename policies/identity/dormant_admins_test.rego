package orgscan.identity.dormant_admins_test

import data.orgscan.identity.dormant_admins as p
import rego.v1

now_ns := 1795176000000000000

cfg := {"controls": {"ATL-IDN-009": {"dormant_days": 90}}, "org": {}}

admin(id, last) := {"accountId": id, "name": id, "accountType": "atlassian", "status": "active", "accountStatus": "active", "platformRoles": ["atlassian/org-admin"], "lastActive": last, "addedToOrg": "2020-01-01T00:00:00.000Z", "productAccess": []}

inp(users) := {"now_ns": now_ns, "config": cfg, "users": users}

test_recent_admin_passes if {
	count(p.deny) == 0 with input as inp([admin("a", "2026-11-19T10:00:00.000Z")]) with input.control.id as "ATL-IDN-009"
}

test_dormant_admin_fails if {
	findings := p.deny with input as inp([admin("tobias", "2026-06-02T08:00:00.000Z")]) with input.control.id as "ATL-IDN-009"
	count(findings) == 1
	some f in findings
	f.evidence.idle_days == 171
}

test_near_miss_90_vs_91_days if {
	# 2026-08-22T12:00Z is exactly 90 days before now; 91 days is one day earlier.
	count(p.deny) == 0 with input as inp([admin("a", "2026-08-22T12:00:00.000Z")]) with input.control.id as "ATL-IDN-009"
	count(p.deny) == 1 with input as inp([admin("a", "2026-08-21T11:00:00.000Z")]) with input.control.id as "ATL-IDN-009"
}

test_product_activity_counts if {
	u := object.union(admin("a", null), {"productAccess": [{"key": "jira", "lastActiveTimestamp": "2026-11-01T00:00:00.000Z"}]})
	count(p.deny) == 0 with input as inp([u, admin("b", "2026-11-01T00:00:00.000Z")]) with input.control.id as "ATL-IDN-009"
}

test_never_active_old_admin_fails if {
	findings := p.deny with input as inp([admin("new", null), admin("b", "2026-11-01T00:00:00.000Z")]) with input.control.id as "ATL-IDN-009"
	count(findings) == 1
	some f in findings
	f.evidence.basis == "added to the org, never active"
}

test_break_glass_is_left_out if {
	bg := object.union(admin("bg", "2025-01-01T00:00:00.000Z"), {"email": "svc-breakglass@acme.com"})
	i := object.union(inp([bg, admin("b", "2026-11-19T00:00:00.000Z")]), {"attestation": {"attested_by": "d", "attested_at": "2026-11-10T09:00:00.000Z", "authentication": {"exempt_accounts": ["svc-breakglass@acme.com"]}}})
	count(p.deny) == 0 with input as i with input.control.id as "ATL-IDN-009"
}

test_deactivated_admin_is_left_out if {
	u := object.union(admin("gone", "2025-01-01T00:00:00.000Z"), {"status": "deactivated"})
	count(p.deny) == 0 with input as inp([u]) with input.control.id as "ATL-IDN-009"
}

test_not_evaluable_without_activity_data if {
	# No account carries an activity date: the collector could not read them, so "never
	# active since joining" must not be concluded.
	count(p.not_evaluable) == 1 with input as inp([admin("a", null), admin("b", null)]) with input.control.id as "ATL-IDN-009"
	count(p.deny) == 0 with input as inp([admin("a", null), admin("b", null)]) with input.control.id as "ATL-IDN-009"
}

test_not_evaluable_when_roles_were_not_collected if {
	u := object.union(admin("a", "2025-01-01T00:00:00.000Z"), {"platformRoles": []})
	count(p.not_evaluable) == 1 with input as inp([u]) with input.control.id as "ATL-IDN-009"
}
