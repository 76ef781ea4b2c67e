package acme.detect.token_created_off_hours_test

import data.acme.detect.token_created_off_hours as detection
import rego.v1

cfg := {"controls": {"ACME-DET-001": {"start_hour": 7, "end_hour": 19}}, "org": {}}

created(id, ts) := {
	"id": id,
	"time": ts,
	"time_ns": time.parse_rfc3339_ns(ts),
	"action": "ts_api_token_creation",
	"actor": {"id": "u1", "name": "Uma User"},
	"ip": "203.0.113.7",
	"country": "Germany",
}

events(list) := {"config": cfg, "events_by_action": {"ts_api_token_creation": list}}

test_a_token_created_on_a_weekday_afternoon_is_fine if {
	# 2026-11-18 is a Wednesday.
	count(detection.deny) == 0 with input as events([created("e1", "2026-11-18T14:00:00.000Z")]) with input.control.id as "ACME-DET-001"
}

test_a_token_created_at_night_is_reported if {
	findings := detection.deny with input as events([created("e2", "2026-11-18T02:30:00.000Z")]) with input.control.id as "ACME-DET-001"
	count(findings) == 1
	some f in findings
	f.resource.id == "u1"
	f.evidence.event_ids == ["e2"]
	f.message == "Uma User created an API token at 2026-11-18T02:30:00.000Z, outside 7:00-19:00 UTC on weekdays"
}

test_a_token_created_at_the_weekend_is_reported if {
	# 2026-11-21 is a Saturday.
	count(detection.deny) == 1 with input as events([created("e3", "2026-11-21T11:00:00.000Z")]) with input.control.id as "ACME-DET-001"
}

test_no_events_no_findings if {
	count(detection.deny) == 0 with input as {"config": cfg, "events_by_action": {}} with input.control.id as "ACME-DET-001"
}
