# METADATA
# title: The audit log is reachable and current
# description: >-
#   Every detection and several posture checks rely on the organization audit log. If the
#   collected events stop more than max_silence_hours hours (24 by default) before the end of
#   the collection window, the feed is broken: the Guard subscription lapsed, the API key lost
#   read:events:admin, or collection stalled. When events could not be collected at all, the
#   control is not evaluable and says why.
# related_resources:
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/track-organization-activities-from-the-audit-log/
#   - ref: https://support.atlassian.com/organization-administration/docs/manage-an-organization-with-the-admin-apis/
# custom:
#   id: ATL-LOG-001
#   severity: high
#   category: Logging and monitoring
#   points: 5
#   kind: posture
#   user_impact: low
#   implementation_cost: low
#   remediation:
#     - In admin.atlassian.com open Insights > Audit log (Security > Audit log) and check that recent activity appears; an Atlassian Guard subscription is required.
#     - Check that the API key used for collection has the read:events:admin scope and has not expired (Settings > API keys), then collect again.
#   data:
#     api: [events]
#   config:
#     max_silence_hours: 24
#   frameworks:
#     cis-controls-v8: ["8.2"]
#     iso27001-2022: ["8.15"]
#     soc2: ["CC7.2"]
#     nist-800-53-r5: ["AU-12"]
#     nist-csf-2: ["PR.PS-04"]
#   version: 1
package orgscan.logging.audit_log_fresh

import data.orgscan.lib.util
import rego.v1

max_hours := util.setting("max_silence_hours", 24)

ev := object.get(input, "events", {})

window := w if {
	w := util.val(ev, "window", null)
	is_object(w)
} else := null

# The end of what was asked for: the window's end, or the evaluation time.
end_ns := window.to_ns if {
	window != null
} else := input.now_ns

end_text := window.to if {
	window != null
} else := object.get(input, "now", "now")

silence_hours := floor((end_ns - ev.last_time_ns) / util.ns_per_hour) if is_number(util.val(ev, "last_time_ns", null))

org_resource := {"type": "audit_log", "id": object.get(object.get(input, "org", {}), "id", "org"), "name": "Organization audit log"}

deny contains {
	"resource": org_resource,
	"message": sprintf("The audit log holds no event at all for the collected window (up to %s)", [end_text]),
	"evidence": {"source": "events", "field": "events.total", "observed": 0, "expected": "> 0", "window": window, "to_pass": "make sure the org has Atlassian Guard and the key can read events, then collect again"},
} if {
	util.val(ev, "total", 0) == 0
}

deny contains {
	"resource": org_resource,
	"message": sprintf("The newest audit event is from %s, %d hours before the end of the window (%s); the limit is %d hours", [ev.last_time, silence_hours, end_text, max_hours]),
	"evidence": {"source": "events", "field": "events.last_time", "observed": ev.last_time, "expected": sprintf("within %d hours of %s", [max_hours, end_text]), "silence_hours": silence_hours, "to_pass": "restore the audit-log feed and collect again"},
} if {
	util.val(ev, "total", 0) > 0
	is_number(util.val(ev, "last_time_ns", null))
	end_ns - ev.last_time_ns > max_hours * util.ns_per_hour
}
