package orgscan.keys.token_creation_open_test

import data.orgscan.keys.token_creation_open as p
import rego.v1

inp(section) := {"config": {"controls": {}, "org": {}}, "attestation": {"attested_by": "d", "attested_at": "2026-11-10T09:00:00.000Z", "api_tokens": section}}

test_creation_off_passes if {
	count(p.deny) == 0 with input as inp({"users_can_create": false})
}

test_open_with_justification_passes if {
	count(p.deny) == 0 with input as inp({"users_can_create": true, "justification": "Engineering automation and CLI tools"})
}

test_open_without_justification_fails if {
	count(p.deny) == 1 with input as inp({"users_can_create": true})
	count(p.deny) == 1 with input as inp({"users_can_create": true, "justification": "  "})
}
