package orgscan.logging.catalogue_coverage_test

import data.orgscan.logging.catalogue_coverage as p
import rego.v1

inp(required, ids) := {"config": {"controls": {"ATL-LOG-005": {"required_actions": required}}, "org": {}}, "event_actions": [{"id": i, "display_name": i, "groups": []} | some i in ids]}

test_complete_catalogue_passes if {
	count(p.deny) == 0 with input as inp(["user_login", "ADDED_ORG_ADMIN"], ["user_login", "added_org_admin", "x"]) with input.control.id as "ATL-LOG-005"
}

test_missing_action_fails if {
	findings := p.deny with input as inp(["user_login", "twosv_unenforced"], ["user_login"]) with input.control.id as "ATL-LOG-005"
	count(findings) == 1
	some f in findings
	f.resource.id == "twosv_unenforced"
	p.score == 0.5 with input as inp(["user_login", "twosv_unenforced"], ["user_login"]) with input.control.id as "ATL-LOG-005"
}

test_upper_case_catalogue_ids_match if {
	count(p.deny) == 0 with input as inp(["user_login"], ["USER_LOGIN"]) with input.control.id as "ATL-LOG-005"
}

test_empty_catalogue_is_not_evaluable if {
	count(p.deny) == 0 with input as inp(["user_login"], []) with input.control.id as "ATL-LOG-005"
	count(p.not_evaluable) == 1 with input as inp(["user_login"], []) with input.control.id as "ATL-LOG-005"
}
