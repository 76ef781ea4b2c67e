//! Building the input every policy sees (documented in docs/policy-input.md): the snapshot's
//! collections in the API's shapes, availability of each, the attestation, the evaluation
//! time, configuration, and event facts computed in one streaming pass.

pub mod actionsets;
pub mod activity;
pub mod cidr;
pub mod events;
pub mod facts;
pub mod fastparse;
pub mod geo;
pub mod timing;

use crate::snapshot::{
    Collection, CollectionStatus, Snapshot, SnapshotError, Timestamp, COLLECTIONS,
};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};

pub use events::EventFacts;
pub use facts::{CutFact, DeclaredFacts};

/// How the input is prepared, set by the caller (the command line reads
/// `ORGSCAN_PARSE_THREADS` and `ORGSCAN_TIMINGS` into it; the library reads no environment).
#[derive(Clone, Debug, Default)]
pub struct PrepareOptions {
    /// Parser threads of the event pass; `None`: one per CPU core. Clamped to 1..=8.
    pub parse_threads: Option<usize>,
    /// Where the phases' durations go (nowhere by default).
    pub timings: timing::Timings,
}

pub struct PreparedInput {
    /// The input every policy sees, with `facts.declared` empty: a policy is given its own
    /// control's declared facts when it is evaluated (`declared`).
    pub json: Value,
    /// The aggregates of the event pass (its declared facts are moved to `declared`).
    pub facts: EventFacts,
    /// The report's `activity` block (see `activity::build`).
    pub activity: Value,
    /// The declared facts, per control, finished when the control is evaluated.
    pub declared: DeclaredFacts,
}

impl PreparedInput {
    /// The input with every control's declared facts under `facts.declared`, as one document,
    /// for a reader of the whole input (`--dump-input`, `policy check`); a scan hands each
    /// policy its own control's facts instead.
    pub fn full_json(&mut self) -> Value {
        self.declared.finish_all();
        let mut json = self.json.clone();
        if let Some(facts) = json.get_mut("facts").and_then(Value::as_object_mut) {
            facts.insert("declared".to_string(), self.declared.finished_json());
        }
        json
    }

    /// Every slim event the input holds: `events_by_action` and the events of declared
    /// `select` facts (what the redactor must learn the people and tokens of).
    pub fn slim_events(&mut self) -> impl Iterator<Item = &Value> {
        let by_action = self
            .json
            .get("events_by_action")
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(|m| m.values())
            .filter_map(Value::as_array)
            .flatten();
        by_action.chain(self.declared.selected_events())
    }
}

/// The CIDRs of the org's enabled IP-allowlist policies (org and control policies).
pub fn ip_allowlist(snapshot: &Snapshot) -> (cidr::CidrList, Vec<Value>) {
    let mut list = cidr::CidrList::default();
    let mut policies = Vec::new();
    for p in snapshot
        .org_policies
        .iter()
        .chain(&snapshot.control_policies)
    {
        let a = &p.attributes;
        if a.policy_type.as_deref() != Some("ip-allowlist") {
            continue;
        }
        let enabled = matches!(a.status.as_deref(), Some("enabled") | Some("active") | None);
        let mut cidrs = Vec::new();
        if let Some(Value::Array(items)) = a.rule.as_ref().and_then(|r| r.get("in")) {
            for item in items.iter().filter_map(Value::as_str) {
                if enabled && list.add_text(item).is_ok() {
                    cidrs.push(item.to_string());
                }
            }
        }
        policies.push(json!({"id": p.id, "name": a.name, "status": a.status, "enabled": enabled, "cidrs": cidrs}));
    }
    (list, policies)
}

/// Directory statuses of an account that is not active: the policies' `util.inactive_statuses`
/// (policies/lib/util_users.rego).
const INACTIVE_STATUSES: [&str; 7] = [
    "suspended",
    "deactivated",
    "for_deletion",
    "not_invited",
    "inactive",
    "closed",
    "removed",
];

/// Account ids of the directory's users that are not active (`@inactive_users` in a fact's
/// `where`): a status, account status or membership status in `INACTIVE_STATUSES`, or
/// `forDeletion: true`. The test of the policies' `util.is_active`, read ignoring case where
/// Rego knows three spellings, so the list holds at least every account a policy counts as
/// inactive and a fact restricted to it loses nothing the policy reads.
pub fn inactive_users(users: &[crate::snapshot::DirectoryUser]) -> Vec<String> {
    let inactive = |s: &Option<String>| {
        s.as_deref()
            .is_some_and(|s| INACTIVE_STATUSES.iter().any(|i| s.eq_ignore_ascii_case(i)))
    };
    users
        .iter()
        .filter(|u| {
            inactive(&u.status)
                || inactive(&u.account_status)
                || inactive(&u.membership_status)
                || u.for_deletion == Some(true)
        })
        .map(|u| u.account_id.clone())
        .collect()
}

pub fn action_catalogue(snapshot: &Snapshot) -> Option<Vec<actionsets::CatalogueEntry>> {
    snapshot.is_collected(Collection::EventActions).then(|| {
        snapshot
            .event_actions
            .iter()
            .map(|a| actionsets::CatalogueEntry {
                id: a.key(),
                display_name: a.attributes.display_name.clone().unwrap_or_default(),
                groups: a.groups(),
            })
            .collect()
    })
}

pub fn build_input(
    snapshot: &Snapshot,
    wanted: BTreeSet<String>,
    now: Timestamp,
    control_config: BTreeMap<String, Value>,
    org_config: Value,
    options: &PrepareOptions,
) -> Result<PreparedInput, SnapshotError> {
    let catalogue = action_catalogue(snapshot);
    let sets = actionsets::ActionSets::resolve(catalogue.as_deref());
    let (allowlist, allowlist_policies) = ip_allowlist(snapshot);
    let inactive = inactive_users(&snapshot.users);
    let refs = facts::SnapshotRefs {
        ip_allowlist: &allowlist,
        known_set: &|s| sets.is_known(s),
        attested_at: snapshot
            .attestation
            .as_ref()
            .map(|a| a.attested_at.epoch_nanos()),
        inactive_users: &inactive,
    };
    let (specs, spec_errors) = facts::parse_specs(&control_config, &refs);
    if !spec_errors.is_empty() {
        return Err(SnapshotError::Invalid {
            path: "policy config (custom.config.facts)".to_string(),
            message: spec_errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; "),
        });
    }
    let plan = events::ScanPlan {
        wanted: wanted.clone(),
        specs: specs.into_iter().map(facts::SpecState::new).collect(),
        sets,
    };
    let events_available = snapshot.is_collected(Collection::Events);
    let started = std::time::Instant::now();
    let mut facts = if events_available {
        let threads = options
            .parse_threads
            .unwrap_or_else(|| {
                std::thread::available_parallelism()
                    .map(|n| n.get())
                    .unwrap_or(2)
            })
            .clamp(1, 8);
        let expected =
            crate::snapshot::event_file::listed(&snapshot.manifest.files).map(|(_, e)| e);
        let facts =
            events::scan_source(&snapshot.events, plan, threads, expected, &options.timings)?;
        options.timings.phase("prepare: event pass", started);
        facts
    } else {
        EventFacts {
            action_sets: plan.sets.resolved,
            ..EventFacts::default()
        }
    };
    let window = snapshot
        .manifest
        .event_window
        .as_ref()
        .map(|w| (w.from, w.to));

    let mut collections = Map::new();
    for c in Collection::ALL {
        let entry = match snapshot.manifest.collections.get(&c) {
            Some(p) => json!({
                "available": p.status == CollectionStatus::Collected,
                "reason": p.reason,
                "source": p.source,
                "fetched_at": p.fetched_at,
            }),
            None => {
                json!({"available": false, "reason": "not in the snapshot", "source": null, "fetched_at": null})
            }
        };
        collections.insert(c.name().to_string(), entry);
    }

    // Moved, not copied: the slim events can be the largest part of the input (121 MB of
    // `user_granted_role` at 10^7 events). Readers after this one take them from the input
    // (`slim_events`).
    let mut by_action = Map::new();
    for action in &wanted {
        let events = facts.by_action.remove(action).unwrap_or_default();
        by_action.insert(action.clone(), Value::Array(events));
    }

    let mut events_summary = facts.summary(window);
    if let Value::Object(m) = &mut events_summary {
        m.insert("available".to_string(), Value::Bool(events_available));
        m.insert(
            "unavailable_reason".to_string(),
            match snapshot.manifest.collections.get(&Collection::Events) {
                Some(p) if p.status == CollectionStatus::Collected => Value::Null,
                Some(p) => json!(p
                    .reason
                    .clone()
                    .unwrap_or_else(|| "events could not be read".into())),
                None => json!("the snapshot has no events collection"),
            },
        );
    }

    let catalogue_json: Vec<Value> = snapshot
        .event_actions
        .iter()
        .map(|a| json!({"id": a.key(), "display_name": a.attributes.display_name, "groups": a.groups()}))
        .collect();

    // The declared facts are the largest part of the input: each policy is given its own
    // control's when it is evaluated (`DeclaredFacts`), so `declared` is empty here.
    let declared = std::mem::take(&mut facts.declared);
    let mut facts_json = Map::new();
    facts_json.insert("actors".to_string(), facts.actors());
    facts_json.insert("action_sets".to_string(), json!(facts.action_sets));
    facts_json.insert("declared".to_string(), Value::Object(Map::new()));
    if let Value::Object(rest) = json!({
        "geo": {
            "codes": facts.country_codes,
            "aliases": geo::GeoTable::get().aliases(),
        },
        "ip_allowlist": {"policies": allowlist_policies, "cidrs": allowlist.blocks().iter().map(|b| b.text.clone()).collect::<Vec<_>>()},
        "catalogue_available": catalogue.is_some(),
        // The event pass refuses a file out of (time, id) order, so facts always see it sorted.
        "ordered": true,
    }) {
        facts_json.extend(rest);
    }
    let activity = activity::build(&facts, window, events_available, catalogue.as_deref());

    let mut json = json!({
        "now": now,
        "now_ns": now.epoch_nanos(),
        "org": {
            "id": snapshot.manifest.org.id,
            "name": snapshot.manifest.org.name,
            "collected_at": snapshot.manifest.collected_at,
            "source": snapshot.manifest.source,
        },
        "config": {"controls": control_config, "org": org_config},
        "collections": collections,
    });
    if let Value::Object(doc) = &mut json {
        // Each collection's items under its name, as stored (`null` when absent); the event
        // actions as the catalogue entries above; the org and the events have their own keys.
        let mut catalogue_json = Some(catalogue_json);
        for spec in &COLLECTIONS {
            let items = match spec.collection {
                Collection::Org | Collection::Events => continue,
                Collection::EventActions => Value::Array(catalogue_json.take().unwrap_or_default()),
                _ => (spec.stored)(snapshot)
                    .map(|(items, _)| items)
                    .unwrap_or(Value::Null),
            };
            doc.insert(spec.name.to_string(), items);
        }
        doc.insert("events".to_string(), events_summary);
        doc.insert("facts".to_string(), Value::Object(facts_json));
        doc.insert("events_by_action".to_string(), Value::Object(by_action));
    }
    options.timings.phase("prepare: total", started);
    Ok(PreparedInput {
        json,
        facts,
        activity,
        declared,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inactive_statuses_match_the_policies_list() {
        // `@inactive_users` must hold every account `util.is_active` rejects, or DET-019's fact
        // would drop events the rule reads: the Rust list is the Rego set, item for item.
        let rego = include_str!("../../policies/lib/util_users.rego");
        let line = rego
            .lines()
            .find_map(|l| l.strip_prefix("inactive_statuses := {"))
            .expect("util_users.rego defines inactive_statuses");
        let mut in_rego: Vec<&str> = line
            .trim_end_matches('}')
            .split(',')
            .map(|s| s.trim().trim_matches('"'))
            .collect();
        let mut in_rust = INACTIVE_STATUSES.to_vec();
        in_rego.sort_unstable();
        in_rust.sort_unstable();
        assert_eq!(in_rust, in_rego);
    }

    #[test]
    fn inactive_users_are_the_accounts_any_status_calls_inactive_in_any_case() {
        let users: Vec<crate::snapshot::DirectoryUser> = serde_json::from_value(json!([
            {"accountId": "active", "status": "active", "accountStatus": "active"},
            {"accountId": "no-status"},
            {"accountId": "null-status", "status": null, "forDeletion": false},
            {"accountId": "suspended", "status": "suspended"},
            {"accountId": "closed", "accountStatus": "CLOSED"},
            {"accountId": "removed", "membershipStatus": "Removed"},
            {"accountId": "mixed-case", "status": "DeActivated"},
            {"accountId": "for-deletion", "forDeletion": true},
            {"accountId": "not-invited", "status": "not_invited"},
        ]))
        .unwrap();
        assert_eq!(
            inactive_users(&users),
            [
                "suspended",
                "closed",
                "removed",
                "mixed-case",
                "for-deletion",
                "not-invited"
            ]
        );
    }

    #[test]
    fn slim_events_are_those_of_events_by_action_and_of_select_facts() {
        let mut prepared = PreparedInput {
            json: json!({"events_by_action": {"a": [{"id": "x1"}], "b": []}}),
            facts: EventFacts::default(),
            activity: Value::Null,
            declared: facts::declared_sample(),
        };
        // The select fact's events; not the values facts' event ids (e0 and e2 again).
        let ids: Vec<&str> = prepared
            .slim_events()
            .filter_map(|e| e["id"].as_str())
            .collect();
        assert_eq!(ids, ["x1", "e0", "e1", "e2"]);
        let mut empty = PreparedInput {
            json: json!({}),
            facts: EventFacts::default(),
            activity: Value::Null,
            declared: DeclaredFacts::default(),
        };
        assert_eq!(empty.slim_events().count(), 0);
    }
}
