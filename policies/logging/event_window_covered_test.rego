package orgscan.logging.event_window_covered_test

import data.orgscan.logging.event_window_covered as p
import rego.v1

cfg := {"controls": {"ATL-LOG-002": {"min_avg_daily_events": 20, "weekend_factor": 10}}, "org": {}}

days := ["2026-11-02", "2026-11-03", "2026-11-05", "2026-11-06", "2026-11-07"]

inp(total, gaps) := {"config": cfg, "events": {"available": true, "total": total, "per_day": {d: 1 | some d in days}, "gap_days": gaps, "window": {"from": "2026-11-02T00:00:00.000Z", "to": "2026-11-07T12:00:00.000Z"}}}

test_full_coverage_passes if {
	count(p.deny) == 0 with input as inp(500, []) with input.control.id as "ATL-LOG-002"
}

test_weekday_gap_in_a_busy_org_fails if {
	# 2026-11-04 is a Wednesday.
	findings := p.deny with input as inp(500, ["2026-11-04"]) with input.control.id as "ATL-LOG-002"
	count(findings) == 1
	some f in findings
	f.resource.id == "2026-11-04..2026-11-04"
}

test_consecutive_gap_days_are_one_finding if {
	findings := p.deny with input as inp(500, ["2026-11-09", "2026-11-10", "2026-11-11", "2026-11-13"]) with input.control.id as "ATL-LOG-002"
	count(findings) == 2
	some f in findings
	f.resource.id == "2026-11-09..2026-11-11"
	f.evidence.observed == ["2026-11-09", "2026-11-10", "2026-11-11"]
}

test_quiet_org_is_not_flagged if {
	# 60 events over 5 days = 12 a day, under the threshold of 20.
	i := inp(60, ["2026-11-04"])
	count(p.deny) == 0 with input as i with input.control.id as "ATL-LOG-002"
	count(p.not_applicable) == 1 with input as i with input.control.id as "ATL-LOG-002"
}

test_threshold_near_miss if {
	count(p.deny) == 1 with input as inp(100, ["2026-11-04"]) with input.control.id as "ATL-LOG-002"
	count(p.deny) == 0 with input as inp(99, ["2026-11-04"]) with input.control.id as "ATL-LOG-002"
}

test_empty_sunday_needs_a_much_busier_org if {
	# 2026-11-08 is a Sunday.
	count(p.deny) == 0 with input as inp(500, ["2026-11-08"]) with input.control.id as "ATL-LOG-002"
	count(p.deny) == 1 with input as inp(1000, ["2026-11-08"]) with input.control.id as "ATL-LOG-002"
}

test_not_evaluable_without_window if {
	count(p.not_evaluable) == 1 with input as {"config": cfg, "events": {"available": true, "total": 5, "per_day": {}, "gap_days": []}} with input.control.id as "ATL-LOG-002"
}
