package orgscan.identity.admin_mfa_test

import data.orgscan.identity.admin_mfa
import rego.v1

cfg := {"controls": {"ATL-IDN-002": {"sso_accounts_exempt": ["sso-admin@acme.com"]}}, "org": {}}

admin(id, mfa) := {"accountId": id, "name": id, "accountType": "atlassian", "status": "active", "accountStatus": "active", "claimStatus": "managed", "platformRoles": ["atlassian/org-admin"], "mfaEnabled": mfa}

sso_att := {"attested_by": "a", "attested_at": "2026-11-10T09:00:00.000Z", "authentication": {"sso_enforced": true, "exempt_accounts": ["bg@acme.com"]}}

test_passes_when_every_admin_has_2sv if {
	count(admin_mfa.deny) == 0 with input as {"config": cfg, "users": [admin("a1", true), {"accountId": "u1", "platformRoles": [], "mfaEnabled": false}]} with input.control.id as "ATL-IDN-002"
}

test_fails_for_an_admin_without_2sv if {
	findings := admin_mfa.deny with input as {"config": cfg, "users": [admin("a1", true), admin("a2", false)]} with input.control.id as "ATL-IDN-002"
	count(findings) == 1
	some f in findings
	f.resource.id == "a2"
	f.evidence.observed == false
}

test_null_mfa_is_not_protection if {
	findings := admin_mfa.deny with input as {"config": cfg, "users": [admin("a1", null)]} with input.control.id as "ATL-IDN-002"
	count(findings) == 1
}

test_partial_score if {
	admin_mfa.score == 0.5 with input as {"config": cfg, "users": [admin("a1", true), admin("a2", false)]} with input.control.id as "ATL-IDN-002"
}

test_exempt_sso_admin_passes if {
	a := object.union(admin("a3", false), {"email": "SSO-admin@acme.com"})
	count(admin_mfa.deny) == 0 with input as {"config": cfg, "users": [a]} with input.control.id as "ATL-IDN-002"
}

test_enforced_sso_covers_managed_admins if {
	count(admin_mfa.deny) == 0 with input as {"config": cfg, "attestation": sso_att, "users": [admin("a1", false)]} with input.control.id as "ATL-IDN-002"
}

test_enforced_sso_does_not_cover_break_glass if {
	bg := object.union(admin("bg", false), {"email": "BG@acme.com"})
	findings := admin_mfa.deny with input as {"config": cfg, "attestation": sso_att, "users": [bg]} with input.control.id as "ATL-IDN-002"
	count(findings) == 1
	some f in findings
	f.evidence.break_glass == true
}

test_enforced_sso_does_not_cover_unmanaged_admins if {
	u := object.union(admin("ext", false), {"claimStatus": "unmanaged"})
	count(admin_mfa.deny) == 1 with input as {"config": cfg, "attestation": sso_att, "users": [u]} with input.control.id as "ATL-IDN-002"
}

test_deactivated_admin_is_ignored if {
	a := object.union(admin("a4", false), {"status": "deactivated"})
	count(admin_mfa.deny) == 0 with input as {"config": cfg, "users": [a]} with input.control.id as "ATL-IDN-002"
}

test_app_account_with_admin_role_is_ignored if {
	a := object.union(admin("bot", null), {"accountType": "app"})
	count(admin_mfa.deny) == 0 with input as {"config": cfg, "users": [a]} with input.control.id as "ATL-IDN-002"
}

test_not_applicable_without_admins if {
	u := {"accountId": "u1", "status": "active", "platformRoles": ["atlassian/ai-access"]}
	count(admin_mfa.not_applicable) == 1 with input as {"config": cfg, "users": [u]} with input.control.id as "ATL-IDN-002"
}

test_not_evaluable_when_roles_were_not_collected if {
	u := {"accountId": "u1", "status": "active", "platformRoles": [], "mfaEnabled": false}
	count(admin_mfa.not_evaluable) == 1 with input as {"config": cfg, "users": [u]} with input.control.id as "ATL-IDN-002"
	count(admin_mfa.not_applicable) == 0 with input as {"config": cfg, "users": [u]} with input.control.id as "ATL-IDN-002"
}
