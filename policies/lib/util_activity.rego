# When accounts were last active, and how long they have been idle.
# Part of the `orgscan.lib.util` package (one package over the util_*.rego files, so policies
# call every helper as `util.…`). Plain Rego v1: runs the same under regorus and OPA.
package orgscan.lib.util

import rego.v1

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
