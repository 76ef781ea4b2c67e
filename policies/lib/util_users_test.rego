package orgscan.lib.util_users_test

import data.orgscan.lib.util
import rego.v1

test_is_active_tolerates_missing_statuses if {
	util.is_active({"accountId": "a"})
	util.is_active({"accountId": "a", "status": null, "accountStatus": null})
	not util.is_active({"accountId": "a", "status": "Deactivated"})
	not util.is_active({"accountId": "a", "accountStatus": "closed"})
	not util.is_active({"accountId": "a", "membershipStatus": "suspended"})
	not util.is_active({"accountId": "a", "forDeletion": true})
}

test_humans_leave_out_apps_and_customers if {
	[u.accountId | some u in util.humans([{"accountId": "p"}, {"accountId": "b", "accountType": "app"}, {"accountId": "c", "accountType": "Customer"}])] == ["p"]
	util.is_human({"accountId": "p", "accountType": "atlassian"})
	not util.is_human({"accountId": "b", "accountType": "APP"})
}

users := [
	{"accountId": "o", "platformRoles": ["atlassian/org-admin"]},
	{"accountId": "s", "platformRoles": ["ATLASSIAN/SITE-ADMIN", "atlassian/user"]},
	{"accountId": "u", "platformRoles": ["atlassian/user"]},
	{"accountId": "n"},
]

test_admins_by_platform_role if {
	[u.accountId | some u in util.admins_of(users)] == ["o", "s"]
	[u.accountId | some u in util.org_admins_of(users)] == ["o"]
	util.is_admin(users[1])
	not util.is_org_admin(users[1])
	util.is_org_admin(users[0])
	util.user_admin_roles(users[1]) == ["atlassian/site-admin"]
}

test_roles_collected_needs_some_role if {
	util.roles_collected(users)
	not util.roles_collected([{"accountId": "n"}, {"accountId": "m", "platformRoles": []}])
}

test_claims if {
	[u.accountId | some u in util.claimed([{"accountId": "a", "claimStatus": "MANAGED"}, {"accountId": "b", "claimStatus": "unmanaged"}], "managed")] == ["a"]
	util.is_managed({"claimStatus": "Managed"})
	util.claims_collected([{"claimStatus": "managed"}])
	not util.claims_collected([{"accountId": "a"}])
}

test_display_prefers_name_then_email_then_id if {
	util.display({"accountId": "a", "name": "Ann", "email": "ann@x.io"}) == "Ann"
	util.display({"accountId": "a", "name": "", "email": "ann@x.io"}) == "ann@x.io"
	util.display({"accountId": "a"}) == "a"
}

test_email_domain if {
	util.email_domain({"email": "Nina@ACME.com"}) == "acme.com"
	util.email_domain({"email": null}) == ""
	util.email_domain({"email": "no-at-sign"}) == ""
}
