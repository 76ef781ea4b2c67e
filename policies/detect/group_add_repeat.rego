# METADATA
# title: No user added to groups repeatedly in a short time
# description: >-
#   Group additions within a short window, counted two ways: per person added (an attacker
#   granting an account access step by step, or a broken provisioning loop) and per person who
#   adds (one actor spreading privileges to several accounts, each added once). Provisioning
#   actors (SCIM/IdP sync and Atlassian's internal system actor) add people in bulk by design
#   and are exempt, configurably. One finding per person and burst (Sumo Logic "User addition
#   to group", Count > 1).
# related_resources:
#   - ref: https://support.atlassian.com/user-management/docs/create-and-update-groups/
# custom:
#   id: ATL-DET-002
#   severity: medium
#   category: Threat detection
#   points: 1
#   kind: detection
#   user_impact: low
#   implementation_cost: low
#   remediation:
#     - Review the listed person's group memberships in admin.atlassian.com > Directory > Groups.
#     - Remove memberships nobody approved and ask who made the changes.
#   config:
#     window_minutes: 60
#     max_additions: 1
#     provisioning_actors: [atlassian-internal-system, Atlassian]
#     provisioning_actions: [scim_group_add_member]
#     facts:
#       additions:
#         kind: count
#         actions: [user_added_to_group, scim_group_add_member]
#         by: [target_user]
#         where: {actor_not: $provisioning_actors, actor_name_not: $provisioning_actors, action_not: $provisioning_actions}
#         window_minutes: $window_minutes
#         over: $max_additions
#         ids: 1000
#       by_actor:
#         kind: count
#         actions: [user_added_to_group, scim_group_add_member]
#         by: [actor]
#         where: {actor_not: $provisioning_actors, actor_name_not: $provisioning_actors, action_not: $provisioning_actions}
#         window_minutes: $window_minutes
#         over: $max_additions
#         ids: 1000
#   frameworks:
#     cis-controls-v8: ["8.11"]
#     iso27001-2022: ["8.16"]
#     soc2: ["CC7.2"]
#     nist-800-53-r5: ["AC-2(4)"]
#     nist-csf-2: ["DE.CM-03"]
#   version: 2
package orgscan.detect.group_add_repeat

import data.orgscan.lib.detect
import rego.v1

id := detect.control_id

cfg := detect.params(id)

# Bursts above the threshold (the fact applies it too; checked here so a test can pin it).
over(b) if b.peak > cfg.max_additions

target_bursts := [b | some b in detect.items(id, "additions", "bursts"); over(b)]

# Event ids already reported per person added: an actor's burst made only of them (one person
# added to several groups) is the same story and is not reported twice.
target_ids := {x | some b in target_bursts; some x in b.event_ids}

deny contains {
	"resource": detect.key_resource(b.key, "target_user"),
	"message": sprintf("%s was added to groups %d times between %s and %s (more than %d within %d minutes)", [detect.who(b.key.target_user, object.get(b.key, "target_user_name", "")), b.count, b.first, b.last, cfg.max_additions, cfg.window_minutes]),
	"evidence": evidence(b, "additions", "per person added"),
} if {
	some b in target_bursts
}

deny contains {
	"resource": detect.key_resource(b.key, "actor"),
	"message": sprintf("%s added people to groups %d times between %s and %s (more than %d within %d minutes)", [detect.who(b.key.actor, object.get(b.key, "actor_name", "")), b.count, b.first, b.last, cfg.max_additions, cfg.window_minutes]),
	"evidence": evidence(b, "by_actor", "per actor"),
} if {
	some b in detect.items(id, "by_actor", "bursts")
	over(b)
	not explained_by_targets(b)
}

explained_by_targets(b) if {
	count(b.event_ids) == b.count
	every x in b.event_ids {
		x in target_ids
	}
}

evidence(b, fact, grouping) := {
	"source": "events",
	"fact": fact,
	"grouping": grouping,
	"count": b.count,
	"peak": b.peak,
	"first": b.first,
	"last": b.last,
	"per_day": object.get(b, "per_day", {}),
	"event_ids": b.event_ids,
	"threshold": cfg.max_additions,
	"window_minutes": cfg.window_minutes,
	"exempt_actors": cfg.provisioning_actors,
	"to_pass": "no more than max_additions group additions per person added, or per actor, within window_minutes (provisioning actors exempt)",
}

not_evaluable contains reason if some reason in detect.events_unavailable
