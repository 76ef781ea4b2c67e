package orgscan.logging.audit_changes_after_attestation_test

import data.orgscan.logging.audit_changes_after_attestation as p
import rego.v1

ev(id, action, at) := {"id": id, "action": action, "time": at, "time_ns": time.parse_rfc3339_ns(at), "actor": {"id": "m", "name": "Marcus"}}

inp(by_action) := {"attestation": {"attested_by": "d", "attested_at": "2026-11-10T09:00:00.000Z", "audit_log": {"streaming_enabled": true}}, "events_by_action": by_action}

test_no_change_passes if {
	count(p.deny) == 0 with input as inp({"audit_log_webhook_deleted": [ev("e0", "audit_log_webhook_deleted", "2026-11-01T00:00:00.000Z")]})
}

test_webhook_deleted_after_attestation_is_high if {
	findings := p.deny with input as inp({"audit_log_webhook_deleted": [ev("e1", "audit_log_webhook_deleted", "2026-11-13T02:00:00.000Z")]})
	count(findings) == 1
	some f in findings
	f.severity == "high"
}

test_restored_change_is_low if {
	i := inp({
		"user_created_activity_disabled": [ev("e1", "user_created_activity_disabled", "2026-11-13T02:00:00.000Z")],
		"user_created_activity_enabled": [ev("e2", "user_created_activity_enabled", "2026-11-13T02:30:00.000Z")],
	})
	findings := p.deny with input as i
	count(findings) == 1
	some f in findings
	f.severity == "low"
}

test_webhook_update_is_medium if {
	some f in p.deny with input as inp({"audit_log_webhook_updated": [ev("e3", "audit_log_webhook_updated", "2026-11-13T02:00:00.000Z")]})
	f.severity == "medium"
}
