package orgscan.identity.managed_2sv_test

import data.orgscan.identity.managed_2sv
import rego.v1

cfg := {"controls": {"ATL-IDN-001": {"exempt_accounts": []}}, "org": {}}

user(id, mfa) := {"accountId": id, "name": id, "email": sprintf("%s@acme.com", [id]), "accountType": "atlassian", "status": "active", "accountStatus": "active", "claimStatus": "managed", "platformRoles": [], "mfaEnabled": mfa}

att(auth) := {"attested_by": "a", "attested_at": "2026-11-10T09:00:00.000Z", "authentication": auth}

test_passes_when_all_managed_accounts_have_2sv if {
	count(managed_2sv.deny) == 0 with input as {"config": cfg, "users": [user("a", true), user("b", true)]} with input.control.id as "ATL-IDN-001"
}

test_fails_and_scores_the_share if {
	inp := {"config": cfg, "users": [user("a", true), user("b", false), user("c", true), user("d", true)]}
	findings := managed_2sv.deny with input as inp with input.control.id as "ATL-IDN-001"
	count(findings) == 1
	some f in findings
	f.resource.id == "b"
	managed_2sv.score == 0.75 with input as inp with input.control.id as "ATL-IDN-001"
}

test_unmanaged_app_and_inactive_accounts_are_left_out if {
	users := [
		user("a", true),
		object.union(user("ext", null), {"claimStatus": "unmanaged"}),
		object.union(user("bot", false), {"accountType": "app"}),
		object.union(user("gone", false), {"status": "deactivated", "accountStatus": "inactive"}),
		object.union(user("closed", false), {"accountStatus": "closed"}),
	]
	count(managed_2sv.deny) == 0 with input as {"config": cfg, "users": users} with input.control.id as "ATL-IDN-001"
}

test_attested_break_glass_is_exempt if {
	bg := object.union(user("bg", false), {"email": "SVC-Breakglass@acme.com"})
	inp := {"config": cfg, "attestation": att({"exempt_accounts": ["svc-breakglass@acme.com"]}), "users": [user("a", true), bg]}
	count(managed_2sv.deny) == 0 with input as inp with input.control.id as "ATL-IDN-001"
}

test_enforced_sso_passes if {
	inp := {"config": cfg, "attestation": att({"sso_enforced": true}), "users": [user("a", false)]}
	count(managed_2sv.deny) == 0 with input as inp with input.control.id as "ATL-IDN-001"
	count(managed_2sv.not_evaluable) == 0 with input as inp with input.control.id as "ATL-IDN-001"
}

test_sso_configured_but_not_enforced_still_fails if {
	inp := {"config": cfg, "attestation": att({"sso_enforced": false}), "users": [user("a", false)]}
	count(managed_2sv.deny) == 1 with input as inp with input.control.id as "ATL-IDN-001"
}

test_not_evaluable_when_mfa_flag_is_missing if {
	inp := {"config": cfg, "users": [user("a", null), user("b", null)]}
	count(managed_2sv.deny) == 0 with input as inp with input.control.id as "ATL-IDN-001"
	count(managed_2sv.not_evaluable) == 1 with input as inp with input.control.id as "ATL-IDN-001"
}

test_not_applicable_without_managed_accounts if {
	inp := {"config": cfg, "users": [object.union(user("ext", null), {"claimStatus": "unmanaged"})]}
	count(managed_2sv.not_applicable) == 1 with input as inp with input.control.id as "ATL-IDN-001"
}

test_not_evaluable_when_claim_status_was_not_collected if {
	users := [object.remove(user("a", true), ["claimStatus"]), object.remove(user("b", false), ["claimStatus"])]
	count(managed_2sv.not_evaluable) == 1 with input as {"config": cfg, "users": users} with input.control.id as "ATL-IDN-001"
	count(managed_2sv.not_applicable) == 0 with input as {"config": cfg, "users": users} with input.control.id as "ATL-IDN-001"
}
