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
