//! The demo fleet: the demo org in three postures, so the portfolio report (`orgscan scan
//! --fleet --demo`) and its tests work with no credentials. Each member is the seeded demo
//! org with its own id and name and a posture applied on top; the changed collections are
//! re-hashed the way `demo()` hashes them, so a member written with `write_demo_snapshot`
//! verifies on load.

use super::collection_bytes;
use crate::snapshot::manifest::{FileEntry, Provenance};
use crate::snapshot::{Collection, Snapshot, COLLECTIONS};
use std::path::{Path, PathBuf};

/// How a demo fleet member differs from the demo org.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Posture {
    /// The demo org as `orgscan scan` shows it.
    AsDemo,
    /// No API keys or tokens left (the credential controls pass).
    Hardened,
    /// The key lacked access to workspaces and API tokens, and nobody attested: many controls
    /// are not evaluable and coverage drops.
    Partial,
}

impl Posture {
    pub const ALL: [Posture; 3] = [Posture::AsDemo, Posture::Hardened, Posture::Partial];

    pub fn name(self) -> &'static str {
        match self {
            Posture::AsDemo => "as-demo",
            Posture::Hardened => "hardened",
            Posture::Partial => "partial",
        }
    }
}

/// Display names of the fleet members, cycled (with a number from the fourth on).
const NAMES: [&str; 3] = ["Acme Robotics", "Beta Logistics", "Gamma Retail"];

/// `count` demo orgs, postures cycling as-demo, hardened, partial; ids `demo-org-01`, … .
pub fn demo_fleet(count: usize) -> Vec<Snapshot> {
    let base = super::demo_snapshot();
    (0..count)
        .map(|i| {
            let posture = Posture::ALL[i % Posture::ALL.len()];
            let mut name = NAMES[i % NAMES.len()].to_string();
            if i >= NAMES.len() {
                name = format!("{name} {}", i + 1);
            }
            member(&base, &format!("demo-org-{:02}", i + 1), &name, posture)
        })
        .collect()
}

/// Writes `demo_fleet(count)` into `dir/<org-id>/`, returning the snapshot directories.
pub fn write_demo_fleet(
    dir: &Path,
    count: usize,
) -> Result<Vec<PathBuf>, crate::snapshot::SnapshotError> {
    demo_fleet(count)
        .iter()
        .map(|s| super::write_demo_snapshot(s, &dir.join(&s.manifest.org.id)))
        .collect()
}

/// The demo org `base` renamed to `id`/`name`, with `posture` applied.
pub fn member(base: &Snapshot, id: &str, name: &str, posture: Posture) -> Snapshot {
    let mut s = base.clone();
    s.location = format!("demo:{id}");
    s.manifest.org.id = id.to_string();
    s.manifest.org.name = Some(name.to_string());
    if let Some(org) = &mut s.org {
        org.id = id.to_string();
        org.attributes.name = Some(name.to_string());
    }
    match posture {
        Posture::AsDemo => {}
        Posture::Hardened => {
            s.api_keys.clear();
            s.api_tokens.clear();
        }
        Posture::Partial => {
            s.workspaces.clear();
            s.api_tokens.clear();
            s.attestation = None;
            for c in [
                Collection::Workspaces,
                Collection::ApiTokens,
                Collection::Attestation,
            ] {
                unavailable(&mut s, c);
            }
        }
    }
    reseal(&mut s);
    s
}

fn unavailable(s: &mut Snapshot, collection: Collection) {
    let name = collection.file_name();
    s.manifest.files.remove(name);
    s.read_files.remove(name);
    s.manifest.collections.insert(
        collection,
        Provenance::unavailable(
            "demo",
            "the API key of this demo org was not granted this data",
            Some(403),
        ),
    );
}

/// Re-hashes every configuration collection still listed, as `demo()` does (from the one
/// table of collections, so a new collection needs nothing here).
fn reseal(s: &mut Snapshot) {
    let mut updates = Vec::new();
    for spec in &COLLECTIONS {
        if !s.read_files.contains_key(spec.collection.file_name()) {
            continue;
        }
        if let Some((items, records)) = (spec.stored)(s) {
            updates.push((spec.collection, collection_bytes(&items), records));
        }
    }
    for (c, data, records) in updates {
        let entry = FileEntry {
            sha256: crate::snapshot::load::sha256_hex(&data),
            records,
            compression: None,
            content_sha256: None,
        };
        s.read_files
            .insert(c.file_name().to_string(), entry.clone());
        s.manifest.files.insert(c.file_name().to_string(), entry);
        if let Some(p) = s.manifest.collections.get_mut(&c) {
            p.records = records;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_differ_and_verify_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        let dirs = write_demo_fleet(dir.path(), 3).unwrap();
        assert_eq!(dirs.len(), 3);
        let loaded: Vec<Snapshot> = dirs
            .iter()
            .map(|d| crate::snapshot::load_snapshot(d).unwrap())
            .collect();
        let ids: Vec<&str> = loaded.iter().map(|s| s.manifest.org.id.as_str()).collect();
        assert_eq!(ids, ["demo-org-01", "demo-org-02", "demo-org-03"]);
        assert!(!loaded[0].api_tokens.is_empty());
        assert!(loaded[1].api_tokens.is_empty() && loaded[1].api_keys.is_empty());
        assert!(!loaded[2].is_collected(Collection::Workspaces));
        assert!(loaded[2].attestation.is_none());
        // Same inputs, same members.
        let again = demo_fleet(3);
        assert_eq!(
            again[1].content_hash(None),
            demo_fleet(3)[1].content_hash(None)
        );
        assert_ne!(again[0].content_hash(None), again[1].content_hash(None));
    }
}
