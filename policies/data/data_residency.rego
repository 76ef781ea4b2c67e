# METADATA
# title: Product data is pinned where your residency requirement says
# description: >-
#   When regulation or contracts require that Jira and Confluence data stay in a region (for
#   example the EU), every in-scope product must be pinned there by an enabled data residency
#   policy; a new site created later starts out globally distributed. This control applies only
#   when orgscan.toml sets [org] data_residency_required (true for any pinned location, or a
#   list of allowed locations such as ["eu"]). Products outside data residency's scope
#   (Bitbucket, Trello, Opsgenie, Statuspage, Loom) are left out.
# related_resources:
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/understand-data-residency/
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/move-data-to-another-location/
# custom:
#   id: ATL-DAT-008
#   severity: high
#   category: Data protection
#   points: 4
#   kind: posture
#   user_impact: low
#   implementation_cost: moderate
#   remediation:
#     - In admin.atlassian.com go to Security > Data residency.
#     - For each listed product select View details > Set location, choose the required location and a move window, and submit the request.
#     - Check after the move that the product shows as pinned to that location.
#   data:
#     api: [org_policies, workspaces]
#   frameworks:
#     cis-controls-v8: ["3.1"]
#     iso27001-2022: ["5.23", "5.31", "5.34"]
#     soc2: ["C1.1"]
#     nist-800-53-r5: ["SA-9(5)"]
#     nist-csf-2: ["GV.OC-03"]
#   version: 1
package orgscan.data.data_residency

import data.orgscan.lib.util
import rego.v1

required := util.val(util.org_config, "data_residency_required", false)

active if required == true

active if {
	is_array(required)
	count(required) > 0
}

allowed := {lower(l) | some l in required; is_string(l)} if {
	is_array(required)
} else := set()

in_scope_types := {"jira", "jira-software", "jira-servicedesk", "jira-service-management", "jira-core", "jira-work-management", "jira-product-discovery", "confluence"}

product_type(w) := lower(t) if {
	t := util.val(util.val(w, "attributes", {}), "typeKey", util.val(util.val(w, "attributes", {}), "type", null))
	is_string(t)
} else := ""

in_scope(w) if product_type(w) in in_scope_types

in_scope(w) if startswith(product_type(w), "jira")

products := [w |
	some w in input.workspaces
	in_scope(w)
	not util.lower_of(util.val(w, "attributes", {}), "status") in {"deprecated", "offline"}
]

residency := [p | some p in util.policies_of_type("data-residency"); util.lower_of(util.val(p, "attributes", {}), "status") in {"enabled", "active"}]

# Where an enabled residency policy pins the workspace (lower case), if any.
pinned_to(w) := {lower(loc) |
	some p in residency
	some r in util.arr(util.val(p, "attributes", {}), "resources")
	r.id == w.id
	util.lower_of(r, "applicationStatus") in {"applied", ""}
	some loc in util.arr(util.val(util.val(p, "attributes", {}), "rule", {}), "in")
	is_string(loc)
}

ok(w) if {
	count(pinned_to(w)) > 0
	count(allowed) == 0
}

ok(w) if {
	some loc in pinned_to(w)
	loc in allowed
}

name(w) := sprintf("%s (%s)", [util.val(util.val(w, "attributes", {}), "name", w.id), product_type(w)])

deny contains {
	"resource": {"type": "workspace", "id": w.id, "name": name(w)},
	"message": sprintf("%s is not pinned to %s by an enabled data residency policy%s", [name(w), where, observed_text(w)]),
	"evidence": {
		"source": "api",
		"collection": "workspaces",
		"field": "data-residency policy resources / rule.in",
		"observed": {"pinned_to": sort(pinned_to(w)), "realm": util.val(util.val(w, "attributes", {}), "realm", null)},
		"expected": {"pinned_to_one_of": sort(allowed)},
		"host": util.val(util.val(w, "attributes", {}), "hostUrl", null),
		"to_pass": "move the product's data to the required location (Security > Data residency)",
	},
} if {
	active
	some w in products
	not ok(w)
}

where := concat(" or ", sort(allowed)) if {
	count(allowed) > 0
} else := "a location"

observed_text(w) := sprintf(" (pinned to %s)", [concat(", ", sort(pinned_to(w)))]) if {
	count(pinned_to(w)) > 0
} else := sprintf(" (realm %s)", [r]) if {
	r := util.val(util.val(w, "attributes", {}), "realm", null)
	is_string(r)
} else := ""

not_applicable contains "orgscan.toml does not require data residency ([org] data_residency_required)" if not active

not_applicable contains "the org has no Jira or Confluence products" if {
	active
	count(products) == 0
}
