package orgscan.keys.token_creation_open_test

import data.orgscan.keys.token_creation_open as p
import rego.v1

inp(section) := {"config": {"controls": {}, "org": {}}, "attestation": {"attested_by": "d", "attested_at": "2026-11-10T09:00:00.000Z", "api_tokens": section}}

test_creation_off_passes if {
	count(p.deny) == 0 with input as inp({"users_can_create": false}) with input.control.id as "ATL-KEY-011"
}

test_open_with_justification_passes if {
	count(p.deny) == 0 with input as inp({"users_can_create": true, "justification": "Engineering automation and CLI tools"}) with input.control.id as "ATL-KEY-011"
}

test_open_without_justification_fails if {
	count(p.deny) == 1 with input as inp({"users_can_create": true}) with input.control.id as "ATL-KEY-011"
	count(p.deny) == 1 with input as inp({"users_can_create": true, "justification": "  "}) with input.control.id as "ATL-KEY-011"
}

created(id, at) := {"id": id, "time": at, "action": "ts_api_token_creation", "actor": {"id": "u1", "name": "Uma"}}

# The select fact holds only tokens created after attested_at (the Rust side applies `after`).
with_created(events) := object.union(inp({"users_can_create": false}), {"facts": {"declared": {"ATL-KEY-011": {"created_after_attestation": {"events": events}}}}})

test_attested_off_contradicted_by_a_token_created_after_it_fails if {
	findings := p.deny with input as with_created([created("e1", "2026-11-12T10:00:00.000Z")]) with input.control.id as "ATL-KEY-011"
	count(findings) == 1
	some f in findings
	f.evidence.event_ids == ["e1"]
	f.message == "The attestation says users cannot create API tokens, but 1 token(s) were created after it (Uma (u1), first 2026-11-12T10:00:00.000Z)"
}

test_attested_off_without_tokens_created_after_it_passes if {
	count(p.deny) == 0 with input as with_created([]) with input.control.id as "ATL-KEY-011"
}
