# METADATA
# title: An IP allowlist is enabled and applied
# description: >-
#   An IP allowlist limits Jira, Confluence and Jira Service Management (UI and APIs) to your
#   offices, VPN and trusted egress addresses, so a stolen password or API token is useless from
#   anywhere else. There should be an enabled allowlist whose resources are all applied
#   (applicationStatus applied, not failed, still applying or scheduled). Whether mobile apps
#   may bypass it (rule.allowMobileBypass) is reported in the evidence.
# related_resources:
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/specify-ip-addresses-for-product-access/
# custom:
#   id: ATL-DAT-007
#   severity: medium
#   category: Data protection
#   points: 4
#   kind: posture
#   user_impact: moderate
#   implementation_cost: moderate
#   remediation:
#     - In admin.atlassian.com go to Security > IP allowlisting and select Create allowlist (Premium or Enterprise plans).
#     - Add your office, VPN and CI egress ranges (CIDR), select the apps it applies to, and enable it.
#     - For a resource stuck in failed or applying, open the allowlist, re-save it and check the status becomes Applied.
#   data:
#     api: [org_policies]
#   frameworks:
#     cis-controls-v8: ["13.5"]
#     iso27001-2022: ["8.20"]
#     soc2: ["CC6.6"]
#     nist-800-53-r5: ["AC-17", "SC-7"]
#     nist-csf-2: ["PR.IR-01"]
#   version: 1
package orgscan.data.ip_allowlist

import data.orgscan.lib.util
import rego.v1

lists := util.policies_of_type("ip-allowlist")

enabled := [p | some p in lists; util.lower_of(util.val(p, "attributes", {}), "status") in {"enabled", "active"}]

rule(p) := util.val(util.val(p, "attributes", {}), "rule", {})

summary(p) := {
	"id": p.id,
	"name": util.policy_name(p),
	"status": util.val(util.val(p, "attributes", {}), "status", null),
	"ranges": count(util.arr(rule(p), "in")),
	"allow_mobile_bypass": util.val(rule(p), "allowMobileBypass", null),
	"resources": [{"id": r.id, "applicationStatus": util.val(r, "applicationStatus", null)} | some r in util.arr(util.val(p, "attributes", {}), "resources")],
}

org_resource := {"type": "org", "id": object.get(object.get(input, "org", {}), "id", "org"), "name": "IP allowlisting"}

deny contains {
	"resource": org_resource,
	"message": "No IP allowlist is configured: Jira and Confluence accept logins and API calls from any address",
	"evidence": {"source": "api", "collection": "org_policies", "field": "attributes.type", "observed": [], "expected": "an enabled ip-allowlist policy", "to_pass": "create and enable an IP allowlist"},
} if {
	count(lists) == 0
}

deny contains {
	"resource": org_resource,
	"message": sprintf("IP allowlists exist (%s) but none is enabled", [concat(", ", sort([util.policy_name(p) | some p in lists]))]),
	"evidence": {"source": "api", "collection": "org_policies", "field": "attributes.status", "observed": [summary(p) | some p in lists], "expected": "enabled", "to_pass": "enable the IP allowlist"},
} if {
	count(lists) > 0
	count(enabled) == 0
}

deny contains {
	"resource": {"type": "policy", "id": p.id, "name": util.policy_name(p)},
	"message": sprintf("IP allowlist %q is enabled but applies to no app", [util.policy_name(p)]),
	"evidence": {"source": "api", "collection": "org_policies", "field": "attributes.resources", "observed": summary(p), "expected": "at least one resource", "to_pass": "select the apps the allowlist applies to"},
} if {
	some p in enabled
	count(util.arr(util.val(p, "attributes", {}), "resources")) == 0
}

deny contains {
	"resource": {"type": "policy_resource", "id": sprintf("%s/%s", [p.id, r.id]), "name": sprintf("%s on %s", [util.policy_name(p), r.id])},
	"message": sprintf("IP allowlist %q is not in force on %s (applicationStatus %s)", [util.policy_name(p), r.id, util.val(r, "applicationStatus", "missing")]),
	"evidence": {"source": "api", "collection": "org_policies", "field": "attributes.resources[].applicationStatus", "observed": util.val(r, "applicationStatus", null), "expected": "applied", "allowlist": summary(p), "to_pass": "re-apply the allowlist until the resource shows Applied"},
} if {
	some p in enabled
	some r in util.arr(util.val(p, "attributes", {}), "resources")
	not util.lower_of(r, "applicationStatus") == "applied"
}
