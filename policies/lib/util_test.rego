package orgscan.lib.util_test

import data.orgscan.lib.util
import rego.v1

test_fixed1_rounds_half_away_from_zero if {
	util.fixed1(1.25) == "1.3"
	util.fixed1(0.1 * 100) == "10.0"
	util.fixed1(9.615384615) == "9.6"
	util.fixed1(20) == "20.0"
	util.fixed1(-2.25) == "-2.3"
	util.fixed0(79.5) == "80"
}

test_val_treats_null_as_absent if {
	util.val({"a": null}, "a", 1) == 1
	util.val({"a": false}, "a", 1) == false
	util.val(null, "a", 1) == 1
}

test_is_active_tolerates_missing_statuses if {
	util.is_active({"accountId": "a"})
	util.is_active({"accountId": "a", "status": null, "accountStatus": null})
	not util.is_active({"accountId": "a", "status": "Deactivated"})
	not util.is_active({"accountId": "a", "accountStatus": "closed"})
	not util.is_active({"accountId": "a", "membershipStatus": "suspended"})
	not util.is_active({"accountId": "a", "forDeletion": true})
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

test_email_domain if {
	util.email_domain({"email": "Nina@ACME.com"}) == "acme.com"
	util.email_domain({"email": null}) == ""
}
