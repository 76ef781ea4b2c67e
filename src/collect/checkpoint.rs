//! The staging directory of a collection is its checkpoint (`.OUT.checkpoint` beside `--out`):
//! configuration collections are written there as they arrive, every events page is appended
//! to a spool file (fsync per page) and `checkpoint.json` records, after each, the cursor of
//! the next page and how many spooled bytes are confirmed. A run killed at any point leaves a
//! checkpoint the next `collect` with the same `--out` validates and continues: it fetches only
//! the collections not recorded and the events after the last confirmed cursor.
//!
//! A page appended but not yet confirmed (a kill between the two writes) is cut off and
//! fetched again; a checkpoint of another org, orgscan version or `--resume-from` is removed.

use super::client::ApiError;
use super::events::{EventRecord, EventsPlan, WalkState};
use super::CollectError;
use crate::snapshot::manifest::FileEntry;
use crate::snapshot::{Collection, CollectionStatus, Provenance, SnapshotWriter, Timestamp};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// What the checkpoint says, in its directory.
pub(crate) const CHECKPOINT_FILE: &str = "checkpoint.json";
/// The events fetched so far, one JSON line each, in the order fetched.
pub(crate) const SPOOL_FILE: &str = "events.spool.ndjson";
const FORMAT: &str = "orgscan.checkpoint";

/// Where a collection into `out` keeps its checkpoint: beside it, on the same file system, so
/// the finished snapshot is one rename away.
pub fn checkpoint_dir(out: &Path) -> PathBuf {
    crate::snapshot::write::hidden_sibling(out, "checkpoint")
}

/// One recorded configuration collection.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Stored {
    file: FileEntry,
    provenance: Provenance,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Record {
    format: String,
    tool_version: String,
    org: String,
    /// The process writing it (a second run into the same `--out` while it lives is refused).
    pid: u32,
    started_at: Timestamp,
    resume_from: Option<PathBuf>,
    window_from: Timestamp,
    plan: EventsPlan,
    org_name: Option<String>,
    collections: BTreeMap<Collection, Stored>,
    events: WalkState,
}

/// What an interrupted run left, validated, for the run that continues it.
pub(crate) struct Resumed {
    pub(crate) started_at: Timestamp,
    pub(crate) window_from: Timestamp,
    pub(crate) plan: EventsPlan,
    pub(crate) org_name: Option<String>,
    pub(crate) walk: WalkState,
    /// The spooled events, in the order fetched.
    pub(crate) events: Vec<EventRecord>,
    /// Collections already in the staging directory (not fetched again).
    pub(crate) collections: Vec<Collection>,
}

/// The live checkpoint of this run: shared by the events task (pages) and the main loop
/// (configuration collections), each update persisted before it returns.
pub struct Checkpoint {
    dir: PathBuf,
    inner: Mutex<Inner>,
}

impl std::fmt::Debug for Checkpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Checkpoint")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

struct Inner {
    record: Record,
    spool: std::fs::File,
}

/// What a new run is about.
pub(crate) struct Intent<'a> {
    pub(crate) org: &'a str,
    pub(crate) resume_from: Option<&'a Path>,
    pub(crate) window_from: Timestamp,
    pub(crate) plan: &'a EventsPlan,
    pub(crate) now: Timestamp,
}

fn io_message(path: &Path, e: &std::io::Error) -> String {
    format!("{}: {e}", path.display())
}

fn pid_alive(pid: u32) -> bool {
    pid != std::process::id() && Path::new(&format!("/proc/{pid}")).exists()
}

impl Checkpoint {
    /// Opens the checkpoint of a collection into `out`: continues a valid one (returning what
    /// it holds), removes a stale or damaged one (saying why through `notice`), or starts a new
    /// one. Refuses while another live process writes it.
    pub(crate) fn open(
        out: &Path,
        intent: &Intent<'_>,
        notice: &dyn Fn(String),
    ) -> Result<(SnapshotWriter, Checkpoint, Option<Resumed>), CollectError> {
        let dir = checkpoint_dir(out);
        let shown = dir.display().to_string();
        let fail = |message: String| CollectError::Input {
            path: shown.clone(),
            message,
        };
        if dir.exists() {
            match read_record(&dir) {
                Ok(record) if record.pid != std::process::id() && pid_alive(record.pid) => {
                    return Err(fail(format!(
                        "another orgscan collection (pid {}) is writing into {}; wait for it to end or stop it",
                        record.pid,
                        out.display()
                    )));
                }
                Ok(record) => match stale_reason(&record, intent) {
                    Some(why) => notice(format!("removed the checkpoint {shown}: {why}")),
                    None => match validate(&dir, record) {
                        Ok(resumed) => return Checkpoint::resume(out, &dir, resumed),
                        Err(why) => notice(format!(
                            "removed the checkpoint {shown}: {why}; starting over"
                        )),
                    },
                },
                Err(why) => notice(format!(
                    "removed the checkpoint {shown}: {why}; starting over"
                )),
            }
            std::fs::remove_dir_all(&dir).map_err(|e| fail(format!("cannot remove: {e}")))?;
        }
        let record = Record {
            format: FORMAT.to_string(),
            tool_version: crate::TOOL_VERSION.to_string(),
            org: intent.org.to_string(),
            pid: std::process::id(),
            started_at: intent.now,
            resume_from: intent.resume_from.map(Path::to_path_buf),
            window_from: intent.window_from,
            plan: intent.plan.clone(),
            org_name: None,
            collections: BTreeMap::new(),
            events: WalkState::default(),
        };
        let writer = SnapshotWriter::resumable(out, &dir).map_err(CollectError::Write)?;
        let spool_path = dir.join(SPOOL_FILE);
        let spool =
            std::fs::File::create(&spool_path).map_err(|e| fail(io_message(&spool_path, &e)))?;
        let checkpoint = Checkpoint {
            dir,
            inner: Mutex::new(Inner { record, spool }),
        };
        checkpoint.save().map_err(fail)?;
        Ok((writer, checkpoint, None))
    }

    fn resume(
        out: &Path,
        dir: &Path,
        (mut record, resumed): (Record, Resumed),
    ) -> Result<(SnapshotWriter, Checkpoint, Option<Resumed>), CollectError> {
        let fail = |message: String| CollectError::Input {
            path: dir.display().to_string(),
            message,
        };
        let mut writer = SnapshotWriter::resumable(out, dir).map_err(CollectError::Write)?;
        for (collection, stored) in &record.collections {
            writer.adopt(*collection, stored.file.clone(), stored.provenance.clone());
        }
        let spool_path = dir.join(SPOOL_FILE);
        let spool = std::fs::OpenOptions::new()
            .append(true)
            .open(&spool_path)
            .map_err(|e| fail(io_message(&spool_path, &e)))?;
        record.pid = std::process::id();
        let checkpoint = Checkpoint {
            dir: dir.to_path_buf(),
            inner: Mutex::new(Inner { record, spool }),
        };
        checkpoint.save().map_err(fail)?;
        Ok((writer, checkpoint, Some(resumed)))
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves a record that is still consistent on disk.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Writes `checkpoint.json` atomically (temporary file, fsync, rename).
    fn save(&self) -> Result<(), String> {
        let inner = self.lock();
        save_record(&self.dir, &inner.record)
    }

    /// Appends one page's events to the spool (fsync), then confirms them with the walk's new
    /// state. A kill between the two leaves unconfirmed bytes the next run cuts off.
    pub(crate) fn record_page(
        &self,
        lines: &[&str],
        update: impl FnOnce(&mut WalkState),
    ) -> Result<(), ApiError> {
        let fail = |message: String| ApiError::Checkpoint {
            path: self.dir.display().to_string(),
            message,
        };
        let mut inner = self.lock();
        let mut bytes = Vec::new();
        for line in lines {
            bytes.extend_from_slice(line.as_bytes());
            bytes.push(b'\n');
        }
        if !bytes.is_empty() {
            inner
                .spool
                .write_all(&bytes)
                .and_then(|_| inner.spool.sync_data())
                .map_err(|e| fail(format!("{SPOOL_FILE}: {e}")))?;
        }
        let walk = &mut inner.record.events;
        walk.started = true;
        walk.lines += lines.len() as u64;
        walk.bytes += bytes.len() as u64;
        update(walk);
        save_record(&self.dir, &inner.record).map_err(fail)
    }

    /// Records the configuration collections the writer holds (collected ones only: an
    /// unavailable one is asked again by the run that resumes).
    pub(crate) fn record_collections(
        &self,
        writer: &SnapshotWriter,
        org_name: Option<&str>,
    ) -> Result<(), CollectError> {
        let mut inner = self.lock();
        let mut changed = false;
        for (collection, provenance) in writer.collections() {
            let configuration = !matches!(collection, Collection::Events | Collection::Attestation);
            if !configuration
                || provenance.status != CollectionStatus::Collected
                || inner.record.collections.contains_key(collection)
            {
                continue;
            }
            if let Some(file) = writer.files().get(collection.file_name()) {
                inner.record.collections.insert(
                    *collection,
                    Stored {
                        file: file.clone(),
                        provenance: provenance.clone(),
                    },
                );
                changed = true;
            }
        }
        if inner.record.org_name.as_deref() != org_name && org_name.is_some() {
            inner.record.org_name = org_name.map(str::to_string);
            changed = true;
        }
        if !changed {
            return Ok(());
        }
        save_record(&self.dir, &inner.record).map_err(|message| CollectError::Input {
            path: self.dir.display().to_string(),
            message,
        })
    }

    /// Removes the checkpoint's own files, so the staging directory holds only the snapshot
    /// before it is renamed into place.
    pub(crate) fn consume(&self) -> Result<(), CollectError> {
        for name in [SPOOL_FILE, CHECKPOINT_FILE] {
            let path = self.dir.join(name);
            match std::fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    return Err(CollectError::Input {
                        path: path.display().to_string(),
                        message: format!("cannot remove: {e}"),
                    })
                }
            }
        }
        Ok(())
    }

    /// How much the checkpoint holds, for the interruption message.
    pub(crate) fn summary(&self) -> String {
        let inner = self.lock();
        let r = &inner.record;
        format!(
            "{} events ({} pages) and {} configuration collections",
            r.events.lines,
            r.events.pages,
            r.collections.len()
        )
    }
}

fn save_record(dir: &Path, record: &Record) -> Result<(), String> {
    let path = dir.join(CHECKPOINT_FILE);
    let tmp = dir.join(format!("{CHECKPOINT_FILE}.tmp"));
    let mut bytes = serde_json::to_vec_pretty(record).map_err(|e| e.to_string())?;
    bytes.push(b'\n');
    // One fsync per page, the spool's: the record is replaced by a rename (atomic on a crash
    // of the process; after a power loss an older record at worst, whose unconfirmed spool
    // tail the next run cuts off and fetches again).
    let write = || -> std::io::Result<()> {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(&bytes)?;
        std::fs::rename(&tmp, &path)
    };
    write().map_err(|e| io_message(&path, &e))
}

fn read_record(dir: &Path) -> Result<Record, String> {
    let path = dir.join(CHECKPOINT_FILE);
    let text = std::fs::read(&path).map_err(|e| format!("no readable {CHECKPOINT_FILE} ({e})"))?;
    let record: Record = serde_json::from_slice(&text)
        .map_err(|e| format!("{CHECKPOINT_FILE} is not a checkpoint ({e})"))?;
    if record.format != FORMAT {
        return Err(format!("{CHECKPOINT_FILE} is not a checkpoint"));
    }
    Ok(record)
}

/// Why a readable checkpoint cannot be continued by this run, if it cannot.
fn stale_reason(record: &Record, intent: &Intent<'_>) -> Option<String> {
    if record.org != intent.org {
        return Some(format!(
            "it is of org {:?}, not {:?}",
            record.org, intent.org
        ));
    }
    if record.tool_version != crate::TOOL_VERSION {
        return Some(format!(
            "it was written by orgscan {}, this is {}",
            record.tool_version,
            crate::TOOL_VERSION
        ));
    }
    if record.resume_from.as_deref() != intent.resume_from {
        return Some("it continued another --resume-from snapshot".to_string());
    }
    None
}

/// Checks the recorded files against their hashes and reads the confirmed spooled events
/// (cutting off a page written but not confirmed).
fn validate(dir: &Path, record: Record) -> Result<(Record, Resumed), String> {
    for (collection, stored) in &record.collections {
        let path = dir.join(collection.file_name());
        let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", collection.file_name()))?;
        if crate::snapshot::load::sha256_hex(&bytes) != stored.file.sha256 {
            return Err(format!(
                "{} does not match its recorded sha256",
                collection.file_name()
            ));
        }
    }
    let spool_path = dir.join(SPOOL_FILE);
    let spool = std::fs::OpenOptions::new()
        .write(true)
        .read(true)
        .open(&spool_path)
        .map_err(|e| format!("{SPOOL_FILE}: {e}"))?;
    let length = spool
        .metadata()
        .map_err(|e| format!("{SPOOL_FILE}: {e}"))?
        .len();
    let walk = &record.events;
    if length < walk.bytes {
        return Err(format!(
            "{SPOOL_FILE} holds {length} bytes, {} were confirmed",
            walk.bytes
        ));
    }
    spool
        .set_len(walk.bytes)
        .and_then(|_| spool.sync_data())
        .map_err(|e| format!("{SPOOL_FILE}: {e}"))?;
    let mut events = Vec::with_capacity(walk.lines as usize);
    let reader = std::io::BufReader::new(&spool);
    for (index, line) in reader.lines().enumerate() {
        let line = line.map_err(|e| format!("{SPOOL_FILE}: {e}"))?;
        let record = EventRecord::from_line(&line)
            .map_err(|e| format!("{SPOOL_FILE}: line {}: {e}", index + 1))?;
        events.push(record);
    }
    if events.len() as u64 != walk.lines {
        return Err(format!(
            "{SPOOL_FILE} holds {} events, {} were confirmed",
            events.len(),
            walk.lines
        ));
    }
    let resumed = Resumed {
        started_at: record.started_at,
        window_from: record.window_from,
        plan: record.plan.clone(),
        org_name: record.org_name.clone(),
        walk: record.events.clone(),
        events,
        collections: record.collections.keys().copied().collect(),
    };
    Ok((record, resumed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    fn plan() -> EventsPlan {
        let t = Timestamp::parse("2026-11-01T00:00:00Z").unwrap();
        EventsPlan {
            from: t,
            to: t,
            cursor: None,
            restart_from: t,
            search_from: t,
            late_overlap_seconds: 86_400,
            requeried_from: None,
        }
    }

    fn line(id: &str) -> String {
        format!(
            r#"{{"id":"{id}","attributes":{{"time":"2026-11-01T00:00:00Z","action":"a","actor":{{"id":"u"}}}}}}"#
        )
    }

    #[test]
    fn unconfirmed_spool_bytes_are_cut_off_and_stale_checkpoints_removed() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("snap");
        let plan = plan();
        let intent = |org| Intent {
            org,
            resume_from: None,
            window_from: plan.from,
            plan: &plan,
            now: plan.from,
        };
        let notices = RefCell::new(Vec::<String>::new());
        let notice = |l: String| notices.borrow_mut().push(l);

        let (_writer, checkpoint, resumed) =
            Checkpoint::open(&out, &intent("o1"), &notice).unwrap();
        assert!(resumed.is_none());
        let (a, b) = (line("a"), line("b"));
        checkpoint
            .record_page(&[&a, &b], |w| w.next_cursor = Some("c2".into()))
            .unwrap();
        // A page appended but killed before its confirmation.
        let spool = checkpoint_dir(&out).join(SPOOL_FILE);
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&spool)
            .unwrap();
        f.write_all(format!("{}\n{{\"trunc", line("c")).as_bytes())
            .unwrap();
        drop(checkpoint);

        let (_writer, _checkpoint, resumed) =
            Checkpoint::open(&out, &intent("o1"), &notice).unwrap();
        let resumed = resumed.unwrap();
        let ids: Vec<_> = resumed.events.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["a", "b"]);
        assert_eq!(resumed.walk.next_cursor.as_deref(), Some("c2"));
        assert_eq!(
            std::fs::metadata(&spool).unwrap().len(),
            (a.len() + b.len() + 2) as u64
        );
        assert!(notices.borrow().is_empty());

        let (_writer, _checkpoint, resumed) =
            Checkpoint::open(&out, &intent("o2"), &notice).unwrap();
        assert!(resumed.is_none(), "another org starts over");
        assert!(
            notices.borrow()[0].contains("it is of org \"o1\", not \"o2\""),
            "{:?}",
            notices.borrow()
        );
    }
}
