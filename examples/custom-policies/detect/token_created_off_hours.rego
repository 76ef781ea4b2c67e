# METADATA
# title: API token created outside office hours
# description: >-
#   Someone who takes over an account often creates an API token first, so they keep access
#   after the password is reset. Most teams create tokens during the working day; a token
#   created at night or at the weekend is worth a look.
# related_resources:
#   - ref: https://support.atlassian.com/atlassian-account/docs/manage-api-tokens-for-your-atlassian-account/
# custom:
#   id: ACME-DET-001
#   severity: medium
#   category: Threat detection
#   points: 1
#   kind: detection
#   user_impact: low
#   implementation_cost: low
#   remediation:
#     - Ask the account's owner whether they created the token.
#     - If they did not, revoke it (admin.atlassian.com > Directory > Users > the user > API tokens), reset the password and review the account's recent audit events.
#   data:
#     events: [ts_api_token_creation]
#   config:
#     start_hour: 7
#     end_hour: 19
#   version: 1
package acme.detect.token_created_off_hours

import data.orgscan.lib.util
import rego.v1

cfg := util.settings

off_hours(e) if {
	[hour, _, _] := time.clock([e.time_ns, "UTC"])
	not hour_in_office(hour)
}

off_hours(e) if time.weekday([e.time_ns, "UTC"]) in {"Saturday", "Sunday"}

hour_in_office(hour) if {
	hour >= cfg.start_hour
	hour < cfg.end_hour
}

deny contains {
	"resource": {"type": "user", "id": e.actor.id, "name": object.get(e.actor, "name", e.actor.id)},
	"message": sprintf("%s created an API token at %s, outside %d:00-%d:00 UTC on weekdays", [object.get(e.actor, "name", e.actor.id), e.time, cfg.start_hour, cfg.end_hour]),
	"evidence": {
		"source": "events",
		"action": e.action,
		"event_ids": [e.id],
		"time": e.time,
		"ip": object.get(e, "ip", null),
		"country": object.get(e, "country", null),
		"to_pass": "confirm with the owner; revoke the token if they did not create it",
	},
} if {
	some e in object.get(input.events_by_action, "ts_api_token_creation", [])
	off_hours(e)
}
