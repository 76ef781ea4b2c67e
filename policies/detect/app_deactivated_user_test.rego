package orgscan.detect.app_deactivated_user_test

import data.orgscan.detect.app_deactivated_user
import rego.v1

# One user's app activity: the times of its events (time order) and their ids.
item(user, times) := {
	"key": {"user": user},
	"value": "jira_app_api_activity",
	"count": count(times),
	"first": times[0],
	"last": times[count(times) - 1],
	"event_ids": [sprintf("%s-e%d", [user, n]) | some n, _ in times],
	"event_times": times,
}

change(user, action, at) := {"key": {"target_user": user}, "value": action, "count": 1, "first": at, "last": at, "event_ids": ["c1"]}

gone := {"accountId": "gone", "name": "Gary Gone", "status": "deactivated", "accountStatus": "inactive"}

here := {"accountId": "here", "name": "Hana Here", "status": "active", "accountStatus": "active"}

sets := {
	"mcp": {"keys": []},
	"app_activity": {"keys": ["jira_app_api_activity"]},
	"account_deactivation": {"keys": ["managed_account_deactivated"]},
	"account_reactivation": {"keys": ["managed_account_reactivated"]},
}

inp(users, items, changes) := {"users": users, "events": {"available": true}, "facts": {"action_sets": sets, "declared": {"ATL-DET-019": {"per_user": {"items": items}, "state_changes": {"items": changes}}}}}

deactivated_at := "2026-11-10T12:00:00.000Z"

deactivation := [change("gone", "managed_account_deactivated", deactivated_at)]

test_activity_before_the_deactivation_is_not_reported if {
	count(app_deactivated_user.deny) == 0 with input as inp([gone], [item("gone", ["2026-11-01T09:00:00.000Z", "2026-11-09T09:00:00.000Z"])], deactivation) with input.control.id as "ATL-DET-019"
}

test_activity_at_the_deactivation_time_is_not_reported if {
	count(app_deactivated_user.deny) == 0 with input as inp([gone], [item("gone", ["2026-11-09T09:00:00.000Z", deactivated_at])], deactivation) with input.control.id as "ATL-DET-019"
}

test_only_activity_after_the_deactivation_counts if {
	times := ["2026-11-01T09:00:00.000Z", deactivated_at, "2026-11-10T12:00:00.001Z", "2026-11-12T08:00:00.000Z", "2026-11-12T09:00:00.000Z"]
	findings := app_deactivated_user.deny with input as inp([gone, here], [item("gone", times), item("here", times)], deactivation) with input.control.id as "ATL-DET-019"
	count(findings) == 1
	some f in findings
	f.resource.id == "gone"
	f.evidence.count == 3
	f.evidence.count_exact == true
	f.evidence.first == "2026-11-10T12:00:00.001Z"
	f.evidence.event_ids == ["gone-e2", "gone-e3", "gone-e4"]
	f.evidence.per_day == {"2026-11-10": 1, "2026-11-12": 2}
	f.evidence.inactive_since == deactivated_at
	f.evidence.inactive_since_source == "audit log"
	startswith(f.message, "3 MCP/app event(s) on behalf of Gary Gone, whose account is deactivated/inactive since 2026-11-10T12:00:00.000Z (audit log)")
}

test_a_change_before_the_window_counts_all_activity_from_the_directory_date if {
	before := object.union(gone, {"deactivatedOn": "2026-09-01T00:00:00.000Z"})
	findings := app_deactivated_user.deny with input as inp([before], [item("gone", ["2026-11-01T09:00:00.000Z", "2026-11-02T09:00:00.000Z"])], []) with input.control.id as "ATL-DET-019"
	count(findings) == 1
	some f in findings
	f.evidence.count == 2
	f.evidence.inactive_since_source == "directory (deactivatedOn)"
}

test_a_reactivated_account_is_not_reported if {
	changes := [change("here", "managed_account_deactivated", "2026-11-05T00:00:00.000Z"), change("here", "managed_account_reactivated", "2026-11-06T00:00:00.000Z")]
	count(app_deactivated_user.deny) == 0 with input as inp([here], [item("here", ["2026-11-07T09:00:00.000Z"])], changes) with input.control.id as "ATL-DET-019"
}

test_deactivated_again_after_a_reactivation_counts_from_the_last_deactivation if {
	changes := [
		{"key": {"target_user": "gone"}, "value": "managed_account_deactivated", "count": 2, "first": "2026-11-01T00:00:00.000Z", "last": "2026-11-08T00:00:00.000Z", "event_ids": ["c1", "c3"]},
		change("gone", "managed_account_reactivated", "2026-11-03T00:00:00.000Z"),
	]
	findings := app_deactivated_user.deny with input as inp([gone], [item("gone", ["2026-11-04T09:00:00.000Z", "2026-11-09T09:00:00.000Z"])], changes) with input.control.id as "ATL-DET-019"
	count(findings) == 1
	some f in findings
	f.evidence.count == 1
	f.evidence.inactive_since == "2026-11-08T00:00:00.000Z"
}

test_a_reactivation_after_the_last_deactivation_with_an_inactive_directory_record_is_uncertain if {
	changes := [change("gone", "managed_account_deactivated", "2026-11-01T00:00:00.000Z"), change("gone", "managed_account_reactivated", "2026-11-03T00:00:00.000Z")]
	findings := app_deactivated_user.deny with input as inp([gone], [item("gone", ["2026-11-04T09:00:00.000Z"])], changes) with input.control.id as "ATL-DET-019"
	count(findings) == 1
	some f in findings
	f.evidence.inactive_since_source == "unknown"
	f.evidence.count_exact == false
}

test_an_unknown_change_time_is_reported_with_that_uncertainty if {
	findings := app_deactivated_user.deny with input as inp([gone], [item("gone", ["2026-11-04T09:00:00.000Z", "2026-11-05T09:00:00.000Z"])], []) with input.control.id as "ATL-DET-019"
	count(findings) == 1
	some f in findings
	f.evidence.count_exact == false
	f.evidence.inactive_since == null
	contains(f.message, "up to 2 MCP/app event(s)")
	contains(f.message, "at an unknown time")
}

test_without_event_times_a_straddling_item_is_an_upper_bound if {
	i := object.remove(item("gone", ["2026-11-01T09:00:00.000Z", "2026-11-12T09:00:00.000Z"]), ["event_times"])
	findings := app_deactivated_user.deny with input as inp([gone], [i], deactivation) with input.control.id as "ATL-DET-019"
	some f in findings
	f.evidence.count == 2
	f.evidence.count_exact == false
}

test_beyond_the_id_cap_later_events_are_counted_after_the_change if {
	# Three events, two kept ids (the cap); the second kept is after the change, so the third is too.
	i := object.union(item("gone", ["2026-11-01T09:00:00.000Z", "2026-11-11T09:00:00.000Z", "2026-11-12T09:00:00.000Z"]), {"event_ids": ["gone-e0", "gone-e1"], "event_times": ["2026-11-01T09:00:00.000Z", "2026-11-11T09:00:00.000Z"]})
	findings := app_deactivated_user.deny with input as inp([gone], [i], deactivation) with input.control.id as "ATL-DET-019"
	some f in findings
	f.evidence.count == 2
	f.evidence.count_exact == true
}

test_not_evaluable_without_app_actions if {
	count(app_deactivated_user.not_evaluable) == 1 with input as {"users": [], "events": {"available": true}, "facts": {"action_sets": {}}} with input.control.id as "ATL-DET-019"
}
