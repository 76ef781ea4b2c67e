//! The bundled demo org "Acme Robotics" and the seeded audit-event generator.
//!
//! `demo_snapshot()` builds a complete, deterministic snapshot (collected 2026-11-20T12:00Z,
//! source `demo`) that `orgscan scan` evaluates when no snapshot is given: ~60 users, groups,
//! domains, policies, admin API keys, user API tokens, the event-action catalogue, sites, an
//! attestation and ~2,500 audit events over the 30 days before collection. The configuration
//! holds deliberate misconfigurations and the events hold planted incidents; `DemoFacts` lists
//! every one of them with ids, actors and times, for tests and policy authors.
//!
//! The events are the generator's baseline (`EventGenerator`, the same code the benchmarks use
//! at 10^7 events) with the planted incidents merged in, sorted by time then id.
//!
//! What is planted (all times UTC; Berlin is UTC+1 in November):
//! - configuration: admins without 2SV (`marcus`, `priya`, and the attested break-glass
//!   account), a dormant org admin (`tobias`, idle since 2026-06-02), dormant licensed users,
//!   two deactivated users (`greta` on 2026-10-30, `paul` on 2026-08-14), three unmanaged
//!   accounts (`nina` on the org's own verified domain), six app accounts, an admin
//!   (`marcus`) holding a user API token without expiry, a user (`kevin`) with four tokens,
//!   a token owned by deactivated `paul`, admin API keys healthy / expiring in 15 days /
//!   expired / 264 days old / without scopes / unused for 142 days, domains verified /
//!   unverified / missing_token, an active and a never-published data-security policy.
//! - attestation (by dana.whitfield@, 2026-11-10T09:00Z): 2SV enforced (contradicted later),
//!   idle session 720 min, password min length 8, user OAuth installs not blocked, MCP
//!   API-token auth on without justification, audit-log streaming off, Tempo with no owner,
//!   Zapier missing from the connected apps, `data_security` unanswered.
//! - events: see [`DemoFacts::events`] and the labels in `incidents.rs`; 2026-11-04 has no
//!   events at all.

pub mod catalogue;
pub mod events;
pub mod fleet;
pub mod geo;
mod incidents;
pub mod json;
pub mod labels;
mod org;
mod people;
pub mod rng;

pub use events::{ActorRef, EventGenerator, EventMeta, EventStream, GeneratorConfig};

use crate::snapshot::manifest::{
    Collection, EventWindow, FileEntry, Manifest, OrgIdentity, Provenance, SnapshotSource,
    FORMAT_NAME, FORMAT_VERSION,
};
use crate::snapshot::{
    EventSource, Snapshot, SnapshotError, SnapshotWriter, Timestamp, COLLECTIONS,
};
use json::{timestamp, utc_ms, MS_PER_DAY, MS_PER_HOUR};
use people::Standing;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Seed of everything random in the demo org.
pub const SEED: u64 = 0x0AC3_E202_6112_0001;
pub const ORG_ID: &str = events::DEFAULT_ORG_ID;
pub const ORG_NAME: &str = events::DEFAULT_ORG_NAME;
/// 2026-11-20T12:00:00.000Z
pub const COLLECTED_AT_MS: i64 = utc_ms(2026, 11, 20, 12, 0, 0);
/// The event window is the 30 days before collection.
pub const WINDOW_FROM_MS: i64 = COLLECTED_AT_MS - 30 * MS_PER_DAY;
/// 2026-11-10T09:00:00.000Z, ten days before collection.
pub const ATTESTED_AT_MS: i64 = utc_ms(2026, 11, 10, 9, 0, 0);
/// 2026-11-04 (a Wednesday, UTC) has no events: a collection gap the log-health checks should see.
pub const GAP_DAY_MS: i64 = utc_ms(2026, 11, 4, 0, 0, 0);
/// Events from the generator; the planted ones come on top.
pub const BASELINE_EVENTS: u64 = 2_400;

/// One planted event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlantedEvent {
    /// What it demonstrates (several events can share a label), e.g. `impossible_travel`.
    pub label: &'static str,
    pub id: String,
    pub action: &'static str,
    /// `attributes.actor.id` (an app account for app activity).
    pub actor_id: String,
    pub time: Timestamp,
}

/// Admin API key ids by state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiKeyFacts {
    pub healthy: String,
    pub expiring_within_30_days: String,
    pub expired: String,
    pub rotation_due: String,
    pub no_scopes: String,
    pub unused_over_90_days: String,
}

/// User API token facts (token ids and account ids).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiTokenFacts {
    pub without_expiry: Vec<String>,
    pub unused_over_90_days: Vec<String>,
    pub owned_by_deactivated_user: String,
    /// The account holding four tokens.
    pub user_with_four_tokens: String,
}

/// Exactly what the demo plants, for tests and policy authors. Account ids are under
/// `people` by short key (`marcus`, `kevin`, `app-zapier`, …).
#[derive(Clone, Debug)]
pub struct DemoFacts {
    pub org_id: String,
    pub collected_at: Timestamp,
    pub window_from: Timestamp,
    pub attested_at: Timestamp,
    /// `[from, to)` of the day without events.
    pub gap: (Timestamp, Timestamp),
    pub people: BTreeMap<&'static str, String>,
    pub admins_without_2sv: Vec<String>,
    /// Listed in the attestation's `exempt_accounts` (and also without 2SV).
    pub break_glass_admin: String,
    pub dormant_admin: String,
    /// Active, licensed, last activity more than 90 days before collection.
    pub dormant_users: Vec<String>,
    pub deactivated_users: Vec<String>,
    pub unmanaged_users: Vec<String>,
    pub unmanaged_on_org_domain: String,
    pub app_accounts: Vec<String>,
    pub admin_with_token_without_expiry: String,
    pub api_keys: ApiKeyFacts,
    pub api_tokens: ApiTokenFacts,
    /// Acting in events, missing from the attestation's connected apps.
    pub unattested_app: &'static str,
    /// In the attestation's connected apps without an owner.
    pub app_without_owner: &'static str,
    /// Every planted event, in time order.
    pub events: Vec<PlantedEvent>,
    /// Number of events in the snapshot (baseline + planted).
    pub total_events: usize,
    /// What each control must report, or must stay silent about (tests/accuracy.rs).
    pub labels: Vec<labels::Label>,
}

impl DemoFacts {
    /// The planted events with a label, in time order.
    pub fn planted(&self, label: &str) -> Vec<&PlantedEvent> {
        self.events.iter().filter(|e| e.label == label).collect()
    }

    /// Account id of a person or app by short key; empty when unknown.
    pub fn person(&self, key: &str) -> &str {
        self.people.get(key).map(String::as_str).unwrap_or("")
    }
}

/// A readable summary: people by key, then the planted events (runs of more than three
/// events with one label shown as a count and a time range).
impl std::fmt::Display for DemoFacts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let key_of: BTreeMap<&str, &str> = self
            .people
            .iter()
            .map(|(k, id)| (id.as_str(), *k))
            .collect();
        let who = |id: &str| key_of.get(id).copied().unwrap_or("?");
        writeln!(
            f,
            "demo org {} collected {}, events from {}, attested {}, no events {} .. {}",
            self.org_id,
            self.collected_at,
            self.window_from,
            self.attested_at,
            self.gap.0,
            self.gap.1
        )?;
        writeln!(f, "people:")?;
        for (key, id) in &self.people {
            writeln!(f, "  {key:<16} {id}")?;
        }
        writeln!(
            f,
            "planted events ({} of {} events):",
            self.events.len(),
            self.total_events
        )?;
        let mut labels: Vec<&str> = Vec::new();
        for event in &self.events {
            if !labels.contains(&event.label) {
                labels.push(event.label);
            }
        }
        for label in labels {
            let group = self.planted(label);
            if group.len() > 3 {
                let (first, last) = (group[0], group[group.len() - 1]);
                let actors: std::collections::BTreeSet<&str> =
                    group.iter().map(|e| who(&e.actor_id)).collect();
                writeln!(
                    f,
                    "  {} .. {} {label:<26} {} x{} by {}",
                    first.time,
                    last.time,
                    first.action,
                    group.len(),
                    actors.into_iter().collect::<Vec<_>>().join(",")
                )?;
            } else {
                for e in group {
                    writeln!(
                        f,
                        "  {} {label:<26} {:<34} {:<10} {}",
                        e.time,
                        e.action,
                        who(&e.actor_id),
                        e.id
                    )?;
                }
            }
        }
        Ok(())
    }
}

/// The demo snapshot and what was planted in it.
pub struct Demo {
    pub snapshot: Snapshot,
    pub facts: DemoFacts,
}

/// The bundled demo org (see the module docs).
pub fn demo_snapshot() -> Snapshot {
    demo().snapshot
}

/// What `demo_snapshot()` plants.
pub fn demo_facts() -> DemoFacts {
    demo().facts
}

/// Writes the demo to `dir` through `SnapshotWriter`, so `load_snapshot(dir)` reads back the
/// same collections and the same event bytes. Returns the directory written.
pub fn write_demo(dir: &Path) -> Result<PathBuf, SnapshotError> {
    write_demo_snapshot(&demo_snapshot(), dir)
}

/// Writes a generated snapshot (the demo org, or a demo fleet member from `fleet`) to `dir`;
/// a collection the manifest marks unavailable is recorded as such, not written.
pub fn write_demo_snapshot(snapshot: &Snapshot, dir: &Path) -> Result<PathBuf, SnapshotError> {
    let mut writer = SnapshotWriter::create(dir)?;
    let provenance = |collection: Collection| {
        snapshot
            .manifest
            .collections
            .get(&collection)
            .cloned()
            .unwrap_or_else(|| Provenance::unavailable("demo", "not built", None))
    };
    for spec in &COLLECTIONS {
        let provenance = provenance(spec.collection);
        if provenance.status != crate::snapshot::CollectionStatus::Collected {
            writer.mark_unavailable(spec.collection, provenance);
            continue;
        }
        if let Some((items, records)) = (spec.stored)(snapshot) {
            writer.write_collection(spec.collection, &items, records, provenance)?;
        }
    }
    if let EventSource::Memory(bytes) = &snapshot.events {
        let text = String::from_utf8_lossy(bytes);
        writer.write_event_lines(text.lines(), provenance(Collection::Events))?;
    }
    writer.finish(snapshot.manifest.clone())
}

/// The bytes `SnapshotWriter::write_collection` writes for a value.
fn collection_bytes<T: Serialize>(value: &T) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(value).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// Builds the demo snapshot and its facts.
pub fn demo() -> Demo {
    let people = people::people();
    let sites = org::sites();
    let index_of: HashMap<&str, usize> = people
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.as_str(), i))
        .collect();

    // Baseline events from the generator, acting as the demo's own people and apps.
    let personas = people::personas(&people);
    let apps: Vec<(usize, events::App)> = people
        .iter()
        .enumerate()
        .filter(|(_, p)| p.app && p.in_baseline)
        .map(|(i, p)| {
            let vendor = people::APPS
                .iter()
                .find(|row| row.0 == p.key)
                .map(|row| row.2)
                .unwrap_or("");
            (i, events::app(SEED, &p.name, vendor, p.mcp))
        })
        .collect();
    let config = GeneratorConfig {
        seed: SEED,
        org_id: ORG_ID.to_string(),
        org_name: ORG_NAME.to_string(),
        start_ms: WINDOW_FROM_MS,
        end_ms: COLLECTED_AT_MS,
        people: personas.iter().map(|(_, p)| p.clone()).collect(),
        sites: sites
            .iter()
            .map(|s| events::Site {
                id: s.id.clone(),
                host: s.host.to_string(),
            })
            .collect(),
        apps: apps.iter().map(|(_, a)| a.clone()).collect(),
        groups: people::ORDINARY_GROUPS
            .iter()
            .map(|name| events::GroupTarget {
                id: people::group_id(name),
                name: (*name).to_string(),
            })
            .collect(),
        quiet: vec![(GAP_DAY_MS, GAP_DAY_MS + MS_PER_DAY)],
        // Nobody travels in the baseline: the only impossible travel is the planted one.
        travel_per_mille: 0,
    };
    let generator = EventGenerator::new(&config);

    // Last activity per person: from the events they acted in, else from their standing.
    let mut last_active: Vec<i64> = people
        .iter()
        .map(|p| match p.standing {
            Standing::Dormant(since) => since,
            Standing::Deactivated(at) => at - 3 * MS_PER_HOUR,
            Standing::Active => {
                WINDOW_FROM_MS - (rng::hash_label(SEED, &p.id) % (20 * MS_PER_DAY as u64)) as i64
            }
        })
        .collect();
    let mut touch = |i: usize, t: i64| {
        if let Some(slot) = last_active.get_mut(i) {
            let limit = match people[i].standing {
                // Activity on a deactivated account's behalf is not the account's activity.
                Standing::Deactivated(at) => at,
                _ => i64::MAX,
            };
            if t <= limit {
                *slot = (*slot).max(t);
            }
        }
    };

    let mut lines: Vec<(i64, String, String)> = Vec::new();
    let mut stream = generator.stream(BASELINE_EVENTS);
    loop {
        let mut buf = Vec::with_capacity(1_600);
        let Some(meta) = stream.next_into(&mut buf) else {
            break;
        };
        match meta.actor {
            ActorRef::Person(i) => touch(personas[i].0, meta.time_ms),
            ActorRef::App(i) => touch(apps[i].0, meta.time_ms),
            ActorRef::System => {}
        }
        let id = String::from_utf8_lossy(&meta.id).into_owned();
        lines.push((meta.time_ms, id, String::from_utf8(buf).unwrap_or_default()));
    }
    let planted = incidents::planted(&people);
    for p in &planted {
        if let Some(&i) = index_of.get(p.fact.actor_id.as_str()) {
            touch(i, p.time_ms);
        }
        lines.push((p.time_ms, p.fact.id.clone(), p.line.clone()));
    }
    lines.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    let mut ndjson = Vec::with_capacity(lines.iter().map(|l| l.2.len() + 1).sum());
    for (_, _, line) in &lines {
        ndjson.extend_from_slice(line.as_bytes());
        ndjson.push(b'\n');
    }

    let main_site = &sites[0];
    let resources = people::Resources {
        jira: org::product_ari("jira", main_site),
        confluence: org::product_ari("confluence", main_site),
    };
    let mut snapshot = Snapshot {
        location: "demo".to_string(),
        manifest: Manifest {
            format: FORMAT_NAME.to_string(),
            format_version: FORMAT_VERSION,
            tool_version: crate::TOOL_VERSION.to_string(),
            org: OrgIdentity {
                id: ORG_ID.to_string(),
                name: Some(ORG_NAME.to_string()),
            },
            collected_at: timestamp(COLLECTED_AT_MS),
            source: SnapshotSource::Demo,
            event_window: Some(EventWindow {
                from: timestamp(WINDOW_FROM_MS),
                to: timestamp(COLLECTED_AT_MS),
            }),
            stream_cursor: None,
            files: BTreeMap::new(),
            collections: BTreeMap::new(),
        },
        org: Some(org::org()),
        directories: people::directories(),
        users: people::directory_users(&people, &last_active, &resources),
        groups: people::groups(&people),
        domains: org::domains(),
        org_policies: org::org_policies(),
        control_policies: org::control_policies(),
        api_keys: org::api_keys(&people),
        api_tokens: org::api_tokens(&people),
        event_actions: catalogue::event_actions(),
        workspaces: org::workspaces(),
        attestation: Some(org::attestation()),
        events: EventSource::None,
        read_files: BTreeMap::new(),
        shape_warnings: BTreeMap::new(),
    };

    // The manifest records what `write_demo` writes, so the demo on disk verifies.
    let mut files: Vec<(Collection, Vec<u8>, u64)> = COLLECTIONS
        .iter()
        .filter_map(|spec| {
            let (items, records) = (spec.stored)(&snapshot)?;
            Some((spec.collection, collection_bytes(&items), records))
        })
        .collect();
    files.push((Collection::Events, ndjson.clone(), lines.len() as u64));
    let collected_at = timestamp(COLLECTED_AT_MS);
    for (collection, bytes, records) in files {
        let entry = FileEntry {
            sha256: crate::snapshot::load::sha256_hex(&bytes),
            records,
            compression: None,
            content_sha256: None,
        };
        // The configuration is "read" from these bytes; the events are hashed by the pass.
        if collection != Collection::Events {
            snapshot
                .read_files
                .insert(collection.file_name().to_string(), entry.clone());
        }
        snapshot
            .manifest
            .files
            .insert(collection.file_name().to_string(), entry);
        snapshot.manifest.collections.insert(
            collection,
            Provenance::collected("demo", collected_at, 1, records),
        );
    }
    snapshot.events = EventSource::Memory(Arc::new(ndjson));

    let facts = facts(&people, &planted, lines.len());
    Demo { snapshot, facts }
}

fn facts(
    people: &[people::DemoPerson],
    planted: &[incidents::Planted],
    total_events: usize,
) -> DemoFacts {
    let id = |key: &str| {
        people
            .iter()
            .find(|p| p.key == key)
            .map(|p| p.id.clone())
            .unwrap_or_default()
    };
    let ids = |keep: &dyn Fn(&people::DemoPerson) -> bool| {
        people
            .iter()
            .filter(|p| keep(p))
            .map(|p| p.id.clone())
            .collect::<Vec<_>>()
    };
    let mut events: Vec<PlantedEvent> = planted.iter().map(|p| p.fact.clone()).collect();
    events.sort_by(|a, b| (a.time, &a.id).cmp(&(b.time, &b.id)));
    let people_by_key: BTreeMap<&'static str, String> =
        people.iter().map(|p| (p.key, p.id.clone())).collect();
    let labels = labels::labels(&events, &people_by_key);
    DemoFacts {
        org_id: ORG_ID.to_string(),
        collected_at: timestamp(COLLECTED_AT_MS),
        window_from: timestamp(WINDOW_FROM_MS),
        attested_at: timestamp(ATTESTED_AT_MS),
        gap: (timestamp(GAP_DAY_MS), timestamp(GAP_DAY_MS + MS_PER_DAY)),
        people: people.iter().map(|p| (p.key, p.id.clone())).collect(),
        admins_without_2sv: ids(&|p| p.is_admin() && p.mfa == Some(false)),
        break_glass_admin: id("breakglass"),
        dormant_admin: id("tobias"),
        dormant_users: ids(
            &|p| matches!(p.standing, Standing::Dormant(since) if since < COLLECTED_AT_MS - 90 * MS_PER_DAY),
        ),
        deactivated_users: ids(&|p| matches!(p.standing, Standing::Deactivated(_))),
        unmanaged_users: ids(&|p| !p.managed),
        unmanaged_on_org_domain: id("nina"),
        app_accounts: ids(&|p| p.app),
        admin_with_token_without_expiry: id("marcus"),
        api_keys: ApiKeyFacts {
            healthy: org::api_key_id("healthy"),
            expiring_within_30_days: org::api_key_id("expiring"),
            expired: org::api_key_id("expired"),
            rotation_due: org::api_key_id("rotation-due"),
            no_scopes: org::api_key_id("no-scopes"),
            unused_over_90_days: org::api_key_id("unused"),
        },
        api_tokens: ApiTokenFacts {
            without_expiry: ["marcus-cli", "kevin-scripts", "jonas-legacy"]
                .iter()
                .map(|k| org::api_token_id(k))
                .collect(),
            unused_over_90_days: ["kevin-scripts", "paul-ci", "jonas-legacy"]
                .iter()
                .map(|k| org::api_token_id(k))
                .collect(),
            owned_by_deactivated_user: org::api_token_id("paul-ci"),
            user_with_four_tokens: id("kevin"),
        },
        unattested_app: "Zapier",
        app_without_owner: "Tempo Timesheets",
        events,
        total_events,
        labels,
    }
}

#[cfg(test)]
mod tests;
