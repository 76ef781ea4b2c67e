package orgscan.detect.admin_api_key_test

import data.orgscan.detect.admin_api_key
import rego.v1

ev(id, actor, t) := {"id": id, "time": t, "action": "api_token_created", "actor": {"id": actor, "name": actor}}

inp(events) := {"events": {"available": true}, "events_by_action": {"api_token_created": events}}

test_grouped_per_actor_and_day if {
	findings := admin_api_key.deny with input as inp([ev("e1", "a1", "2026-11-01T10:00:00.000Z"), ev("e2", "a1", "2026-11-01T23:00:00.000Z"), ev("e3", "a1", "2026-11-02T01:00:00.000Z"), ev("e4", "a2", "2026-11-01T10:00:00.000Z")])
	count(findings) == 3
	some f in findings
	f.resource.id == "a1"
	f.evidence.count == 2
	f.evidence.event_ids == ["e1", "e2"]
}

test_near_miss_other_actions_pass if {
	count(admin_api_key.deny) == 0 with input as {"events": {"available": true}, "events_by_action": {"api_token_created": [], "user_login": [ev("e9", "a1", "2026-11-01T10:00:00.000Z")]}}
}

test_not_evaluable_without_events if {
	count(admin_api_key.not_evaluable) == 1 with input as {"events": {"available": false}}
}

test_one_creation_is_one_finding if {
	findings := admin_api_key.deny with input as inp([ev("e1", "a1", "2026-11-01T10:00:00.000Z")])
	count(findings) == 1
	some f in findings
	f.evidence.count == 1
	f.evidence.per_day == {"2026-11-01": 1}
}
