package orgscan.detect.app_deactivated_user_test

import data.orgscan.detect.app_deactivated_user
import rego.v1

item(user, n) := {"key": {"user": user}, "value": "jira_app_api_activity", "count": n, "first": "2026-11-02T10:00:00.000Z", "last": "2026-11-03T10:00:00.000Z", "event_ids": ["e1"]}

users := [
	{"accountId": "gone", "name": "Gary Gone", "status": "deactivated", "accountStatus": "inactive"},
	{"accountId": "here", "name": "Hana Here", "status": "active", "accountStatus": "active"},
]

inp(keys, items) := {"users": users, "events": {"available": true}, "facts": {"action_sets": {"mcp": {"keys": []}, "app_activity": {"keys": keys}}, "declared": {"ATL-DET-019": {"per_user": {"items": items}}}}}

test_activity_for_a_deactivated_user_fires if {
	findings := app_deactivated_user.deny with input as inp(["jira_app_api_activity"], [item("gone", 7), item("here", 100)])
	count(findings) == 1
	some f in findings
	f.resource.id == "gone"
	f.evidence.count == 7
}

test_near_miss_active_users_pass if {
	count(app_deactivated_user.deny) == 0 with input as inp(["jira_app_api_activity"], [item("here", 100)])
}

test_not_evaluable_without_app_actions if {
	count(app_deactivated_user.not_evaluable) == 1 with input as inp([], [])
}
