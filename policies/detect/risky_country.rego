# METADATA
# title: No activity from high-risk countries
# description: >-
#   Sign-ins and admin actions from countries where the organization does not operate, and
#   that are common sources of state-sponsored or fraud activity, often mean a stolen session
#   or credential. One finding per person and country, with how many events, the first and
#   last time and the event ids (Sumo Logic "Events from Risky Locations").
# related_resources:
#   - ref: https://support.atlassian.com/organization-administration/docs/view-your-organizations-audit-log/
# custom:
#   id: ATL-DET-001
#   severity: high
#   category: Threat detection
#   points: 1
#   kind: detection
#   user_impact: low
#   implementation_cost: low
#   remediation:
#     - In admin.atlassian.com > Security > Audit log, filter by the listed person and location and review what was done.
#     - If the person did not travel there, suspend the account, reset its password and revoke its sessions and API tokens.
#     - Consider an IP allowlist or an authentication policy that restricts sign-in locations.
#   config:
#     # ISO 3166 codes or names, in any spelling the bundled table knows.
#     countries: [AF, CN, CU, KP, IR, LY, NG, SD, SY, YE]
#     facts:
#       countries_per_actor:
#         kind: values
#         ids: 1000
#         actions: ["*"]
#         by: [actor]
#         value: country
#         where:
#           country_code: $countries
#         limit: 100000
#   frameworks:
#     cis-controls-v8: ["13.1"]
#     iso27001-2022: ["8.16"]
#     soc2: ["CC7.2"]
#     nist-800-53-r5: ["SI-4"]
#     nist-csf-2: ["DE.CM-03"]
#   version: 1
package orgscan.detect.risky_country

import data.orgscan.lib.detect
import rego.v1

id := detect.control_id

cfg := detect.params(id)

deny contains {
	"resource": detect.key_resource(item.key, "actor"),
	"message": sprintf("%d event(s) by %s from %s (%s), %s to %s", [item.count, detect.who(item.key.actor, object.get(item.key, "actor_name", "")), item.value, detect.country_code(item.value), item.first, item.last]),
	"evidence": {
		"source": "events",
		"fact": "countries_per_actor",
		"country": item.value,
		"country_code": detect.country_code(item.value),
		"count": item.count,
		"first": item.first,
		"last": item.last,
		"event_ids": item.event_ids,
		"expected": "no activity from a country in the configured list",
		"to_pass": "confirm the activity was legitimate and waive it, or remove the country from `countries`",
	},
} if {
	some item in detect.items(id, "countries_per_actor", "items")
	detect.country_in(item.value, cfg.countries)
}

not_evaluable contains reason if some reason in detect.events_unavailable
