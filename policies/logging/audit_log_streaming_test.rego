package orgscan.logging.audit_log_streaming_test

import data.orgscan.logging.audit_log_streaming as p
import rego.v1

attestation(v) := {"attested_by": "d", "attested_at": "2026-11-10T09:00:00.000Z", "audit_log": {"streaming_enabled": v, "streaming_destination": "splunk"}}

inp(v) := {"attestation": attestation(v)}

test_streaming_passes if {
	count(p.deny) == 0 with input as inp(true) with input.control.id as "ATL-LOG-004"
}

test_no_streaming_fails if {
	count(p.deny) == 1 with input as inp(false) with input.control.id as "ATL-LOG-004"
}

ev(id, action, at) := {"id": id, "action": action, "time": at, "time_ns": time.parse_rfc3339_ns(at), "actor": {"id": "m", "name": "Marcus"}}

# The select fact as the Rust side fills it (events after attested_at, in time order).
with_changes(v, events) := {"attestation": attestation(v), "facts": {"declared": {"ATL-LOG-004": {"webhook_changes": {"events": events}}}}}

test_a_deletion_after_the_attestation_fails_with_its_event if {
	findings := p.deny with input as with_changes(true, [ev("e1", "audit_log_webhook_deleted", "2026-11-13T02:00:00.000Z")]) with input.control.id as "ATL-LOG-004"
	count(findings) == 1
	some f in findings
	f.resource.id == "audit_log.streaming_enabled"
	f.evidence.source == "events"
	f.evidence.event_ids == ["e1"]
	f.evidence.restored_later == []
	f.message == "The attestation says audit-log events are streamed, but the audit log webhook was deleted 1 time(s) after the attestation of 2026-11-10T09:00:00.000Z (the last by Marcus (m) on 2026-11-13T02:00:00.000Z) and no webhook was registered again"
}

test_a_deletion_before_the_attestation_passes if {
	# Near miss: the attestation is newer than the deletion, so it describes the state after it.
	count(p.deny) == 0 with input as with_changes(true, [ev("e0", "audit_log_webhook_deleted", "2026-11-10T08:59:59.000Z")]) with input.control.id as "ATL-LOG-004"
}

test_a_deletion_at_the_attested_instant_passes if {
	count(p.deny) == 0 with input as with_changes(true, [ev("e0", "audit_log_webhook_deleted", "2026-11-10T09:00:00.000Z")]) with input.control.id as "ATL-LOG-004"
}

test_a_deletion_followed_by_a_new_registration_passes if {
	count(p.deny) == 0 with input as with_changes(true, [
		ev("e1", "audit_log_webhook_deleted", "2026-11-13T02:00:00.000Z"),
		ev("e2", "audit_log_webhook_created", "2026-11-13T02:30:00.000Z"),
	]) with input.control.id as "ATL-LOG-004"
}

test_a_registration_then_a_later_deletion_fails_and_says_what_happened if {
	findings := p.deny with input as with_changes(true, [
		ev("e1", "audit_log_webhook_deleted", "2026-11-13T02:00:00.000Z"),
		ev("e2", "audit_log_webhook_created", "2026-11-13T02:30:00.000Z"),
		ev("e3", "audit_log_webhook_deleted", "2026-11-20T23:10:00.000Z"),
	]) with input.control.id as "ATL-LOG-004"
	count(findings) == 1
	some f in findings
	f.evidence.event_ids == ["e3"]
	f.evidence.restored_later == [{"deleted": "e1", "at": "2026-11-13T02:00:00.000Z", "registered_again": ["e2"]}]
	endswith(f.message, "and no webhook was registered again; 1 earlier deletion(s) were followed by a new registration")
}

test_a_registration_before_the_deletion_does_not_restore_it if {
	count(p.deny) == 1 with input as with_changes(true, [
		ev("e1", "audit_log_webhook_created", "2026-11-12T02:00:00.000Z"),
		ev("e2", "audit_log_webhook_deleted", "2026-11-13T02:00:00.000Z"),
	]) with input.control.id as "ATL-LOG-004"
}

test_an_update_or_a_registration_alone_passes if {
	# Unrelated actions: an update changes the destination but keeps streaming (ATL-LOG-006
	# reports it); a new registration only adds streaming.
	count(p.deny) == 0 with input as with_changes(true, [
		ev("e1", "audit_log_webhook_updated", "2026-11-13T02:00:00.000Z"),
		ev("e2", "audit_log_webhook_created", "2026-11-14T02:00:00.000Z"),
	]) with input.control.id as "ATL-LOG-004"
}

test_attested_off_is_not_contradicted_by_a_deletion if {
	findings := p.deny with input as with_changes(false, [ev("e1", "audit_log_webhook_deleted", "2026-11-13T02:00:00.000Z")]) with input.control.id as "ATL-LOG-004"
	count(findings) == 1
	some f in findings
	f.evidence.source == "attestation"
}
