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

test_org_config if {
	util.org_config == {"timezone": "Europe/Berlin"} with input as cfg
	util.org_config == {} with input as {"config": {"org": "bad"}}
}
