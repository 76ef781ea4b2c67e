package orgscan.lib.util_events_test

import data.orgscan.lib.util
import rego.v1

inp := {
	"events": {"available": true, "per_action": {"user_login": 12}},
	"events_by_action": {"user_login": [{"id": "e1"}]},
	"event_actions": [{"id": "User_Login", "display_name": "Logged in", "groups": ["Sign-in"]}, {"id": "rovo_mcp_tool_invoked", "groups": ["Rovo MCP"]}],
	"collections": {"event_actions": {"available": true}, "users": {"available": false}},
}

test_availability if {
	util.events_available with input as inp
	not util.events_available with input as {"events": {"available": false}}
	util.catalogue_available with input as inp
	util.collection_available("event_actions") with input as inp
	not util.collection_available("users") with input as inp
}

test_events_of_and_action_count_use_lower_case_keys if {
	util.events_of("USER_LOGIN") == [{"id": "e1"}] with input as inp
	util.events_of("other") == [] with input as inp
	util.action_count("User_Login") == 12 with input as inp
	util.action_count("other") == 0 with input as inp
}

test_the_catalogue if {
	util.catalogue_ids == {"user_login", "rovo_mcp_tool_invoked"} with input as inp
	util.catalogue_matching(`(?i)mcp`) == {"rovo_mcp_tool_invoked"} with input as inp
	util.catalogue_matching(`(?i)sign-in`) == {"user_login"} with input as inp
}

test_event_ref if {
	e := {"id": "e1", "time": "t", "action": "a", "actor": {"id": "u1", "name": "Ann"}, "context": [{"type": "users", "id": "u2"}]}
	util.event_ref(e) == {"id": "e1", "time": "t", "action": "a", "actor": "Ann", "actor_id": "u1", "context": [{"type": "users", "id": "u2", "attributes": null}]}
}
