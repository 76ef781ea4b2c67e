# METADATA
# title: No sign-ins from outside the IP allowlist
# description: >-
#   When the org restricts access to its IP allowlist, a sign-in from another address means
#   the allowlist does not cover every product or path, or an account is used from elsewhere
#   (no direct anchor: no public ruleset checks sign-ins against the org's own allowlist). One finding per account, with the addresses,
#   count, first and last time and event ids. The allowlist is the CIDRs of the org's
#   enabled ip-allowlist policies in the snapshot; trusted_ips (CIDRs, addresses or @file)
#   exempts known egress addresses (VPN, CI runners) that are not on it.
# related_resources:
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/specify-ip-addresses-for-product-access/
# custom:
#   id: ATL-DET-008
#   severity: high
#   category: Threat detection
#   points: 1
#   kind: detection
#   user_impact: moderate
#   implementation_cost: moderate
#   remediation:
#     - Check whether the listed address belongs to your organization (a new office, VPN egress or cloud runner) and add it to the allowlist if so.
#     - Otherwise treat the sign-in as suspicious - reset the account's password and sessions.
#     - Make sure the IP allowlist applies to every product and to the admin hub.
#   data:
#     api: [org_policies]
#   config:
#     actions: [user_login]
#     trusted_ips: []
#     facts:
#       outside:
#         kind: values
#         actions: $actions
#         by: [actor]
#         value: ip
#         where:
#           ip_not_in: ["@ip_allowlist", $trusted_ips]
#         per_key: true
#         # The finding shows 20 addresses; `addresses` counts them all.
#         max_listed: 20
#         limit: 100000
#   frameworks:
#     cis-controls-v8: ["13.1"]
#     iso27001-2022: ["8.16", "8.20"]
#     soc2: ["CC7.2"]
#     nist-800-53-r5: ["SI-4", "AC-17"]
#     nist-csf-2: ["DE.CM-03"]
#   version: 2
package orgscan.detect.login_outside_allowlist

import data.orgscan.lib.detect
import rego.v1

id := detect.control_id

# The org-policy and the Control API list the same policy: one entry per policy id, and each
# CIDR once.
allowlist := sort({c | some c in object.get(input, ["facts", "ip_allowlist", "cidrs"], [])})

allowlist_policies := [{"id": pid, "name": name_of(pid), "cidrs": sort({c | some q in policies; q.id == pid; some c in object.get(q, "cidrs", [])})} |
	some pid in sort({q.id | some q in policies})
]

name_of(pid) := [object.get(q, "name", null) | some q in policies; q.id == pid][0]

policies := [p | some p in object.get(input, ["facts", "ip_allowlist", "policies"], []); object.get(p, "enabled", false) == true]

deny contains {
	"resource": detect.key_resource(item.key, "actor"),
	"message": sprintf("%s signed in %d time(s) from %d address(es) outside the IP allowlist (%s), %s to %s", [detect.who(item.key.actor, object.get(item.key, "actor_name", "")), item.count, item.distinct, concat(", ", detect.first_n(ips, 5)), item.first, item.last]),
	"evidence": {
		"source": "events",
		"fact": "outside",
		"ips": detect.first_n(ips, 20),
		"addresses": item.distinct,
		"count": item.count,
		"first": item.first,
		"last": item.last,
		"event_ids": item.event_ids,
		"allowlist": allowlist,
		"allowlist_policies": allowlist_policies,
		"to_pass": "sign-ins only from addresses inside an enabled ip-allowlist policy",
	},
} if {
	count(allowlist) > 0
	some item in detect.items(id, "outside", "items")
	ips := [v.value | some v in item.values]
}

not_applicable contains "the org has no enabled IP allowlist policy" if count(allowlist) == 0

not_evaluable contains reason if some reason in detect.events_unavailable
