//! The snapshot: a versioned directory holding an org's configuration and audit events
//! (DESIGN §4). `load` reads and validates one, `write` produces one atomically.

pub mod attestation;
pub mod event_line;
pub mod load;
pub mod manifest;
pub mod schema;
pub mod timestamp;
pub mod write;

pub use attestation::Attestation;
pub use load::{load_snapshot, EventLines};
pub use manifest::{Collection, CollectionStatus, Manifest, Provenance, SnapshotSource};
pub use schema::*;
pub use timestamp::Timestamp;
pub use write::SnapshotWriter;

use std::path::PathBuf;

/// Everything wrong with a snapshot on disk, each naming the file and, where there is one,
/// the line and field, and what was expected.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{dir}: not a snapshot (no manifest.json); give a directory written by `orgscan collect`, or omit it to scan the bundled demo org")]
    MissingManifest { dir: String },
    #[error("{path}: format version {found} is newer than this orgscan supports (up to {supported}); upgrade orgscan")]
    FutureVersion {
        path: String,
        found: u32,
        supported: u32,
    },
    #[error("{path}: expected format \"orgscan.snapshot\", found {found:?}")]
    WrongFormat { path: String, found: String },
    #[error("{path}: line {line}, column {column}: field `{field}`: {message}")]
    Json {
        path: String,
        line: usize,
        column: usize,
        field: String,
        message: String,
    },
    #[error("{path}: line {line}: {message}")]
    EventLine {
        path: String,
        line: u64,
        message: String,
    },
    #[error("{path}: sha256 {actual} does not match the manifest's {expected}; the snapshot was changed after collection")]
    HashMismatch {
        path: String,
        expected: String,
        actual: String,
    },
    #[error("{path}: the manifest lists it but the file is missing")]
    MissingFile { path: String },
    #[error("{path}: {message}")]
    Attestation { path: String, message: String },
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
}

/// A loaded snapshot: the configuration collections in memory, the events left on disk (or in
/// memory for the demo) to be streamed once by `prepare`.
#[derive(Clone, Debug)]
pub struct Snapshot {
    /// How the snapshot is named in messages and the report (`demo` or its directory).
    pub location: String,
    pub manifest: Manifest,
    pub org: Option<Org>,
    pub directories: Vec<Directory>,
    pub users: Vec<DirectoryUser>,
    pub groups: Vec<Group>,
    pub domains: Vec<Domain>,
    pub org_policies: Vec<Policy>,
    pub control_policies: Vec<Policy>,
    pub api_keys: Vec<ApiKey>,
    pub api_tokens: Vec<ApiToken>,
    pub event_actions: Vec<EventAction>,
    pub workspaces: Vec<Workspace>,
    pub attestation: Option<Attestation>,
    pub events: EventSource,
}

#[derive(Clone, Debug)]
pub enum EventSource {
    /// No events collection in this snapshot.
    None,
    File(PathBuf),
    /// NDJSON bytes held in memory (the generated demo org).
    Memory(std::sync::Arc<Vec<u8>>),
}

impl Snapshot {
    /// True when the manifest says the collection was read successfully.
    pub fn is_collected(&self, collection: Collection) -> bool {
        self.manifest
            .collections
            .get(&collection)
            .is_some_and(|p| p.status == CollectionStatus::Collected)
    }

    /// Streams the events, one raw NDJSON line at a time, with line numbers for messages.
    pub fn event_lines(&self) -> Result<EventLines, SnapshotError> {
        EventLines::open(&self.events)
    }

    /// sha256 over the manifest's file hashes: identifies the snapshot content in reports.
    pub fn content_hash(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut hasher = Sha256::new();
        for (name, entry) in &self.manifest.files {
            hasher.update(name.as_bytes());
            hasher.update(b"\0");
            hasher.update(entry.sha256.as_bytes());
            hasher.update(b"\n");
        }
        hex::encode(hasher.finalize())
    }
}
