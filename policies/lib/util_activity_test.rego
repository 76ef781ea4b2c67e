package orgscan.lib.util_activity_test

import data.orgscan.lib.util
import rego.v1

now := {"now_ns": time.parse_rfc3339_ns("2026-11-20T00:00:00Z")}

active_user := {"accountId": "a", "lastActive": "2026-11-01T00:00:00Z", "productAccess": [{"key": "jira", "lastActiveTimestamp": "2026-11-10T00:00:00Z"}]}

never := {"accountId": "b", "addedToOrg": "2026-10-01T00:00:00Z"}

test_last_activity_is_the_latest_of_account_and_products if {
	util.last_activity(active_user) == "2026-11-10T00:00:00Z"
	util.last_activity(never) == null
}

test_idle_counts_from_activity_else_from_joining if {
	util.idle(active_user) == {"days": 10, "basis": "last activity", "since": "2026-11-10T00:00:00Z"} with input as now
	util.idle(never) == {"days": 50, "basis": "added to the org, never active", "since": "2026-10-01T00:00:00Z"} with input as now
	util.idle({"accountId": "c"}) == {"days": null, "basis": "unknown", "since": null} with input as now
}

test_idle_records_agree_with_idle_and_leave_out_the_unknown if {
	records := util.idle_records([active_user, never, {"accountId": "c"}]) with input as now
	[[r.user.accountId, r.days, r.basis] | some r in records] == [["a", 10, "last activity"], ["b", 50, "added to the org, never active"]]
}

test_activity_known if {
	util.activity_known([active_user])
	util.activity_known([{"productAccess": [{"lastActiveTimestamp": "2026-11-10T00:00:00Z"}]}])
	not util.activity_known([never])
}
