package orgscan.apps.oauth_user_installs_test

import data.orgscan.apps.oauth_user_installs as p
import rego.v1

inp(oauth, apps) := {"attestation": {"attested_by": "d", "attested_at": "2026-11-10T09:00:00.000Z", "oauth": oauth, "connected_apps": apps}}

app(name, kind) := {"name": name, "kind": kind, "owner": "it@acme.com", "reviewed_at": "2026-09-15T10:00:00.000Z"}

test_blocked_passes if {
	count(p.deny) == 0 with input as inp({"block_user_installed_apps": true}, [app("Zapier", "oauth")]) with input.control.id as "ATL-APP-001"
}

test_open_without_list_fails if {
	findings := p.deny with input as inp({"block_user_installed_apps": false, "approved_apps": []}, []) with input.control.id as "ATL-APP-001"
	count(findings) == 1
}

test_open_with_list_covering_every_user_app_passes if {
	apps := [app("Slack", "oauth"), app("Tempo", "connect")]
	count(p.deny) == 0 with input as inp({"block_user_installed_apps": false, "approved_apps": ["slack", "GitHub for Jira"]}, apps) with input.control.id as "ATL-APP-001"
}

test_open_with_unapproved_user_app_fails if {
	apps := [app("Slack", "oauth"), app("Atlassian MCP", "mcp"), app("Tempo", "connect")]
	findings := p.deny with input as inp({"block_user_installed_apps": false, "approved_apps": ["Slack"]}, apps) with input.control.id as "ATL-APP-001"
	count(findings) == 1
	some f in findings
	f.resource.id == "oauth.block_user_installed_apps"
	f.evidence.observed.connected_user_apps_not_approved == ["Atlassian MCP"]
}

install(id, actor, at) := {"id": id, "time": at, "action": "oauth_app_first_installed", "actor": {"id": actor, "name": sprintf("Name %s", [actor])}}

users := [
	{"accountId": "u1", "status": "active", "platformRoles": []},
	{"accountId": "adm", "status": "active", "platformRoles": ["atlassian/org-admin"]},
]

# The select fact keeps only events after attested_at (the Rust side applies `after`).
with_installs(events) := object.union(inp({"block_user_installed_apps": true}, []), {
	"users": users,
	"facts": {"declared": {"ATL-APP-001": {"installs_after_attestation": {"events": events}}}},
})

test_attested_block_contradicted_by_a_users_install_fails if {
	findings := p.deny with input as with_installs([install("e1", "u1", "2026-11-20T10:00:00.000Z")]) with input.control.id as "ATL-APP-001"
	count(findings) == 1
	some f in findings
	f.evidence.source == "events"
	f.evidence.event_ids == ["e1"]
	contains(f.message, "The attestation says user-installed apps are blocked, but 1 OAuth/MCP app install(s)")
}

test_attested_block_with_only_an_admins_install_passes if {
	count(p.deny) == 0 with input as with_installs([install("e2", "adm", "2026-11-20T10:00:00.000Z")]) with input.control.id as "ATL-APP-001"
}

test_attested_block_without_installs_after_it_passes if {
	count(p.deny) == 0 with input as with_installs([]) with input.control.id as "ATL-APP-001"
}
