package orgscan.lib.util_config_test

import data.orgscan.lib.util
import rego.v1

cfg := {"config": {"controls": {"ATL-X-001": {"days": 30, "off": null}}, "org": {"timezone": "Europe/Berlin"}}}

test_params_of_a_control if {
	util.params("ATL-X-001") == {"days": 30, "off": null} with input as cfg
	util.params("ATL-X-002") == {} with input as cfg
	util.params("ATL-X-001") == {} with input as {}
}

test_param_falls_back_when_absent_or_null if {
	util.param("ATL-X-001", "days", 90) == 30 with input as cfg
	util.param("ATL-X-001", "off", 7) == 7 with input as cfg
	util.param("ATL-X-002", "days", 90) == 90 with input as cfg
}

test_settings_of_the_control_being_evaluated if {
	own := object.union(cfg, {"control": {"id": "ATL-X-001"}})
	util.control_id == "ATL-X-001" with input as own
	util.settings == {"days": 30, "off": null} with input as own
	util.setting("days", 90) == 30 with input as own
	util.setting("off", 7) == 7 with input as own
	util.setting("missing", 7) == 7 with input as own
}

test_no_control_id_leaves_settings_undefined if {
	not util.control_id with input as cfg
	not util.settings with input as cfg
	not util.setting("days", 90) with input as cfg
}

test_org_config if {
	util.org_config == {"timezone": "Europe/Berlin"} with input as cfg
	util.org_config == {} with input as {"config": {"org": "bad"}}
}
