package orgscan.lib.util_time_test

import data.orgscan.lib.util
import rego.v1

now := {"now_ns": time.parse_rfc3339_ns("2026-11-20T12:00:00Z")}

test_ts_ns_parses_rfc3339 if {
	util.ts_ns("1970-01-01T00:00:01Z") == 1000000000
	util.ts_ns("2026-11-20T12:00:00.000Z") == time.parse_rfc3339_ns("2026-11-20T12:00:00Z")
}

test_whole_days_since_and_until_the_evaluation_time if {
	util.days_since("2026-11-10T12:00:00Z") == 10 with input as now
	util.days_since("2026-11-10T12:00:01Z") == 9 with input as now
	util.days_until("2026-11-25T12:00:00Z") == 5 with input as now
	util.days_since("2026-11-25T12:00:00Z") == -5 with input as now
}

test_days_between if {
	util.days_between("2026-11-01T00:00:00Z", "2026-11-03T23:59:59Z") == 2
	util.days_between("2026-11-03T00:00:00Z", "2026-11-01T00:00:00Z") == -2
	util.ns_per_day == 24 * util.ns_per_hour
}
