# METADATA
# title: No unmanaged accounts on your verified domains
# description: >-
#   An account that uses your company's email domain but is not managed by your organization
#   escapes your authentication policies (2SV, SSO, session length) and you cannot deactivate
#   it when the person leaves. After a domain is verified, Atlassian accounts on it are
#   normally claimed; any still unmanaged (for example automatic claiming was off, or the
#   account was created later) should be claimed. Accounts on a domain the organization added
#   but has not verified (or whose verification token is missing) cannot be claimed at all and
#   are reported too, with "verify the domain, then claim" as the fix.
# related_resources:
#   - ref: https://support.atlassian.com/user-management/docs/verify-a-domain-to-manage-accounts/
#   - ref: https://support.atlassian.com/user-management/docs/what-are-managed-accounts/
# custom:
#   id: ATL-IDN-012
#   severity: high
#   category: Identity and authentication
#   points: 5
#   kind: posture
#   user_impact: low
#   implementation_cost: low
#   remediation:
#     - In admin.atlassian.com go to Settings > Domains (Directory > Domains) and open the verified domain.
#     - Claim the listed accounts (Claim accounts), and turn on automatic claiming for new accounts on the domain.
#     - Check that the claimed accounts now fall under your authentication policy.
#   data:
#     api: [users, domains]
#     fields: [users.status, users.accountStatus, users.membershipStatus, users.forDeletion, users.accountType, users.claimStatus, users.accountId, users.name, users.email]
#   frameworks:
#     cis-controls-v8: ["5.1", "5.6"]
#     iso27001-2022: ["5.16"]
#     soc2: ["CC6.2"]
#     nist-800-53-r5: ["AC-2"]
#     nist-csf-2: ["PR.AA-01"]
#   version: 1
package orgscan.identity.unmanaged_on_verified_domains

import data.orgscan.lib.util
import rego.v1

# Every domain the org has added, by lower-case name, with its verification state. The same
# name can be listed more than once (different case, or once per directory): it counts as
# verified when any listing is, so a second listing can never raise a conflict or a finding.
domain_state := {name: merged_state(states) |
	some name in domain_names
	states := {claim_state(d) | some d in input.domains; lower(domain_name(d)) == name}
}

domain_names := {lower(name) |
	some d in input.domains
	name := domain_name(d)
}

domain_name(d) := name if {
	name := util.val(util.val(d, "attributes", {}), "name", d.id)
	is_string(name)
}

merged_state(states) := "verified" if {
	"verified" in states
} else := "unverified" if {
	"unverified" in states
} else := sort(states)[0]

claim_state(d) := lower(s) if {
	s := util.val(util.val(util.val(d, "attributes", {}), "claim", {}), "status", null)
	is_string(s)
} else := "unknown"

verified := {name | some name, state in domain_state; state == "verified"}

# What gets the account under the org's policies, per domain state.
remedy(state) := "claim the account from the verified domain (Settings > Domains > Claim accounts)" if {
	state == "verified"
} else := "verify the domain (Settings > Domains; its DNS TXT record or HTML file), then claim the account"

deny contains {
	"resource": {"type": "user", "id": u.accountId, "name": util.display(u)},
	"message": sprintf("%s uses the organization's %s domain %s but is not managed by the organization: outside its authentication policy, 2SV enforcement and offboarding", [util.val(u, "email", util.display(u)), state_word(domain_state[util.email_domain(u)]), util.email_domain(u)]),
	"evidence": {
		"source": "api",
		"collection": "users",
		"field": "claimStatus",
		"observed": util.val(u, "claimStatus", null),
		"expected": "managed",
		"email": util.val(u, "email", null),
		"domain": util.email_domain(u),
		"domain_status": domain_state[util.email_domain(u)],
		"to_pass": remedy(domain_state[util.email_domain(u)]),
	},
} if {
	some u in on_org_domains
}

state_word(state) := "verified" if state == "verified"

state_word(state) := "unverified" if state == "unverified"

state_word(state) := sprintf("unverified (%s)", [state]) if not state in {"verified", "unverified"}

# Unmanaged people on any domain the org added; on an unverified domain an account cannot be
# claimed at all, whatever its claimStatus says.
on_org_domains := [u |
	count(domain_state) > 0
	some u in util.humans(util.active(input.users))
	email := object.get(u, "email", null)
	is_string(email)
	parts := split(lower(email), "@")
	count(parts) == 2
	state := domain_state[parts[1]]
	unmanaged(u, state)
]

unmanaged(u, "verified") if util.lower_of(u, "claimStatus") == "unmanaged"

unmanaged(u, state) if {
	state != "verified"
	not util.lower_of(u, "claimStatus") in {"", "managed"}
}

not_applicable contains "the org has added no domain" if count(domain_state) == 0

not_evaluable contains util.claims_missing_reason if {
	count(domain_state) > 0
	count(object.get(input, "users", [])) > 0
	not util.claims_collected(object.get(input, "users", []))
}
