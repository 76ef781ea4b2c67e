package orgscan.identity.unmanaged_admins_test

import data.orgscan.identity.unmanaged_admins as p
import rego.v1

admin(id, claim) := {"accountId": id, "name": id, "email": sprintf("%s@example.com", [id]), "status": "active", "accountType": "atlassian", "claimStatus": claim, "platformRoles": ["atlassian/site-admin"]}

test_managed_admins_pass if {
	count(p.deny) == 0 with input as {"users": [admin("a", "managed"), admin("b", "MANAGED")]}
}

test_unmanaged_admin_fails if {
	findings := p.deny with input as {"users": [admin("a", "managed"), admin("consultant", "unmanaged")]}
	count(findings) == 1
	some f in findings
	f.resource.id == "consultant"
}

test_unknown_claim_status_is_not_guessed if {
	count(p.deny) == 0 with input as {"users": [admin("a", null)]}
}

test_inactive_unmanaged_admin_is_ignored if {
	count(p.deny) == 0 with input as {"users": [object.union(admin("x", "unmanaged"), {"status": "suspended"})]}
}

test_not_evaluable_without_roles if {
	count(p.not_evaluable) == 1 with input as {"users": [{"accountId": "u", "status": "active", "platformRoles": []}]}
}

test_not_evaluable_when_claim_status_was_not_collected if {
	count(p.not_evaluable) == 1 with input as {"users": [admin("a", null)]}
}
