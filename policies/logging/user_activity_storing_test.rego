package orgscan.logging.user_activity_storing_test

import data.orgscan.logging.user_activity_storing as p
import rego.v1

ev(id, action, at) := {"id": id, "action": action, "time": at, "time_ns": time.parse_rfc3339_ns(at), "actor": {"id": "m", "name": "Marcus"}}

inp(attested, by_action) := {"attestation": {"attested_by": "d", "attested_at": "2026-11-10T09:00:00.000Z", "audit_log": {"user_created_activity_enabled": attested}}, "events_by_action": by_action}

test_attested_on_passes if {
	count(p.deny) == 0 with input as inp(true, {})
}

test_attested_off_fails if {
	findings := p.deny with input as inp(false, {})
	some f in findings
	f.evidence.source == "attestation"
}

test_disabled_after_attestation_fails if {
	findings := p.deny with input as inp(true, {"user_created_activity_disabled": [ev("e1", "user_created_activity_disabled", "2026-11-12T02:00:00.000Z")]})
	count(findings) == 1
	some f in findings
	f.evidence.source == "events"
}

test_disabled_then_enabled_passes if {
	i := inp(true, {
		"user_created_activity_disabled": [ev("e1", "user_created_activity_disabled", "2026-11-12T02:00:00.000Z")],
		"user_created_activity_enabled": [ev("e2", "user_created_activity_enabled", "2026-11-12T03:00:00.000Z")],
	})
	count(p.deny) == 0 with input as i
}

test_newer_attestation_wins_over_an_old_event if {
	count(p.deny) == 0 with input as inp(true, {"user_created_activity_disabled": [ev("e1", "user_created_activity_disabled", "2026-10-01T00:00:00.000Z")]})
}

test_events_alone_decide_without_attestation if {
	i := {"attestation": null, "events_by_action": {"user_created_activity_enabled": [ev("e2", "user_created_activity_enabled", "2026-11-12T03:00:00.000Z")]}}
	count(p.deny) == 0 with input as i
	count(p.not_evaluable) == 0 with input as i
}

test_not_evaluable_without_any_evidence if {
	count(p.not_evaluable) == 1 with input as {"attestation": null, "events_by_action": {}}
}
