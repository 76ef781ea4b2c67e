//! Tests of the demo org: determinism, shape, the planted facts, and the disk round trip.

use super::*;
use crate::snapshot::{load_snapshot, Event};
use std::sync::OnceLock;

/// Built once: the demo is deterministic, so every test may share it.
fn shared() -> &'static (Demo, Vec<Event>) {
    static DEMO: OnceLock<(Demo, Vec<Event>)> = OnceLock::new();
    DEMO.get_or_init(|| {
        let demo = demo();
        let events = event_lines(&demo.snapshot)
            .iter()
            .map(|line| {
                serde_json::from_str::<Event>(line).unwrap_or_else(|e| panic!("{e}: {line}"))
            })
            .collect();
        (demo, events)
    })
}

fn event_lines(snapshot: &Snapshot) -> Vec<String> {
    let EventSource::Memory(bytes) = &snapshot.events else {
        panic!("the demo keeps its events in memory");
    };
    std::str::from_utf8(bytes)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

fn ndjson(snapshot: &Snapshot) -> Vec<u8> {
    match &snapshot.events {
        EventSource::Memory(bytes) => bytes.to_vec(),
        _ => panic!("in memory"),
    }
}

fn facts() -> &'static DemoFacts {
    &shared().0.facts
}

fn events() -> &'static [Event] {
    &shared().1
}

fn by_id(id: &str) -> &'static Event {
    events()
        .iter()
        .find(|e| e.id == id)
        .unwrap_or_else(|| panic!("event {id} missing"))
}

fn ms(t: Timestamp) -> i64 {
    t.epoch_millis()
}

#[test]
fn two_builds_are_byte_identical() {
    let a = demo();
    let b = demo();
    assert_eq!(ndjson(&a.snapshot), ndjson(&b.snapshot));
    // The manifest holds the sha256 of every collection's canonical JSON.
    assert_eq!(a.snapshot.manifest, b.snapshot.manifest);
    assert_eq!(
        serde_json::to_vec(&a.snapshot.users).unwrap(),
        serde_json::to_vec(&b.snapshot.users).unwrap()
    );
    assert_eq!(a.facts.events, b.facts.events);
}

#[test]
fn sizes_and_manifest() {
    let s = &shared().0.snapshot;
    assert!(s.users.len() >= 55, "{} users", s.users.len());
    assert!(events().len() >= 2_000, "{} events", events().len());
    assert_eq!(facts().total_events, events().len());
    assert!((80..=150).contains(&s.event_actions.len()));
    assert!(s.directories.len() <= 2);
    assert_eq!(s.domains.len(), 3);
    assert!((2..=3).contains(
        &s.workspaces
            .iter()
            .map(|w| &w.attributes.host_url)
            .collect::<std::collections::BTreeSet<_>>()
            .len()
    ));
    assert_eq!(s.location, "demo");
    assert_eq!(s.manifest.source, SnapshotSource::Demo);
    assert_eq!(
        s.manifest.collected_at.to_rfc3339(),
        "2026-11-20T12:00:00.000Z"
    );
    let window = s.manifest.event_window.as_ref().unwrap();
    assert_eq!(window.from.to_rfc3339(), "2026-10-21T12:00:00.000Z");
    for collection in Collection::ALL {
        assert!(s.is_collected(collection), "{collection:?}");
        assert_eq!(s.manifest.collections[&collection].source, "demo");
        assert!(
            s.manifest.files.contains_key(collection.file_name()),
            "{collection:?}"
        );
    }
    assert_eq!(
        s.manifest.files["events.ndjson"].records,
        events().len() as u64
    );
    assert_eq!(s.manifest.files["users.json"].records, s.users.len() as u64);
    let bytes = ndjson(s).len() / events().len();
    assert!((800..=1_700).contains(&bytes), "{bytes} bytes per event");
}

#[test]
fn events_are_canonical_sorted_unique_and_inside_the_window() {
    let lines = event_lines(&shared().0.snapshot);
    let mut ids = std::collections::BTreeSet::new();
    for (line, event) in lines.iter().zip(events()) {
        assert_eq!(
            &serde_json::to_string(event).unwrap(),
            line,
            "not canonical"
        );
        assert!(ids.insert(event.id.clone()), "duplicate id {}", event.id);
        assert_eq!(event.kind.as_deref(), Some("events"));
        let t = ms(event.attributes.time);
        assert!((WINDOW_FROM_MS..COLLECTED_AT_MS).contains(&t), "{line}");
        assert!(!event.attributes.container.is_empty());
        assert_eq!(event.attributes.container[0].id.as_deref(), Some(ORG_ID));
    }
    for pair in events().windows(2) {
        let key = |e: &Event| (e.attributes.time, e.id.clone());
        assert!(
            key(&pair[0]) <= key(&pair[1]),
            "out of order at {}",
            pair[1].id
        );
    }
}

#[test]
fn one_day_has_no_events_and_every_other_day_has_some() {
    let (from, to) = facts().gap;
    let day_of = |t: i64| t.div_euclid(MS_PER_DAY);
    let days: std::collections::BTreeSet<i64> = events()
        .iter()
        .map(|e| day_of(ms(e.attributes.time)))
        .collect();
    assert!(!days.contains(&day_of(ms(from))));
    assert_eq!(ms(to) - ms(from), MS_PER_DAY);
    for day in day_of(WINDOW_FROM_MS)..=day_of(COLLECTED_AT_MS - 1) {
        if day != day_of(ms(from)) {
            assert!(days.contains(&day), "no events on day {day}");
        }
    }
}

#[test]
fn the_catalogue_covers_every_action_and_has_the_discoverable_entries() {
    let s = &shared().0.snapshot;
    let ids: std::collections::BTreeSet<&str> =
        s.event_actions.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids.len(), s.event_actions.len(), "catalogue ids are unique");
    for event in events() {
        assert!(
            ids.contains(event.attributes.action.as_str()),
            "{}",
            event.attributes.action
        );
    }
    assert!(!ids
        .iter()
        .any(|id| id.contains("fail") && id.contains("login")));
    assert!(s.event_actions.iter().any(|a| a.groups().is_empty()));
    let discover = regex::Regex::new(r"(?i)oauth|mcp|connected app|3lo").unwrap();
    let found: Vec<&str> = s
        .event_actions
        .iter()
        .filter(|a| {
            discover.is_match(&a.id)
                || a.attributes
                    .display_name
                    .as_deref()
                    .is_some_and(|n| discover.is_match(n))
                || a.groups().iter().any(|g| discover.is_match(g))
        })
        .map(|a| a.id.as_str())
        .collect();
    for key in ["oauth_app_first_installed", "rovo_mcp_tool_invoked"] {
        assert!(found.contains(&key), "{key} not discoverable: {found:?}");
    }
    let mcp = s
        .event_actions
        .iter()
        .find(|a| a.id == "rovo_mcp_tool_invoked")
        .unwrap();
    assert_eq!(mcp.groups(), vec!["Rovo MCP User Actions".to_string()]);
    for key in [
        "jira_app_api_activity",
        "confluence_app_api_activity",
        "api_token_created",
        "ts_api_token_creation",
    ] {
        assert!(ids.contains(key), "{key}");
    }
}

#[test]
fn the_baseline_is_realistic() {
    let count = |action: &str| {
        events()
            .iter()
            .filter(|e| e.attributes.action == action)
            .count()
    };
    assert!(count("user_login") > events().len() / 3, "logins dominate");
    let app_activity: Vec<&Event> = events()
        .iter()
        .filter(|e| e.attributes.action.ends_with("_app_api_activity"))
        .collect();
    assert!(app_activity.len() > 100);
    assert!(app_activity
        .iter()
        .all(|e| e.attributes.actor.app.is_some() && e.attributes.actor.on_behalf_of.is_some()));
    assert!(app_activity.iter().any(|e| e
        .attributes
        .actor
        .auth
        .as_ref()
        .and_then(|a| a.auth_type.as_deref())
        == Some("auth-token-for-3LO")));
    let mcp_users: std::collections::BTreeSet<&str> = events()
        .iter()
        .filter(|e| e.attributes.action == "rovo_mcp_tool_invoked")
        .map(|e| e.attributes.actor.id.as_str())
        .collect();
    assert!((3..=8).contains(&mcp_users.len()), "{mcp_users:?}");
    let system: Vec<&Event> = events()
        .iter()
        .filter(|e| e.attributes.actor.id == "atlassian-internal-system")
        .collect();
    assert!(!system.is_empty());
    assert!(system.iter().all(|e| e.attributes.location.is_none()));
    // Nobody dormant, deactivated (after the fact) or unknown acts in the log.
    let users = &shared().0.snapshot.users;
    for event in events() {
        let actor = &event.attributes.actor.id;
        if actor == "atlassian-internal-system" {
            continue;
        }
        let user = users
            .iter()
            .find(|u| &u.account_id == actor)
            .unwrap_or_else(|| panic!("unknown actor {actor}"));
        assert!(
            !facts().dormant_users.contains(actor),
            "dormant {actor} acts at {}",
            event.attributes.time
        );
        if let Some(off) = user.deactivated_on {
            assert!(
                event.attributes.time < off,
                "{actor} acts after deactivation"
            );
        }
    }
    // Baseline logins never come from the risky locations.
    let risky: Vec<&Event> = events()
        .iter()
        .filter(|e| {
            e.attributes
                .location
                .as_ref()
                .and_then(|l| l.country_name.as_deref())
                .is_some_and(|c| c == "Iran" || c == "North Korea")
        })
        .collect();
    assert_eq!(risky.len(), 2);
}

#[test]
fn planted_logins_risky_countries_and_impossible_travel() {
    let f = facts();
    let risky = f.planted("risky_country_login");
    let countries: Vec<&str> = risky
        .iter()
        .map(|p| {
            by_id(&p.id)
                .attributes
                .location
                .as_ref()
                .unwrap()
                .country_name
                .as_deref()
                .unwrap()
        })
        .collect();
    assert_eq!(countries, vec!["Iran", "North Korea"]);
    assert_eq!(risky[0].actor_id, f.person("lucas"));
    let travel = f.planted("impossible_travel");
    assert_eq!(travel.len(), 2);
    assert_eq!(travel[0].actor_id, travel[1].actor_id);
    assert_eq!(travel[0].actor_id, f.person("jonas"));
    let gap = ms(travel[1].time) - ms(travel[0].time);
    assert!(gap <= 40 * 60_000 && gap > 30 * 60_000, "{gap}");
    let city = |p: &PlantedEvent| {
        by_id(&p.id)
            .attributes
            .location
            .as_ref()
            .unwrap()
            .city
            .clone()
            .unwrap()
    };
    assert_eq!(
        (city(travel[0]).as_str(), city(travel[1]).as_str()),
        ("Berlin", "Sydney")
    );
}

#[test]
fn planted_admin_changes() {
    let f = facts();
    let burst = f.planted("product_access_burst");
    assert!(burst.len() > 5);
    assert!(burst
        .iter()
        .all(|p| p.actor_id == f.person("elena") && p.action == "user_granted_product_access"));
    assert!(ms(burst[burst.len() - 1].time) - ms(burst[0].time) < MS_PER_HOUR);

    let add = &f.planted("admin_group_add")[0];
    let event = by_id(&add.id);
    assert_eq!(event.attributes.action, "user_added_to_group");
    assert!(event.attributes.context.iter().any(|c| {
        c.kind.as_deref() == Some("groups")
            && c.attributes.as_ref().unwrap()["name"] == "org-admins"
    }));
    // 01:30 UTC on a Saturday is 02:30 in Berlin (CET, UTC+1), the actor's time zone.
    let t = ms(add.time);
    assert_eq!(json::weekday(t), 5);
    assert_eq!(t.rem_euclid(MS_PER_DAY) / 60_000, 90);
    let marcus = shared()
        .0
        .snapshot
        .users
        .iter()
        .find(|u| u.account_id == add.actor_id)
        .unwrap();
    assert_eq!(marcus.extra["timeZone"], "Europe/Berlin");
    let promoted = &f.planted("org_admin_added")[0];
    assert_eq!(promoted.action, "added_org_admin");
    assert!(ms(promoted.time) - t < 5 * 60_000);

    assert_eq!(
        f.planted("admin_key_created")[0].action,
        "api_token_created"
    );
    assert_eq!(
        f.planted("user_token_created")[0].action,
        "ts_api_token_creation"
    );
    assert_eq!(
        f.planted("impersonation")[0].action,
        "user_logged_in_as_user"
    );
    let key = shared()
        .0
        .snapshot
        .api_keys
        .iter()
        .find(|k| k.id == f.api_keys.no_scopes)
        .unwrap();
    assert_eq!(key.created_at, Some(f.planted("admin_key_created")[0].time));
}

#[test]
fn planted_policy_changes_after_the_attestation() {
    let f = facts();
    let attested = shared()
        .0
        .snapshot
        .attestation
        .as_ref()
        .unwrap()
        .attested_at;
    assert_eq!(attested, f.attested_at);
    assert_eq!(
        ms(f.collected_at) - ms(attested),
        10 * MS_PER_DAY + 3 * MS_PER_HOUR
    );
    for (label, action) in [
        ("twosv_unenforced", "twosv_unenforced"),
        ("session_policy_changed", "set_session_policy"),
        ("ip_allowlist_updated", "policy_updated"),
        (
            "data_security_deactivated",
            "data_security_policy_deactivated",
        ),
    ] {
        let planted = f.planted(label);
        assert_eq!(planted.len(), 1, "{label}");
        assert_eq!(planted[0].action, action);
        assert!(
            planted[0].time > attested,
            "{label} is after the attestation"
        );
    }
    let edited = by_id(&f.planted("ip_allowlist_updated")[0].id);
    let context = &edited.attributes.context[0];
    assert_eq!(context.kind.as_deref(), Some("org-policy"));
    assert_eq!(context.attributes.as_ref().unwrap()["type"], "ip-allowlist");
}

#[test]
fn planted_app_and_mcp_activity() {
    let f = facts();
    // Kevin's spike hour holds at least 10x his busiest other hour.
    let spike = f.planted("mcp_spike");
    let kevin = f.person("kevin");
    let hour = ms(spike[0].time).div_euclid(MS_PER_HOUR);
    assert!(spike
        .iter()
        .all(|p| ms(p.time).div_euclid(MS_PER_HOUR) == hour && p.actor_id == kevin));
    let mut per_hour: BTreeMap<i64, usize> = BTreeMap::new();
    for e in events().iter().filter(|e| {
        e.attributes.action == "rovo_mcp_tool_invoked" && e.attributes.actor.id == kevin
    }) {
        *per_hour
            .entry(ms(e.attributes.time).div_euclid(MS_PER_HOUR))
            .or_default() += 1;
    }
    let busiest_other = per_hour
        .iter()
        .filter(|(h, _)| **h != hour)
        .map(|(_, n)| *n)
        .max()
        .unwrap_or(0);
    assert!(busiest_other >= 1, "kevin has a baseline");
    assert!(
        per_hour[&hour] >= 10 * busiest_other,
        "{} vs {busiest_other}",
        per_hour[&hour]
    );

    let token_auth = f.planted("api_token_auth");
    assert!(token_auth
        .iter()
        .any(|p| p.action == "rovo_mcp_tool_invoked"));
    assert!(token_auth
        .iter()
        .any(|p| p.action.ends_with("_app_api_activity")));
    for p in &token_auth {
        let auth = by_id(&p.id).attributes.actor.auth.clone().unwrap();
        assert_eq!(auth.auth_type.as_deref(), Some("api-token"));
    }

    let greta = f.person("greta");
    let user = shared()
        .0
        .snapshot
        .users
        .iter()
        .find(|u| u.account_id == greta)
        .unwrap();
    let off = user.deactivated_on.unwrap();
    assert!(f.deactivated_users.contains(&greta.to_string()));
    let on_behalf = f.planted("on_behalf_of_deactivated");
    assert!(!on_behalf.is_empty());
    for p in on_behalf {
        let event = by_id(&p.id);
        assert_eq!(
            event
                .attributes
                .actor
                .on_behalf_of
                .as_ref()
                .unwrap()
                .id
                .as_deref(),
            Some(greta)
        );
        assert!(event.attributes.time > off);
    }

    assert_eq!(
        f.planted("integration_connected")[0].action,
        "third_party_integration_connected"
    );
    let install = &f.planted("oauth_first_install")[0];
    assert_eq!(install.action, "oauth_app_first_installed");
    let attested: Vec<String> = shared()
        .0
        .snapshot
        .attestation
        .as_ref()
        .unwrap()
        .connected_apps
        .as_ref()
        .unwrap()
        .iter()
        .map(|a| a.name.clone())
        .collect();
    assert!(!attested.contains(&f.unattested_app.to_string()));
    let acting: Vec<&Event> = events()
        .iter()
        .filter(|e| {
            e.attributes
                .actor
                .app
                .as_ref()
                .is_some_and(|a| a["attributes"]["name"] == f.unattested_app)
        })
        .collect();
    assert!(acting.len() >= 5);
    assert!(acting.iter().all(|e| e.attributes.time > install.time));
    let apps = shared()
        .0
        .snapshot
        .attestation
        .as_ref()
        .unwrap()
        .connected_apps
        .clone()
        .unwrap();
    assert!(apps
        .iter()
        .any(|a| a.name == f.app_without_owner && a.owner.is_none()));
}

#[test]
fn configuration_facts_hold() {
    let f = facts();
    let s = &shared().0.snapshot;
    let user = |id: &str| s.users.iter().find(|u| u.account_id == id).unwrap();
    let now = ms(f.collected_at);
    let admins: Vec<&crate::snapshot::DirectoryUser> = s
        .users
        .iter()
        .filter(|u| !u.platform_roles.is_empty())
        .collect();
    assert!(admins.iter().any(|u| u
        .platform_roles
        .contains(&"atlassian/org-admin".to_string())));
    assert!(admins.iter().any(|u| u
        .platform_roles
        .contains(&"atlassian/site-admin".to_string())));
    assert!(admins.iter().any(|u| u
        .platform_roles
        .contains(&"atlassian/user-access-admin".to_string())));
    assert!(f.admins_without_2sv.len() >= 2);
    for id in &f.admins_without_2sv {
        assert_eq!(user(id).mfa_enabled, Some(false));
        assert!(!user(id).platform_roles.is_empty());
    }
    let dormant = user(&f.dormant_admin);
    assert!(!dormant.platform_roles.is_empty());
    assert!(now - ms(dormant.last_active.unwrap()) > 90 * MS_PER_DAY);
    assert!(f.dormant_users.len() >= 3);
    for id in &f.dormant_users {
        let u = user(id);
        assert_eq!(u.status.as_deref(), Some("active"));
        assert!(!u.product_access.is_empty());
        assert!(now - ms(u.last_active.unwrap()) > 90 * MS_PER_DAY);
        assert!(u
            .product_access
            .iter()
            .all(|p| now - ms(p.last_active_timestamp.unwrap()) > 90 * MS_PER_DAY));
    }
    assert_eq!(f.deactivated_users.len(), 2);
    for id in &f.deactivated_users {
        assert_eq!(user(id).status.as_deref(), Some("deactivated"));
        assert!(user(id).deactivated_on.is_some());
    }
    let nina = user(&f.unmanaged_on_org_domain);
    assert_eq!(nina.claim_status.as_deref(), Some("unmanaged"));
    assert!(nina
        .email
        .as_deref()
        .unwrap()
        .ends_with("@acme-robotics.com"));
    assert!(f.unmanaged_users.len() >= 2);
    assert!(f
        .app_accounts
        .iter()
        .all(|id| user(id).account_type.as_deref() == Some("app")));
    // Active people were seen recently; the log and the directory agree.
    let jonas = user(f.person("jonas"));
    assert!(now - ms(jonas.last_active.unwrap()) < 10 * MS_PER_DAY);

    let tokens = &s.api_tokens;
    let token = |id: &str| tokens.iter().find(|t| t.id == id).unwrap();
    let marcus_token = tokens
        .iter()
        .find(|t| {
            t.user.as_ref().and_then(|u| u.id.as_deref())
                == Some(f.admin_with_token_without_expiry.as_str())
        })
        .unwrap();
    assert!(marcus_token.expires_at.is_none());
    assert!(!user(&f.admin_with_token_without_expiry)
        .platform_roles
        .is_empty());
    assert!(f
        .api_tokens
        .without_expiry
        .iter()
        .all(|id| token(id).expires_at.is_none()));
    assert!(tokens.iter().any(|t| t.expires_at.is_some()));
    for id in &f.api_tokens.unused_over_90_days {
        assert!(now - ms(token(id).last_active_at.unwrap()) > 90 * MS_PER_DAY);
    }
    let paul = token(&f.api_tokens.owned_by_deactivated_user);
    assert!(f
        .deactivated_users
        .contains(paul.user.as_ref().unwrap().id.as_ref().unwrap()));
    let four = tokens
        .iter()
        .filter(|t| {
            t.user.as_ref().and_then(|u| u.id.as_deref())
                == Some(f.api_tokens.user_with_four_tokens.as_str())
        })
        .count();
    assert_eq!(four, 4);

    let key = |id: &str| s.api_keys.iter().find(|k| k.id == id).unwrap();
    let k = &f.api_keys;
    let days = |t: Option<Timestamp>| (ms(t.unwrap()) - now) as f64 / MS_PER_DAY as f64;
    assert!(days(key(&k.healthy).expires_at) > 90.0 && days(key(&k.healthy).last_active_at) > -2.0);
    assert!(days(key(&k.healthy).created_at) > -90.0);
    assert!((0.0..30.0).contains(&days(key(&k.expiring_within_30_days).expires_at)));
    assert!(days(key(&k.expired).expires_at) < 0.0);
    assert!(days(key(&k.rotation_due).created_at) < -180.0);
    assert_eq!(key(&k.no_scopes).scopes.as_deref(), Some(&[][..]));
    assert!(days(key(&k.unused_over_90_days).last_active_at) < -90.0);
    for api_key in &s.api_keys {
        let life = ms(api_key.expires_at.unwrap()) - ms(api_key.created_at.unwrap());
        assert!(life <= 366 * MS_PER_DAY, "an API key lasts at most a year");
    }

    let claims: Vec<&str> = s
        .domains
        .iter()
        .map(|d| {
            d.attributes
                .claim
                .as_ref()
                .unwrap()
                .status
                .as_deref()
                .unwrap()
        })
        .collect();
    assert_eq!(claims, vec!["verified", "unverified", "missing_token"]);
    let allowlist = s
        .org_policies
        .iter()
        .find(|p| p.attributes.policy_type.as_deref() == Some("ip-allowlist"))
        .unwrap();
    assert_eq!(allowlist.attributes.status.as_deref(), Some("enabled"));
    assert_eq!(allowlist.attributes.resources.len(), 1);
    assert!(s
        .org_policies
        .iter()
        .any(|p| p.attributes.policy_type.as_deref() == Some("data-residency")));
    let statuses: Vec<&str> = s
        .control_policies
        .iter()
        .map(|p| p.attributes.status.as_deref().unwrap())
        .collect();
    assert_eq!(statuses, vec!["active", "draft"]);
    assert_eq!(
        s.control_policies[1].attributes.metadata.as_ref().unwrap()["policyCoverageLevel"],
        "UNASSIGNED"
    );

    let a = s.attestation.as_ref().unwrap();
    assert_eq!(
        a.authentication
            .as_ref()
            .unwrap()
            .idle_session_timeout_minutes,
        Some(720)
    );
    assert_eq!(
        a.oauth.as_ref().unwrap().block_user_installed_apps,
        Some(false)
    );
    assert!(a
        .mcp
        .as_ref()
        .unwrap()
        .api_token_auth_justification
        .is_none());
    assert_eq!(a.audit_log.as_ref().unwrap().streaming_enabled, Some(false));
    assert!(a.data_security.is_none());
}

#[test]
fn write_demo_round_trips_collection_by_collection() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("demo-snapshot");
    let written = write_demo(&dir).unwrap();
    assert_eq!(written, dir);
    let loaded = load_snapshot(&dir).unwrap();
    let demo = &shared().0.snapshot;
    // On disk the events are stored in the default format; in memory they are the NDJSON.
    let format = crate::snapshot::event_file::EventsFormat::DEFAULT;
    let mut on_disk = loaded.manifest.clone();
    let stored = on_disk.files.remove(format.file_name()).expect("events");
    let mut in_memory = demo.manifest.clone();
    let plain = in_memory
        .files
        .remove("events.ndjson")
        .expect("demo events");
    assert_eq!(on_disk, in_memory);
    assert_eq!(stored.records, plain.records);
    assert_eq!(stored.compression, format.compression());
    assert_eq!(loaded.org, demo.org);
    assert_eq!(loaded.directories, demo.directories);
    assert_eq!(loaded.users, demo.users);
    assert_eq!(loaded.groups, demo.groups);
    assert_eq!(loaded.domains, demo.domains);
    assert_eq!(loaded.org_policies, demo.org_policies);
    assert_eq!(loaded.control_policies, demo.control_policies);
    assert_eq!(loaded.api_keys, demo.api_keys);
    assert_eq!(loaded.api_tokens, demo.api_tokens);
    assert_eq!(loaded.event_actions, demo.event_actions);
    assert_eq!(loaded.workspaces, demo.workspaces);
    assert_eq!(loaded.attestation, demo.attestation);
    let EventSource::File(path) = &loaded.events else {
        panic!("events on disk");
    };
    let file = std::fs::File::open(path).unwrap();
    let (mut decoded, _) = crate::snapshot::event_file::decode(Box::new(file), format).unwrap();
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut decoded, &mut bytes).unwrap();
    assert_eq!(bytes, ndjson(demo));
    // What the loader read is what the demo describes, so both hash alike.
    assert_eq!(loaded.read_files, demo.read_files);
    let events = demo.manifest.files.get("events.ndjson");
    assert_eq!(loaded.content_hash(events), demo.content_hash(events));
}

#[test]
fn the_facts_summary_names_every_label_and_person() {
    let text = facts().to_string();
    for event in &facts().events {
        assert!(text.contains(event.label), "{}", event.label);
    }
    for key in facts().people.keys() {
        assert!(text.contains(key), "{key}");
    }
    assert!(
        !text.contains(" ? "),
        "every planted actor has a key:\n{text}"
    );
}
