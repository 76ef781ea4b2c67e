# Users and admins: roles, directory status, people and apps, managed accounts, names.
# Part of the `orgscan.lib.util` package (one package over the util_*.rego files, so policies
# call every helper as `util.…`). Plain Rego v1: runs the same under regorus and OPA.
package orgscan.lib.util

import rego.v1

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
