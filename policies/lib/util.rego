# Helpers shared by the shipped pack. Plain Rego v1: runs the same under regorus and OPA.
package orgscan.lib.util

import rego.v1

ns_per_day := 86400000000000

ns_per_hour := 3600000000000

# Nanoseconds since the epoch of an RFC 3339 timestamp (orgscan writes them canonical).
ts_ns(ts) := time.parse_rfc3339_ns(ts)

# Whole days between a timestamp and the evaluation time (negative when in the future).
days_since(ts) := floor((input.now_ns - ts_ns(ts)) / ns_per_day)

days_until(ts) := floor((ts_ns(ts) - input.now_ns) / ns_per_day)

# Whole days between two timestamps (b after a gives a positive number).
days_between(a, b) := floor((ts_ns(b) - ts_ns(a)) / ns_per_day)

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

# The platform roles that make an account an administrator.
admin_roles := {"atlassian/org-admin", "atlassian/site-admin", "atlassian/user-access-admin"}

roles_of(user) := {lower(r) | some r in arr(user, "platformRoles"); is_string(r)}

is_admin(user) if {
	some role in roles_of(user)
	role in admin_roles
}

is_org_admin(user) if "atlassian/org-admin" in roles_of(user)

# The users collection carries platform roles at all (they need the platformRoles expand). Every
# org has at least one org admin, so a directory where nobody holds a role was collected
# without roles rather than really having no admin.
# A function (not a rule) so that policies that never ask do not pay for the pass over users.
roles_collected(users) if count([1 |
	some u in users
	r := object.get(u, "platformRoles", [])
	is_array(r)
	count(r) > 0
]) > 0

roles_missing_reason := "no account in the users collection carries a platform role; every org has an org admin, so roles were probably not collected (platformRoles expand)"

user_admin_roles(user) := sort([role | some role in roles_of(user); role in admin_roles])

inactive_statuses := {"suspended", "deactivated", "for_deletion", "not_invited", "inactive", "closed", "removed"}

# --- bulk filters over the users collection ------------------------------------------------------
# regorus makes a function call or a reference to another rule inside a loop costly (tens of
# microseconds each), so these filters walk the collection once with builtins only. Policies
# call them once and keep the result in a rule of their own.

# Accounts active in the directory (the same test as is_active). The statuses are listed in
# the spellings seen (lower, upper, capitalized) so no per-account lower() is needed.
active(users) := [u |
	bad := inactive_spellings
	some u in users
	not object.get(u, "status", "") in bad
	not object.get(u, "accountStatus", "") in bad
	not object.get(u, "membershipStatus", "") in bad
	not object.get(u, "forDeletion", false) == true
]

inactive_spellings := {s |
	some base in inactive_statuses
	some s in {base, upper(base), concat("", [upper(substring(base, 0, 1)), substring(base, 1, -1)])}
}

# People: not app accounts or JSM customers (the same test as is_human).
humans(users) := [u |
	some u in users
	not object.get(u, "accountType", "") in {"app", "customer", "APP", "CUSTOMER", "App", "Customer"}
]

# Holders of an admin platform role (org, site or user-access admin).
admins_of(users) := [u |
	some u in users
	roles := object.get(u, "platformRoles", [])
	is_array(roles)
	count(roles) > 0
	count({r | some r in roles; is_string(r); lower(r) in {"atlassian/org-admin", "atlassian/site-admin", "atlassian/user-access-admin"}}) > 0
]

org_admins_of(users) := [u |
	some u in users
	roles := object.get(u, "platformRoles", [])
	is_array(roles)
	count(roles) > 0
	count({r | some r in roles; is_string(r); lower(r) == "atlassian/org-admin"}) > 0
]

# Accounts whose claimStatus is `status` (managed|unmanaged).
claimed(users, status) := [u |
	spellings := {status, upper(status), concat("", [upper(substring(status, 0, 1)), substring(status, 1, -1)])}
	some u in users
	object.get(u, "claimStatus", "") in spellings
]

# The users collection says which accounts are managed at all (claimStatus was collected).
claims_collected(users) if count([1 | some u in users; is_string(object.get(u, "claimStatus", null))]) > 0

claims_missing_reason := "no account in the users collection carries a claimStatus, so managed and unmanaged accounts cannot be told apart"

# Ids of the accounts listed (by email, account id, name or group name) in a lower-cased set.
# Entries with an @ are matched against emails only, which keeps the usual case (a few
# break-glass addresses) to one comparison per account.
listed_ids(users, names) := by_email | by_other if {
	emails := {n | some n in names; contains(n, "@")}
	others := names - emails
	by_email := {u.accountId |
		count(emails) > 0
		some u in users
		e := object.get(u, "email", null)
		is_string(e)
		lower(e) in emails
	}
	by_other := {u.accountId |
		count(others) > 0
		some u in users
		gs := object.get(u, "groups", [])
		groups := [n | is_array(gs); some g in gs; n := object.get(g, "name", null)]
		some c in array.concat([object.get(u, "name", null), u.accountId], groups)
		is_string(c)
		lower(c) in others
	}
}

# Idle records of accounts: {user, days, basis, since} where days counts from the latest
# activity (account-level or any product), or from joining the org when never active; accounts
# with neither date are left out.
idle_records(users) := array.concat(
	[{"user": u, "days": floor((input.now_ns - time.parse_rfc3339_ns(last)) / 86400000000000), "basis": "last activity", "since": last} |
		some u in users
		pa := object.get(u, "productAccess", [])
		stamps := [x | some x in array.concat([object.get(u, "lastActive", null)], [object.get(p, "lastActiveTimestamp", null) | is_array(pa); some p in pa]); is_string(x)]
		count(stamps) > 0
		last := max(stamps)
	],
	[{"user": u, "days": floor((input.now_ns - time.parse_rfc3339_ns(added)) / 86400000000000), "basis": "added to the org, never active", "since": added} |
		some u in users
		pa := object.get(u, "productAccess", [])
		stamps := [x | some x in array.concat([object.get(u, "lastActive", null)], [object.get(p, "lastActiveTimestamp", null) | is_array(pa); some p in pa]); is_string(x)]
		count(stamps) == 0
		added := object.get(u, "addedToOrg", null)
		is_string(added)
	],
)

lower_text(x) := lower(x) if {
	is_string(x)
} else := ""

# Active in the directory (not suspended, deactivated, closed or scheduled for deletion).
# Absent or null status fields do not make an account inactive.
is_active(user) if count(active([user])) == 1

# People, not apps (bots, Forge/Connect system accounts) or JSM customers.
is_human(user) if count(humans([user])) == 1

is_managed(user) if lower_of(user, "claimStatus") == "managed"

display(user) := name if {
	name := val(user, "name", null)
	is_string(name)
	name != ""
} else := email if {
	email := val(user, "email", null)
	is_string(email)
	email != ""
} else := user.accountId

# The email domain of an account, lower case, or "".
email_domain(user) := lower(parts[count(parts) - 1]) if {
	email := val(user, "email", null)
	is_string(email)
	contains(email, "@")
	parts := split(email, "@")
} else := ""

# Timestamps of a user's activity: account-level and each product's.
activity_stamps(user) := [ts |
	some ts in array.concat(
		[val(user, "lastActive", null)],
		[val(p, "lastActiveTimestamp", null) | some p in arr(user, "productAccess")],
	)
	is_string(ts)
]

# The latest activity we know of for a user, or null.
last_activity(user) := latest if {
	stamps := activity_stamps(user)
	count(stamps) > 0
	latest := max(stamps)
} else := null

# How long an account has been idle: from its latest activity, or from when it joined the org
# when no activity was ever recorded. `days` is null when neither is known.
idle(user) := {"days": days_since(last), "basis": "last activity", "since": last} if {
	last := last_activity(user)
	last != null
} else := {"days": days_since(added), "basis": "added to the org, never active", "since": added} if {
	added := val(user, "addedToOrg", null)
	is_string(added)
} else := {"days": null, "basis": "unknown", "since": null}

# True when the users collection carries activity dates at all (the collector could read them).
# Functions (not rules) so that policies that never ask do not pay for the pass over users.
activity_known(users) if count([1 | some u in users; is_string(object.get(u, "lastActive", null))]) > 0

activity_known(users) if count([1 |
	some u in users
	pa := object.get(u, "productAccess", [])
	is_array(pa)
	some p in pa
	is_string(object.get(p, "lastActiveTimestamp", null))
]) > 0

# A number as text with one decimal, rounded half away from zero. sprintf's %.1f rounds
# differently in OPA (Go) and regorus (Rust), so messages use this instead.
fixed1(x) := concat("", [sign_text(x), sprintf("%d.%d", [floor(t / 10), t % 10])]) if {
	t := round(abs(x) * 10)
}

sign_text(x) := "-" if {
	x < 0
} else := ""

# A whole number as text (rounded half away from zero).
fixed0(x) := sprintf("%d", [round(x)])

# Settings of a control: metadata defaults merged with orgscan.toml.
params(id) := object.get(object.get(object.get(input, "config", {}), "controls", {}), id, {})

# One setting of a control with a fallback.
param(id, key, fallback) := val(params(id), key, fallback)

# The org-level settings (`[org]` in orgscan.toml).
org_config := c if {
	c := object.get(object.get(input, "config", {}), "org", {})
	is_object(c)
} else := {}

# --- attestation ---------------------------------------------------------------------------

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

# True when an account (by email, id or name) or one of its groups is in a lower-cased set.
listed_in(user, names) if lower_of(user, "email") in names

listed_in(user, names) if lower(user.accountId) in names

listed_in(user, names) if {
	lower_of(user, "name") != ""
	lower_of(user, "name") in names
}

listed_in(user, names) if {
	some g in arr(user, "groups")
	lower_of(g, "name") in names
}

# The same as a boolean (true/false, never undefined), for evidence.
is_listed(user, names) := count([1 | listed_in(user, names)]) > 0

# --- events --------------------------------------------------------------------------------

events_available if object.get(object.get(input, "events", {}), "available", false) == true

# The slim events of one action (lower case key), [] when none.
events_of(action) := e if {
	e := object.get(object.get(input, "events_by_action", {}), lower(action), [])
	is_array(e)
} else := []

# Count of an action in the whole event history (from the streaming pass).
action_count(action) := n if {
	n := object.get(object.get(object.get(input, "events", {}), "per_action", {}), lower(action), 0)
	is_number(n)
} else := 0

# The org's event-action catalogue as a set of lower-case keys.
catalogue_ids := {lower(a.id) | some a in object.get(input, "event_actions", []); is_string(a.id)}

catalogue_available if object.get(object.get(object.get(input, "collections", {}), "event_actions", {}), "available", false) == true

collection_available(name) if object.get(object.get(object.get(input, "collections", {}), name, {}), "available", false) == true

# Short reference to an event for evidence.
event_ref(e) := {
	"id": e.id,
	"time": e.time,
	"action": e.action,
	"actor": val(object.get(e, "actor", {}), "name", val(object.get(e, "actor", {}), "id", null)),
	"actor_id": val(object.get(e, "actor", {}), "id", null),
	"context": [{"type": val(c, "type", null), "id": val(c, "id", null), "attributes": val(c, "attributes", null)} | some c in arr(e, "context")],
}

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

# Catalogue entries whose id, display name or group matches a regular expression.
catalogue_matching(pattern) := {lower(a.id) |
	some a in object.get(input, "event_actions", [])
	is_string(a.id)
	texts := array.concat([a.id, val(a, "display_name", "")], arr(a, "groups"))
	some t in texts
	is_string(t)
	regex.match(pattern, t)
}

# --- admin API keys and user API tokens --------------------------------------------------------

# A key or token revoked already (it may still be listed).
revoked(k) if is_string(val(k, "revocationDate", null))

revoked(k) if upper(val(k, "status", "")) in {"REVOKED", "BLOCKED"}

expired(k) if {
	exp := val(k, "expiresAt", null)
	is_string(exp)
	ts_ns(exp) <= input.now_ns
}

# Can still be used: not revoked, blocked or expired.
usable(k) if {
	not revoked(k)
	not expired(k)
}

key_name(k) := sprintf("%s (%s)", [l, k.id]) if {
	l := val(k, "label", null)
	is_string(l)
	l != ""
} else := k.id

key_evidence(collection, k, field, observed, expected, to_pass) := {
	"source": "api",
	"collection": collection,
	"field": field,
	"observed": observed,
	"expected": expected,
	"label": val(k, "label", null),
	"created_at": val(k, "createdAt", null),
	"expires_at": val(k, "expiresAt", null),
	"last_active_at": val(k, "lastActiveAt", null),
	"owner": val(object.get(k, "createdBy", object.get(k, "user", {})), "email", val(object.get(k, "createdBy", object.get(k, "user", {})), "id", null)),
	"to_pass": to_pass,
}

# --- policies ------------------------------------------------------------------------------

# Org and Control API policies of a type (lower case). A policy both APIs return (same id) is
# taken once, from the Control API.
policies_of_type(t) := array.concat(control, [p |
	some p in arr(input, "org_policies")
	lower_of(object.get(p, "attributes", {}), "type") == t
	not p.id in {c.id | some c in control}
]) if {
	control := [p | some p in arr(input, "control_policies"); lower_of(object.get(p, "attributes", {}), "type") == t]
}

policy_name(p) := n if {
	n := val(object.get(p, "attributes", {}), "name", null)
	is_string(n)
	n != ""
} else := p.id
