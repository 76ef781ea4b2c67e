//! `manifest.json`: what a snapshot holds, where each collection came from, and what could not
//! be read. The scan trusts nothing else about a snapshot directory.

use super::shape::ShapeWarning;
use super::timestamp::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const FORMAT_NAME: &str = "orgscan.snapshot";
pub const FORMAT_VERSION: u32 = 1;
pub const MANIFEST_FILE: &str = "manifest.json";

/// Every collection a snapshot can hold, with the file it lives in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Collection {
    Org,
    Directories,
    Users,
    Groups,
    Domains,
    OrgPolicies,
    ControlPolicies,
    ApiKeys,
    ApiTokens,
    EventActions,
    Workspaces,
    Events,
    Attestation,
}

impl Collection {
    pub const ALL: [Collection; 13] = [
        Collection::Org,
        Collection::Directories,
        Collection::Users,
        Collection::Groups,
        Collection::Domains,
        Collection::OrgPolicies,
        Collection::ControlPolicies,
        Collection::ApiKeys,
        Collection::ApiTokens,
        Collection::EventActions,
        Collection::Workspaces,
        Collection::Events,
        Collection::Attestation,
    ];

    /// Its name (`snapshot/collections.rs` holds the table).
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    pub fn file_name(self) -> &'static str {
        self.spec().file
    }

    pub fn from_name(name: &str) -> Option<Collection> {
        Collection::ALL.into_iter().find(|c| c.name() == name)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SnapshotSource {
    Api,
    Import,
    Demo,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub format_version: u32,
    pub tool_version: String,
    pub org: OrgIdentity,
    pub collected_at: Timestamp,
    pub source: SnapshotSource,
    pub event_window: Option<EventWindow>,
    /// The `/events-stream` cursor after the last page: where `--resume-from` continues.
    #[serde(default)]
    pub stream_cursor: Option<String>,
    /// Keyed by file name; sha256 of the bytes on disk and the number of records.
    pub files: BTreeMap<String, FileEntry>,
    /// Keyed by collection name. A collection absent here was never attempted.
    pub collections: BTreeMap<Collection, Provenance>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrgIdentity {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EventWindow {
    pub from: Timestamp,
    pub to: Timestamp,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FileEntry {
    /// Of the bytes on disk (for a compressed file, the compressed bytes).
    pub sha256: String,
    pub records: u64,
    /// How the file is compressed (`zstd` for `events.ndjson.zst`); absent when it is not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compression: Option<String>,
    /// For a compressed file, the sha256 of the NDJSON it decodes to, computed when it was
    /// written. Once the stored bytes match `sha256`, their content is this: `scan` takes the
    /// content hash reports carry from here instead of hashing every decoded byte again (at
    /// 10^8 events, 140 GB of sha256). Absent for plain files, whose `sha256` is of the NDJSON,
    /// and in manifests written before it existed (scan then hashes the decoded bytes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_sha256: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CollectionStatus {
    Collected,
    Unavailable,
}

/// Where one collection came from, or why it could not be read.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    pub status: CollectionStatus,
    /// The endpoint path (no host, no secrets), a file for imports and attestations, or `demo`.
    pub source: String,
    #[serde(default)]
    pub fetched_at: Option<Timestamp>,
    #[serde(default)]
    pub pages: u64,
    #[serde(default)]
    pub records: u64,
    #[serde(default)]
    pub warnings: Vec<String>,
    /// Why the collection is unavailable, e.g. "403 ADMIN-403-3: the key lacks read:tokens:admin".
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub http_status: Option<u16>,
    /// Events only, when read from `/events` (which filters by event time): how late an
    /// event may become visible and still be in this snapshot. Absent for the stream, whose
    /// cursor follows processing time and so misses no late event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lateness_horizon: Option<LatenessHorizon>,
    /// Items whose read fields came in an unexpected shape (kept as served in the collection's
    /// file; only the controls reading those fields are not evaluable). Written only when there
    /// are some, so manifests without any read as before.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shape_warnings: Vec<ShapeWarning>,
}

/// The guarantee an incremental `/events` collection gives for events the API processes
/// late: re-queried `overlap_seconds` before the previous snapshot's end, so an event
/// visible at most that long after its time is in; one visible later may be missing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LatenessHorizon {
    pub overlap_seconds: u64,
    /// Where this run re-queried from (absent on a first collection, which asked for the
    /// whole window).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requeried_from: Option<Timestamp>,
}

impl Provenance {
    pub fn collected(
        source: impl Into<String>,
        fetched_at: Timestamp,
        pages: u64,
        records: u64,
    ) -> Self {
        Provenance {
            status: CollectionStatus::Collected,
            source: source.into(),
            fetched_at: Some(fetched_at),
            pages,
            records,
            warnings: Vec::new(),
            reason: None,
            http_status: None,
            lateness_horizon: None,
            shape_warnings: Vec::new(),
        }
    }

    pub fn unavailable(
        source: impl Into<String>,
        reason: impl Into<String>,
        http_status: Option<u16>,
    ) -> Self {
        Provenance {
            status: CollectionStatus::Unavailable,
            source: source.into(),
            fetched_at: None,
            pages: 0,
            records: 0,
            warnings: Vec::new(),
            reason: Some(reason.into()),
            http_status,
            lateness_horizon: None,
            shape_warnings: Vec::new(),
        }
    }
}
