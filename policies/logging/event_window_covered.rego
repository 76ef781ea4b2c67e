# METADATA
# title: The collected events cover the whole requested window
# description: >-
#   Days without a single audit event in an org that normally logs many events a day mean the
#   history is incomplete: collection failed for those days, the API dropped pages, or the
#   requested window reaches past what the log retains (180 days with Guard). Detections then
#   miss what happened on those days. A day counts as a gap when the org averages at least
#   min_avg_daily_events events a day (weekend days need weekend_factor times that), so quiet
#   small orgs are not flagged for empty Sundays. Each run of gap days is one finding.
# related_resources:
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/track-organization-activities-from-the-audit-log/
# custom:
#   id: ATL-LOG-002
#   severity: medium
#   category: Logging and monitoring
#   points: 3
#   kind: posture
#   user_impact: low
#   implementation_cost: low
#   remediation:
#     - Collect the missing days again (orgscan collect with a window covering them); if they stay empty, check in Insights > Audit log whether Atlassian shows events for those days.
#     - Keep the requested window within the audit log retention (180 days), and stream the audit log to a SIEM so gaps can be filled from there.
#   data:
#     api: [events]
#   config:
#     min_avg_daily_events: 20
#     weekend_factor: 10
#   frameworks:
#     cis-controls-v8: ["8.2", "8.10"]
#     iso27001-2022: ["8.15"]
#     soc2: ["CC7.2"]
#     nist-800-53-r5: ["AU-11"]
#     nist-csf-2: ["PR.PS-04"]
#   version: 1
package orgscan.logging.event_window_covered

import data.orgscan.lib.util
import rego.v1

id := util.control_id

ev := object.get(input, "events", {})

per_day := util.val(ev, "per_day", {})

gaps := sort([d | some d in util.arr(ev, "gap_days"); is_string(d)])

avg := util.val(ev, "total", 0) / count(per_day) if {
	count(per_day) > 0
} else := 0

min_avg := util.param(id, "min_avg_daily_events", 20)

weekend_factor := util.param(id, "weekend_factor", 10)

day_ns(d) := time.parse_rfc3339_ns(concat("", [d, "T00:00:00Z"]))

weekend(d) if time.weekday(day_ns(d)) in {"Saturday", "Sunday"}

significant(d) if {
	not weekend(d)
	avg >= min_avg
}

significant(d) if {
	weekend(d)
	avg >= min_avg * weekend_factor
}

flagged := {d | some d in gaps; significant(d)}

previous(d) := substring(time.format(day_ns(d) - util.ns_per_day), 0, 10)

next_day(d) := substring(time.format(day_ns(d) + util.ns_per_day), 0, 10)

# Runs of consecutive flagged days: [start, end].
run_starts := sort([d | some d in flagged; not previous(d) in flagged])

run_end(start) := max([d | some d in flagged; d >= start; every x in days_between(start, d) { x in flagged }])

days_between(a, b) := [substring(time.format(day_ns(a) + i * util.ns_per_day), 0, 10) | some i in numbers.range(0, floor((day_ns(b) - day_ns(a)) / util.ns_per_day))]

deny contains {
	"resource": {"type": "event_window", "id": sprintf("%s..%s", [s, e]), "name": label(s, e)},
	"message": sprintf("No audit event was collected on %s although the org averages %s events a day", [label(s, e), util.fixed0(avg)]),
	"evidence": {
		"source": "events",
		"field": "events.gap_days",
		"observed": days_between(s, e),
		"expected": "at least one event every day of the window",
		"average_events_per_day": avg,
		"window": util.val(ev, "window", null),
		"first_event": util.val(ev, "first_time", null),
		"to_pass": "collect those days again, or confirm in Insights > Audit log that they are truly empty",
	},
} if {
	some s in run_starts
	e := run_end(s)
}

label(s, e) := s if {
	s == e
} else := sprintf("%s to %s", [s, e])

not_evaluable contains "the snapshot records no event window, so coverage cannot be checked" if util.val(ev, "window", null) == null

not_applicable contains sprintf("the org logs too few events (%s a day on average, threshold %s) for an empty day to mean a gap", [util.fixed1(avg), util.fixed1(min_avg)]) if {
	count(gaps) > 0
	count(flagged) == 0
	avg < min_avg
}
