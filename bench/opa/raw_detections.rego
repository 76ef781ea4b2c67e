# The orgscan detection pack written the plain way: Rego over the raw API events in
# `input.events`, no Rust facts. Only for the benchmark (bench/scan.sh): the reference OPA
# evaluates it so orgscan's fact-based evaluation has a baseline. Same thresholds as the
# shipped defaults. Group-bys are comprehensions over all events (O(n·k)), as a policy author
# without precomputed facts would write them.
package bench.raw

import rego.v1

evs := input.events

act(e) := lower(e.attributes.action)

actor(e) := e.attributes.actor.id

tns(e) := time.parse_rfc3339_ns(e.attributes.time)

hour(e) := floor(tns(e) / 3600000000000)

day(e) := substring(e.attributes.time, 0, 10)

country(e) := e.attributes.location.countryName

catalogue := {lower(a.id): a | some a in input.event_actions}

in_set(a, pattern) if regex.match(pattern, sprintf("%s %s %s", [a, object.get(catalogue[a].attributes, "displayName", ""), concat(" ", object.get(catalogue[a].attributes, "groupDisplayNames", []))]))

# ATL-DET-001 risky countries
risky := {"Afghanistan", "China", "Cuba", "North Korea", "Iran", "Libya", "Nigeria", "Sudan", "Syria", "Yemen"}

det001 contains [actor(e), country(e)] if {
	some e in evs
	country(e) in risky
}

# ATL-DET-002 user added to groups more than once within an hour
adds := [e | some e in evs; act(e) in {"user_added_to_group", "scim_group_add_member"}]

target(e) := c.id if {
	some c in e.attributes.context
	c.type == "users"
}

det002 contains [target(a), hour(a)] if {
	some a in adds
	n := count([b | some b in adds; target(b) == target(a); d := tns(b) - tns(a); d >= 0; d < 3600000000000])
	n > 1
}

# ATL-DET-003 additions to admin groups
det003 contains [actor(e), day(e)] if {
	some e in adds
	some c in e.attributes.context
	c.type == "groups"
	regex.match(`(?i)admin`, object.get(c.attributes, "groupName", ""))
}

# ATL-DET-004/005/015 single actions, per actor and day
det004 contains [actor(e), day(e)] if {
	some e in evs
	act(e) == "api_token_created"
}

det005 contains [actor(e), day(e)] if {
	some e in evs
	act(e) == "ts_api_token_creation"
}

det015 contains [actor(e), day(e)] if {
	some e in evs
	act(e) == "user_logged_in_as_user"
}

# ATL-DET-006 product access granted more than 5 times per actor per hour
grants := [e | some e in evs; act(e) == "user_granted_product_access"]

det006 contains [actor(e), hour(e)] if {
	some e in grants
	count([x | some x in grants; actor(x) == actor(e); hour(x) == hour(e)]) > 5
}

# ATL-DET-008 sign-ins outside the enabled IP allowlist
cidrs := [c | some p in input.org_policies; p.attributes.type == "ip-allowlist"; p.attributes.status == "enabled"; some c in p.attributes.rule["in"]]

logins := [e | some e in evs; act(e) == "user_login"]

inside(ip) if {
	some c in cidrs
	net.cidr_contains(c, ip)
}

det008 contains [actor(e), e.attributes.location.ip] if {
	count(cidrs) > 0
	some e in logins
	not inside(e.attributes.location.ip)
}

# ATL-DET-009 more than 20 sign-ins per actor per hour
det009 contains [actor(e), hour(e)] if {
	some e in logins
	count([x | some x in logins; actor(x) == actor(e); hour(x) == hour(e)]) > 20
}

# ATL-DET-010 policy changes per actor and day
policy_actions := {
	"policy_created", "policy_updated", "policy_deleted", "policy_enforced", "policy_disabled",
	"auth_policy_created", "auth_policy_updated", "auth_policy_deleted", "auth_policy_type_updated",
	"default_auth_policy_updated", "twosv_enforced", "twosv_unenforced", "twosv_disabled_for_user",
	"set_session_policy", "password_policy_changed", "saml_policy_changed", "saml_policy_deleted",
	"saml_config_updated", "saml_config_deleted", "data_security_policy_created",
	"data_security_policy_deleted", "data_security_policy_activated", "data_security_policy_deactivated",
	"data_security_policy_rule_added", "data_security_policy_rule_removed", "data_security_policy_app_added",
	"data_security_policy_app_removed", "data_security_policy_coverage_updated",
	"data_security_policy_all_coverage_removed", "user_created_activity_disabled",
}

det010 contains [actor(e), day(e)] if {
	some e in evs
	act(e) in policy_actions
}

# ATL-DET-012 a country new to the actor after 20 earlier events and 7 days, ≤ 5% of their events
located := [e | some e in evs; is_string(country(e))]

det012 contains [a, c] if {
	some e in located
	a := actor(e)
	c := country(e)
	mine := [x | some x in located; actor(x) == a]
	here := [x | some x in mine; country(x) == c]
	first := min({tns(x) | some x in here})
	before := count([x | some x in mine; tns(x) < first])
	before >= 20
	first - min({tns(x) | some x in mine}) >= 7 * 86400000000000
	count(here) <= 0.05 * count(mine)
}

# ATL-DET-013 impossible travel between consecutive sign-ins (capital-level positions)
pos(e) := data.geo[country(e)]

det013 contains [a, t1] if {
	some e in logins
	a := actor(e)
	seq := sort([[tns(x), country(x)] | some x in logins; actor(x) == a; is_string(country(x))])
	some i
	i > 0
	[t1, c1] := seq[i]
	[t0, c0] := seq[i - 1]
	c1 != c0
	p0 := data.geo[c0]
	p1 := data.geo[c1]
	# Equirectangular approximation, compared squared (Rego has no sqrt).
	km2 := 12365.44 * (((p1[0] - p0[0]) * (p1[0] - p0[0])) + ((p1[1] - p0[1]) * (p1[1] - p0[1])))
	km2 >= 250000
	hours := max([(t1 - t0) / 3600000000000, 0.001])
	km2 >= (1000 * hours) * (1000 * hours)
}

# ATL-DET-014 admin actions per actor and day ≥ 20 and ≥ 5× the actor's earlier daily mean
admin_groups := {"SETTINGS", "SECURITY POLICIES", "USER MANAGEMENT", "USER ACCESS SETTINGS", "IDENTITY PERMISSIONS", "ORGANIZATIONS"}

is_admin(a) if {
	some g in object.get(catalogue[a].attributes, "groupDisplayNames", [])
	g in admin_groups
}

admin_evs := [e | some e in evs; is_admin(act(e))]

det014 contains [a, d] if {
	some e in admin_evs
	a := actor(e)
	d := day(e)
	n := count([x | some x in admin_evs; actor(x) == a; day(x) == d])
	n >= 20
	earlier := {day(x) | some x in admin_evs; actor(x) == a; day(x) < d}
	count(earlier) >= 3
	mean := count([x | some x in admin_evs; actor(x) == a; day(x) < d]) / count(earlier)
	n >= 5 * mean
}

# ATL-DET-016 OAuth / MCP app first installs (keys resolved from the catalogue)
det016 contains [actor(e), day(e)] if {
	some e in evs
	in_set(act(e), `(?i)(oauth|3lo|connected app|mcp).*(install|authori)|(install|authori).*(oauth|3lo|connected app|mcp)`)
	not regex.match(`(?i)uninstall|remov|revok`, act(e))
}

# ATL-DET-017 MCP tool calls per user and hour ≥ 30 and ≥ 5× the user's earlier hourly mean
mcp := [e | some e in evs; in_set(act(e), `(?i)mcp.*(tool|invoke)`)]

person(e) := object.get(object.get(e.attributes.actor, "onBehalfOf", {}), "id", actor(e))

det017 contains [u, h] if {
	some e in mcp
	u := person(e)
	h := hour(e)
	n := count([x | some x in mcp; person(x) == u; hour(x) == h])
	n >= 30
	earlier := {hour(x) | some x in mcp; person(x) == u; hour(x) < h}
	count(earlier) >= 5
	n >= 5 * (count([x | some x in mcp; person(x) == u; hour(x) < h]) / count(earlier))
}

# ATL-DET-018 MCP or app activity authenticated by an API token
det018 contains [actor(e), day(e)] if {
	some e in evs
	in_set(act(e), `(?i)mcp|_app_api_activity`)
	e.attributes.actor.auth.authType == "api-token"
}

# ATL-DET-019 MCP or app activity on behalf of an inactive user
inactive := {u.accountId | some u in input.users; object.get(u, "status", "active") != "active"}

det019 contains person(e) if {
	some e in evs
	in_set(act(e), `(?i)mcp|_app_api_activity`)
	person(e) in inactive
}

# ATL-DET-020 third-party integrations connected
det020 contains [actor(e), day(e)] if {
	some e in evs
	act(e) in {"third_party_integration_connected", "rovo_ai_3p_connector_connection_created"}
}

# ATL-DET-021 admin roles granted outside 08:00-18:00 UTC Monday-Friday
det021 contains [actor(e), day(e)] if {
	some e in evs
	act(e) in {"added_org_admin", "group_granted_admin_access", "role_assignment_added_to_group"}
	c := time.clock(tns(e))
	wd := time.weekday(tns(e))
	off(c[0], wd)
}

off(_, wd) if wd in {"Saturday", "Sunday"}

off(h, _) if h < 8

off(h, _) if h >= 18

counts := {
	"ATL-DET-001": count(det001), "ATL-DET-002": count(det002), "ATL-DET-003": count(det003),
	"ATL-DET-004": count(det004), "ATL-DET-005": count(det005), "ATL-DET-006": count(det006),
	"ATL-DET-008": count(det008), "ATL-DET-009": count(det009), "ATL-DET-010": count(det010),
	"ATL-DET-012": count(det012), "ATL-DET-013": count(det013), "ATL-DET-014": count(det014),
	"ATL-DET-015": count(det015), "ATL-DET-016": count(det016), "ATL-DET-017": count(det017),
	"ATL-DET-018": count(det018), "ATL-DET-019": count(det019), "ATL-DET-020": count(det020),
	"ATL-DET-021": count(det021),
}
