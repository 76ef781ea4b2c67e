package orgscan.apps.mcp_domains_test

import data.orgscan.apps.mcp_domains as p
import rego.v1

risky := ["ngrok.io", "ngrok-free.app", "trycloudflare.com"]

inp(domains, supported, approved, accept) := {
	"config": {"controls": {"ATL-APP-003": {"approved_mcp_domains": approved, "accept_atlassian_supported_domains": accept, "risky_domain_suffixes": risky}}, "org": {}},
	"attestation": {"attested_by": "d", "attested_at": "2026-11-10T09:00:00.000Z", "mcp": {"enabled": true, "allowed_domains": domains, "allow_atlassian_supported_domains": supported}},
}

test_approved_domains_pass if {
	i := inp(["claude.ai", "*.acme-robotics.com", "tools.acme-robotics.com"], true, ["claude.ai", "*.acme-robotics.com"], true)
	count(p.deny) == 0 with input as i with input.control.id as "ATL-APP-003"
	count(p.not_evaluable) == 0 with input as i with input.control.id as "ATL-APP-003"
}

test_only_atlassian_supported_domains_pass if {
	i := inp([], true, [], true)
	count(p.deny) == 0 with input as i with input.control.id as "ATL-APP-003"
	count(p.not_evaluable) == 0 with input as i with input.control.id as "ATL-APP-003"
}

test_unapproved_domain_fails if {
	findings := p.deny with input as inp(["claude.ai", "agent.example.net"], true, ["claude.ai"], true) with input.control.id as "ATL-APP-003"
	count(findings) == 1
	some f in findings
	f.resource.id == "agent.example.net"
	f.severity == "medium"
}

test_wildcards_over_public_suffixes_are_critical_even_without_a_list if {
	findings := p.deny with input as inp(["*", "*.com", "*.co.uk", "*.acme.com"], true, [], true) with input.control.id as "ATL-APP-003"
	count(findings) == 3
	every f in findings {
		f.severity == "critical"
	}
}

test_tunnelling_domains_are_high if {
	findings := p.deny with input as inp(["abc123.ngrok-free.app", "*.trycloudflare.com", "NGROK.IO"], true, [], true) with input.control.id as "ATL-APP-003"
	count(findings) == 3
	every f in findings {
		f.severity == "high"
	}
}

test_lookalike_of_a_risky_suffix_is_not_risky if {
	count(p.deny) == 0 with input as inp(["myngrok.io"], true, ["myngrok.io"], true) with input.control.id as "ATL-APP-003"
}

test_supported_domains_rejected_by_config if {
	count(p.deny) == 1 with input as inp(["claude.ai"], true, ["claude.ai"], false) with input.control.id as "ATL-APP-003"
	count(p.deny) == 0 with input as inp(["claude.ai"], false, ["claude.ai"], false) with input.control.id as "ATL-APP-003"
}

test_not_evaluable_without_approved_list if {
	i := inp(["claude.ai"], true, [], true)
	count(p.deny) == 0 with input as i with input.control.id as "ATL-APP-003"
	count(p.not_evaluable) == 1 with input as i with input.control.id as "ATL-APP-003"
}

test_not_applicable_when_off if {
	i := json.patch(inp(["*"], true, [], true), [{"op": "replace", "path": "/attestation/mcp/enabled", "value": false}])
	count(p.deny) == 0 with input as i with input.control.id as "ATL-APP-003"
	count(p.not_applicable) == 1 with input as i with input.control.id as "ATL-APP-003"
}
