# The attestation (answers for settings no API exposes), its evidence, and the attested app inventory.
# Part of the `orgscan.lib.util` package (one package over the util_*.rego files, so policies
# call every helper as `util.…`). Plain Rego v1: runs the same under regorus and OPA.
package orgscan.lib.util

import rego.v1

attestation := a if {
	a := object.get(input, "attestation", null)
	is_object(a)
} else := {}

has_attestation if count(attestation) > 0

# A section of the attestation (`authentication`, `mcp`, …), {} when unanswered.
att_section(name) := s if {
	s := val(attestation, name, null)
	is_object(s)
} else := {}

# One answer, or null when unanswered.
att(section, key) := val(att_section(section), key, null)

attested_at_ns := ts_ns(attestation.attested_at) if is_string(attestation.attested_at)

attestation_evidence(path, observed, expected, to_pass) := {
	"source": "attestation",
	"file": "attestation.json",
	"field": path,
	"observed": observed,
	"expected": expected,
	"attested_by": val(attestation, "attested_by", null),
	"attested_at": val(attestation, "attested_at", null),
	"to_pass": to_pass,
}

# Lower-cased set of the accounts the attestation lists as deliberately exempt from 2SV/SSO.
attested_exempt := {lower(trim_space(a)) | some a in arr(att_section("authentication"), "exempt_accounts"); is_string(a)}

# Normalized app name for comparing attested names with names seen in events: lower case,
# letters and digits of any script only ("GitHub for Jira" = "github-for-jira"). A name with
# neither keeps its lower-case text, so it still has a non-empty key of its own.
app_key(name) := k if {
	is_string(name)
	k := regex.replace(lower(name), `[^\p{L}\p{N}]+`, "")
	k != ""
} else := sprintf("app:%s", [lower(name)]) if is_string(name)

# The attested connected apps (attestation.connected_apps), [] when unanswered.
connected_apps := a if {
	a := val(attestation, "connected_apps", null)
	is_array(a)
} else := []

attested_app_names := {app_key(a.name) | some a in connected_apps; is_string(a.name)}

mcp_enabled if att("mcp", "enabled") == true
