package orgscan.detect.risky_country_test

import data.orgscan.detect.risky_country
import rego.v1

aliases := {"iran": "IR", "iran, islamic republic of": "IR", "germany": "DE", "north korea": "KP"}

item(country, n) := {"key": {"actor": "u1", "actor_name": "Ann"}, "value": country, "count": n, "first": "2026-11-01T10:00:00.000Z", "last": "2026-11-01T11:00:00.000Z", "event_ids": ["e1"]}

inp(items) := {
	"config": {"controls": {"ATL-DET-001": {"countries": ["IR", "North Korea"]}}},
	"events": {"available": true},
	"facts": {"geo": {"aliases": aliases}, "declared": {"ATL-DET-001": {"countries_per_actor": {"items": items}}}},
}

test_fires_for_iran_in_iso_spelling if {
	findings := risky_country.deny with input as inp([item("Iran, Islamic Republic of", 3), item("Germany", 50)]) with input.control.id as "ATL-DET-001"
	count(findings) == 1
	some f in findings
	f.evidence.country_code == "IR"
	f.evidence.count == 3
	f.resource.id == "u1"
}

test_near_miss_other_countries_pass if {
	count(risky_country.deny) == 0 with input as inp([item("Germany", 50)]) with input.control.id as "ATL-DET-001"
}

test_not_evaluable_without_events if {
	count(risky_country.not_evaluable) == 1 with input as {"events": {"available": false, "unavailable_reason": "403"}} with input.control.id as "ATL-DET-001"
}

test_the_non_risky_neighbour_country_is_not_reported if {
	# Iraq borders Iran but is not in the list: only the Iranian events are a finding.
	findings := risky_country.deny with input as inp([item("Iraq", 7), item("Iran", 1)]) with input.control.id as "ATL-DET-001"
	count(findings) == 1
	some f in findings
	f.evidence.country == "Iran"
	f.evidence.count == 1
}
