# METADATA
# title: The Rovo MCP server accepts only approved AI tool domains
# description: >-
#   The Rovo MCP server's domain list decides which AI tools (by their OAuth redirect domain)
#   may connect to Jira and Confluence on your users' behalf. A wildcard that matches any host,
#   a tunnelling domain anyone can register (ngrok, trycloudflare, …) or a domain nobody
#   approved lets an arbitrary tool harvest your data through a user's consent. Every custom
#   domain should match approved_mcp_domains, and Atlassian's own supported-domain list is
#   accepted only while accept_atlassian_supported_domains is true. Read from the attestation
#   (mcp.allowed_domains, mcp.allow_atlassian_supported_domains).
# related_resources:
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/control-atlassian-rovo-mcp-server-settings/
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/available-atlassian-rovo-mcp-server-domains/
# custom:
#   id: ATL-APP-003
#   severity: high
#   category: Apps, OAuth and AI agents
#   points: 5
#   kind: posture
#   user_impact: moderate
#   implementation_cost: low
#   remediation:
#     - In admin.atlassian.com go to Apps > AI settings > Rovo MCP server.
#     - Delete every listed domain that is not approved (select the domain, then Delete), and deselect "Allow Atlassian supported domains" if only your own list should apply.
#     - List the approved domains in orgscan.toml ([controls.ATL-APP-003] approved_mcp_domains) and update mcp.allowed_domains in the attestation.
#   data:
#     attestation: [mcp.enabled]
#   config:
#     approved_mcp_domains: []
#     accept_atlassian_supported_domains: true
#     risky_domain_suffixes: [ngrok.io, ngrok-free.app, ngrok.app, trycloudflare.com, loca.lt, localtunnel.me, serveo.net, pipedream.net, webhook.site, requestbin.com, herokuapp.com, vercel.app, netlify.app, workers.dev, pages.dev, glitch.me, repl.co]
#   frameworks:
#     cis-controls-v8: ["2.5"]
#     iso27001-2022: ["5.23", "8.3"]
#     soc2: ["CC6.6"]
#     nist-800-53-r5: ["AC-20"]
#     nist-csf-2: ["PR.AA-05"]
#   version: 1
package orgscan.apps.mcp_domains

import data.orgscan.lib.util
import rego.v1

id := util.control_id

norm(d) := trim_suffix(trim_prefix(lower(trim_space(d)), "https://"), "/")

approved := {norm(d) | some d in util.param(id, "approved_mcp_domains", []); is_string(d)}

risky := {norm(d) | some d in util.param(id, "risky_domain_suffixes", []); is_string(d)}

allowed := {norm(d) | some d in util.arr(util.att_section("mcp"), "allowed_domains"); is_string(d)}

supported := util.att("mcp", "allow_atlassian_supported_domains")

# The part after a leading "*." (the whole domain otherwise).
base(d) := substring(d, 2, -1) if {
	startswith(d, "*.")
} else := d

# Matches any host, or a whole public suffix (`*`, `*.com`, `*.co.uk`).
too_broad(d) if d in {"*", "*.*", "**"}

too_broad(d) if {
	startswith(d, "*.")
	not contains(base(d), ".")
}

too_broad(d) if {
	startswith(d, "*.")
	regex.match(`^[a-z]{2,3}\.[a-z]{2}$`, base(d))
	split(base(d), ".")[0] in {"co", "com", "org", "net", "ac", "gov", "edu"}
}

# Anyone can get a host under these suffixes.
risky_domain(d) if {
	some s in risky
	base(d) == s
}

risky_domain(d) if {
	some s in risky
	endswith(base(d), concat("", [".", s]))
}

# An allowed entry is covered by the approved list when equal, or inside an approved wildcard.
approved_domain(d) if d in approved

approved_domain(d) if {
	some a in approved
	startswith(a, "*.")
	endswith(d, substring(a, 1, -1))
}

finding(d, why, sev) := {
	"resource": {"type": "mcp_domain", "id": d, "name": d},
	"severity": sev,
	"message": sprintf("The Rovo MCP server allows AI tools from %s: %s", [d, why]),
	"evidence": util.attestation_evidence(
		"mcp.allowed_domains",
		{"domain": d, "allowed_domains": sort(allowed)},
		{"approved_mcp_domains": sort(approved)},
		"remove the domain from Apps > AI settings > Rovo MCP server, or approve it in approved_mcp_domains",
	),
}

deny contains finding(d, "it matches any host under a public suffix", "critical") if {
	util.mcp_enabled
	some d in allowed
	too_broad(d)
}

deny contains finding(d, "anyone can obtain a host under this tunnelling or hosting domain", "high") if {
	util.mcp_enabled
	some d in allowed
	not too_broad(d)
	risky_domain(d)
}

deny contains finding(d, "it is not on the approved list (approved_mcp_domains)", "medium") if {
	util.mcp_enabled
	count(approved) > 0
	some d in allowed
	not too_broad(d)
	not risky_domain(d)
	not approved_domain(d)
}

deny contains {
	"resource": {"type": "setting", "id": "mcp.allow_atlassian_supported_domains", "name": "Rovo MCP server: Allow Atlassian supported domains"},
	"severity": "medium",
	"message": "The Rovo MCP server accepts every Atlassian-supported AI tool domain, but this org accepts only its approved list",
	"evidence": util.attestation_evidence(
		"mcp.allow_atlassian_supported_domains",
		true,
		false,
		"deselect Allow Atlassian supported domains, or set accept_atlassian_supported_domains = true",
	),
} if {
	util.mcp_enabled
	supported == true
	util.param(id, "accept_atlassian_supported_domains", true) == false
}

not_applicable contains "the Rovo MCP server is off (attested mcp.enabled = false)" if util.att("mcp", "enabled") == false

not_evaluable contains sprintf("custom MCP domains are allowed (%s) but orgscan.toml lists no approved_mcp_domains to compare them with", [concat(", ", sort(allowed))]) if {
	util.mcp_enabled
	count(approved) == 0
	count(allowed) > 0
}
