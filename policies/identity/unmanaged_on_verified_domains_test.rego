package orgscan.identity.unmanaged_on_verified_domains_test

import data.orgscan.identity.unmanaged_on_verified_domains as p
import rego.v1

domains := [
	{"id": "acme.com", "attributes": {"name": "acme.com", "claim": {"type": "dns", "status": "verified"}}},
	{"id": "acme-labs.io", "attributes": {"name": "acme-labs.io", "claim": {"type": "http", "status": "unverified"}}},
]

user(id, email, claim) := {"accountId": id, "name": id, "email": email, "status": "active", "accountType": "atlassian", "claimStatus": claim}

test_managed_and_external_accounts_pass if {
	users := [user("a", "a@acme.com", "managed"), user("c", "c@gmail.com", "unmanaged")]
	count(p.deny) == 0 with input as {"users": users, "domains": domains}
}

test_unmanaged_on_an_unverified_org_domain_fails_with_verify_then_claim if {
	findings := p.deny with input as {"users": [user("l", "l@acme-labs.io", "unmanaged")], "domains": domains}
	count(findings) == 1
	some f in findings
	f.evidence.domain_status == "unverified"
	f.evidence.to_pass == "verify the domain (Settings > Domains; its DNS TXT record or HTML file), then claim the account"
	f.message == "l@acme-labs.io uses the organization's unverified domain acme-labs.io but is not managed by the organization: outside its authentication policy, 2SV enforcement and offboarding"
}

test_a_domain_with_a_missing_token_counts_as_unverified if {
	missing := [{"id": "acme.dev", "attributes": {"name": "acme.dev", "claim": {"type": "dns", "status": "missing_token"}}}]
	findings := p.deny with input as {"users": [user("m", "m@acme.dev", "unmanaged")], "domains": missing}
	count(findings) == 1
	some f in findings
	f.evidence.domain_status == "missing_token"
}

test_unmanaged_on_verified_domain_fails_case_insensitively if {
	findings := p.deny with input as {"users": [user("nina", "Nina.Brooks@ACME.com", "unmanaged")], "domains": domains}
	count(findings) == 1
	some f in findings
	f.evidence.domain == "acme.com"
}

test_subdomains_and_lookalikes_are_not_the_domain if {
	users := [user("x", "x@eu.acme.com", "unmanaged"), user("y", "y@notacme.com", "unmanaged")]
	count(p.deny) == 0 with input as {"users": users, "domains": domains}
}

test_deactivated_and_unknown_claim_are_ignored if {
	users := [object.union(user("d", "d@acme.com", "unmanaged"), {"status": "deactivated"}), user("n", "n@acme.com", null)]
	count(p.deny) == 0 with input as {"users": users, "domains": domains}
}

test_not_applicable_without_any_domain if {
	count(p.not_applicable) == 1 with input as {"users": [], "domains": []}
	count(p.not_applicable) == 0 with input as {"users": [], "domains": [domains[1]]}
}

test_not_evaluable_when_claim_status_was_not_collected if {
	count(p.not_evaluable) == 1 with input as {"users": [user("x", "x@acme.com", null)], "domains": domains}
}

# The same domain listed twice with different states (another case, another directory) is
# verified if any listing is: one finding, the verified remedy, and no conflict error.
test_a_domain_listed_twice_counts_as_verified_when_any_listing_is if {
	twice := [
		{"id": "d1", "attributes": {"name": "Acme.com", "claim": {"type": "dns", "status": "unverified"}}},
		{"id": "d2", "attributes": {"name": "acme.com", "claim": {"type": "dns", "status": "verified"}}},
	]
	findings := p.deny with input as {"users": [user("n", "n@acme.com", "unmanaged")], "domains": twice}
	count(findings) == 1
	some f in findings
	f.evidence.domain_status == "verified"
}

# Near miss: listed twice, neither verified, the account still counts as on an unverified domain.
test_a_domain_listed_twice_unverified_stays_unverified if {
	twice := [
		{"id": "d1", "attributes": {"name": "acme.dev", "claim": {"type": "dns", "status": "missing_token"}}},
		{"id": "d2", "attributes": {"name": "ACME.dev", "claim": {"type": "dns", "status": "unverified"}}},
	]
	findings := p.deny with input as {"users": [user("m", "m@acme.dev", "unmanaged")], "domains": twice}
	count(findings) == 1
	some f in findings
	f.evidence.domain_status == "unverified"
}
