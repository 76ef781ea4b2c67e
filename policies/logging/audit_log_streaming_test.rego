package orgscan.logging.audit_log_streaming_test

import data.orgscan.logging.audit_log_streaming as p
import rego.v1

inp(v) := {"attestation": {"attested_by": "d", "attested_at": "2026-11-10T09:00:00.000Z", "audit_log": {"streaming_enabled": v, "streaming_destination": "splunk"}}}

test_streaming_passes if {
	count(p.deny) == 0 with input as inp(true)
}

test_no_streaming_fails if {
	count(p.deny) == 1 with input as inp(false)
}
