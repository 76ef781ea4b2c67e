package orgscan.identity.dormant_accounts_test

import data.orgscan.identity.dormant_accounts as p
import rego.v1

now_ns := 1795176000000000000

cfg := {"controls": {"ATL-IDN-011": {"dormant_days": 90}}, "org": {}}

user(id, last) := {"accountId": id, "name": id, "accountType": "atlassian", "status": "active", "accountStatus": "active", "claimStatus": "managed", "platformRoles": [], "addedToOrg": "2021-01-01T00:00:00.000Z", "lastActive": last, "productAccess": [{"key": "jira", "id": "r1", "lastActiveTimestamp": last}]}

inp(users) := {"now_ns": now_ns, "config": cfg, "users": users}

test_active_users_pass if {
	count(p.deny) == 0 with input as inp([user("a", "2026-11-19T00:00:00.000Z"), user("b", "2026-09-01T00:00:00.000Z")]) with input.control.id as "ATL-IDN-011"
}

test_dormant_user_fails if {
	findings := p.deny with input as inp([user("a", "2026-11-19T00:00:00.000Z"), user("viktor", "2026-05-20T10:00:00.000Z")]) with input.control.id as "ATL-IDN-011"
	count(findings) == 1
	some f in findings
	f.resource.id == "viktor"
	f.evidence.products == ["jira"]
}

test_near_miss if {
	count(p.deny) == 0 with input as inp([user("a", "2026-08-22T12:00:00.000Z")]) with input.control.id as "ATL-IDN-011"
	count(p.deny) == 1 with input as inp([user("a", "2026-08-21T11:59:59.000Z")]) with input.control.id as "ATL-IDN-011"
}

test_deactivated_suspended_closed_and_apps_are_left_out if {
	users := [
		user("ok", "2026-11-19T00:00:00.000Z"),
		object.union(user("d", "2025-01-01T00:00:00.000Z"), {"status": "deactivated"}),
		object.union(user("s", "2025-01-01T00:00:00.000Z"), {"status": "suspended"}),
		object.union(user("c", "2025-01-01T00:00:00.000Z"), {"accountStatus": "closed"}),
		object.union(user("bot", "2025-01-01T00:00:00.000Z"), {"accountType": "app"}),
		object.union(user("cust", "2025-01-01T00:00:00.000Z"), {"accountType": "customer"}),
	]
	count(p.deny) == 0 with input as inp(users) with input.control.id as "ATL-IDN-011"
}

test_accounts_without_product_access_are_left_out if {
	u := object.union(user("nolicence", "2025-01-01T00:00:00.000Z"), {"productAccess": []})
	count(p.deny) == 0 with input as inp([u, user("a", "2026-11-19T00:00:00.000Z")]) with input.control.id as "ATL-IDN-011"
}

test_unmanaged_dormant_accounts_are_flagged_too if {
	u := object.union(user("ext", "2025-01-01T00:00:00.000Z"), {"claimStatus": "unmanaged"})
	count(p.deny) == 1 with input as inp([u]) with input.control.id as "ATL-IDN-011"
}

test_score_is_the_active_share if {
	p.score == 0.5 with input as inp([user("a", "2026-11-19T00:00:00.000Z"), user("b", "2025-01-01T00:00:00.000Z")]) with input.control.id as "ATL-IDN-011"
}

test_not_evaluable_without_any_activity_dates if {
	u := {"accountId": "x", "status": "active", "productAccess": [{"key": "jira"}], "addedToOrg": "2020-01-01T00:00:00.000Z"}
	count(p.deny) == 0 with input as inp([u]) with input.control.id as "ATL-IDN-011"
	count(p.not_evaluable) == 1 with input as inp([u]) with input.control.id as "ATL-IDN-011"
}

test_not_applicable_without_licensed_accounts if {
	count(p.not_applicable) == 1 with input as inp([]) with input.control.id as "ATL-IDN-011"
}
