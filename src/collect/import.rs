//! `orgscan import-events FILE… --into SNAPSHOT`: add exported audit events to a snapshot, so
//! someone with exports but no API key can still scan. Accepts API page JSON (`{"data":[…]}`),
//! a JSON array of events, NDJSON (one event, or one page, per line), or any concatenation.
//! Events are checked against the API's event shape, deduplicated by id (the copy already in
//! the snapshot wins), ordered by time then id, and the snapshot is rewritten atomically with
//! fresh hashes, counts and event window. A missing snapshot is created (source `import`).

use super::args::ImportEventsArgs;
use super::events::{check_snapshot_events, merge_into, EventRecord, EventSet};
use super::CollectError;
use crate::snapshot::load::load_manifest;
use crate::snapshot::manifest::{EventWindow, OrgIdentity, FORMAT_NAME, FORMAT_VERSION};
use crate::snapshot::{
    load_snapshot, Collection, CollectionStatus, Manifest, Provenance, Snapshot, SnapshotSource,
    SnapshotWriter, Timestamp,
};
use serde_json::Value;
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, PartialEq)]
pub struct ImportOutcome {
    pub snapshot: PathBuf,
    /// True when the snapshot did not exist before.
    pub created: bool,
    /// Events read from the files (with duplicates).
    pub read: u64,
    pub added: u64,
    pub duplicates: u64,
    pub total: u64,
}

impl ImportOutcome {
    pub fn summary(&self) -> String {
        format!(
            "{} {}: {} events read, {} added, {} duplicates skipped, {} in all",
            if self.created { "created" } else { "updated" },
            self.snapshot.display(),
            self.read,
            self.added,
            self.duplicates,
            self.total
        )
    }
}

/// The CLI entry: imports and prints the summary unless `--quiet`.
pub fn run_import_events(args: &ImportEventsArgs) -> Result<ImportOutcome, CollectError> {
    let outcome = import_events(&args.files, &args.into, args.org.as_deref())?;
    if !args.quiet {
        eprintln!("{}", outcome.summary());
    }
    Ok(outcome)
}

fn input_error(path: &Path, message: impl Into<String>) -> CollectError {
    CollectError::Input {
        path: path.display().to_string(),
        message: message.into(),
    }
}

/// Reads every event in one export file.
pub fn read_events_file(path: &Path) -> Result<Vec<EventRecord>, CollectError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| input_error(path, format!("cannot read: {e}")))?;
    let line_at = |offset: usize| {
        let start = text[..offset.min(text.len())].len();
        let skipped = text[start..]
            .find(|c: char| !c.is_whitespace())
            .map_or(text.len(), |i| start + i);
        text[..skipped].matches('\n').count() + 1
    };
    let mut out = Vec::new();
    let mut stream = serde_json::Deserializer::from_str(&text).into_iter::<Value>();
    loop {
        let offset = stream.byte_offset();
        let value = match stream.next() {
            None => break,
            Some(Ok(v)) => v,
            Some(Err(e)) => {
                return Err(input_error(
                    path,
                    format!(
                        "line {}, column {}: not JSON: {} (expected API page JSON {{\"data\":[…]}} or NDJSON events)",
                        e.line(),
                        e.column(),
                        strip_position(&e.to_string())
                    ),
                ))
            }
        };
        let line = line_at(offset);
        let (items, paged) = match value {
            Value::Object(mut map) if map.contains_key("data") => match map.remove("data") {
                Some(Value::Array(items)) => (items, true),
                Some(Value::Null) => (Vec::new(), true),
                _ => {
                    return Err(input_error(
                        path,
                        format!("line {line}: `data` is not a list of events"),
                    ))
                }
            },
            Value::Array(items) => (items, true),
            event @ Value::Object(_) => (vec![event], false),
            other => {
                return Err(input_error(
                    path,
                    format!(
                        "line {line}: expected an event object, a page {{\"data\":[…]}} or an array, found {}",
                        super::paginate::kind_of(&other)
                    ),
                ))
            }
        };
        for (i, item) in items.iter().enumerate() {
            let record = EventRecord::from_value(item).map_err(|message| {
                let which = if paged {
                    format!("line {line}, event {i}")
                } else {
                    format!("line {line}")
                };
                input_error(path, format!("{which}: not an audit event: {message}"))
            })?;
            out.push(record);
        }
    }
    Ok(out)
}

fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// The org id in the first event container of type `orgs`.
fn org_of_events(records: &[EventRecord]) -> Option<String> {
    records.iter().find_map(|r| {
        let value: Value = serde_json::from_str(&r.line).ok()?;
        value
            .pointer("/attributes/container")?
            .as_array()?
            .iter()
            .find(|c| c.get("type").and_then(Value::as_str) == Some("orgs"))?
            .get("id")?
            .as_str()
            .map(str::to_string)
    })
}

/// Imports `files` into the snapshot at `into` (created when absent).
pub fn import_events(
    files: &[PathBuf],
    into: &Path,
    org: Option<&str>,
) -> Result<ImportOutcome, CollectError> {
    crate::snapshot::write::check_replaceable(into)
        .map_err(|e| input_error(into, e.to_string()))?;
    let now = Timestamp(chrono::Utc::now());
    let mut imported = Vec::new();
    for file in files {
        imported.extend(read_events_file(file)?);
    }
    let read = imported.len() as u64;
    let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();

    let exists = into
        .join(crate::snapshot::manifest::MANIFEST_FILE)
        .is_file();
    if !exists && into.is_dir() && std::fs::read_dir(into).is_ok_and(|mut d| d.next().is_some()) {
        return Err(input_error(
            into,
            "exists and is not a snapshot (no manifest.json); refusing to replace it",
        ));
    }
    let existing = if exists {
        let manifest = load_manifest(into).map_err(|e| input_error(into, e.to_string()))?;
        if let Some(org) = org {
            if org != manifest.org.id {
                return Err(input_error(
                    into,
                    format!("the snapshot is of org {:?}, not {org:?}", manifest.org.id),
                ));
            }
        }
        let snapshot = load_snapshot(into).map_err(|e| input_error(into, e.to_string()))?;
        // Checked, then streamed again into the merge: not held in memory.
        let stored = check_snapshot_events(into, &manifest).map_err(|m| input_error(into, m))?;
        Some((snapshot, stored))
    } else {
        None
    };

    let mut set = EventSet::default();
    for record in imported.iter().cloned() {
        set.insert(record);
    }
    let stored = existing
        .as_ref()
        .map(|(_, stored)| stored.clone())
        .unwrap_or_default();
    // An event the snapshot already holds keeps its stored copy.
    set.drop_stored(&stored)
        .map_err(|e| input_error(into, e.to_string()))?;
    let before = stored.count;
    let added = set.len() as u64;
    let total = before + added;
    let duplicates = read - added;
    let range = match (set.time_range(), stored.first.zip(stored.last)) {
        (Some((a, b)), Some((c, d))) => Some((a.min(c), b.max(d))),
        (new, old) => new.or(old),
    };
    let note = format!(
        "imported {added} events from {} ({duplicates} duplicates skipped)",
        names.join(", ")
    );

    let mut writer = SnapshotWriter::create(into).map_err(CollectError::Write)?;
    let manifest = match &existing {
        Some((snapshot, _)) => {
            copy_collections(&mut writer, snapshot)?;
            let mut prov = match snapshot.manifest.collections.get(&Collection::Events) {
                Some(p) if p.status == CollectionStatus::Collected => p.clone(),
                Some(p) => {
                    let mut fresh =
                        Provenance::collected(format!("import: {}", names.join(", ")), now, 0, 0);
                    if let Some(reason) = &p.reason {
                        fresh
                            .warnings
                            .push(format!("the API events were unavailable: {reason}"));
                    }
                    fresh
                }
                None => Provenance::collected(format!("import: {}", names.join(", ")), now, 0, 0),
            };
            prov.records = total;
            prov.warnings.push(note);
            let fresh = set.into_sorted();
            writer
                .write_event_stream(prov, |emit| merge_into(&stored, &fresh, emit))
                .map_err(CollectError::Write)?;
            let mut manifest = snapshot.manifest.clone();
            manifest.event_window = union_window(manifest.event_window.take(), range);
            manifest
        }
        None => {
            let org_id = org
                .map(str::to_string)
                .or_else(|| org_of_events(&imported))
                .ok_or_else(|| {
                    input_error(
                        into,
                        "cannot tell the org: the events name none; pass --org ORG_ID",
                    )
                })?;
            let mut prov =
                Provenance::collected(format!("import: {}", names.join(", ")), now, 0, total);
            prov.warnings.push(note);
            let sorted = set.into_sorted();
            writer
                .write_event_lines(sorted.iter().map(|r| r.line.as_str()), prov)
                .map_err(CollectError::Write)?;
            Manifest {
                format: FORMAT_NAME.to_string(),
                format_version: FORMAT_VERSION,
                tool_version: crate::TOOL_VERSION.to_string(),
                org: OrgIdentity {
                    id: org_id,
                    name: None,
                },
                collected_at: now,
                source: SnapshotSource::Import,
                event_window: range.map(|(from, to)| EventWindow { from, to }),
                stream_cursor: None,
                files: Default::default(),
                collections: Default::default(),
            }
        }
    };
    let snapshot = writer.finish(manifest).map_err(CollectError::Write)?;
    Ok(ImportOutcome {
        snapshot,
        created: existing.is_none(),
        read,
        added,
        duplicates,
        total,
    })
}

fn union_window(
    window: Option<EventWindow>,
    range: Option<(Timestamp, Timestamp)>,
) -> Option<EventWindow> {
    match (window, range) {
        (Some(w), Some((min, max))) => Some(EventWindow {
            from: w.from.min(min),
            to: w.to.max(max),
        }),
        (Some(w), None) => Some(w),
        (None, Some((from, to))) => Some(EventWindow { from, to }),
        (None, None) => None,
    }
}

/// Rewrites every collection but the events as it was stored (the loader has checked the
/// hashes): the items as served, not their typed views, so nothing a typed view sets aside
/// (a field in an unexpected shape) is lost by an import.
fn copy_collections(writer: &mut SnapshotWriter, snapshot: &Snapshot) -> Result<(), CollectError> {
    let dir = std::path::Path::new(&snapshot.location);
    for (collection, provenance) in &snapshot.manifest.collections {
        let collection = *collection;
        if collection == Collection::Events {
            continue;
        }
        let file = dir.join(collection.file_name());
        if provenance.status != CollectionStatus::Collected || !file.is_file() {
            writer.mark_unavailable(collection, provenance.clone());
            continue;
        }
        let shown = file.display().to_string();
        let bytes = std::fs::read(&file).map_err(|e| input_error(&file, e.to_string()))?;
        let stored: serde_json::Value = crate::snapshot::load::parse_json(&shown, &bytes)
            .map_err(|e| input_error(&file, e.to_string()))?;
        let count = snapshot
            .manifest
            .files
            .get(collection.file_name())
            .map_or(provenance.records, |f| f.records);
        writer
            .write_collection(collection, &stored, count, provenance.clone())
            .map_err(CollectError::Write)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(id: &str, time: &str) -> String {
        format!(
            r#"{{"id":"{id}","type":"events","attributes":{{"time":"{time}","action":"user_login","actor":{{"id":"u1"}},"container":[{{"id":"org-1","type":"orgs"}}]}}}}"#
        )
    }

    #[test]
    fn reads_pages_arrays_and_ndjson() {
        let dir = tempfile::tempdir().unwrap();
        let page = dir.path().join("page.json");
        std::fs::write(
            &page,
            format!(
                "{{\"data\":[{},{}],\"meta\":{{\"next\":null}}}}",
                event("a", "2026-01-01T00:00:00Z"),
                event("b", "2026-01-02T00:00:00Z")
            ),
        )
        .unwrap();
        assert_eq!(read_events_file(&page).unwrap().len(), 2);
        let nd = dir.path().join("e.ndjson");
        std::fs::write(
            &nd,
            format!(
                "{}\n\n{}\n[{}]\n",
                event("c", "2026-01-01T00:00:00Z"),
                event("d", "2026-01-01T00:00:00Z"),
                event("e", "2026-01-01T00:00:00Z")
            ),
        )
        .unwrap();
        assert_eq!(read_events_file(&nd).unwrap().len(), 3);
    }

    #[test]
    fn errors_name_file_line_and_field() {
        let dir = tempfile::tempdir().unwrap();
        let nd = dir.path().join("bad.ndjson");
        std::fs::write(
            &nd,
            format!(
                "{}\n{{\"id\":\"x\",\"attributes\":{{\"action\":\"a\",\"actor\":{{\"id\":\"u\"}}}}}}\n",
                event("c", "2026-01-01T00:00:00Z")
            ),
        )
        .unwrap();
        let err = read_events_file(&nd).unwrap_err().to_string();
        assert!(
            err.contains("bad.ndjson: line 2") && err.contains("time"),
            "{err}"
        );
        std::fs::write(&nd, "{\"id\": tru").unwrap();
        let err = read_events_file(&nd).unwrap_err().to_string();
        assert!(
            err.contains("line 1, column") && err.contains("not JSON"),
            "{err}"
        );
        std::fs::write(&nd, "\n\n42\n").unwrap();
        let err = read_events_file(&nd).unwrap_err().to_string();
        assert!(err.contains("line 3") && err.contains("a number"), "{err}");
    }
}
