# Field access that treats absent and null alike, and type-safe string and array reads.
# Part of the `orgscan.lib.util` package (one package over the util_*.rego files, so policies
# call every helper as `util.…`). Plain Rego v1: runs the same under regorus and OPA.
package orgscan.lib.util

import rego.v1

# A field of an object, or `default` when it is absent or null (serde writes absent Options
# as null, so object.get alone is not enough).
val(obj, key, fallback) := v if {
	is_object(obj)
	v := object.get(obj, key, null)
	v != null
} else := fallback

# A non-empty string field, or null.
str(obj, key) := s if {
	s := val(obj, key, null)
	is_string(s)
	trim_space(s) != ""
} else := null

# Lower-cased string field, "" when absent.
lower_of(obj, key) := lower(s) if {
	s := val(obj, key, null)
	is_string(s)
} else := ""

# An array field, [] when absent or null.
arr(obj, key) := a if {
	a := val(obj, key, [])
	is_array(a)
} else := []

lower_text(x) := lower(x) if {
	is_string(x)
} else := ""
