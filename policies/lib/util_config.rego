# A control's settings (METADATA defaults merged with orgscan.toml) and the org-level settings.
# Part of the `orgscan.lib.util` package (one package over the util_*.rego files, so policies
# call every helper as `util.…`). Plain Rego v1: runs the same under regorus and OPA.
package orgscan.lib.util

import rego.v1

# The id of the control being evaluated. orgscan gives each policy its own `input.control.id`
# (from the policy's METADATA `custom.id`): Rego cannot read a policy's METADATA under regorus,
# and this way a policy never repeats its id as a literal that could drift from METADATA.
# Undefined when nobody set it (a test must say which control it evaluates).
control_id := input.control.id

# This control's settings and one of them with a fallback (see params/param below).
settings := params(control_id)

setting(key, fallback) := param(control_id, key, fallback)

# Settings of a control: metadata defaults merged with orgscan.toml.
params(id) := object.get(object.get(object.get(input, "config", {}), "controls", {}), id, {})

# One setting of a control with a fallback.
param(id, key, fallback) := val(params(id), key, fallback)

# The org-level settings (`[org]` in orgscan.toml).
org_config := c if {
	c := object.get(object.get(input, "config", {}), "org", {})
	is_object(c)
} else := {}
