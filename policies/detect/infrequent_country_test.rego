package orgscan.detect.infrequent_country_test

import data.orgscan.detect.infrequent_country
import rego.v1

day := 86400000000000

item(country, n, before, first_day) := {
	"key": {"actor": "a1"}, "value": country, "count": n, "first": "2026-11-20T10:00:00.000Z", "last": "2026-11-20T10:00:00.000Z",
	"first_ns": first_day * day, "key_count": 200, "key_first": "2026-11-01T00:00:00.000Z", "key_first_ns": 0,
	"key_events_before": before, "event_ids": ["e1"],
}

inp(items) := {
	"config": {"controls": {"ATL-DET-012": {"min_prior_events": 20, "baseline_days": 7, "max_share": 0.05}}},
	"events": {"available": true},
	"facts": {"declared": {"ATL-DET-012": {"countries": {"items": items}}}},
}

test_new_country_after_a_baseline_fires if {
	findings := infrequent_country.deny with input as inp([item("Germany", 190, 0, 0), item("Brazil", 2, 150, 19)]) with input.control.id as "ATL-DET-012"
	count(findings) == 1
	some f in findings
	f.evidence.country == "Brazil"
}

test_near_miss_too_little_history if {
	# Only 6 days of history before the new country appeared.
	count(infrequent_country.deny) == 0 with input as inp([item("Brazil", 2, 150, 6)]) with input.control.id as "ATL-DET-012"
}

test_near_miss_country_used_often if {
	count(infrequent_country.deny) == 0 with input as inp([item("Brazil", 11, 150, 19)]) with input.control.id as "ATL-DET-012"
}

test_not_evaluable_without_events if {
	count(infrequent_country.not_evaluable) == 1 with input as {"events": {"available": false}} with input.control.id as "ATL-DET-012"
}

test_one_event_short_of_the_history_floor_is_no_finding if {
	count(infrequent_country.deny) == 0 with input as inp([item("Brazil", 2, 19, 19)]) with input.control.id as "ATL-DET-012"
}

test_exactly_at_the_history_floor_fires if {
	# min_prior_events and baseline_days are inclusive: 20 earlier events, 7 days.
	findings := infrequent_country.deny with input as inp([item("Brazil", 2, 20, 7)]) with input.control.id as "ATL-DET-012"
	count(findings) == 1
	some f in findings
	f.evidence.events_before == 20
}

test_exactly_at_the_share_fires_and_one_above_does_not if {
	# 10 of 200 events is 5 %: still infrequent; 11 is not.
	count(infrequent_country.deny) == 1 with input as inp([item("Brazil", 10, 150, 19)]) with input.control.id as "ATL-DET-012"
	count(infrequent_country.deny) == 0 with input as inp([item("Brazil", 11, 150, 19)]) with input.control.id as "ATL-DET-012"
}
