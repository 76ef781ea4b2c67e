//! Every collection a snapshot can hold, declared once: one row each with its name, its file,
//! the API path and scope it is collected from, and the functions that type its stored items
//! (shape warnings), load them into a `Snapshot` and give them back as stored. The manifest's
//! names, the loader, the shape check, the demo writer, the collector's 403 reasons and the
//! policy input loop over this table (docs/architecture.md, "Add a collection").

use super::load::{load_items, load_one};
use super::manifest::Collection;
use super::schema::*;
use super::shape::{type_items, ShapeWarning};
use super::{Attestation, EventSource, Snapshot, SnapshotError};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use std::sync::Arc;

/// One collection's row.
pub struct CollectionSpec {
    pub collection: Collection,
    /// Its name in the manifest, the policy input and `custom.data.api`.
    pub name: &'static str,
    /// Its file in the snapshot directory.
    pub file: &'static str,
    /// The API path it is read from (`{org}`: the org id, percent-encoded), recorded as the
    /// collection's source when it fails before a page; `attestation` for the local file.
    pub api_path: &'static str,
    /// The scope a scoped API key needs for it (docs/atlassian-api.md), said in 403 reasons.
    pub scope: Option<&'static str>,
    /// Shape warnings of its items as served (collect), typed as the loader types them.
    pub shape: fn(&[Value]) -> Vec<ShapeWarning>,
    /// Parses its file into the snapshot; returns the record count the file holds.
    pub load: fn(&mut Snapshot, &str, &[u8]) -> Result<u64, SnapshotError>,
    /// Its items as they are stored and given to policies, with their count; `None` when the
    /// snapshot has none (no org, no attestation) or they are not held in memory (events).
    pub stored: fn(&Snapshot) -> Option<(Value, u64)>,
}

fn warnings_of<T: DeserializeOwned>(items: &[Value]) -> Vec<ShapeWarning> {
    type_items::<T>(items).warnings
}

fn no_warnings(_: &[Value]) -> Vec<ShapeWarning> {
    Vec::new()
}

fn list<T: Serialize>(items: &[T]) -> Option<(Value, u64)> {
    Some((to_value(items), items.len() as u64))
}

fn one<T: Serialize>(item: Option<&T>) -> Option<(Value, u64)> {
    item.map(|i| (to_value(i), 1))
}

fn to_value<T: Serialize + ?Sized>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// In `Collection::ALL` order (a test checks it), so `Collection::spec` can index it.
pub static COLLECTIONS: [CollectionSpec; 13] = [
    CollectionSpec {
        collection: Collection::Org,
        name: "org",
        file: "org.json",
        api_path: "/admin/v1/orgs/{org}",
        scope: Some("read:orgs:admin"),
        shape: warnings_of::<Org>,
        load: |s, path, bytes| {
            s.org = load_one(s, Collection::Org, path, bytes)?;
            Ok(1)
        },
        stored: |s| one(s.org.as_ref()),
    },
    CollectionSpec {
        collection: Collection::Directories,
        name: "directories",
        file: "directories.json",
        api_path: "/admin/v2/orgs/{org}/directories",
        scope: Some("read:directories:admin"),
        shape: warnings_of::<Directory>,
        load: |s, path, bytes| {
            let (items, count) = load_items(s, Collection::Directories, path, bytes)?;
            s.directories = items;
            Ok(count)
        },
        stored: |s| list(&s.directories),
    },
    CollectionSpec {
        collection: Collection::Users,
        name: "users",
        file: "users.json",
        api_path: "/admin/v2/orgs/{org}/directories/-/users/search",
        scope: Some("read:directories:admin"),
        shape: warnings_of::<DirectoryUser>,
        load: |s, path, bytes| {
            let (items, count) = load_items(s, Collection::Users, path, bytes)?;
            s.users = items;
            Ok(count)
        },
        stored: |s| list(&s.users),
    },
    CollectionSpec {
        collection: Collection::Groups,
        name: "groups",
        file: "groups.json",
        api_path: "/admin/v2/orgs/{org}/directories/-/groups/search",
        scope: Some("read:groups:admin"),
        shape: warnings_of::<Group>,
        load: |s, path, bytes| {
            let (items, count) = load_items(s, Collection::Groups, path, bytes)?;
            s.groups = items;
            Ok(count)
        },
        stored: |s| list(&s.groups),
    },
    CollectionSpec {
        collection: Collection::Domains,
        name: "domains",
        file: "domains.json",
        api_path: "/admin/v1/orgs/{org}/domains",
        scope: Some("read:domains:admin"),
        shape: warnings_of::<Domain>,
        load: |s, path, bytes| {
            let (items, count) = load_items(s, Collection::Domains, path, bytes)?;
            s.domains = items;
            Ok(count)
        },
        stored: |s| list(&s.domains),
    },
    CollectionSpec {
        collection: Collection::OrgPolicies,
        name: "org_policies",
        file: "org_policies.json",
        api_path: "/admin/v1/orgs/{org}/policies",
        // No scope is documented for v1 org policies.
        scope: None,
        shape: warnings_of::<OrgPolicy>,
        load: |s, path, bytes| {
            let (items, count) = load_items(s, Collection::OrgPolicies, path, bytes)?;
            s.org_policies = items;
            Ok(count)
        },
        stored: |s| list(&s.org_policies),
    },
    CollectionSpec {
        collection: Collection::ControlPolicies,
        name: "control_policies",
        file: "control_policies.json",
        api_path: "/admin/control/v2/orgs/{org}/policies",
        scope: Some("read:policies:admin"),
        shape: warnings_of::<OrgPolicy>,
        load: |s, path, bytes| {
            let (items, count) = load_items(s, Collection::ControlPolicies, path, bytes)?;
            s.control_policies = items;
            Ok(count)
        },
        stored: |s| list(&s.control_policies),
    },
    CollectionSpec {
        collection: Collection::ApiKeys,
        name: "api_keys",
        file: "api_keys.json",
        api_path: "/admin/api-access/v1/orgs/{org}/api-keys",
        scope: Some("read:tokens:admin (or read:keys:admin)"),
        shape: warnings_of::<ApiKey>,
        load: |s, path, bytes| {
            let (items, count) = load_items(s, Collection::ApiKeys, path, bytes)?;
            s.api_keys = items;
            Ok(count)
        },
        stored: |s| list(&s.api_keys),
    },
    CollectionSpec {
        collection: Collection::ApiTokens,
        name: "api_tokens",
        file: "api_tokens.json",
        api_path: "/admin/api-access/v1/orgs/{org}/api-tokens",
        scope: Some("read:tokens:admin (or read:keys:admin)"),
        shape: warnings_of::<ApiToken>,
        load: |s, path, bytes| {
            let (items, count) = load_items(s, Collection::ApiTokens, path, bytes)?;
            s.api_tokens = items;
            Ok(count)
        },
        stored: |s| list(&s.api_tokens),
    },
    CollectionSpec {
        collection: Collection::EventActions,
        name: "event_actions",
        file: "event_actions.json",
        api_path: "/admin/v1/orgs/{org}/event-actions",
        scope: Some("read:events:admin"),
        shape: warnings_of::<EventAction>,
        load: |s, path, bytes| {
            let (items, count) = load_items(s, Collection::EventActions, path, bytes)?;
            s.event_actions = items;
            Ok(count)
        },
        stored: |s| list(&s.event_actions),
    },
    CollectionSpec {
        collection: Collection::Workspaces,
        name: "workspaces",
        file: "workspaces.json",
        api_path: "/admin/v2/orgs/{org}/workspaces",
        scope: Some("read:workspaces:admin"),
        shape: warnings_of::<Workspace>,
        load: |s, path, bytes| {
            let (items, count) = load_items(s, Collection::Workspaces, path, bytes)?;
            s.workspaces = items;
            Ok(count)
        },
        stored: |s| list(&s.workspaces),
    },
    CollectionSpec {
        collection: Collection::Events,
        name: "events",
        file: "events.ndjson",
        api_path: "/admin/v1/orgs/{org}/events-stream",
        scope: Some("read:events:admin"),
        // Parsed line by line by `prepare`, which also counts them.
        shape: no_warnings,
        load: |s, _, bytes| {
            s.events = EventSource::Memory(Arc::new(bytes.to_vec()));
            Ok(0)
        },
        stored: |_| None,
    },
    CollectionSpec {
        collection: Collection::Attestation,
        name: "attestation",
        file: "attestation.json",
        api_path: "attestation",
        // A local file, orgscan's own.
        scope: None,
        shape: no_warnings,
        load: |s, path, bytes| {
            s.attestation = Some(super::load::parse_json::<Attestation>(path, bytes)?);
            Ok(1)
        },
        stored: |s| one(s.attestation.as_ref()),
    },
];

impl Collection {
    /// This collection's row of [`COLLECTIONS`].
    pub fn spec(self) -> &'static CollectionSpec {
        &COLLECTIONS[self as usize]
    }

    /// The API path with the org id put in (percent-encoded by the caller).
    pub fn api_path(self, org: &str) -> String {
        self.spec().api_path.replace("{org}", org)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_in_collection_order_with_unique_names_and_files() {
        let order: Vec<Collection> = COLLECTIONS.iter().map(|s| s.collection).collect();
        assert_eq!(order, Collection::ALL);
        for (i, spec) in COLLECTIONS.iter().enumerate() {
            assert_eq!(spec.collection as usize, i, "{} out of place", spec.name);
            assert!(std::ptr::eq(spec.collection.spec(), spec));
        }
        let mut names: Vec<&str> = COLLECTIONS.iter().map(|s| s.name).collect();
        let mut files: Vec<&str> = COLLECTIONS.iter().map(|s| s.file).collect();
        names.sort_unstable();
        names.dedup();
        files.sort_unstable();
        files.dedup();
        assert_eq!((names.len(), files.len()), (13, 13));
    }
}
