# A control's settings (METADATA defaults merged with orgscan.toml) and the org-level settings.
# Part of the `orgscan.lib.util` package (one package over the util_*.rego files, so policies
# call every helper as `util.…`). Plain Rego v1: runs the same under regorus and OPA.
package orgscan.lib.util

import rego.v1

# Settings of a control: metadata defaults merged with orgscan.toml.
params(id) := object.get(object.get(object.get(input, "config", {}), "controls", {}), id, {})

# One setting of a control with a fallback.
param(id, key, fallback) := val(params(id), key, fallback)

# The org-level settings (`[org]` in orgscan.toml).
org_config := c if {
	c := object.get(object.get(input, "config", {}), "org", {})
	is_object(c)
} else := {}
