package orgscan.identity.org_admin_count_test

import data.orgscan.identity.org_admin_count as p
import rego.v1

cfg := {"controls": {"ATL-IDN-008": {"max_org_admins": 5, "max_org_admin_share": 0.1, "min_users_for_share": 20}}, "org": {}}

person(i, roles) := {"accountId": sprintf("u%d", [i]), "name": sprintf("User %d", [i]), "status": "active", "accountStatus": "active", "accountType": "atlassian", "platformRoles": roles}

org(admins, users) := array.concat(
	[person(i, ["atlassian/org-admin"]) | some i in numbers.range(1, admins)],
	[person(i, []) | some i in numbers.range(admins + 1, admins + users)],
)

test_five_admins_in_sixty_people_pass if {
	count(p.deny) == 0 with input as {"config": cfg, "org": {"id": "o"}, "users": org(5, 55)} with input.control.id as "ATL-IDN-008"
}

test_six_admins_fail_on_count if {
	findings := p.deny with input as {"config": cfg, "org": {"id": "o"}, "users": org(6, 100)} with input.control.id as "ATL-IDN-008"
	count(findings) == 1
	some f in findings
	f.evidence.observed == 6
}

test_share_near_miss if {
	# 3 of 30 = 10 % passes, 3 of 29 fails.
	count(p.deny) == 0 with input as {"config": cfg, "org": {"id": "o"}, "users": org(3, 27)} with input.control.id as "ATL-IDN-008"
	count(p.deny) == 1 with input as {"config": cfg, "org": {"id": "o"}, "users": org(3, 26)} with input.control.id as "ATL-IDN-008"
}

test_small_orgs_skip_the_share if {
	count(p.deny) == 0 with input as {"config": cfg, "org": {"id": "o"}, "users": org(3, 5)} with input.control.id as "ATL-IDN-008"
}

test_inactive_and_app_admins_do_not_count if {
	extra := [
		object.union(person(90, ["atlassian/org-admin"]), {"status": "deactivated"}),
		object.union(person(91, ["atlassian/org-admin"]), {"accountType": "app"}),
	]
	count(p.deny) == 0 with input as {"config": cfg, "org": {"id": "o"}, "users": array.concat(org(5, 60), extra)} with input.control.id as "ATL-IDN-008"
}

test_site_admins_do_not_count if {
	extra := [person(i, ["atlassian/site-admin"]) | some i in numbers.range(100, 110)]
	count(p.deny) == 0 with input as {"config": cfg, "org": {"id": "o"}, "users": array.concat(org(2, 60), extra)} with input.control.id as "ATL-IDN-008"
}

test_not_applicable_when_empty if {
	count(p.not_applicable) == 1 with input as {"config": cfg, "users": []} with input.control.id as "ATL-IDN-008"
}

test_not_evaluable_when_roles_were_not_collected if {
	users := [person(i, []) | some i in numbers.range(1, 30)]
	count(p.not_evaluable) == 1 with input as {"config": cfg, "users": users} with input.control.id as "ATL-IDN-008"
}
