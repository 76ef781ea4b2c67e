//! Ground truth for the labeled accuracy test (tests/accuracy.rs): for every planted incident,
//! the controls expected to report it and the object and event ids they must cite; for every
//! near-miss control case, the controls that must stay silent about it. Built from the planted
//! events themselves, so a label never drifts from what the generator wrote.

use super::PlantedEvent;
use serde::Serialize;
use std::collections::BTreeMap;

/// Whether a control must report the case or must not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Expect {
    /// A planted incident: some finding of the control is about `resource` and cites every
    /// one of `event_ids`.
    Report,
    /// A near miss: no finding of the control is about `resource` (when given) or cites any
    /// of `event_ids`.
    Silent,
}

#[derive(Clone, Debug, Serialize)]
pub struct Label {
    /// The planted-event label (or a name for a configuration case).
    pub case: &'static str,
    pub control: &'static str,
    pub expect: Expect,
    /// `resource.id` of the finding (an account, key, policy …); `None` = any resource.
    pub resource: Option<String>,
    pub event_ids: Vec<String>,
    /// Why this is (or is not) a finding, for the test's printout.
    pub why: &'static str,
}

/// (planted label, control, expectation, why): the finding is about the events' actor and
/// cites all of that actor's events of the case.
const EVENT_CASES: &[(&str, &str, Expect, &str)] = &[
    (
        "risky_country_login",
        "ATL-DET-001",
        Expect::Report,
        "sign-ins from Iran and North Korea",
    ),
    (
        "privilege_spread",
        "ATL-DET-002",
        Expect::Report,
        "one admin adds three people to groups within ten minutes, each once",
    ),
    (
        "provisioning_group_sync",
        "ATL-DET-002",
        Expect::Silent,
        "the IdP sync (system actor) adds six people at once, by design",
    ),
    (
        "admin_group_add",
        "ATL-DET-003",
        Expect::Report,
        "a person added to org-admins",
    ),
    (
        "admin_key_created",
        "ATL-DET-004",
        Expect::Report,
        "an admin API key created",
    ),
    (
        "user_token_created",
        "ATL-DET-005",
        Expect::Report,
        "a user API token created",
    ),
    (
        "product_access_burst",
        "ATL-DET-006",
        Expect::Report,
        "eight product grants by one admin in 40 minutes",
    ),
    (
        "login_burst",
        "ATL-DET-009",
        Expect::Report,
        "twelve sign-ins within an hour by a light user",
    ),
    (
        "login_at_floor",
        "ATL-DET-009",
        Expect::Silent,
        "five sign-ins within an hour: exactly the floor",
    ),
    (
        "twosv_unenforced",
        "ATL-DET-010",
        Expect::Report,
        "2SV enforcement turned off",
    ),
    (
        "session_policy_changed",
        "ATL-DET-010",
        Expect::Report,
        "idle session raised to a week",
    ),
    (
        "data_security_deleted",
        "ATL-DET-010",
        Expect::Report,
        "a data security policy deleted",
    ),
    (
        "impossible_travel",
        "ATL-DET-013",
        Expect::Report,
        "Berlin, then Sydney 40 minutes later",
    ),
    (
        "impersonation",
        "ATL-DET-015",
        Expect::Report,
        "an admin logged in as another user",
    ),
    (
        "oauth_first_install",
        "ATL-DET-016",
        Expect::Report,
        "a user authorised Zapier",
    ),
    (
        "integration_connected",
        "ATL-DET-020",
        Expect::Report,
        "Microsoft Teams connected",
    ),
    (
        "org_admin_added",
        "ATL-DET-021",
        Expect::Report,
        "org admin granted at 02:31 Berlin on a Saturday",
    ),
    (
        "risky_country_login",
        "ATL-DET-008",
        Expect::Report,
        "sign-ins from Iran and North Korea, outside the office allowlist",
    ),
    (
        "admin_spike",
        "ATL-DET-014",
        Expect::Report,
        "thirty directory views and searches in one evening by an admin who does a few a day",
    ),
];

/// (planted label, control, why): near misses; no finding of the control may cite any of the
/// case's events (whoever it is about: the actor may have other, real findings).
const NEAR_MISSES: &[(&str, &str, &str)] = &[
    (
        "neighbour_country_login",
        "ATL-DET-001",
        "a sign-in from South Korea, the unlisted neighbour of North Korea",
    ),
    (
        "privilege_spread",
        "ATL-DET-003",
        "additions to ordinary groups (engineering, operations, product)",
    ),
    (
        "provisioning_group_sync",
        "ATL-DET-003",
        "the IdP sync adds people to jira-users, not an admin group",
    ),
    (
        "admin_key_revoked",
        "ATL-DET-004",
        "an admin API key revoked, not created",
    ),
    (
        "user_token_deleted",
        "ATL-DET-005",
        "a user API token revoked, not created",
    ),
    (
        "product_access_at_threshold",
        "ATL-DET-006",
        "five product grants within an hour: exactly Sumo's Count > 5",
    ),
    (
        "policies_viewed",
        "ATL-DET-010",
        "viewing the org's policies on the day of a real change",
    ),
    (
        "neighbour_country_login",
        "ATL-DET-012",
        "a new country for someone with fewer than 20 earlier events: no baseline",
    ),
    (
        "domestic_trip",
        "ATL-DET-013",
        "Munich, then Berlin 95 minutes later: under 500 km once the places' precision is off",
    ),
    (
        "admin_day_below_floor",
        "ATL-DET-014",
        "nineteen admin actions in a day, one short of the floor of twenty",
    ),
    (
        "oauth_app_uninstalled",
        "ATL-DET-016",
        "an OAuth app uninstalled, not installed",
    ),
    (
        "mcp_hour_below_floor",
        "ATL-DET-017",
        "29 MCP tool calls in an hour, one short of the floor of 30",
    ),
    (
        "mcp_spike",
        "ATL-DET-018",
        "the MCP spike's calls are authenticated through OAuth (3LO), not an API token",
    ),
    (
        "integration_disconnected",
        "ATL-DET-020",
        "an integration disconnected, not connected",
    ),
    (
        "admin_grant_in_hours",
        "ATL-DET-021",
        "an admin grant on a Wednesday at 17:59 UTC, inside working hours",
    ),
];

/// Every label of the demo, in a stable order.
pub fn labels(events: &[PlantedEvent], people: &BTreeMap<&'static str, String>) -> Vec<Label> {
    let person = |key: &str| people.get(key).cloned();
    let ids = |case: &str| -> Vec<String> {
        events
            .iter()
            .filter(|e| e.label == case)
            .map(|e| e.id.clone())
            .collect()
    };
    let mut out: Vec<Label> = Vec::new();
    for (case, control, expect, why) in EVENT_CASES {
        // One label per actor: a finding is about one account.
        let mut actors: Vec<&str> = events
            .iter()
            .filter(|e| e.label == *case)
            .map(|e| e.actor_id.as_str())
            .collect();
        actors.sort_unstable();
        actors.dedup();
        for actor in actors {
            out.push(Label {
                case,
                control,
                expect: *expect,
                resource: Some(actor.to_string()),
                event_ids: events
                    .iter()
                    .filter(|e| e.label == *case && e.actor_id == actor)
                    .map(|e| e.id.clone())
                    .collect(),
                why,
            });
        }
    }
    for (case, control, why) in NEAR_MISSES {
        out.push(Label {
            case,
            control,
            expect: Expect::Silent,
            resource: None,
            event_ids: ids(case),
            why,
        });
    }
    // Cases about one event of a planted pair.
    let travel = ids("impossible_travel");
    out.push(Label {
        case: "impossible_travel",
        control: "ATL-DET-008",
        expect: Expect::Report,
        resource: person("jonas"),
        event_ids: travel.get(1).cloned().into_iter().collect(),
        why: "Jonas's sign-in from Sydney, outside the office allowlist",
    });
    out.push(Label {
        case: "impossible_travel",
        control: "ATL-DET-008",
        expect: Expect::Silent,
        resource: None,
        event_ids: travel.first().cloned().into_iter().collect(),
        why: "Jonas's sign-in from the Berlin office, inside the allowlist",
    });
    out.push(Label {
        case: "domestic_trip",
        control: "ATL-DET-008",
        expect: Expect::Silent,
        resource: None,
        event_ids: ids("domestic_trip").split_off(1),
        why: "Jakob's sign-in from the Berlin office, inside the allowlist (his home one is not)",
    });
    // Cases whose finding is about someone other than the events' actor.
    out.push(Label {
        case: "impossible_travel",
        control: "ATL-DET-012",
        expect: Expect::Report,
        resource: person("jonas"),
        event_ids: ids("impossible_travel").split_off(1),
        why: "Jonas's first sign-in from Australia",
    });
    out.push(Label {
        case: "mcp_spike",
        control: "ATL-DET-017",
        expect: Expect::Report,
        resource: person("kevin"),
        event_ids: ids("mcp_spike"),
        why: "64 MCP tool calls in one evening hour (about one a day before)",
    });
    out.push(Label {
        case: "api_token_auth",
        control: "ATL-DET-018",
        expect: Expect::Report,
        resource: person("noah"),
        event_ids: ids("api_token_auth"),
        why: "MCP and app activity authenticated by Noah's API token",
    });
    out.push(Label {
        case: "on_behalf_of_deactivated",
        control: "ATL-DET-019",
        expect: Expect::Report,
        resource: person("greta"),
        event_ids: ids("on_behalf_of_deactivated"),
        why: "Slack acting for Greta after her deactivation",
    });
    out.push(Label {
        case: "app_activity_before_deactivation",
        control: "ATL-DET-019",
        expect: Expect::Silent,
        resource: None,
        event_ids: ids("app_activity_before_deactivation"),
        why: "Slack acting for Greta two days before she left (same action as after)",
    });
    // Configuration cases.
    out.push(Label {
        case: "unmanaged_on_org_domain",
        control: "ATL-IDN-012",
        expect: Expect::Report,
        resource: person("nina"),
        event_ids: Vec::new(),
        why: "an unmanaged account on the org's verified domain",
    });
    for (domain, why) in [
        ("acme-labs.io", "a domain added but never verified"),
        (
            "acmerobotics.dev",
            "a domain whose verification token is gone",
        ),
    ] {
        out.push(Label {
            case: "domain_not_verified",
            control: "ATL-IDN-013",
            expect: Expect::Report,
            resource: Some(domain.to_string()),
            event_ids: Vec::new(),
            why,
        });
    }
    out.push(Label {
        case: "domain_verified",
        control: "ATL-IDN-013",
        expect: Expect::Silent,
        resource: Some("acme-robotics.com".to_string()),
        event_ids: Vec::new(),
        why: "the verified domain",
    });
    out.push(Label {
        case: "unattested_app_activity",
        control: "ATL-APP-007",
        expect: Expect::Report,
        resource: None,
        event_ids: Vec::new(),
        why: "Zapier acts in the events but is not in the attested app inventory",
    });
    out
}
