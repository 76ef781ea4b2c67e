package orgscan.lib.util_attestation_test

import data.orgscan.lib.util
import rego.v1

att := {"attestation": {
	"attested_by": "dana@x.io",
	"attested_at": "2026-11-10T00:00:00Z",
	"authentication": {"exempt_accounts": [" Break@X.io "]},
	"mcp": {"enabled": true},
	"connected_apps": [{"name": "GitHub for Jira"}, {"name": 3}],
}}

test_answers_and_sections if {
	util.has_attestation with input as att
	not util.has_attestation with input as {}
	util.att("mcp", "enabled") == true with input as att
	util.att("mcp", "missing") == null with input as att
	util.att_section("nothing") == {} with input as att
	util.mcp_enabled with input as att
	util.attested_at_ns == time.parse_rfc3339_ns("2026-11-10T00:00:00Z") with input as att
	util.attested_exempt == {"break@x.io"} with input as att
}

test_attestation_evidence_names_who_and_when if {
	ev := util.attestation_evidence("mcp.enabled", true, false, "turn it off") with input as att
	ev.attested_by == "dana@x.io"
	ev.attested_at == "2026-11-10T00:00:00Z"
	ev.file == "attestation.json"
	ev.field == "mcp.enabled"
}

test_attested_app_names_are_keys if {
	util.attested_app_names == {"githubforjira"} with input as att
	util.connected_apps == [] with input as {}
}

test_app_key_keeps_every_script_and_is_never_empty if {
	util.app_key("Ｚａｐ 日本語アプリ") != util.app_key("Другое приложение")
	util.app_key("日本語 アプリ") == util.app_key("日本語アプリ")
	util.app_key("!!!") == "app:!!!"
	util.app_key("") == "app:"
}

test_app_key_ignores_case_and_punctuation if {
	util.app_key("GitHub for Jira") == util.app_key("github-for-jira")
}
