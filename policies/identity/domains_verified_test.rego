package orgscan.identity.domains_verified_test

import data.orgscan.identity.domains_verified as p
import rego.v1

dom(name, status) := {"id": name, "attributes": {"name": name, "claim": {"type": "dns", "status": status}}}

test_verified_domains_pass if {
	count(p.deny) == 0 with input as {"domains": [dom("acme.com", "verified"), dom("acme.de", "VERIFIED")]}
}

test_unverified_and_missing_token_fail if {
	findings := p.deny with input as {"domains": [dom("acme.com", "verified"), dom("acme-labs.io", "unverified"), dom("acmerobotics.dev", "missing_token")]}
	count(findings) == 2
	ids := {f.resource.id | some f in findings}
	ids == {"acme-labs.io", "acmerobotics.dev"}
}

test_missing_claim_fails if {
	count(p.deny) == 1 with input as {"domains": [{"id": "x.com", "attributes": {"name": "x.com"}}]}
}

test_score if {
	p.score == 0.5 with input as {"domains": [dom("a.com", "verified"), dom("b.com", "superseded")]}
}

test_not_applicable_without_domains if {
	count(p.not_applicable) == 1 with input as {"domains": []}
}

test_an_unverified_domain_lists_the_accounts_on_it_as_its_impact if {
	doms := [{"id": "d2", "attributes": {"name": "acme-labs.io", "claim": {"type": "http", "status": "unverified"}}}]
	users := [
		{"accountId": "l1", "email": "L1@Acme-Labs.io", "status": "active", "accountType": "atlassian", "claimStatus": "unmanaged", "platformRoles": ["atlassian/site-admin"]},
		{"accountId": "l2", "email": "l2@acme-labs.io", "status": "active", "accountType": "atlassian", "claimStatus": "unmanaged"},
		{"accountId": "x", "email": "x@gmail.com", "status": "active", "accountType": "atlassian", "claimStatus": "unmanaged"},
	]
	findings := p.deny with input as {"domains": doms, "users": users}
	some f in findings
	f.evidence.impact == {"accounts": 2, "account_ids": ["l1", "l2"], "admins": 1}
	endswith(f.message, ": 2 account(s) on it cannot be claimed (1 admin(s))")
}
