package orgscan.lib.dsp_changes_test

import data.orgscan.lib.dsp_changes
import rego.v1

ev(id, action, at, context) := {"id": id, "action": action, "time": at, "time_ns": time.parse_rfc3339_ns(at), "actor": {"id": "p"}, "context": context}

policy(id) := [{"id": "u1", "type": "users"}, {"id": id, "type": "data-security-policy"}]

test_the_policy_is_the_first_context_object_that_is_a_policy if {
	dsp_changes.policy_id(ev("e1", "data_security_policy_rule_removed", "2026-11-17T18:00:00.000Z", policy("dsp1"))) == "dsp1"
	not dsp_changes.policy_id(ev("e1", "data_security_policy_rule_removed", "2026-11-17T18:00:00.000Z", [{"id": "x", "type": 7}]))
}

test_events_naming_no_policy_pair_with_any if {
	removed := ev("e1", "data_security_policy_rule_removed", "2026-11-17T18:00:00.000Z", [])
	added := ev("e2", "data_security_policy_rule_added", "2026-11-17T18:10:00.000Z", policy("dsp4"))
	dsp_changes.restored_by(removed, [removed, added]) == ["e2"]
	dsp_changes.unrestored([removed, added], 0) == []
}

test_an_earlier_restorer_does_not_count if {
	added := ev("e1", "data_security_policy_rule_added", "2026-11-17T18:00:00.000Z", policy("dsp1"))
	removed := ev("e2", "data_security_policy_rule_removed", "2026-11-17T18:10:00.000Z", policy("dsp1"))
	dsp_changes.unrestored([added, removed], 0) == [removed]
}

test_the_label_falls_back_to_the_policy_id if {
	dsp_changes.policy_label(ev("e1", "data_security_policy_deleted", "2026-11-17T18:00:00.000Z", policy("dsp1"))) == " dsp1"
	dsp_changes.policy_label(ev("e1", "data_security_policy_deleted", "2026-11-17T18:00:00.000Z", [])) == ""
}
