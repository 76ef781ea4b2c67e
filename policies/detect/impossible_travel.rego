# METADATA
# title: No impossible travel between sign-ins
# description: >-
#   Two sign-ins by one person from places too far apart for the time between them mean that
#   two parties hold the account, or a proxy hides the real location (Defender for Cloud Apps
#   "Impossible travel"). Places come from the event's country and city, resolved with
#   orgscan's bundled offline table (~200 countries, ~120 major cities): a listed city is
#   placed within ~30 km, else the country's capital with the country's radius as error; the
#   speed uses the distance minus both errors, so it is a lower bound.
# related_resources:
#   - ref: https://learn.microsoft.com/en-us/defender-cloud-apps/anomaly-detection-policy
# custom:
#   id: ATL-DET-013
#   severity: high
#   category: Threat detection
#   points: 1
#   kind: detection
#   user_impact: low
#   implementation_cost: low
#   remediation:
#     - Ask the person whether both sign-ins were theirs (a VPN or a corporate proxy can explain one location).
#     - If not, reset their password, revoke sessions and API tokens, and review the events after the second sign-in.
#   config:
#     actions: [user_login, user_logged_in_as_user]
#     max_kmh: 1000
#     min_km: 500
#     facts:
#       travel:
#         kind: travel
#         actions: $actions
#         by: [actor]
#         min_kmh: $max_kmh
#         min_km: $min_km
#   frameworks:
#     cis-controls-v8: ["13.1"]
#     iso27001-2022: ["8.16"]
#     soc2: ["CC7.2"]
#     nist-800-53-r5: ["SI-4"]
#     nist-csf-2: ["DE.AE-02"]
#   version: 1
package orgscan.detect.impossible_travel

import data.orgscan.lib.detect
import rego.v1

id := detect.control_id

cfg := detect.params(id)

place(p) := sprintf("%s, %s", [p.city, p.country]) if {
	is_string(p.city)
} else := p.country

deny contains {
	"resource": detect.key_resource(t.key, "actor"),
	"message": sprintf("%s signed in from %s at %s and from %s at %s: at least %v km in %v h", [detect.who(t.key.actor, object.get(t.key, "actor_name", "")), place(t.from), t.from.time, place(t.to), t.to.time, t.min_distance_km, t.hours]),
	"evidence": {
		"source": "events",
		"fact": "travel",
		"from": t.from,
		"to": t.to,
		"distance_km": t.distance_km,
		"min_distance_km": t.min_distance_km,
		"hours": t.hours,
		"speed_kmh": t.speed_kmh,
		"event_ids": [t.from.event_id, t.to.event_id],
		"to_pass": "consecutive sign-ins reachable at max_kmh",
	},
} if {
	some t in detect.items(id, "travel", "transitions")
	detect.travel_impossible(t, cfg.min_km, cfg.max_kmh)
}

not_evaluable contains reason if some reason in detect.events_unavailable
