package orgscan.apps.oauth_user_installs_test

import data.orgscan.apps.oauth_user_installs as p
import rego.v1

inp(oauth, apps) := {"attestation": {"attested_by": "d", "attested_at": "2026-11-10T09:00:00.000Z", "oauth": oauth, "connected_apps": apps}}

app(name, kind) := {"name": name, "kind": kind, "owner": "it@acme.com", "reviewed_at": "2026-09-15T10:00:00.000Z"}

test_blocked_passes if {
	count(p.deny) == 0 with input as inp({"block_user_installed_apps": true}, [app("Zapier", "oauth")])
}

test_open_without_list_fails if {
	findings := p.deny with input as inp({"block_user_installed_apps": false, "approved_apps": []}, [])
	count(findings) == 1
}

test_open_with_list_covering_every_user_app_passes if {
	apps := [app("Slack", "oauth"), app("Tempo", "connect")]
	count(p.deny) == 0 with input as inp({"block_user_installed_apps": false, "approved_apps": ["slack", "GitHub for Jira"]}, apps)
}

test_open_with_unapproved_user_app_fails if {
	apps := [app("Slack", "oauth"), app("Atlassian MCP", "mcp"), app("Tempo", "connect")]
	findings := p.deny with input as inp({"block_user_installed_apps": false, "approved_apps": ["Slack"]}, apps)
	count(findings) == 1
	some f in findings
	f.resource.id == "oauth.block_user_installed_apps"
	f.evidence.observed.connected_user_apps_not_approved == ["Atlassian MCP"]
}
