# METADATA
# title: No spikes in a person's MCP tool use
# description: >-
#   An AI agent working through the Atlassian (Rovo) MCP server on someone's behalf can read
#   and change Jira and Confluence at machine speed. An hour with far more tool calls than that
#   person's own usual is a runaway or hijacked agent, or bulk data collection. The tool-call
#   action keys are not published: they are resolved from the catalogue (group or name
#   mentioning MCP together with tool or invoke) and listed in the report's activity.
# related_resources:
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/monitor-atlassian-rovo-mcp-server-activity/
# custom:
#   id: ATL-DET-017
#   severity: medium
#   category: Threat detection
#   points: 1
#   kind: detection
#   user_impact: low
#   implementation_cost: low
#   remediation:
#     - Ask the listed person which agent ran and what it was asked to do; check the tools it called.
#     - If unexpected, revoke the person's MCP authorization (Atlassian account > Connected apps) and review the data it read.
#   config:
#     bucket_minutes: 60
#     factor: 5
#     min_count: 30
#     min_history: 5
#     facts:
#       spikes:
#         kind: baseline
#         ids: 1000
#         actions: [set:mcp_tool]
#         by: [user]
#         bucket_minutes: $bucket_minutes
#         factor: $factor
#         min_count: $min_count
#         min_history: $min_history
#   frameworks:
#     cis-controls-v8: ["13.1"]
#     iso27001-2022: ["8.16"]
#     soc2: ["CC7.2"]
#     nist-800-53-r5: ["SI-4"]
#     nist-csf-2: ["DE.CM-03"]
#   version: 1
package orgscan.detect.mcp_spike

import data.orgscan.lib.detect
import rego.v1

id := detect.control_id

cfg := detect.params(id)

keys := detect.action_set("mcp_tool")

deny contains {
	"resource": detect.key_resource(s.key, "user"),
	"message": sprintf("%s made %d MCP tool calls between %s and %s, %v times their usual %v per active hour", [detect.who(s.key.user, object.get(s.key, "user_name", "")), s.count, s.bucket_start, s.bucket_end, s.ratio, s.baseline]),
	"evidence": {
		"source": "events",
		"fact": "spikes",
		"action_keys": keys,
		"count": s.count,
		"baseline": s.baseline,
		"ratio": s.ratio,
		"history_buckets": s.history_buckets,
		"first": s.first,
		"last": s.last,
		"per_day": object.get(s, "per_day", {}),
		"event_ids": s.event_ids,
		"to_pass": "MCP tool calls per hour below factor × the person's own average",
	},
} if {
	some s in detect.items(id, "spikes", "spikes")
	detect.baseline_spike(s, cfg)
}

not_evaluable contains "the org's event-action catalogue has no Rovo MCP tool action (no group or name mentioning MCP with tool or invoke)" if {
	detect.events_available
	count(keys) == 0
}

not_evaluable contains reason if some reason in detect.events_unavailable
