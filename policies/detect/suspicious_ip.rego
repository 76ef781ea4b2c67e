# METADATA
# title: No activity from anonymous or suspicious IP addresses
# description: >-
#   Activity from Tor exit nodes, anonymizing VPNs, hosting ranges or known-bad addresses
#   hides who is acting and is typical of account takeover (Defender for Cloud Apps "Activity
#   from anonymous IP addresses" / "Activity from suspicious IP addresses", both retired in 2025). The lists are offline:
#   CIDRs or addresses in `suspicious_ips`, and files named `@/path/list.txt` (one address or
#   CIDR per line, `#` comments), e.g. an exported Tor exit list or a threat-intel feed.
#   One finding per person and address.
# related_resources:
#   - ref: https://learn.microsoft.com/en-us/defender-cloud-apps/anomaly-detection-policy
# custom:
#   id: ATL-DET-011
#   severity: high
#   category: Threat detection
#   points: 1
#   kind: detection
#   user_impact: low
#   implementation_cost: moderate
#   remediation:
#     - Review what the listed person did from the address; if it was not them, suspend the account and revoke sessions and tokens.
#     - Block anonymizing networks with an IP allowlist or at your identity provider.
#   config:
#     # CIDRs, addresses, or @files of them. Empty: the control is not evaluable.
#     suspicious_ips: []
#     facts:
#       listed:
#         kind: values
#         ids: 1000
#         actions: ["*"]
#         by: [actor]
#         value: ip
#         where:
#           ip_in: $suspicious_ips
#   frameworks:
#     cis-controls-v8: ["13.1"]
#     iso27001-2022: ["5.7", "8.16"]
#     soc2: ["CC7.2"]
#     nist-800-53-r5: ["SI-4"]
#     nist-csf-2: ["DE.CM-03", "DE.AE-02"]
#   version: 1
package orgscan.detect.suspicious_ip

import data.orgscan.lib.detect
import rego.v1

id := detect.control_id

lists := object.get(detect.params(id), "suspicious_ips", [])

deny contains {
	"resource": detect.key_resource(item.key, "actor"),
	"message": sprintf("%d event(s) by %s from listed address %s, %s to %s", [item.count, detect.who(item.key.actor, object.get(item.key, "actor_name", "")), item.value, item.first, item.last]),
	"evidence": {
		"source": "events",
		"fact": "listed",
		"ip": item.value,
		"count": item.count,
		"first": item.first,
		"last": item.last,
		"event_ids": item.event_ids,
		"to_pass": "no activity from an address in the configured lists",
	},
} if {
	some item in detect.items(id, "listed", "items")
}

not_evaluable contains "no anonymous or suspicious IP list is configured: set [controls.ATL-DET-011] suspicious_ips to CIDRs or @file paths in orgscan.toml" if count(lists) == 0

not_evaluable contains reason if some reason in detect.events_unavailable
