package orgscan.identity.password_policy_test

import data.orgscan.identity.password_policy as p
import rego.v1

inp(auth) := {"config": {"controls": {"ATL-IDN-006": {"min_password_length": 12, "min_password_strength": "good"}}, "org": {}}, "attestation": {"attested_by": "d", "attested_at": "2026-11-10T09:00:00.000Z", "authentication": auth}}

test_passes_with_strong_rules if {
	count(p.deny) == 0 with input as inp({"password_min_length": 12, "password_strength": "Strong"}) with input.control.id as "ATL-IDN-006"
}

test_fails_on_short_and_weak if {
	findings := p.deny with input as inp({"password_min_length": 8, "password_strength": "fair"}) with input.control.id as "ATL-IDN-006"
	count(findings) == 2
}

test_length_near_miss if {
	count(p.deny) == 1 with input as inp({"password_min_length": 11, "password_strength": "good"}) with input.control.id as "ATL-IDN-006"
	count(p.deny) == 0 with input as inp({"password_min_length": 12, "password_strength": "very strong"}) with input.control.id as "ATL-IDN-006"
}

test_not_applicable_with_enforced_sso if {
	i := inp({"sso_enforced": true, "password_min_length": 8})
	count(p.deny) == 0 with input as i with input.control.id as "ATL-IDN-006"
	count(p.not_applicable) == 1 with input as i with input.control.id as "ATL-IDN-006"
}

test_not_evaluable_when_unanswered if {
	count(p.not_evaluable) == 1 with input as inp({"two_step_enforced": true}) with input.control.id as "ATL-IDN-006"
}

test_unknown_strength_is_not_evaluable if {
	count(p.not_evaluable) == 1 with input as inp({"password_strength": "excellent"}) with input.control.id as "ATL-IDN-006"
}
