//! The snapshot: a versioned directory holding an org's configuration and audit events
//! (docs/architecture.md, "The snapshot contract"). `load` reads and validates one, `write`
//! produces one atomically.

pub mod attestation;
pub mod collections;
pub mod event_file;
pub mod event_line;
pub mod load;
pub mod manifest;
pub mod schema;
pub mod shape;
pub mod timestamp;
pub mod toml_error;
pub mod verify;
pub mod write;

pub use attestation::Attestation;
pub use collections::{CollectionSpec, COLLECTIONS};
pub use load::{load_snapshot, EventLines, OpenEvents};
pub use manifest::{Collection, CollectionStatus, FileEntry, Manifest, Provenance, SnapshotSource};
pub use schema::*;
pub use shape::ShapeWarning;
pub use timestamp::Timestamp;
pub use write::SnapshotWriter;

use std::collections::BTreeMap;
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
    /// A file whose bytes or record count differ from its `manifest.json` entry: the
    /// evidence was changed, truncated or damaged after the snapshot was written.
    #[error("{path}: does not match manifest.json: expected sha256 {expected_sha256} and {expected_records} records, found sha256 {found_sha256} and {found_records}; the file was changed or damaged after the snapshot was written (restore it or collect again)")]
    FileMismatch {
        path: String,
        expected_sha256: String,
        expected_records: u64,
        found_sha256: String,
        /// "N records", or why they could not be counted.
        found_records: String,
    },
    /// A collection the manifest says was collected but whose file it gives no sha256 and
    /// record count for: nothing to verify the file against, so it is not scanned.
    #[error("{path}: lists collection `{collection}` as collected but `files` has no sha256 and record count for {file}; orgscan does not scan evidence it cannot verify (orgscan collect, import-events and demo --out always write both: collect the snapshot again)")]
    Unverifiable {
        path: String,
        collection: String,
        file: String,
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
    pub org_policies: Vec<OrgPolicy>,
    pub control_policies: Vec<OrgPolicy>,
    pub api_keys: Vec<ApiKey>,
    pub api_tokens: Vec<ApiToken>,
    pub event_actions: Vec<EventAction>,
    pub workspaces: Vec<Workspace>,
    pub attestation: Option<Attestation>,
    pub events: EventSource,
    /// sha256 and record count of each configuration file as read (checked against the
    /// manifest by `load`); the events file's come from the event pass that reads it.
    pub read_files: BTreeMap<String, FileEntry>,
    /// Read fields of stored items that did not have the expected shape, per collection
    /// (computed when the items are typed, so the same at collect and at load time).
    pub shape_warnings: BTreeMap<Collection, Vec<ShapeWarning>>,
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

    /// Identifies the snapshot content in reports: sha256 over the name and sha256 of every
    /// file as read, the events file's (`events`, from the event pass) included.
    pub fn content_hash(&self, events: Option<&FileEntry>) -> String {
        let events_name = Collection::Events.file_name().to_string();
        verify::content_hash(
            self.read_files
                .iter()
                .chain(events.map(|e| (&events_name, e))),
        )
    }
}
