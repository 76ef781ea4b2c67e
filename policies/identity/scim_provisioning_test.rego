package orgscan.identity.scim_provisioning_test

import data.orgscan.identity.scim_provisioning as p
import rego.v1

inp(sso) := {"attestation": {"attested_by": "d", "attested_at": "2026-11-10T09:00:00.000Z", "sso": sso}}

test_provisioned_passes if {
	count(p.deny) == 0 with input as inp({"configured": true, "identity_provider": "okta", "scim_provisioning": true})
}

test_sso_without_scim_fails if {
	count(p.deny) == 1 with input as inp({"configured": true, "identity_provider": "okta", "scim_provisioning": false})
}

test_not_applicable_without_idp if {
	count(p.not_applicable) == 1 with input as inp({"configured": false, "scim_provisioning": false})
	count(p.deny) == 0 with input as inp({"configured": false, "scim_provisioning": false})
}

test_not_evaluable_when_unanswered if {
	count(p.not_evaluable) == 1 with input as inp({"configured": true})
	count(p.not_evaluable) == 1 with input as inp({"scim_provisioning": true})
}
