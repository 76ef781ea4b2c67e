package orgscan.detect.login_outside_allowlist_test

import data.orgscan.detect.login_outside_allowlist
import rego.v1

item := {
	"key": {"actor": "a1"}, "values": [{"value": "198.51.100.9", "count": 2}], "distinct": 1, "count": 2,
	"first": "2026-11-01T10:00:00.000Z", "last": "2026-11-02T10:00:00.000Z", "event_ids": ["e1", "e2"],
}

inp(cidrs, items) := {
	"events": {"available": true},
	"facts": {"ip_allowlist": {"cidrs": cidrs}, "declared": {"ATL-DET-008": {"outside": {"items": items}}}},
}

test_fires_for_a_sign_in_outside if {
	findings := login_outside_allowlist.deny with input as inp(["203.0.113.0/24"], [item]) with input.control.id as "ATL-DET-008"
	count(findings) == 1
	some f in findings
	f.evidence.ips == ["198.51.100.9"]
	f.evidence.count == 2
}

test_near_miss_all_inside_passes if {
	count(login_outside_allowlist.deny) == 0 with input as inp(["203.0.113.0/24"], []) with input.control.id as "ATL-DET-008"
}

test_not_applicable_without_allowlist if {
	count(login_outside_allowlist.deny) == 0 with input as inp([], [item]) with input.control.id as "ATL-DET-008"
	count(login_outside_allowlist.not_applicable) == 1 with input as inp([], [item]) with input.control.id as "ATL-DET-008"
}

test_not_evaluable_without_events if {
	count(login_outside_allowlist.not_evaluable) == 1 with input as {"events": {"available": false}} with input.control.id as "ATL-DET-008"
}

test_the_same_policy_from_both_apis_is_listed_once if {
	# The org-policy and the Control API copy of one policy: each CIDR once, one policy entry.
	copy := {"id": "p1", "name": "Office", "enabled": true, "cidrs": ["203.0.113.0/24", "198.51.100.0/28"]}
	doc := {
		"events": {"available": true},
		"facts": {
			"ip_allowlist": {"cidrs": array.concat(copy.cidrs, copy.cidrs), "policies": [copy, copy]},
			"declared": {"ATL-DET-008": {"outside": {"items": [item]}}},
		},
	}
	findings := login_outside_allowlist.deny with input as doc with input.control.id as "ATL-DET-008"
	some f in findings
	f.evidence.allowlist == ["198.51.100.0/28", "203.0.113.0/24"]
	f.evidence.allowlist_policies == [{"id": "p1", "name": "Office", "cidrs": ["198.51.100.0/28", "203.0.113.0/24"]}]
}

test_before_an_allowlist_is_enabled_the_same_sign_ins_are_not_applicable_after_they_fire if {
	# State change: the org's only ip-allowlist policy disabled (no CIDRs reach the fact), then enabled.
	count(login_outside_allowlist.deny) == 0 with input as inp([], [item]) with input.control.id as "ATL-DET-008"
	findings := login_outside_allowlist.deny with input as inp(["203.0.113.0/24"], [item]) with input.control.id as "ATL-DET-008"
	count(findings) == 1
	some f in findings
	f.evidence.allowlist == ["203.0.113.0/24"]
}

test_an_item_listing_some_of_its_addresses_counts_them_all if {
	# `max_listed: 20`: the fact lists the first addresses and `distinct` counts every one.
	listed := [{"value": sprintf("198.51.100.%d", [i]), "count": 1} | some i in numbers.range(10, 29)]
	many := object.union(item, {"values": listed, "distinct": 57, "count": 60})
	findings := login_outside_allowlist.deny with input as inp(["203.0.113.0/24"], [many]) with input.control.id as "ATL-DET-008"
	some f in findings
	f.evidence.addresses == 57
	count(f.evidence.ips) == 20
	contains(f.message, "60 time(s) from 57 address(es)")
}
