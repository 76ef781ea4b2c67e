# Whether accounts are in a configured or attested list of emails, ids, names or groups.
# Part of the `orgscan.lib.util` package (one package over the util_*.rego files, so policies
# call every helper as `util.…`). Plain Rego v1: runs the same under regorus and OPA.
package orgscan.lib.util

import rego.v1

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
