//! Reading a snapshot directory: manifest first (format, version), then each collection the
//! manifest lists, each checked against its sha256 and record count (a collection without
//! both is refused), each parse error naming file, line and field. Events are not read here:
//! the event pass of `prepare` hashes and counts them as it streams them.

use super::event_file::{decode, format_of_path, listed, EventsFormat, StoredBytes};
use super::manifest::{
    Collection, CollectionStatus, FileEntry, Manifest, FORMAT_NAME, FORMAT_VERSION, MANIFEST_FILE,
};
use super::shape::{type_items, type_stored};
use super::{verify, EventSource, Snapshot, SnapshotError};
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::sync::Arc;

/// Parses JSON, turning a failure into an error with file, line, column and the field path.
pub fn parse_json<T: DeserializeOwned>(path: &str, bytes: &[u8]) -> Result<T, SnapshotError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let field = e.path().to_string();
        let inner = e.into_inner();
        SnapshotError::Json {
            path: path.to_string(),
            line: inner.line(),
            column: inner.column(),
            field: if field == "." {
                "(document)".to_string()
            } else {
                field
            },
            message: strip_position(&inner.to_string()),
        }
    })
}

/// serde_json appends " at line L column C"; the error already carries both.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

fn read_file(path: &Path) -> Result<Vec<u8>, SnapshotError> {
    std::fs::read(path).map_err(|source| {
        if source.kind() == std::io::ErrorKind::NotFound {
            SnapshotError::MissingFile {
                path: path.display().to_string(),
            }
        } else {
            SnapshotError::Io {
                path: path.display().to_string(),
                source,
            }
        }
    })
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Reads and checks `manifest.json` alone.
pub fn load_manifest(dir: &Path) -> Result<Manifest, SnapshotError> {
    let path = dir.join(MANIFEST_FILE);
    if !path.is_file() {
        return Err(SnapshotError::MissingManifest {
            dir: dir.display().to_string(),
        });
    }
    let bytes = read_file(&path)?;
    let shown = path.display().to_string();
    // Check the version before the full shape, so a future format gets the upgrade message
    // rather than a complaint about a field this version does not know.
    #[derive(serde::Deserialize)]
    struct Header {
        format: String,
        format_version: u32,
    }
    let header: Header = parse_json(&shown, &bytes)?;
    if header.format != FORMAT_NAME {
        return Err(SnapshotError::WrongFormat {
            path: shown,
            found: header.format,
        });
    }
    if header.format_version > FORMAT_VERSION {
        return Err(SnapshotError::FutureVersion {
            path: shown,
            found: header.format_version,
            supported: FORMAT_VERSION,
        });
    }
    parse_json(&shown, &bytes)
}

pub fn load_snapshot(dir: &Path) -> Result<Snapshot, SnapshotError> {
    let manifest = load_manifest(dir)?;
    let mut snapshot = Snapshot {
        location: dir.display().to_string(),
        manifest,
        org: None,
        directories: Vec::new(),
        users: Vec::new(),
        groups: Vec::new(),
        domains: Vec::new(),
        org_policies: Vec::new(),
        control_policies: Vec::new(),
        api_keys: Vec::new(),
        api_tokens: Vec::new(),
        event_actions: Vec::new(),
        workspaces: Vec::new(),
        attestation: None,
        events: EventSource::None,
        read_files: Default::default(),
        shape_warnings: Default::default(),
    };
    let collected: Vec<Collection> = snapshot
        .manifest
        .collections
        .iter()
        .filter(|(_, p)| p.status == CollectionStatus::Collected)
        .map(|(c, _)| *c)
        .collect();
    for collection in collected {
        // Events are stored plain or compressed: the manifest lists which.
        let name = match collection {
            Collection::Events => listed(&snapshot.manifest.files)
                .map_or(collection.file_name(), |(format, _)| format.file_name()),
            _ => collection.file_name(),
        };
        let file = dir.join(name);
        let shown = file.display().to_string();
        let Some(expected) = snapshot.manifest.files.get(name).cloned() else {
            return Err(SnapshotError::Unverifiable {
                path: dir.join(MANIFEST_FILE).display().to_string(),
                collection: collection.name().to_string(),
                file: collection.file_name().to_string(),
            });
        };
        if collection == Collection::Events {
            if !file.is_file() {
                return Err(SnapshotError::MissingFile { path: shown });
            }
            // Events are hashed and counted by the event pass as it streams them: reading
            // gigabytes here as well would double the I/O.
            snapshot.events = EventSource::File(file);
            continue;
        }
        let bytes = read_file(&file)?;
        let found_sha256 = sha256_hex(&bytes);
        let parsed = fill_collection(&mut snapshot, collection, &shown, &bytes);
        let found_records = match &parsed {
            Ok(count) => Ok(*count),
            Err(e) => Err(e.to_string()),
        };
        if let Some(mismatch) =
            verify::mismatch(&shown, &expected, &found_sha256, found_records.clone())
        {
            return Err(mismatch);
        }
        parsed?;
        snapshot.read_files.insert(
            collection.file_name().to_string(),
            FileEntry {
                sha256: found_sha256,
                records: found_records.unwrap_or_default(),
                compression: None,
                content_sha256: None,
            },
        );
    }
    Ok(snapshot)
}

/// Parses one collection's bytes into its place in the snapshot and returns how many records
/// the file holds, as the writer counts them (the org and the attestation are one; otherwise the
/// array's length, items the typed view leaves out included). The file must be JSON of the
/// collection's outer shape; each item is typed through `shape`, so an item field of an
/// unexpected shape becomes a warning in `snapshot.shape_warnings`, never an error.
pub fn fill_collection(
    snapshot: &mut Snapshot,
    collection: Collection,
    path: &str,
    bytes: &[u8],
) -> Result<u64, SnapshotError> {
    (collection.spec().load)(snapshot, path, bytes)
}

/// Streams `events.ndjson` line by line; blank lines are skipped, line numbers are 1-based.
pub struct EventLines {
    path: String,
    reader: Option<Box<dyn BufRead + Send>>,
    line_no: u64,
    buffer: String,
}

/// An events file opened for reading: how it is named in messages, its NDJSON (`None` when
/// the snapshot has no events), and for a compressed file the tap hashing its stored bytes.
/// The one opener of the events file (`events.ndjson` or `events.ndjson.zst`), for every
/// reader (`EventLines` here, the block reader of `prepare`).
pub struct OpenEvents {
    pub path: String,
    pub reader: Option<Box<dyn Read + Send>>,
    /// The stored bytes when they are not the NDJSON itself (zstd): their sha256 is what the
    /// manifest records. For plain NDJSON the reader's bytes are the stored bytes.
    pub stored: Option<StoredBytes>,
}

impl EventSource {
    pub fn open(&self) -> Result<OpenEvents, SnapshotError> {
        Ok(match self {
            EventSource::None => OpenEvents {
                path: "events.ndjson".to_string(),
                reader: None,
                stored: None,
            },
            EventSource::File(p) => {
                let fail = |source| SnapshotError::Io {
                    path: p.display().to_string(),
                    source,
                };
                let file = std::fs::File::open(p).map_err(fail)?;
                match format_of_path(p) {
                    EventsFormat::Ndjson => OpenEvents {
                        path: p.display().to_string(),
                        reader: Some(Box::new(file)),
                        stored: None,
                    },
                    format => {
                        let (reader, stored) = decode(Box::new(file), format).map_err(fail)?;
                        OpenEvents {
                            path: p.display().to_string(),
                            reader: Some(reader),
                            stored: Some(stored),
                        }
                    }
                }
            }
            EventSource::Memory(bytes) => OpenEvents {
                path: "demo/events.ndjson".to_string(),
                reader: Some(Box::new(SharedBytes {
                    bytes: bytes.clone(),
                    pos: 0,
                })),
                stored: None,
            },
        })
    }
}

impl EventLines {
    pub fn open(source: &EventSource) -> Result<EventLines, SnapshotError> {
        let OpenEvents { path, reader, .. } = source.open()?;
        Ok(EventLines {
            path,
            reader: reader
                .map(|r| Box::new(BufReader::with_capacity(1 << 20, r)) as Box<dyn BufRead + Send>),
            line_no: 0,
            buffer: String::new(),
        })
    }

    pub fn path(&self) -> &str {
        &self.path
    }

    /// The next non-blank line and its number, or `None` at the end.
    pub fn next_line(&mut self) -> Option<Result<(u64, &str), SnapshotError>> {
        let reader = self.reader.as_mut()?;
        loop {
            self.buffer.clear();
            self.line_no += 1;
            match reader.read_line(&mut self.buffer) {
                Ok(0) => return None,
                Ok(_) => {
                    if self.buffer.trim().is_empty() {
                        continue;
                    }
                    let line = self.buffer.trim_end_matches(['\n', '\r']);
                    return Some(Ok((self.line_no, line)));
                }
                Err(e) => {
                    return Some(Err(SnapshotError::EventLine {
                        path: self.path.clone(),
                        line: self.line_no,
                        message: format!(
                            "cannot read: {e} (expected UTF-8 JSON, one event per line)"
                        ),
                    }))
                }
            }
        }
    }
}

struct SharedBytes {
    bytes: Arc<Vec<u8>>,
    pos: usize,
}

impl Read for SharedBytes {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let rest = self.bytes.get(self.pos..).unwrap_or_default();
        let n = rest.len().min(out.len());
        out[..n].copy_from_slice(&rest[..n]);
        self.pos += n;
        Ok(n)
    }
}

/// A collection file's items typed as `T` (shape warnings recorded in the snapshot), with the
/// number of items the file holds.
pub(super) fn load_items<T: DeserializeOwned>(
    snapshot: &mut Snapshot,
    collection: Collection,
    path: &str,
    bytes: &[u8],
) -> Result<(Vec<T>, u64), SnapshotError> {
    let items: Vec<Box<serde_json::value::RawValue>> = parse_json(path, bytes)?;
    let typed = type_stored::<T>(&items);
    if !typed.warnings.is_empty() {
        snapshot.shape_warnings.insert(collection, typed.warnings);
    }
    Ok((typed.records, items.len() as u64))
}

/// A collection file holding one object (the org), typed as `T`.
pub(super) fn load_one<T: DeserializeOwned>(
    snapshot: &mut Snapshot,
    collection: Collection,
    path: &str,
    bytes: &[u8],
) -> Result<Option<T>, SnapshotError> {
    let item: serde_json::Value = parse_json(path, bytes)?;
    let typed = type_items(std::slice::from_ref(&item));
    if !typed.warnings.is_empty() {
        snapshot.shape_warnings.insert(collection, typed.warnings);
    }
    Ok(typed.records.into_iter().next())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_errors_name_line_and_field() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct U {
            #[serde(rename = "mfaEnabled")]
            mfa_enabled: bool,
        }
        let err = parse_json::<Vec<U>>(
            "users.json",
            b"[\n{\"mfaEnabled\": true},\n{\"mfaEnabled\": \"no\"}\n]",
        )
        .unwrap_err()
        .to_string();
        assert_eq!(err, "users.json: line 3, column 19: field `[1].mfaEnabled`: invalid type: string \"no\", expected a boolean");
    }

    #[test]
    fn event_lines_skip_blanks_and_count_lines() {
        let source = EventSource::Memory(Arc::new(b"{\"a\":1}\n\n{\"b\":2}\r\n".to_vec()));
        let mut lines = EventLines::open(&source).unwrap();
        let mut seen = Vec::new();
        while let Some(item) = lines.next_line() {
            let (no, text) = item.unwrap();
            seen.push((no, text.to_string()));
        }
        assert_eq!(
            seen,
            vec![(1, "{\"a\":1}".to_string()), (3, "{\"b\":2}".to_string())]
        );
    }
}
