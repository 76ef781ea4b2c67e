//! Audit events (docs/atlassian-api.md, "Audit events"): the poll endpoint `/events-stream` walked
//! to its end (an empty page) with the cursor it returns stored for the next run, or `/events` when
//! the stream is absent (404), resending the `from`/`to` filters with every cursor.
//!
//! Events are kept as the API sent them (one compact JSON line each), checked against the
//! snapshot's `Event` type, deduplicated by id (first seen wins) and ordered by time then id.

use super::client::{ApiError, RequestSpec};
use super::endpoints::Ctx;
use super::paginate::{StopRule, Walker};
use super::progress::Bar;
use crate::snapshot::event_file::EventsFormat;
use crate::snapshot::{
    verify, Collection, CollectionStatus, Event, EventLines, EventSource, Manifest, SnapshotError,
    Timestamp,
};
use serde::Deserialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// One event: its sort key and its JSON line.
#[derive(Clone, Debug, PartialEq)]
pub struct EventRecord {
    pub time: Timestamp,
    pub id: String,
    pub line: String,
}

impl EventRecord {
    /// Checks the value is an event the scanner can read, and keeps it verbatim.
    pub fn from_value(value: &Value) -> Result<EventRecord, String> {
        let event = Event::deserialize(value).map_err(|e| e.to_string())?;
        let line = serde_json::to_string(value).map_err(|e| e.to_string())?;
        Ok(EventRecord {
            time: event.attributes.time,
            id: event.id,
            line,
        })
    }

    pub fn from_line(line: &str) -> Result<EventRecord, String> {
        let value: Value = serde_json::from_str(line).map_err(|e| e.to_string())?;
        EventRecord::from_value(&value)
    }
}

/// The order events are stored in: time, then id. Parsed from a line orgscan wrote (its hash
/// checked) without the rest of the event, several times faster than [`EventRecord::from_line`]
/// — resumed runs and imports read millions of stored lines this way.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct SortKey {
    pub(crate) time: Timestamp,
    pub(crate) id: String,
}

impl SortKey {
    fn of_line(line: &str) -> Result<SortKey, String> {
        #[derive(Deserialize)]
        struct Key {
            id: String,
            attributes: KeyAttributes,
        }
        #[derive(Deserialize)]
        struct KeyAttributes {
            time: Timestamp,
        }
        let key: Key = serde_json::from_str(line).map_err(|e| e.to_string())?;
        Ok(SortKey {
            time: key.attributes.time,
            id: key.id,
        })
    }

    fn of_record(r: &EventRecord) -> (Timestamp, &str) {
        (r.time, r.id.as_str())
    }
}

/// Calls `f` with the number, sort key and text of every line of a stored events file, in
/// file order; a line without a readable key is an error naming it.
pub(crate) fn each_stored_line(
    path: &Path,
    mut f: impl FnMut(u64, SortKey, &str) -> Result<(), SnapshotError>,
) -> Result<(), SnapshotError> {
    let mut lines = EventLines::open(&EventSource::File(path.to_path_buf()))?;
    while let Some(item) = lines.next_line() {
        let (number, line) = item?;
        let key = SortKey::of_line(line).map_err(|message| SnapshotError::EventLine {
            path: path.display().to_string(),
            line: number,
            message,
        })?;
        f(number, key, line)?;
    }
    Ok(())
}

/// A previous snapshot's `events.ndjson`, checked but not held in memory: a resumed run over
/// millions of carried events streams them again when it writes the merge.
#[derive(Clone, Debug, Default)]
pub struct StoredEvents {
    /// The file, when the snapshot has collected events.
    pub path: Option<PathBuf>,
    pub count: u64,
    pub first: Option<Timestamp>,
    pub last: Option<Timestamp>,
}

/// Reads a snapshot's `events.ndjson` once: every line's sort key, the time order orgscan
/// writes (the merge relies on it), and the file's sha256 and event count against the manifest.
pub fn check_snapshot_events(dir: &Path, manifest: &Manifest) -> Result<StoredEvents, String> {
    let collected = manifest
        .collections
        .get(&Collection::Events)
        .is_some_and(|p| p.status == CollectionStatus::Collected);
    if !collected {
        return Ok(StoredEvents::default());
    }
    let listed = crate::snapshot::event_file::listed(&manifest.files);
    let format = listed.map_or(EventsFormat::Ndjson, |(format, _)| format);
    let path = dir.join(format.file_name());
    let shown = path.display().to_string();
    let mut hasher = Sha256::new();
    let mut stored = StoredEvents {
        path: Some(path.clone()),
        ..StoredEvents::default()
    };
    let mut previous: Option<SortKey> = None;
    each_stored_line(&path, |number, key, line| {
        hasher.update(line.as_bytes());
        hasher.update(b"\n");
        if previous.as_ref().is_some_and(|p| *p > key) {
            return Err(SnapshotError::EventLine {
                path: shown.clone(),
                line: number,
                message: format!(
                    "event {} is out of order (expected events sorted by time, then id, as orgscan writes them)",
                    key.id
                ),
            });
        }
        stored.count += 1;
        stored.first = stored.first.or(Some(key.time));
        stored.last = Some(key.time);
        previous = Some(key);
        Ok(())
    })
    .map_err(|e| e.to_string())?;
    if let Some((_, entry)) = listed {
        let actual = match format {
            // The lines hashed as read are the file's bytes.
            EventsFormat::Ndjson => hex::encode(hasher.finalize()),
            // The manifest hashes the compressed bytes: a read of a file ~10x smaller.
            EventsFormat::Zstd => {
                let mut file = std::fs::File::open(&path).map_err(|e| format!("{shown}: {e}"))?;
                let mut stored = Sha256::new();
                std::io::copy(&mut file, &mut stored).map_err(|e| format!("{shown}: {e}"))?;
                hex::encode(stored.finalize())
            }
        };
        if let Some(mismatch) = verify::mismatch(&shown, entry, &actual, Ok(stored.count)) {
            return Err(mismatch.to_string());
        }
    }
    Ok(stored)
}

/// Streams the stored events and the fresh ones (sorted, none already stored) to `emit` in
/// time-then-id order: the merged `events.ndjson` without holding the stored lines.
pub fn merge_into(
    stored: &StoredEvents,
    fresh: &[EventRecord],
    emit: &mut dyn FnMut(&str) -> Result<(), SnapshotError>,
) -> Result<(), SnapshotError> {
    merge_stream_into(stored, fresh.iter().map(Ok), emit)
}

/// [`merge_into`] for fresh events that are themselves streamed (an import's sorted spool).
pub fn merge_stream_into<R: std::borrow::Borrow<EventRecord>>(
    stored: &StoredEvents,
    fresh: impl Iterator<Item = Result<R, SnapshotError>>,
    emit: &mut dyn FnMut(&str) -> Result<(), SnapshotError>,
) -> Result<(), SnapshotError> {
    let mut next_fresh = fresh.peekable();
    if let Some(path) = &stored.path {
        each_stored_line(path, |_, key, line| {
            // An error from the fresh side comes out first, where it stands.
            while let Some(f) = next_fresh.next_if(|f| {
                f.as_ref().map_or(true, |f| {
                    SortKey::of_record(f.borrow()) < (key.time, key.id.as_str())
                })
            }) {
                emit(&f?.borrow().line)?;
            }
            emit(line)
        })?;
    }
    for f in next_fresh {
        emit(&f?.borrow().line)?;
    }
    Ok(())
}

/// Events deduplicated by id; the first copy of an id wins.
#[derive(Debug, Default)]
pub struct EventSet {
    ids: HashSet<String>,
    records: Vec<EventRecord>,
}

impl EventSet {
    /// Adds the event unless its id is already present; true when added.
    pub fn insert(&mut self, record: EventRecord) -> bool {
        if self.ids.contains(&record.id) {
            return false;
        }
        self.ids.insert(record.id.clone());
        self.records.push(record);
        true
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Drops the events the stored file already holds: the stored copy wins, as it would in
    /// one list. One streaming pass; only this set's ids are looked up.
    pub fn drop_stored(&mut self, stored: &StoredEvents) -> Result<(), SnapshotError> {
        let Some(path) = &stored.path else {
            return Ok(());
        };
        if self.is_empty() {
            return Ok(());
        }
        let mut found = HashSet::new();
        each_stored_line(path, |_, key, _| {
            if self.ids.contains(&key.id) {
                found.insert(key.id);
            }
            Ok(())
        })?;
        if !found.is_empty() {
            self.records.retain(|r| !found.contains(&r.id));
            self.ids.retain(|id| !found.contains(id));
        }
        Ok(())
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Earliest and latest event time.
    pub fn time_range(&self) -> Option<(Timestamp, Timestamp)> {
        let min = self.records.iter().map(|r| r.time).min()?;
        let max = self.records.iter().map(|r| r.time).max()?;
        Some((min, max))
    }

    /// Ordered by time, then id (the API's order is by processing time, which differs).
    pub fn into_sorted(mut self) -> Vec<EventRecord> {
        self.records
            .sort_by(|a, b| a.time.cmp(&b.time).then_with(|| a.id.cmp(&b.id)));
        self.records
    }
}

/// What to fetch.
#[derive(Clone, Debug, PartialEq, serde::Serialize, Deserialize)]
pub struct EventsPlan {
    /// Sent as `from` (epoch ms) with every request.
    pub from: Timestamp,
    /// Sent as `to` to `/events` (the stream runs until it is caught up).
    pub to: Timestamp,
    /// A stream cursor from a previous snapshot.
    pub cursor: Option<String>,
    /// Where to start instead if the stored cursor is refused (400).
    pub restart_from: Timestamp,
    /// Where `/events` (the fallback without a cursor) starts: on an incremental run, the
    /// late-events overlap before the previous snapshot's end.
    pub search_from: Timestamp,
    /// The late-events overlap (seconds), and where it re-queries from on an incremental run.
    pub late_overlap_seconds: u64,
    pub requeried_from: Option<Timestamp>,
}

#[derive(Debug)]
pub struct EventsFetch {
    /// In the order fetched (not yet deduplicated against earlier snapshots).
    pub records: Vec<EventRecord>,
    pub pages: u64,
    pub source: String,
    /// The stream cursor to store: continue from here next time.
    pub cursor: Option<String>,
    pub warnings: Vec<String>,
    /// Set when the walk stopped part-way: the records are good, the rest was not fetched.
    pub interrupted: Option<ApiError>,
    /// True when `/events` was used (no stream cursor, newest first).
    pub used_search: bool,
}

fn ms(t: Timestamp) -> String {
    t.epoch_millis().to_string()
}

/// Where provisional results go while the walk waits for its rate limit: the snapshot can be
/// prepared in that idle time, and if the walk then ends as expected (an empty page), the
/// final write is already done (see `assemble::Sink::prewrite_events`).
pub type Speculation = tokio::sync::mpsc::UnboundedSender<EventsFetch>;

/// When to send a provisional result.
#[derive(Clone, Debug)]
pub struct SpeculationPolicy {
    pub enabled: bool,
    /// Only when the next request will wait at least this long (the write must fit in it).
    pub min_wait: std::time::Duration,
    /// And only up to this many events: beyond, rewriting at every wait costs too much I/O and
    /// the copy each provisional result is would double the memory the walk holds.
    pub max_events: usize,
}

impl Default for SpeculationPolicy {
    fn default() -> Self {
        SpeculationPolicy {
            enabled: true,
            min_wait: std::time::Duration::from_millis(250),
            max_events: 50_000,
        }
    }
}

/// How far the event walk got.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, Deserialize)]
pub struct WalkState {
    /// At least one page was recorded.
    pub started: bool,
    /// The walk is on `/events` (the stream answered 404).
    pub search: bool,
    /// The stream cursor of the next page to fetch.
    pub next_cursor: Option<String>,
    pub pages: u64,
    /// Spooled events and their bytes, confirmed.
    pub lines: u64,
    pub bytes: u64,
    /// `/events` walks newest first: the oldest event time fetched so far.
    pub oldest: Option<Timestamp>,
    pub warnings: Vec<String>,
}

/// Where an interrupted walk stopped (from its checkpoint), and the events it had fetched.
#[derive(Debug, Default)]
pub struct WalkResume {
    pub state: WalkState,
    pub events: Vec<EventRecord>,
}

/// Fetches the events of the plan's window, continuing `resume` when an interrupted run left
/// one; every page is recorded in the run's checkpoint (when it has one) as it arrives.
pub async fn collect(
    ctx: &Ctx,
    plan: &EventsPlan,
    bar: &Bar,
    speculate: Option<&Speculation>,
    resume: WalkResume,
) -> Result<EventsFetch, ApiError> {
    if resume.state.started && resume.state.search {
        return search(ctx, plan, bar, resume.state.warnings.clone(), resume).await;
    }
    let stream_path = ctx_path(ctx, "/events-stream");
    let stream_spec = |from: Timestamp| {
        RequestSpec::get(stream_path.clone())
            .query("from", ms(from))
            .query("limit", ctx.sizes.events.to_string())
            .query("sortOrder", "asc")
    };
    let mut warnings = resume.state.warnings.clone();
    let mut walker = Walker::new(
        &ctx.client,
        stream_spec(plan.from),
        StopRule::EmptyPage,
        ctx.page_cap,
    );
    // A checkpoint's cursor, else the previous snapshot's; none starts at `plan.from`.
    let start_cursor = if resume.state.started {
        resume.state.next_cursor.clone()
    } else {
        plan.cursor.clone()
    };
    if let Some(cursor) = &start_cursor {
        walker = walker.from_cursor(cursor);
    }
    let first = walker.next_page().await;
    let first = match first {
        Err(e) if e.status() == Some(404) => {
            warnings.push(format!(
                "{e}; fell back to /events (10 requests per minute, no resume cursor)"
            ));
            return search(ctx, plan, bar, warnings, resume).await;
        }
        Err(e) if start_cursor.is_some() && e.status() == Some(400) => {
            // ADMIN-400-1 "invalid page cursor": the stored cursor expired. Start again a little
            // before the previous snapshot ended; duplicates are removed by id.
            warnings.push(format!(
                "the stored stream cursor was refused ({e}); restarted the stream from {}",
                plan.restart_from
            ));
            walker = Walker::new(
                &ctx.client,
                stream_spec(plan.restart_from),
                StopRule::EmptyPage,
                ctx.page_cap,
            );
            walker.next_page().await?
        }
        other => other?,
    };
    let pages_before = resume.state.pages;
    let mut out = EventsFetch {
        records: resume.events,
        pages: 0,
        source: stream_path.clone(),
        cursor: None,
        warnings,
        interrupted: None,
        used_search: false,
    };
    let mut pending = PendingRecord::None;
    let mut page = first;
    let mut largest_page = 0;
    let mut speculated = 0;
    loop {
        let Some(p) = page else { break };
        let size = p.items.len();
        let before = out.records.len();
        if let Err(e) = add_items(&mut out.records, p.items, walker.endpoint()) {
            out.interrupted = Some(e);
            break;
        }
        let next_cursor = walker.resume_cursor();
        let pages = pages_before + walker.pages();
        let recorded = checkpoint_page(ctx, &out, before, &mut pending, move |walk| {
            walk.search = false;
            walk.next_cursor = next_cursor;
            walk.pages = pages;
        })
        .await;
        if let Err(e) = recorded {
            out.interrupted = Some(e);
            break;
        }
        bar.page(walker.pages(), out.records.len() as u64);
        if let Some(tx) = speculate.filter(|_| ctx.speculation.enabled) {
            let short = size > 0 && size < largest_page;
            let policy = &ctx.speculation;
            // A provisional result is a copy of every record so far: past `max_events` it
            // would double the collector's memory, so even a short page is not worth it.
            let small = out.records.len() <= policy.max_events;
            let waiting = ctx.client.wait_estimate(&stream_path) >= policy.min_wait;
            if small && (short || waiting) && out.records.len() > speculated {
                speculated = out.records.len();
                // As if the next page were the empty one that ends the walk.
                let _ = tx.send(EventsFetch {
                    records: out.records.clone(),
                    pages: walker.pages() + 1,
                    source: out.source.clone(),
                    cursor: None,
                    warnings: out.warnings.clone(),
                    interrupted: None,
                    used_search: false,
                });
            }
        }
        largest_page = largest_page.max(size);
        page = match walker.next_page().await {
            Ok(p) => p,
            Err(e) => {
                out.interrupted = Some(e);
                break;
            }
        };
    }
    if let Err(e) = settle(&mut pending).await {
        out.interrupted.get_or_insert(e);
    }
    out.pages = pages_before + walker.pages();
    out.cursor = walker.resume_cursor();
    Ok(out)
}

/// The checkpoint write of the page before, running on a blocking thread while the next page
/// is fetched (the walk does not wait for the disk; records stay in page order).
type PendingRecord = Option<tokio::task::JoinHandle<Result<(), ApiError>>>;

/// Waits for the pending checkpoint write, if any.
async fn settle(pending: &mut PendingRecord) -> Result<(), ApiError> {
    match pending.take() {
        Some(handle) => handle.await.unwrap_or_else(|e| {
            Err(ApiError::Checkpoint {
                path: String::new(),
                message: format!("the checkpoint write did not finish: {e}"),
            })
        }),
        None => Ok(()),
    }
}

/// Records the page just added (`out.records[before..]`) in the run's checkpoint, with the
/// key scrubbed from the spooled copy (the checkpoint is a file like the snapshot), once the
/// previous page's record is done.
async fn checkpoint_page(
    ctx: &Ctx,
    out: &EventsFetch,
    before: usize,
    pending: &mut PendingRecord,
    update: impl FnOnce(&mut WalkState) + Send + 'static,
) -> Result<(), ApiError> {
    settle(pending).await?;
    let Some(checkpoint) = ctx.checkpoint.clone() else {
        return Ok(());
    };
    let key = ctx.client.key();
    let lines: Vec<String> = out
        .records
        .get(before..)
        .unwrap_or_default()
        .iter()
        .map(|r| {
            if key.occurs_in(&r.line) {
                key.redact(&r.line)
            } else {
                r.line.clone()
            }
        })
        .collect();
    let warnings = out.warnings.clone();
    *pending = Some(tokio::task::spawn_blocking(move || {
        let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
        checkpoint.record_page(&lines, |walk| {
            walk.warnings = warnings;
            update(walk)
        })
    }));
    Ok(())
}

fn ctx_path(ctx: &Ctx, rest: &str) -> String {
    format!(
        "/admin/v1/orgs/{}{rest}",
        super::endpoints::segment(&ctx.org)
    )
}

/// `/events`, newest first, `from`/`to` resent with every cursor (they are not in it).
async fn search(
    ctx: &Ctx,
    plan: &EventsPlan,
    bar: &Bar,
    warnings: Vec<String>,
    resume: WalkResume,
) -> Result<EventsFetch, ApiError> {
    let path = ctx_path(ctx, "/events");
    // Newest first: an interrupted walk continues below the oldest event it had (inclusive,
    // so events sharing that millisecond are not lost; duplicates go by id), never by offset,
    // which events arriving since would shift.
    let to = match resume.state.oldest.filter(|_| resume.state.started) {
        Some(oldest) => Timestamp(oldest.0 + chrono::Duration::milliseconds(1)).min(plan.to),
        None => plan.to,
    };
    let spec = RequestSpec::get(path.clone())
        .query("from", ms(plan.search_from))
        .query("to", ms(to))
        .query("limit", ctx.sizes.events.to_string());
    let mut walker = Walker::new(&ctx.client, spec, StopRule::NoNext, ctx.page_cap);
    let pages_before = resume.state.pages;
    let mut oldest = resume.state.oldest;
    let mut pending = PendingRecord::None;
    let mut out = EventsFetch {
        records: resume.events,
        pages: 0,
        source: path,
        cursor: None,
        warnings,
        interrupted: None,
        used_search: true,
    };
    loop {
        match walker.next_page().await {
            Ok(Some(p)) => {
                let before = out.records.len();
                if let Err(e) = add_items(&mut out.records, p.items, walker.endpoint()) {
                    out.interrupted = Some(e);
                    break;
                }
                let page_oldest = out.records[before..].iter().map(|r| r.time).min();
                oldest = match (oldest, page_oldest) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
                let pages = pages_before + walker.pages();
                let recorded = checkpoint_page(ctx, &out, before, &mut pending, move |walk| {
                    walk.search = true;
                    walk.next_cursor = None;
                    walk.pages = pages;
                    walk.oldest = oldest;
                })
                .await;
                if let Err(e) = recorded {
                    out.interrupted = Some(e);
                    break;
                }
                bar.page(walker.pages(), out.records.len() as u64);
            }
            Ok(None) => break,
            Err(e) if walker.pages() == 0 && pages_before == 0 => return Err(e),
            Err(e) => {
                out.interrupted = Some(e);
                break;
            }
        }
    }
    if let Err(e) = settle(&mut pending).await {
        out.interrupted.get_or_insert(e);
    }
    out.pages = pages_before + walker.pages();
    Ok(out)
}

fn add_items(
    records: &mut Vec<EventRecord>,
    items: Vec<Value>,
    endpoint: &str,
) -> Result<(), ApiError> {
    for (i, item) in items.iter().enumerate() {
        let record = EventRecord::from_value(item).map_err(|message| ApiError::Shape {
            endpoint: endpoint.to_string(),
            message: format!("event {i} of the page: {message}"),
        })?;
        records.push(record);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(id: &str, time: &str) -> EventRecord {
        EventRecord::from_line(&format!(
            r#"{{"id":"{id}","type":"events","attributes":{{"time":"{time}","action":"a","actor":{{"id":"u"}}}}}}"#
        ))
        .unwrap()
    }

    #[test]
    fn dedupes_first_wins_and_sorts_by_time_then_id() {
        let mut set = EventSet::default();
        assert!(set.insert(event("b", "2026-01-01T00:00:01Z")));
        assert!(set.insert(event("a", "2026-01-01T00:00:01.000Z")));
        assert!(set.insert(event("c", "2026-01-01T00:00:00.5Z")));
        assert!(!set.insert(event("a", "2026-01-02T00:00:00Z")));
        let ids: Vec<_> = set.into_sorted().into_iter().map(|r| r.id).collect();
        assert_eq!(ids, ["c", "a", "b"]);
    }

    /// A snapshot holding `records` (sorted as the writer would be given them).
    fn stored(dir: &Path, records: &[EventRecord]) -> (Manifest, StoredEvents) {
        use crate::snapshot::manifest::{OrgIdentity, SnapshotSource, FORMAT_NAME, FORMAT_VERSION};
        use crate::snapshot::{Provenance, SnapshotWriter};
        let at = Timestamp::parse("2026-01-03T00:00:00Z").unwrap();
        let mut w = SnapshotWriter::create(dir).unwrap();
        // Plain, so a test can rewrite the lines (compressed files: snapshot::event_file).
        w.set_events_format(EventsFormat::Ndjson);
        w.write_event_lines(
            records.iter().map(|r| r.line.as_str()),
            Provenance::collected("test", at, 1, records.len() as u64),
        )
        .unwrap();
        let manifest = Manifest {
            format: FORMAT_NAME.into(),
            format_version: FORMAT_VERSION,
            tool_version: "test".into(),
            org: OrgIdentity {
                id: "o".into(),
                name: None,
            },
            collected_at: at,
            source: SnapshotSource::Import,
            event_window: None,
            stream_cursor: None,
            files: Default::default(),
            collections: Default::default(),
        };
        w.finish(manifest).unwrap();
        let manifest = crate::snapshot::load::load_manifest(dir).unwrap();
        let checked = check_snapshot_events(dir, &manifest).unwrap();
        (manifest, checked)
    }

    #[test]
    fn stored_and_fresh_events_merge_in_order_with_the_stored_copy_first() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("snap");
        let old = [
            event("a", "2026-01-01T00:00:00Z"),
            event("c", "2026-01-01T00:00:02Z"),
            event("e", "2026-01-01T00:00:04Z"),
        ];
        let (_, checked) = stored(&dir, &old);
        assert_eq!(checked.count, 3);
        assert_eq!(checked.first, Some(old[0].time));
        assert_eq!(checked.last, Some(old[2].time));

        let mut fresh = EventSet::default();
        for r in [
            event("f", "2026-01-01T00:00:05Z"),
            event("b", "2026-01-01T00:00:01Z"),
            // The stored "c" wins over a re-delivered copy with another time.
            event("c", "2026-01-01T00:00:09Z"),
            event("0", "2025-12-31T00:00:00Z"),
        ] {
            fresh.insert(r);
        }
        fresh.drop_stored(&checked).unwrap();
        // Of the fresh "c", "0", "b", "f", only "c" was stored already.
        assert_eq!(fresh.len(), 3);
        let fresh = fresh.into_sorted();
        let kept: Vec<&str> = fresh.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(kept, ["0", "b", "f"]);
        let mut out: Vec<String> = Vec::new();
        merge_into(&checked, &fresh, &mut |line| {
            out.push(EventRecord::from_line(line).unwrap().id);
            Ok(())
        })
        .unwrap();
        assert_eq!(out, ["0", "a", "b", "c", "e", "f"]);
    }

    #[test]
    fn a_stored_file_out_of_order_is_refused_with_its_line() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("snap");
        let (manifest, _) = stored(&dir, &[event("a", "2026-01-01T00:00:00Z")]);
        // Rewrite the file out of order, with a matching hash, as another tool might.
        let text = format!(
            "{}\n{}\n",
            event("z", "2026-01-02T00:00:00Z").line,
            event("y", "2026-01-01T00:00:00Z").line
        );
        std::fs::write(dir.join("events.ndjson"), &text).unwrap();
        let mut manifest = manifest;
        if let Some(f) = manifest.files.get_mut("events.ndjson") {
            f.sha256 = hex::encode(Sha256::digest(text.as_bytes()));
        }
        let err = check_snapshot_events(&dir, &manifest).unwrap_err();
        assert!(
            err.contains("events.ndjson: line 2: event y is out of order"),
            "{err}"
        );
    }

    #[test]
    fn keeps_the_api_shape_verbatim() {
        let text = r#"{"id":"e","attributes":{"time":"2021-04-01T23:20:17.230060Z","action":"x","actor":{"id":"u"},"new":1},"z":true}"#;
        assert_eq!(EventRecord::from_line(text).unwrap().line, text);
        let err = EventRecord::from_line(r#"{"id":"e","attributes":{}}"#).unwrap_err();
        assert!(err.contains("time"), "{err}");
    }
}
