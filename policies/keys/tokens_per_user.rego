# METADATA
# title: No one hoards user API tokens
# description: >-
#   Every user API token is another copy of that person's access, stored somewhere outside
#   Atlassian and usable without 2SV. Several live tokens on one account usually means old
#   scripts, tools and AI clients (MCP) were never cleaned up. Each person should hold at most
#   max_tokens_per_user usable tokens (3 by default).
# related_resources:
#   - ref: https://support.atlassian.com/organization-administration/docs/understand-user-api-tokens/
# custom:
#   id: ATL-KEY-010
#   severity: low
#   category: Keys and tokens
#   points: 2
#   kind: posture
#   user_impact: low
#   implementation_cost: low
#   remediation:
#     - In admin.atlassian.com go to Security > User security > API tokens and filter by the listed person.
#     - With the person, revoke the tokens no longer needed (unused ones first), leaving at most the allowed number.
#   data:
#     api: [api_tokens]
#   config:
#     max_tokens_per_user: 3
#   frameworks:
#     cis-controls-v8: ["5.5"]
#     iso27001-2022: ["5.17"]
#     soc2: ["CC6.1"]
#     nist-800-53-r5: ["IA-5"]
#     nist-csf-2: ["PR.AA-01"]
#   version: 1
package orgscan.keys.tokens_per_user

import data.orgscan.lib.util
import rego.v1

limit := util.setting("max_tokens_per_user", 3)

owner_id(t) := util.val(object.get(t, "user", {}), "id", null)

# Owner ids of the usable tokens, sorted: runs of equal ids are one owner's tokens. Grouping by
# sorting keeps this O(n log n) for orgs with many thousands of tokens.
ids := sort([o | some t in input.api_tokens; util.usable(t); o := owner_id(t); is_string(o)])

run_starts := [i | some i, o in ids; is_start(i, o)]

is_start(i, _) if i == 0

is_start(i, o) if {
	i > 0
	ids[i - 1] != o
}

runs := [{"owner": ids[s], "count": end - s} |
	some j, s in run_starts
	end := next_start(j)
]

next_start(j) := run_starts[j + 1] if {
	j + 1 < count(run_starts)
} else := count(ids)

token_labels(owner) := sort([util.key_name(t) | some t in input.api_tokens; util.usable(t); owner_id(t) == owner])

# The owner's email (else name) as the token records give it; records can disagree (an email
# changed between token creations), so the smallest one is taken to stay a single value.
person(owner) := min({p |
	some t in input.api_tokens
	owner_id(t) == owner
	p := util.val(object.get(t, "user", {}), "email", util.val(object.get(t, "user", {}), "name", owner))
	is_string(p)
})

deny contains {
	"resource": {"type": "user", "id": r.owner, "name": person(r.owner)},
	"message": sprintf("%s holds %d usable API tokens; the limit is %d", [person(r.owner), r.count, limit]),
	"evidence": {
		"source": "api",
		"collection": "api_tokens",
		"field": "count of usable tokens per user.id",
		"observed": r.count,
		"expected": sprintf("<= %d", [limit]),
		"tokens": token_labels(r.owner),
		"to_pass": "revoke the tokens the person no longer needs",
	},
} if {
	some r in runs
	r.count > limit
}

not_applicable contains "no user API tokens are in use" if count(ids) == 0
