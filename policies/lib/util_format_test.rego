package orgscan.lib.util_format_test

import data.orgscan.lib.util
import rego.v1

test_fixed1_rounds_half_away_from_zero if {
	util.fixed1(1.25) == "1.3"
	util.fixed1(0.1 * 100) == "10.0"
	util.fixed1(9.615384615) == "9.6"
	util.fixed1(20) == "20.0"
	util.fixed1(-2.25) == "-2.3"
	util.fixed1(0) == "0.0"
}

test_fixed0_rounds_half_away_from_zero if {
	util.fixed0(79.5) == "80"
	util.fixed0(79.4) == "79"
}
