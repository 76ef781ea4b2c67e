//! `orgscan import-events FILE… --into SNAPSHOT`: add exported audit events to a snapshot, so
//! someone with exports but no API key can still scan. Accepts API page JSON (`{"data":[…]}`),
//! a JSON array of events, NDJSON (one event, or one page, per line), or any concatenation,
//! each plain, gzip or zstd. Events are checked by the same reader `scan` uses (same errors),
//! deduplicated by id (the copy already in the snapshot wins, then the first read), ordered by
//! time then id, and the snapshot is rewritten atomically with fresh hashes, counts and event
//! window. A missing snapshot is created (source `import`).
//!
//! Memory does not grow with the input: every file is read once as a stream ([`frame`]), the
//! events go to sorted runs on disk ([`spool`]) and are merged with the snapshot's stored
//! events the way `collect --resume-from` merges them ([`merge_stream_into`]).

mod frame;
mod in_order;
mod open;
mod spool;

use super::events::{check_snapshot_events, each_stored_line, merge_stream_into, EventRecord};
use super::CollectError;
use crate::snapshot::event_file::{EventsFormat, FAST_ZSTD_LEVEL};
use crate::snapshot::event_line::{read_event_line, TextStart};
use crate::snapshot::load::load_manifest;
use crate::snapshot::manifest::{EventWindow, OrgIdentity, FORMAT_NAME, FORMAT_VERSION};
use crate::snapshot::{
    load_snapshot, Collection, CollectionStatus, Manifest, Provenance, Snapshot, SnapshotError,
    SnapshotSource, SnapshotWriter, Timestamp,
};
use in_order::{InOrder, Place};
use serde_json::Value;
use spool::{ExternalSort, SpoolDir, Spooled};
use std::io::{self, BufRead, Write};
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

fn input_error(path: &Path, message: impl Into<String>) -> CollectError {
    CollectError::Input {
        path: path.display().to_string(),
        message: message.into(),
    }
}

/// An event line `scan` would refuse, worded as `scan` words it.
fn event_error(error: SnapshotError) -> CollectError {
    match error {
        SnapshotError::EventLine {
            path,
            line,
            message,
        } => CollectError::Input {
            path,
            message: format!("line {line}: {message}"),
        },
        other => CollectError::Input {
            path: String::new(),
            message: other.to_string(),
        },
    }
}

/// A spool file that could not be written or read back (disk full, …): not the input's fault.
fn spool_error(spool: &SpoolDir, e: io::Error) -> CollectError {
    CollectError::Setup(format!(
        "{}: cannot spool the imported events: {e}",
        spool.path().display()
    ))
}

/// One event read from an export: checked, in the form it is stored in.
pub struct ExportEvent<'a> {
    pub time_ns: i64,
    pub id: &'a str,
    /// The compact JSON line `serde_json` writes for it (the export's own text when it is
    /// already that).
    pub line: std::borrow::Cow<'a, str>,
    /// The `attributes.container` list, for telling the org.
    container: Option<&'a serde_json::value::RawValue>,
}

/// Framed events handed from the framing thread to the parsing one: their bytes back to back,
/// and per event its place in them, where it starts in the file, whether it is canonical and
/// whether its structure was checked (`FramedEvent`). Batches go back to the framing thread
/// to be filled again: no allocation per batch once the first few exist.
#[derive(Default)]
struct Batch {
    bytes: Vec<u8>,
    events: Vec<(std::ops::Range<usize>, TextStart, bool, bool)>,
}

/// Bytes of framed events per batch: big enough that the hand-over costs nothing per event.
const BATCH_BYTES: usize = 1 << 20;

/// Streams every event of one export file to `f`, in file order. Errors name the file, line,
/// column and (for an event) the field, as `scan` does.
///
/// Reading, decompressing and framing run on a thread of their own, the parse and `f` on the
/// caller's: the two halves cost about the same, so an import keeps two cores busy.
pub fn each_export_event(
    path: &Path,
    mut f: impl FnMut(ExportEvent<'_>) -> Result<(), CollectError>,
) -> Result<(), CollectError> {
    let shown = path.display().to_string();
    let reader = open::open_export(path)?;
    let mut parse = |text: &[u8], at: TextStart, canonical: bool| -> Result<(), CollectError> {
        let text = std::str::from_utf8(text).map_err(|e| {
            let valid = &text[..e.valid_up_to()];
            let newlines = valid.iter().filter(|&&b| b == b'\n').count();
            let column = valid.len() - valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            let (line, column) = at.offset(newlines + 1, column + 1);
            input_error(
                path,
                format!("line {line}, column {column}: not UTF-8 (expected UTF-8 JSON)"),
            )
        })?;
        let (raw, time_ns) = read_event_line(&shown, at, text).map_err(event_error)?;
        let line = if canonical {
            std::borrow::Cow::Borrowed(text)
        } else {
            // Pretty-printed, other escapes or number forms: stored as serde_json writes it,
            // as `collect` stores what the API sends.
            let value: Value = serde_json::from_str(text)
                .map_err(|e| input_error(path, format!("line {}: {e}", at.line)))?;
            std::borrow::Cow::Owned(value.to_string())
        };
        f(ExportEvent {
            time_ns,
            id: &raw.id,
            line,
            container: raw.attributes.container,
        })
    };
    // An event whose structure the line fast path did not check fully: when it does not
    // parse, the tokenizer's verdict on it comes first, as it would have without the fast path.
    let mut handle = |text: &[u8], at: TextStart, canonical: bool, checked: bool| {
        parse(text, at, canonical).map_err(|e| {
            match (!checked)
                .then(|| frame::structure_error(text, at))
                .flatten()
            {
                Some(frame_error) => input_error(path, frame_error.to_string()),
                None => e,
            }
        })
    };
    let (tx, rx) = std::sync::mpsc::sync_channel::<Batch>(4);
    let (back_tx, back_rx) = std::sync::mpsc::sync_channel::<Batch>(6);
    let (handled, framed) = std::thread::scope(|scope| {
        let framer = scope.spawn(move || {
            let mut batch = Batch::default();
            let result = frame::each_event(reader, |event: frame::FramedEvent<'_>| {
                let start = batch.bytes.len();
                batch.bytes.extend_from_slice(event.text);
                batch.events.push((
                    start..batch.bytes.len(),
                    event.at,
                    event.canonical,
                    event.structure_checked,
                ));
                if batch.bytes.len() >= BATCH_BYTES {
                    let next = back_rx.try_recv().unwrap_or_default();
                    // A closed channel: the parsing side stopped at an error of its own.
                    tx.send(std::mem::replace(&mut batch, next))
                        .map_err(|_| ())?;
                }
                Ok(())
            });
            // The events before a framing error are parsed first: one of them may be wrong
            // earlier in the file.
            if !batch.events.is_empty() {
                let _ = tx.send(batch);
            }
            result
        });
        let mut handled = Ok(());
        'batches: for mut batch in rx.iter() {
            for (range, at, canonical, checked) in &batch.events {
                handled = handle(&batch.bytes[range.clone()], *at, *canonical, *checked);
                if handled.is_err() {
                    break 'batches;
                }
            }
            batch.bytes.clear();
            batch.events.clear();
            let _ = back_tx.try_send(batch);
        }
        drop(rx);
        let framed = framer.join().unwrap_or(Err(frame::Stop::Event(())));
        (handled, framed)
    });
    handled?;
    framed.map_err(|stop| match stop {
        frame::Stop::Frame(e) => input_error(path, e.to_string()),
        frame::Stop::Event(()) => input_error(path, "the framing thread stopped"),
        frame::Stop::Read(at, e) => input_error(
            path,
            format!(
                "line {}: cannot read: {e} (expected UTF-8 JSON, plain, gzip or zstd)",
                at.line
            ),
        ),
    })
}

/// The org id in the event's first container of type `orgs`.
fn org_of_event(container: Option<&serde_json::value::RawValue>) -> Option<String> {
    let list: Value = serde_json::from_str(container?.get()).ok()?;
    list.as_array()?
        .iter()
        .find(|c| c.get("type").and_then(Value::as_str) == Some("orgs"))?
        .get("id")?
        .as_str()
        .map(str::to_string)
}

fn timestamp_of_ns(ns: i64) -> Timestamp {
    Timestamp(chrono::DateTime::from_timestamp_nanos(ns))
}

/// Bytes of imported events held before a sorted run is written to disk (on a thread of its
/// own, while the next chunk fills: twice this in memory at most).
const EVENT_BUDGET: usize = 16 << 20;
/// The same for the id index (dedupe) and the copies it drops.
const ID_BUDGET: usize = 8 << 20;
const LOSER_BUDGET: usize = 4 << 20;

/// An imported event, in the order it is written (time, id), then the order read. Its id and
/// line share one allocation (`text` is the id, then the line).
struct Timed {
    time_ns: i64,
    seq: u64,
    id_len: usize,
    text: String,
}

impl Timed {
    fn new(time_ns: i64, seq: u64, id: &str, line: &str) -> Timed {
        let mut text = String::with_capacity(id.len() + line.len());
        text.push_str(id);
        text.push_str(line);
        Timed {
            time_ns,
            seq,
            id_len: id.len(),
            text,
        }
    }

    fn id(&self) -> &str {
        &self.text[..self.id_len]
    }

    fn line(&self) -> &str {
        &self.text[self.id_len..]
    }

    fn key(&self) -> (i64, &str, u64) {
        (self.time_ns, self.id(), self.seq)
    }
}

impl PartialEq for Timed {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for Timed {}

impl PartialOrd for Timed {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Timed {
    /// `seq` is unique per imported event, so the line never decides.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key().cmp(&other.key())
    }
}

/// One sighting of an id: the snapshot's stored copy first, then imports in the order read.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct Seen {
    id: String,
    imported: bool,
    seq: u64,
    time_ns: i64,
}

/// An imported copy of an id seen earlier: left out of the merge.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct Loser {
    time_ns: i64,
    id: String,
    seq: u64,
}

impl Spooled for Timed {
    fn held_bytes(&self) -> usize {
        self.text.len()
    }
    fn write_to(&self, out: &mut impl Write) -> io::Result<()> {
        spool::write_u64(out, self.time_ns as u64)?;
        spool::write_u64(out, self.seq)?;
        spool::write_bytes(out, self.id().as_bytes())?;
        spool::write_bytes(out, self.line().as_bytes())
    }
    fn read_from(input: &mut impl BufRead) -> io::Result<Option<Self>> {
        let Some(time) = spool::read_first_u64(input)? else {
            return Ok(None);
        };
        let seq = spool::read_u64(input)?;
        let mut bytes = Vec::new();
        let id_len = spool::append_bytes(input, &mut bytes)?;
        spool::append_bytes(input, &mut bytes)?;
        let text =
            String::from_utf8(bytes).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
        if !text.is_char_boundary(id_len) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "a spooled event's id does not end at a character",
            ));
        }
        Ok(Some(Timed {
            time_ns: time as i64,
            seq,
            id_len,
            text,
        }))
    }
}

impl Spooled for Seen {
    fn held_bytes(&self) -> usize {
        self.id.len()
    }
    fn write_to(&self, out: &mut impl Write) -> io::Result<()> {
        spool::write_u64(out, self.seq)?;
        spool::write_u64(out, self.time_ns as u64)?;
        spool::write_u64(out, u64::from(self.imported))?;
        spool::write_bytes(out, self.id.as_bytes())
    }
    fn read_from(input: &mut impl BufRead) -> io::Result<Option<Self>> {
        let Some(seq) = spool::read_first_u64(input)? else {
            return Ok(None);
        };
        Ok(Some(Seen {
            seq,
            time_ns: spool::read_u64(input)? as i64,
            imported: spool::read_u64(input)? != 0,
            id: spool::read_string(input)?,
        }))
    }
}

impl Spooled for Loser {
    fn held_bytes(&self) -> usize {
        self.id.len()
    }
    fn write_to(&self, out: &mut impl Write) -> io::Result<()> {
        spool::write_u64(out, self.time_ns as u64)?;
        spool::write_u64(out, self.seq)?;
        spool::write_bytes(out, self.id.as_bytes())
    }
    fn read_from(input: &mut impl BufRead) -> io::Result<Option<Self>> {
        let Some(time) = spool::read_first_u64(input)? else {
            return Ok(None);
        };
        Ok(Some(Loser {
            time_ns: time as i64,
            seq: spool::read_u64(input)?,
            id: spool::read_string(input)?,
        }))
    }
}

/// The imported events in write order, without the copies that lost to an earlier one.
struct Survivors<'a> {
    spool: &'a Path,
    events: spool::Sorted<Timed>,
    losers: std::iter::Peekable<spool::Sorted<Loser>>,
}

impl Iterator for Survivors<'_> {
    type Item = Result<EventRecord, SnapshotError>;

    fn next(&mut self) -> Option<Self::Item> {
        let fail = |source: io::Error| SnapshotError::Io {
            path: self.spool.display().to_string(),
            source,
        };
        loop {
            let event = match self.events.next()? {
                Ok(event) => event,
                Err(e) => return Some(Err(fail(e))),
            };
            let key = event.key();
            let mut lost = false;
            while let Some(next) = self.losers.peek() {
                match next {
                    Ok(l) if (l.time_ns, l.id.as_str(), l.seq) < key => {}
                    Ok(l) => {
                        lost = (l.time_ns, l.id.as_str(), l.seq) == key;
                        break;
                    }
                    Err(_) => {}
                }
                match self.losers.next() {
                    Some(Err(e)) => return Some(Err(fail(e))),
                    _ => continue,
                }
            }
            if lost {
                self.losers.next();
                continue;
            }
            let id = event.id().to_string();
            let mut line = event.text;
            line.drain(..event.id_len);
            return Some(Ok(EventRecord {
                time: timestamp_of_ns(event.time_ns),
                id,
                line,
            }));
        }
    }
}

/// Imports `files` into the snapshot at `into` (created when absent), its events stored in
/// the default format.
pub fn import_events(
    files: &[PathBuf],
    into: &Path,
    org: Option<&str>,
) -> Result<ImportOutcome, CollectError> {
    import_events_as(files, into, org, EventsFormat::DEFAULT)
}

/// [`import_events`], the events stored as `format`.
pub fn import_events_as(
    files: &[PathBuf],
    into: &Path,
    org: Option<&str>,
    format: EventsFormat,
) -> Result<ImportOutcome, CollectError> {
    crate::snapshot::write::check_replaceable(into)
        .map_err(|e| input_error(into, e.to_string()))?;
    let now = Timestamp(chrono::Utc::now());
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
    // Events the snapshot holds, as its manifest lists them (checked after the exports are
    // read): with none, the exports can go straight into the new events file.
    let mut stored_events = 0;
    if exists {
        let manifest = load_manifest(into).map_err(|e| input_error(into, e.to_string()))?;
        stored_events = crate::snapshot::event_file::listed(&manifest.files)
            .map_or(0, |(_, entry)| entry.records);
        if let Some(org) = org {
            if org != manifest.org.id {
                return Err(input_error(
                    into,
                    format!("the snapshot is of org {:?}, not {org:?}", manifest.org.id),
                ));
            }
        }
    }

    // Pass 1: every export once, each event to the id index and either straight into the
    // snapshot (while the exports are in order and the snapshot holds no events) or to the
    // time-ordered spool.
    let spool = SpoolDir::create(into).map_err(|e| spool_error_at(into, e))?;
    let mut writer = SnapshotWriter::create(into).map_err(CollectError::Write)?;
    writer.set_events_format(format);
    writer.set_zstd_level(FAST_ZSTD_LEVEL);
    let mut by_time = ExternalSort::<Timed>::new(&spool, "events", EVENT_BUDGET);
    let mut by_id = ExternalSort::<Seen>::new(&spool, "ids", ID_BUDGET);
    let mut in_order = if stored_events == 0 {
        Some(InOrder::start(&mut writer)?)
    } else {
        None
    };
    let mut read = 0u64;
    // Events kept (all but a copy of the event just written in order), numbered from 1.
    let mut kept = 0u64;
    let mut org_of_events: Option<String> = None;
    let want_org = !exists && org.is_none();
    for file in files {
        each_export_event(file, |event| {
            read += 1;
            if want_org && org_of_events.is_none() {
                org_of_events = org_of_event(event.container);
            }
            let mut written = false;
            if let Some(run) = in_order.as_mut() {
                match run.place(event.time_ns, event.id) {
                    Place::After => {
                        run.write(event.time_ns, event.id, &event.line)?;
                        written = true;
                    }
                    // Counted as read, never kept: the copy written before it wins.
                    Place::Copy => return Ok(()),
                    Place::Before => {
                        if let Some(run) = in_order.take() {
                            run.spill(&mut by_time, &spool)?;
                        }
                    }
                }
            }
            kept += 1;
            by_id
                .push(Seen {
                    id: event.id.to_string(),
                    imported: true,
                    seq: kept,
                    time_ns: event.time_ns,
                })
                .map_err(|e| spool_error(&spool, e))?;
            if !written {
                by_time
                    .push(Timed::new(event.time_ns, kept, event.id, &event.line))
                    .map_err(|e| spool_error(&spool, e))?;
            }
            Ok(())
        })?;
    }

    let existing = if exists {
        let snapshot = load_snapshot(into).map_err(|e| input_error(into, e.to_string()))?;
        // Checked, then streamed again into the merge: not held in memory.
        let stored =
            check_snapshot_events(into, &snapshot.manifest).map_err(|m| input_error(into, m))?;
        Some((snapshot, stored))
    } else {
        None
    };
    let stored = existing
        .as_ref()
        .map(|(_, stored)| stored.clone())
        .unwrap_or_default();

    // Pass 2: ids in order; the first sighting wins (a stored copy before any import).
    if let Some(path) = stored.path.as_ref().filter(|_| read > 0) {
        each_stored_line(path, |number, key, _| {
            by_id
                .push(Seen {
                    id: key.id,
                    imported: false,
                    seq: number,
                    time_ns: key.time.epoch_nanos(),
                })
                .map_err(|source| SnapshotError::Io {
                    path: spool.path().display().to_string(),
                    source,
                })
        })
        .map_err(|e| input_error(into, e.to_string()))?;
    }
    let mut losers = ExternalSort::<Loser>::new(&spool, "losers", LOSER_BUDGET);
    let mut lost = 0u64;
    let mut added = 0u64;
    let mut new_range: Option<(i64, i64)> = None;
    let mut current: Option<String> = None;
    for seen in by_id.into_sorted().map_err(|e| spool_error(&spool, e))? {
        let seen = seen.map_err(|e| spool_error(&spool, e))?;
        if current.as_deref() == Some(seen.id.as_str()) {
            if seen.imported {
                lost += 1;
                losers
                    .push(Loser {
                        time_ns: seen.time_ns,
                        id: seen.id,
                        seq: seen.seq,
                    })
                    .map_err(|e| spool_error(&spool, e))?;
            }
            continue;
        }
        if seen.imported {
            added += 1;
            new_range = Some(match new_range {
                Some((a, b)) => (a.min(seen.time_ns), b.max(seen.time_ns)),
                None => (seen.time_ns, seen.time_ns),
            });
        }
        current = Some(seen.id);
    }
    let before = stored.count;
    let total = before + added;
    let duplicates = read - added;
    let range = match (
        new_range.map(|(a, b)| (timestamp_of_ns(a), timestamp_of_ns(b))),
        stored.first.zip(stored.last),
    ) {
        (Some((a, b)), Some((c, d))) => Some((a.min(c), b.max(d))),
        (new, old) => new.or(old),
    };
    let note = format!(
        "imported {added} events from {} ({duplicates} duplicates skipped)",
        names.join(", ")
    );

    // The events written in order are the snapshot's when no import lost to another copy and
    // there is nothing to merge them with; otherwise they join the spool.
    let in_order = match in_order {
        Some(run) if lost > 0 || stored.count > 0 => {
            run.spill(&mut by_time, &spool)?;
            None
        }
        run => run,
    };
    // Pass 3: the stored events and the survivors, merged in order into the new snapshot.
    let write_events = |writer: &mut SnapshotWriter, prov: Provenance| {
        if let Some(run) = in_order {
            return run.finish(writer, prov);
        }
        let fresh = Survivors {
            spool: spool.path(),
            events: by_time.into_sorted().map_err(|e| spool_error(&spool, e))?,
            losers: losers
                .into_sorted()
                .map_err(|e| spool_error(&spool, e))?
                .peekable(),
        };
        writer
            .write_event_stream(prov, |emit| merge_stream_into(&stored, fresh, emit))
            .map_err(CollectError::Write)?;
        Ok(())
    };
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
            write_events(&mut writer, prov)?;
            let mut manifest = snapshot.manifest.clone();
            manifest.event_window = union_window(manifest.event_window.take(), range);
            manifest
        }
        None => {
            let org_id = org.map(str::to_string).or(org_of_events).ok_or_else(|| {
                input_error(
                    into,
                    "cannot tell the org: the events name none; pass --org ORG_ID",
                )
            })?;
            let mut prov =
                Provenance::collected(format!("import: {}", names.join(", ")), now, 0, total);
            prov.warnings.push(note);
            write_events(&mut writer, prov)?;
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

fn spool_error_at(into: &Path, e: io::Error) -> CollectError {
    CollectError::Setup(format!(
        "{}: cannot create a spool directory beside it: {e}",
        into.display()
    ))
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

    /// The ids and stored lines of every event in the file, or the error.
    fn read_events_file(path: &Path) -> Result<Vec<(String, String)>, CollectError> {
        let mut out = Vec::new();
        each_export_event(path, |e| {
            out.push((e.id.to_string(), e.line.into_owned()));
            Ok(())
        })?;
        Ok(out)
    }

    #[test]
    fn reads_pages_arrays_and_ndjson() {
        let dir = tempfile::tempdir().unwrap();
        let page = dir.path().join("page.json");
        std::fs::write(
            &page,
            format!(
                "{{\"links\":{{\"self\":\"x\"}},\"data\":[{},{}],\"meta\":{{\"next\":null}}}}",
                event("a", "2026-01-01T00:00:00Z"),
                event("b", "2026-01-02T00:00:00Z")
            ),
        )
        .unwrap();
        let ids: Vec<String> = read_events_file(&page)
            .unwrap()
            .into_iter()
            .map(|e| e.0)
            .collect();
        assert_eq!(ids, ["a", "b"]);
        let nd = dir.path().join("e.ndjson");
        std::fs::write(
            &nd,
            format!(
                "{}\n\n{}\n[{}]\n{{\"data\":null}}\n",
                event("c", "2026-01-01T00:00:00Z"),
                event("d", "2026-01-01T00:00:00Z"),
                event("e", "2026-01-01T00:00:00Z")
            ),
        )
        .unwrap();
        assert_eq!(read_events_file(&nd).unwrap().len(), 3);
    }

    #[test]
    fn stores_events_as_serde_json_writes_them() {
        let dir = tempfile::tempdir().unwrap();
        let compact = event("a", "2026-01-01T00:00:00Z");
        // Pretty-printed, an escaped slash, upper-case hex, a float: all rewritten compactly.
        let odd = r#"{ "id" : "b\/\u00E9",
            "attributes": {"time":"2026-01-01T00:00:00Z","action":"x","actor":{"id":"u"},"n":1.50,"m":-0,"k":"\u001f\u0041"}}"#;
        let path = dir.path().join("e.json");
        std::fs::write(&path, format!("[{compact},\n{odd}]")).unwrap();
        let got = read_events_file(&path).unwrap();
        assert_eq!(got[0].1, compact);
        let expected: Value = serde_json::from_str(odd).unwrap();
        assert_eq!(got[1].1, expected.to_string());
        assert_eq!(got[1].0, "b/é");
    }

    #[test]
    fn errors_name_file_line_column_and_field() {
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
            err.contains("bad.ndjson: line 2: column ")
                && err.contains("field `attributes`")
                && err.contains("time"),
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
        assert!(
            err.contains("line 3, column 1") && err.contains("a number"),
            "{err}"
        );
        // A whole line with its brackets right but a `:` missing: the line fast path takes it,
        // the parse fails, and the message is still the tokenizer's.
        std::fs::write(
            &nd,
            format!("{}\n{{\"id\" \"x\"}}\n", event("c", "2026-01-01T00:00:00Z")),
        )
        .unwrap();
        let err = read_events_file(&nd).unwrap_err().to_string();
        assert!(
            err.contains("bad.ndjson: line 2, column 7: not JSON: expected `:`"),
            "{err}"
        );
        std::fs::write(&nd, "{\"data\":{}}").unwrap();
        let err = read_events_file(&nd).unwrap_err().to_string();
        assert!(err.contains("`data` is not a list of events"), "{err}");
    }

    /// The events file of a snapshot written as plain NDJSON.
    fn stored_lines(snap: &Path) -> String {
        std::fs::read_to_string(snap.join("events.ndjson")).unwrap()
    }

    /// What an import must store: the first copy read of each id, ordered by time then id.
    fn expected(read: &[(String, String)]) -> String {
        let mut seen = std::collections::HashSet::new();
        let mut kept: Vec<&(String, String)> = read
            .iter()
            .filter(|(id, _)| seen.insert(id.clone()))
            .collect();
        // Times in these tests share one layout, so their text sorts as they do.
        let time = |line: &str| line.split("\"time\":\"").nth(1).unwrap()[..20].to_string();
        kept.sort_by_key(|(id, line)| (time(line), id.clone()));
        kept.iter().map(|(_, line)| format!("{line}\n")).collect()
    }

    /// Exports in order, in order with copies, with a later copy of an earlier id, broken in
    /// the middle and reversed: whether the events went straight into the snapshot or through
    /// the spool, the file holds what the model says, with the counts it implies.
    #[test]
    fn in_order_and_spooled_imports_store_the_same_events() {
        let dir = tempfile::tempdir().unwrap();
        let at = |s: u32| format!("2026-01-01T00:{:02}:{:02}Z", s / 60, s % 60);
        let sorted: Vec<(String, String)> = (0..40u32)
            .map(|i| {
                let id = format!("e{:02}", i % 37);
                let line = event(&id, &at(i / 2));
                (id, line)
            })
            .collect();
        // e00..e02 come back at later times (losers); pairs share a second (order by id).
        let mut with_copy = sorted.clone();
        with_copy.insert(5, with_copy[4].clone());
        let mut broken = sorted[20..].to_vec();
        broken.extend_from_slice(&sorted[..20]);
        let mut reversed = sorted.clone();
        reversed.reverse();
        let unique: Vec<(String, String)> = sorted[..37].to_vec();
        let mut unique_copies = unique.clone();
        unique_copies.insert(10, unique[9].clone());
        unique_copies.push(unique[36].clone());
        let cases = [
            ("unique", unique),
            ("unique-copies", unique_copies),
            ("losers", sorted),
            ("copy", with_copy),
            ("broken", broken),
            ("reversed", reversed),
        ];
        for (name, read) in cases {
            let export = dir.path().join(format!("{name}.ndjson"));
            let text: String = read.iter().map(|(_, l)| format!("{l}\n")).collect();
            std::fs::write(&export, text).unwrap();
            let snap = dir.path().join(name);
            let outcome = import_events_as(
                std::slice::from_ref(&export),
                &snap,
                None,
                EventsFormat::Ndjson,
            )
            .unwrap();
            let want = expected(&read);
            assert_eq!(stored_lines(&snap), want, "{name}");
            let kept = want.lines().count() as u64;
            assert_eq!(
                (
                    outcome.read,
                    outcome.added,
                    outcome.duplicates,
                    outcome.total
                ),
                (read.len() as u64, kept, read.len() as u64 - kept, kept),
                "{name}"
            );
            // Compressed, the same lines.
            let zst = dir.path().join(format!("{name}-zst"));
            import_events_as(&[export], &zst, None, EventsFormat::Zstd).unwrap();
            let bytes = std::fs::read(zst.join(crate::snapshot::event_file::ZSTD_FILE)).unwrap();
            let text = String::from_utf8(zstd::decode_all(&bytes[..]).unwrap()).unwrap();
            assert_eq!(text, want, "{name} (zstd)");
            let ours = std::fs::read_dir(dir.path())
                .unwrap()
                .filter_map(|e| e.ok())
                .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
                .count();
            assert_eq!(ours, 0, "{name}: no spool or staging directory left behind");
        }
    }

    #[test]
    fn an_event_is_placed_against_the_last_one_written() {
        let dir = tempfile::tempdir().unwrap();
        let mut writer = SnapshotWriter::create(&dir.path().join("snap")).unwrap();
        let mut run = InOrder::start(&mut writer).unwrap();
        assert_eq!(run.place(5, "b"), Place::After);
        run.write(5, "b", "{}").unwrap();
        assert_eq!(run.place(5, "b"), Place::Copy);
        assert_eq!(run.place(5, "c"), Place::After);
        assert_eq!(run.place(5, "a"), Place::Before);
        assert_eq!(run.place(4, "z"), Place::Before);
        assert_eq!(run.place(6, "a"), Place::After);
    }
}
