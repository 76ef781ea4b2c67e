package orgscan.lib.util_fields_test

import data.orgscan.lib.util
import rego.v1

test_val_treats_null_as_absent if {
	util.val({"a": null}, "a", 1) == 1
	util.val({"a": false}, "a", 1) == false
	util.val(null, "a", 1) == 1
	util.val({"a": 2}, "a", 1) == 2
}

test_str_is_a_non_blank_string_or_null if {
	util.str({"a": "x"}, "a") == "x"
	util.str({"a": "  "}, "a") == null
	util.str({"a": 3}, "a") == null
	util.str({}, "a") == null
}

test_lower_of_and_lower_text if {
	util.lower_of({"a": "MiXed"}, "a") == "mixed"
	util.lower_of({"a": 1}, "a") == ""
	util.lower_text("ABC") == "abc"
	util.lower_text(null) == ""
}

test_arr_is_an_array_or_empty if {
	util.arr({"a": [1]}, "a") == [1]
	util.arr({"a": null}, "a") == []
	util.arr({"a": "x"}, "a") == []
}
