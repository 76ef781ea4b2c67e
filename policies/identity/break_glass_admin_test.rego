package orgscan.identity.break_glass_admin_test

import data.orgscan.identity.break_glass_admin as p
import rego.v1

admin(id, email) := {"accountId": id, "name": id, "email": email, "status": "active", "platformRoles": ["atlassian/org-admin"]}

inp(sso, exempt, users) := {"attestation": {"attested_by": "d", "attested_at": "2026-11-10T09:00:00.000Z", "authentication": {"sso_enforced": sso, "exempt_accounts": exempt}}, "users": users}

test_break_glass_admin_passes if {
	count(p.deny) == 0 with input as inp(true, ["svc-breakglass@acme.com"], [admin("a", "a@acme.com"), admin("bg", "SVC-breakglass@acme.com")])
}

test_missing_break_glass_fails if {
	count(p.deny) == 1 with input as inp(true, [], [admin("a", "a@acme.com")])
}

test_exempt_account_that_is_not_an_admin_does_not_count if {
	u := {"accountId": "bg", "email": "bg@acme.com", "status": "active", "platformRoles": []}
	count(p.deny) == 1 with input as inp(true, ["bg@acme.com"], [admin("a", "a@acme.com"), u])
}

test_deactivated_break_glass_does_not_count if {
	bg := object.union(admin("bg", "bg@acme.com"), {"status": "deactivated"})
	count(p.deny) == 1 with input as inp(true, ["bg@acme.com"], [admin("a", "a@acme.com"), bg])
}

test_not_applicable_without_sso if {
	count(p.deny) == 0 with input as inp(false, [], [admin("a", "a@acme.com")])
	count(p.not_applicable) == 1 with input as inp(false, [], [admin("a", "a@acme.com")])
}
