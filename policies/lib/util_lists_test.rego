package orgscan.lib.util_lists_test

import data.orgscan.lib.util
import rego.v1

ann := {"accountId": "a1", "email": "Ann@X.io", "name": "Ann Lee", "groups": [{"name": "Break-Glass"}]}

test_listed_in_by_email_id_name_or_group if {
	util.listed_in(ann, {"ann@x.io"})
	util.listed_in(ann, {"a1"})
	util.listed_in(ann, {"ann lee"})
	util.listed_in(ann, {"break-glass"})
	not util.listed_in(ann, {"bob@x.io"})
	util.is_listed(ann, {"a1"}) == true
	util.is_listed(ann, {"zz"}) == false
}

test_listed_ids_matches_emails_and_other_names if {
	users := [ann, {"accountId": "b2", "email": "bob@x.io", "name": "Bob"}]
	util.listed_ids(users, {"bob@x.io"}) == {"b2"}
	util.listed_ids(users, {"break-glass", "b2"}) == {"a1", "b2"}
	util.listed_ids(users, set()) == set()
}
