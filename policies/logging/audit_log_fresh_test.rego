package orgscan.logging.audit_log_fresh_test

import data.orgscan.logging.audit_log_fresh as p
import rego.v1

now_ns := 1795176000000000000

hour := 3600000000000

win := {"from": "2026-10-21T12:00:00.000Z", "to": "2026-11-20T12:00:00.000Z", "from_ns": now_ns - (30 * 24) * hour, "to_ns": now_ns}

inp(total, last_ns) := {"now": "2026-11-20T12:00:00.000Z", "now_ns": now_ns, "config": {"controls": {"ATL-LOG-001": {"max_silence_hours": 24}}, "org": {}}, "events": {"available": true, "total": total, "last_time": "x", "last_time_ns": last_ns, "window": win}}

test_recent_events_pass if {
	count(p.deny) == 0 with input as inp(2500, now_ns - 2 * hour) with input.control.id as "ATL-LOG-001"
}

test_silence_near_miss if {
	count(p.deny) == 0 with input as inp(2500, now_ns - 24 * hour) with input.control.id as "ATL-LOG-001"
	count(p.deny) == 1 with input as inp(2500, (now_ns - 24 * hour) - 1000000) with input.control.id as "ATL-LOG-001"
}

test_stale_feed_fails if {
	findings := p.deny with input as inp(2500, now_ns - 72 * hour) with input.control.id as "ATL-LOG-001"
	some f in findings
	f.evidence.silence_hours == 72
}

test_empty_log_fails if {
	count(p.deny) == 1 with input as inp(0, null) with input.control.id as "ATL-LOG-001"
}

test_without_window_uses_now if {
	i := json.patch(inp(10, now_ns - 30 * hour), [{"op": "remove", "path": "/events/window"}])
	count(p.deny) == 1 with input as i with input.control.id as "ATL-LOG-001"
}
