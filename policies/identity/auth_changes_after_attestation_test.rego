package orgscan.identity.auth_changes_after_attestation_test

import data.orgscan.identity.auth_changes_after_attestation as p
import rego.v1

att := {"attested_by": "dana@acme.com", "attested_at": "2026-11-10T09:00:00.000Z", "authentication": {"two_step_enforced": true}}

ev(id, action, at) := {"id": id, "action": action, "time": at, "time_ns": time.parse_rfc3339_ns(at), "actor": {"id": "m1", "name": "Marcus"}, "ip": "1.2.3.4"}

inp(by_action) := {"config": {"controls": {}, "org": {}}, "attestation": att, "events": {"available": true}, "events_by_action": by_action}

test_passes_without_changes_after_attestation if {
	i := inp({"twosv_unenforced": [ev("e0", "twosv_unenforced", "2026-11-09T09:00:00.000Z")], "set_session_policy": []})
	count(p.deny) == 0 with input as i
}

test_event_one_millisecond_after_is_a_finding if {
	i := inp({"set_session_policy": [ev("e1", "set_session_policy", "2026-11-10T09:00:00.001Z")]})
	findings := p.deny with input as i
	count(findings) == 1
	some f in findings
	f.severity == "medium"
	f.evidence.may_contradict == "authentication.idle_session_timeout_minutes"
}

test_event_at_the_attestation_instant_is_not if {
	i := inp({"set_session_policy": [ev("e1", "set_session_policy", "2026-11-10T09:00:00.000Z")]})
	count(p.deny) == 0 with input as i
}

test_unenforcing_2sv_is_high if {
	i := inp({"twosv_unenforced": [ev("e2", "twosv_unenforced", "2026-11-14T02:31:00.000Z")]})
	findings := p.deny with input as i
	some f in findings
	f.severity == "high"
	f.resource.id == "e2"
	contains(f.message, "stopped enforcing two-step verification")
}

test_restored_2sv_is_low if {
	i := inp({
		"twosv_unenforced": [ev("e2", "twosv_unenforced", "2026-11-14T02:31:00.000Z")],
		"twosv_enforced": [ev("e3", "twosv_enforced", "2026-11-14T03:00:00.000Z")],
	})
	findings := p.deny with input as i
	count(findings) == 1
	some f in findings
	f.severity == "low"
	f.evidence.restored_later == true
}

test_saml_deleted_is_high if {
	i := inp({"saml_config_deleted": [ev("e4", "saml_config_deleted", "2026-11-15T10:00:00.000Z")]})
	some f in p.deny with input as i
	f.severity == "high"
}
