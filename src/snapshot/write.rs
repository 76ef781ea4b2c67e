//! Writing a snapshot atomically: every file goes into a hidden temporary directory beside the
//! destination, the manifest (with hashes and counts) last, then one rename swaps it in. A
//! crash at any point leaves the previous snapshot at the destination untouched.

use super::event_file::{EventFileWriter, EventsFormat, ZSTD_LEVEL};
use super::load::sha256_hex;
use super::manifest::{Collection, FileEntry, Manifest, Provenance, FORMAT_NAME, MANIFEST_FILE};
use super::SnapshotError;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Checks that `dir` may be replaced by a snapshot write: absent, an empty directory, or an
/// orgscan snapshot (a manifest whose `format` is [`FORMAT_NAME`]) holding only files orgscan
/// writes. Anything else — another tool's `manifest.json`, a snapshot with files added by
/// hand, a home directory given by mistake — is refused before anything is fetched or
/// touched: replacing a directory removes everything in it.
pub fn check_replaceable(dir: &Path) -> Result<(), SnapshotError> {
    let refuse = |why: String| SnapshotError::Invalid {
        path: dir.display().to_string(),
        message: format!("not an orgscan snapshot, refusing to replace it ({why})"),
    };
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(_) if dir.exists() && !dir.is_dir() => {
            return Err(refuse("it is not a directory".to_string()))
        }
        Err(e) => return Err(io_error(dir, e)),
    };
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| io_error(dir, e))?;
        names.push(entry.file_name().to_string_lossy().into_owned());
    }
    if names.is_empty() {
        return Ok(());
    }
    let manifest_path = dir.join(MANIFEST_FILE);
    let text = std::fs::read(&manifest_path)
        .map_err(|_| refuse(format!("no readable {MANIFEST_FILE}")))?;
    #[derive(serde::Deserialize)]
    struct Format {
        format: Option<String>,
    }
    let format = serde_json::from_slice::<Format>(&text)
        .ok()
        .and_then(|f| f.format);
    if format.as_deref() != Some(FORMAT_NAME) {
        return Err(refuse(format!(
            "{MANIFEST_FILE} does not say \"format\": \"{FORMAT_NAME}\""
        )));
    }
    let ours = |name: &str| {
        name == MANIFEST_FILE
            || Collection::ALL.iter().any(|c| c.file_name() == name)
            || EventsFormat::of_file_name(name).is_some()
    };
    names.sort();
    let foreign: Vec<&String> = names.iter().filter(|n| !ours(n)).collect();
    if let Some(first) = foreign.first() {
        // Debug quoting escapes control characters in a hostile file name.
        return Err(refuse(format!(
            "it holds {} file(s) orgscan does not write, such as {first:?}",
            foreign.len()
        )));
    }
    for name in &names {
        if dir.join(name).is_dir() {
            return Err(refuse(format!("{name} is a directory")));
        }
    }
    Ok(())
}

pub struct SnapshotWriter {
    destination: PathBuf,
    staging: PathBuf,
    files: BTreeMap<String, FileEntry>,
    collections: BTreeMap<Collection, Provenance>,
    finished: bool,
    /// A checkpoint: left in place when the writer is dropped unfinished.
    keep_staging: bool,
    /// How the events file is stored (compressed unless asked otherwise), and at which zstd
    /// level.
    events_format: EventsFormat,
    zstd_level: i32,
}

fn io_error(path: &Path, source: std::io::Error) -> SnapshotError {
    SnapshotError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// The directory `path` is in (`.` for a bare name).
pub fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// `.NAME.SUFFIX` beside `path`: the staging, checkpoint and import-spool directories of a
/// snapshot live there, on its file system, so the finished snapshot is one rename away.
pub fn hidden_sibling(path: &Path, suffix: &str) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "snapshot".to_string());
    parent_dir(path).join(format!(".{name}.{suffix}"))
}

impl SnapshotWriter {
    /// Prepares a staging directory next to `destination` (same file system, so the final
    /// rename is atomic).
    pub fn create(destination: &Path) -> Result<SnapshotWriter, SnapshotError> {
        let parent = parent_dir(destination);
        std::fs::create_dir_all(&parent).map_err(|e| io_error(&parent, e))?;
        let staging = hidden_sibling(destination, &format!("partial-{}", std::process::id()));
        if staging.exists() {
            std::fs::remove_dir_all(&staging).map_err(|e| io_error(&staging, e))?;
        }
        std::fs::create_dir(&staging).map_err(|e| io_error(&staging, e))?;
        Ok(SnapshotWriter {
            destination: destination.to_path_buf(),
            staging,
            files: BTreeMap::new(),
            collections: BTreeMap::new(),
            finished: false,
            keep_staging: false,
            events_format: EventsFormat::DEFAULT,
            zstd_level: ZSTD_LEVEL,
        })
    }

    /// Writes into `staging` (created when absent, kept when present), which outlives the
    /// writer unless [`SnapshotWriter::discard`] or a finish consumes it: the collector's
    /// checkpoint, which a later run resumes from. Files already there are registered with
    /// [`SnapshotWriter::adopt`].
    pub fn resumable(destination: &Path, staging: &Path) -> Result<SnapshotWriter, SnapshotError> {
        if !staging.is_dir() {
            std::fs::create_dir_all(staging).map_err(|e| io_error(staging, e))?;
        }
        Ok(SnapshotWriter {
            destination: destination.to_path_buf(),
            staging: staging.to_path_buf(),
            files: BTreeMap::new(),
            collections: BTreeMap::new(),
            finished: false,
            keep_staging: true,
            events_format: EventsFormat::DEFAULT,
            zstd_level: ZSTD_LEVEL,
        })
    }

    /// Stores the events as `format` (default: zstd, `events.ndjson.zst`).
    pub fn set_events_format(&mut self, format: EventsFormat) {
        self.events_format = format;
    }

    /// Compresses the events at zstd `level` (default [`ZSTD_LEVEL`]).
    pub fn set_zstd_level(&mut self, level: i32) {
        self.zstd_level = level;
    }

    /// Registers a collection file already in the staging directory (written by an earlier,
    /// interrupted run and checked by the caller against `entry`).
    pub fn adopt(&mut self, collection: Collection, entry: FileEntry, provenance: Provenance) {
        self.files.insert(collection.file_name().to_string(), entry);
        self.collections.insert(collection, provenance);
    }

    /// The files written so far, with their hashes and record counts.
    pub fn files(&self) -> &BTreeMap<String, FileEntry> {
        &self.files
    }

    /// The provenance recorded per collection so far.
    pub fn collections(&self) -> &BTreeMap<Collection, Provenance> {
        &self.collections
    }

    /// Removes the staging directory now, whatever kind of writer this is.
    pub fn discard(mut self) {
        self.keep_staging = false;
    }

    pub fn staging_dir(&self) -> &Path {
        &self.staging
    }

    /// Writes a JSON collection (pretty, stable order) and records its provenance.
    pub fn write_collection<T: Serialize>(
        &mut self,
        collection: Collection,
        records: &T,
        record_count: u64,
        provenance: Provenance,
    ) -> Result<(), SnapshotError> {
        let path = self.staging.join(collection.file_name());
        let mut bytes = serde_json::to_vec_pretty(records).map_err(|e| SnapshotError::Invalid {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        bytes.push(b'\n');
        std::fs::write(&path, &bytes).map_err(|e| io_error(&path, e))?;
        self.files.insert(
            collection.file_name().to_string(),
            FileEntry {
                sha256: sha256_hex(&bytes),
                records: record_count,
                compression: None,
                content_sha256: None,
            },
        );
        self.collections.insert(collection, provenance);
        Ok(())
    }

    /// Records a collection that could not be read (no file is written for it).
    pub fn mark_unavailable(&mut self, collection: Collection, provenance: Provenance) {
        self.collections.insert(collection, provenance);
    }

    /// Writes events, one JSON object per line, in the order given.
    pub fn write_event_lines<'a>(
        &mut self,
        lines: impl IntoIterator<Item = &'a str>,
        provenance: Provenance,
    ) -> Result<u64, SnapshotError> {
        self.write_event_stream(provenance, |emit| {
            for line in lines {
                emit(line)?;
            }
            Ok(())
        })
    }

    /// Writes events produced by `fill`, which calls `emit` once per line in order: for a
    /// merge that streams from another file, so no event list is held in memory. An error from
    /// `fill` leaves the staging directory unfinished (nothing replaces the destination).
    pub fn write_event_stream(
        &mut self,
        provenance: Provenance,
        fill: impl FnOnce(
            &mut dyn FnMut(&str) -> Result<(), SnapshotError>,
        ) -> Result<(), SnapshotError>,
    ) -> Result<u64, SnapshotError> {
        let mut out = self.begin_events()?;
        fill(&mut |line: &str| out.write_line(line))?;
        self.end_events(out, provenance)
    }

    /// Starts the events file: lines written to the returned writer, in order, are the
    /// snapshot's events once [`SnapshotWriter::end_events`] records them. For a producer that
    /// cannot hand its lines over in one call ([`SnapshotWriter::write_event_stream`]): an
    /// import writing events as it reads them. Starting again truncates the file.
    pub fn begin_events(&mut self) -> Result<EventFileWriter, SnapshotError> {
        let format = self.events_format;
        // One events file: a format written earlier into this staging directory goes.
        for other in EventsFormat::ALL.into_iter().filter(|f| *f != format) {
            self.files.remove(other.file_name());
            let _ = std::fs::remove_file(self.staging.join(other.file_name()));
        }
        self.files.remove(format.file_name());
        EventFileWriter::create_at_level(&self.events_path(), format, self.zstd_level)
    }

    /// Where [`SnapshotWriter::begin_events`] writes.
    pub fn events_path(&self) -> PathBuf {
        self.staging.join(self.events_format.file_name())
    }

    /// Finishes the events file begun by [`SnapshotWriter::begin_events`] and records it.
    pub fn end_events(
        &mut self,
        out: EventFileWriter,
        provenance: Provenance,
    ) -> Result<u64, SnapshotError> {
        let format = self.events_format;
        let written = out.finish()?;
        let count = written.records;
        self.files.insert(
            format.file_name().to_string(),
            FileEntry {
                sha256: written.sha256,
                records: count,
                compression: format.compression(),
                content_sha256: written.content_sha256,
            },
        );
        self.collections.insert(Collection::Events, provenance);
        Ok(count)
    }

    /// Writes the manifest and swaps the staging directory into place. The manifest's `files`
    /// and `collections` are filled from what was written.
    pub fn finish(self, manifest: Manifest) -> Result<PathBuf, SnapshotError> {
        let destination = self.destination.clone();
        self.finish_to(manifest, &destination)
    }

    /// [`SnapshotWriter::finish`] into another directory than the one given at creation (on
    /// the same file system): where a collection that must not replace the previous snapshot
    /// puts its result.
    pub fn finish_to(
        mut self,
        mut manifest: Manifest,
        destination: &Path,
    ) -> Result<PathBuf, SnapshotError> {
        self.destination = destination.to_path_buf();
        // Only what this writer recorded goes into the snapshot: not a provisional events
        // file whose final version was never written, nor a checkpoint's own files.
        let entries = std::fs::read_dir(&self.staging).map_err(|e| io_error(&self.staging, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| io_error(&self.staging, e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if !self.files.contains_key(&name) && entry.path().is_file() {
                std::fs::remove_file(entry.path()).map_err(|e| io_error(&entry.path(), e))?;
            }
        }
        manifest.files = std::mem::take(&mut self.files);
        manifest.collections = std::mem::take(&mut self.collections);
        let path = self.staging.join(MANIFEST_FILE);
        let mut bytes =
            serde_json::to_vec_pretty(&manifest).map_err(|e| SnapshotError::Invalid {
                path: path.display().to_string(),
                message: e.to_string(),
            })?;
        bytes.push(b'\n');
        std::fs::write(&path, &bytes).map_err(|e| io_error(&path, e))?;

        // Swap: move any previous snapshot aside, rename the new one in, then drop the old.
        let backup = self.staging.with_extension("previous");
        let had_previous = self.destination.exists();
        if had_previous {
            if backup.exists() {
                std::fs::remove_dir_all(&backup).map_err(|e| io_error(&backup, e))?;
            }
            std::fs::rename(&self.destination, &backup)
                .map_err(|e| io_error(&self.destination, e))?;
        }
        if let Err(e) = std::fs::rename(&self.staging, &self.destination) {
            if had_previous {
                let _ = std::fs::rename(&backup, &self.destination);
            }
            return Err(io_error(&self.destination, e));
        }
        if had_previous {
            std::fs::remove_dir_all(&backup).map_err(|e| io_error(&backup, e))?;
        }
        self.finished = true;
        Ok(self.destination.clone())
    }
}

impl Drop for SnapshotWriter {
    /// An abandoned write (error, early return) removes its staging directory.
    fn drop(&mut self) {
        if !self.finished && !self.keep_staging {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::load::load_snapshot;
    use super::super::manifest::*;
    use super::super::{DirectoryUser, Timestamp};
    use super::*;

    fn manifest() -> Manifest {
        Manifest {
            format: FORMAT_NAME.to_string(),
            format_version: FORMAT_VERSION,
            tool_version: "test".to_string(),
            org: OrgIdentity {
                id: "o1".to_string(),
                name: None,
            },
            collected_at: Timestamp::parse("2026-11-01T00:00:00Z").unwrap(),
            source: SnapshotSource::Import,
            event_window: None,
            stream_cursor: None,
            files: BTreeMap::new(),
            collections: BTreeMap::new(),
        }
    }

    #[test]
    fn round_trips_and_replaces_atomically() {
        let root = tempfile::tempdir().unwrap();
        let dest = root.path().join("snap");
        let users: Vec<DirectoryUser> =
            serde_json::from_str(r#"[{"accountId":"a1","mfaEnabled":true}]"#).unwrap();
        let at = Timestamp::parse("2026-11-01T00:00:00Z").unwrap();
        for _ in 0..2 {
            let mut w = SnapshotWriter::create(&dest).unwrap();
            w.write_collection(
                Collection::Users,
                &users,
                1,
                Provenance::collected("test", at, 1, 1),
            )
            .unwrap();
            w.write_event_lines(["{\"id\":\"e1\"}"], Provenance::collected("test", at, 1, 1))
                .unwrap();
            w.mark_unavailable(
                Collection::ApiTokens,
                Provenance::unavailable("/api-tokens", "403 missing scope", Some(403)),
            );
            w.finish(manifest()).unwrap();
        }
        let snap = load_snapshot(&dest).unwrap();
        assert_eq!(snap.users.len(), 1);
        assert!(!snap.is_collected(Collection::ApiTokens));
        let leftovers: Vec<_> = std::fs::read_dir(root.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(
            leftovers.len(),
            1,
            "only the snapshot remains: {leftovers:?}"
        );
    }

    #[test]
    fn only_absent_empty_or_pure_orgscan_snapshots_are_replaceable() {
        let root = tempfile::tempdir().unwrap();
        assert!(check_replaceable(&root.path().join("absent")).is_ok());
        let dest = root.path().join("snap");
        std::fs::create_dir(&dest).unwrap();
        assert!(check_replaceable(&dest).is_ok(), "empty");
        let w = SnapshotWriter::create(&dest).unwrap();
        w.finish(manifest()).unwrap();
        assert!(check_replaceable(&dest).is_ok(), "a snapshot");

        let refused = |dir: &Path| check_replaceable(dir).unwrap_err().to_string();
        std::fs::write(dest.join("notes\u{1b}.txt"), "mine").unwrap();
        let err = refused(&dest);
        assert!(
            err.contains("not an orgscan snapshot, refusing to replace it")
                && err.contains("notes\\u{1b}.txt"),
            "{err}"
        );
        std::fs::remove_file(dest.join("notes\u{1b}.txt")).unwrap();
        std::fs::create_dir(dest.join("users.json")).unwrap();
        assert!(refused(&dest).contains("users.json is a directory"));

        let foreign = root.path().join("foreign");
        std::fs::create_dir(&foreign).unwrap();
        std::fs::write(foreign.join(MANIFEST_FILE), r#"{"format":"other"}"#).unwrap();
        assert!(refused(&foreign).contains("does not say"));
        std::fs::write(foreign.join(MANIFEST_FILE), "not json").unwrap();
        assert!(refused(&foreign).contains("does not say"));
        std::fs::remove_file(foreign.join(MANIFEST_FILE)).unwrap();
        std::fs::write(foreign.join("x"), "").unwrap();
        assert!(refused(&foreign).contains("no readable manifest.json"));
        assert!(refused(&foreign.join("x")).contains("not a directory"));
    }

    #[test]
    fn an_abandoned_write_leaves_the_previous_snapshot() {
        let root = tempfile::tempdir().unwrap();
        let dest = root.path().join("snap");
        let at = Timestamp::parse("2026-11-01T00:00:00Z").unwrap();
        let mut w = SnapshotWriter::create(&dest).unwrap();
        w.write_collection(
            Collection::Users,
            &Vec::<DirectoryUser>::new(),
            0,
            Provenance::collected("t", at, 1, 0),
        )
        .unwrap();
        w.finish(manifest()).unwrap();
        let before = std::fs::read(dest.join("manifest.json")).unwrap();
        {
            let mut w = SnapshotWriter::create(&dest).unwrap();
            w.write_collection(
                Collection::Groups,
                &Vec::<DirectoryUser>::new(),
                0,
                Provenance::collected("t", at, 1, 0),
            )
            .unwrap();
            // dropped without finish: as if the collection failed part-way
        }
        assert_eq!(std::fs::read(dest.join("manifest.json")).unwrap(), before);
        assert_eq!(std::fs::read_dir(root.path()).unwrap().count(), 1);
    }
}
