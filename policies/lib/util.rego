# Helpers shared by the shipped pack. Plain Rego v1: runs the same under regorus and OPA.
package orgscan.lib.util

import rego.v1

ns_per_day := 86400000000000

# Nanoseconds since the epoch of an RFC 3339 timestamp (orgscan writes them canonical).
ts_ns(ts) := time.parse_rfc3339_ns(ts)

# Whole days between a timestamp and the evaluation time (negative when in the future).
days_since(ts) := floor((input.now_ns - ts_ns(ts)) / ns_per_day)

days_until(ts) := floor((ts_ns(ts) - input.now_ns) / ns_per_day)

# The platform roles that make an account an administrator.
admin_roles := {"atlassian/org-admin", "atlassian/site-admin", "atlassian/user-access-admin"}

is_admin(user) if {
	some role in user.platformRoles
	role in admin_roles
}

user_admin_roles(user) := sort([role | some role in user.platformRoles; role in admin_roles])

# Active in the directory (not suspended, deactivated or closed).
is_active(user) if {
	object.get(user, "status", "active") == "active"
	object.get(user, "accountStatus", "active") == "active"
}

display(user) := name if {
	name := user.name
	is_string(name)
} else := user.accountId

# The latest activity we know of for a user: account-level or any product's, or null.
last_activity(user) := latest if {
	stamps := [ts | some ts in array.concat([object.get(user, "lastActive", null)], [object.get(p, "lastActiveTimestamp", null) | some p in object.get(user, "productAccess", [])]); is_string(ts)]
	count(stamps) > 0
	latest := max(stamps)
} else := null

# Settings of a control: metadata defaults merged with orgscan.toml.
params(id) := object.get(input.config.controls, id, {})
