//! Putting the snapshot together in the staging directory: each finished collection written
//! (or recorded as unavailable) as it arrives, events merged with the carried ones and ordered,
//! the key scrubbed from anything a server echoed it into.

use super::client::{ApiError, ApiKey};
use super::endpoints::{self, Fetched};
use super::events::{EventSet, EventsFetch, EventsPlan, StoredEvents};
use super::outcome::Unavailable;
use super::resume::Previous;
use super::running::{Data, Fetch};
use super::CollectError;
use crate::snapshot::manifest::{
    EventWindow, LatenessHorizon, OrgIdentity, FORMAT_NAME, FORMAT_VERSION,
};
use crate::snapshot::{
    shape, Collection, Manifest, Provenance, SnapshotSource, SnapshotWriter, Timestamp,
};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::path::Path;

/// The scope a scoped API key needs for a collection (docs/atlassian-api.md, docs/collect.md), for
/// 403 reasons.
pub(crate) fn scope_of(collection: Collection) -> Option<&'static str> {
    collection.spec().scope
}

/// The path recorded for a collection that failed before any page.
pub(crate) fn primary_path(org: &str, collection: Collection) -> String {
    collection.api_path(&endpoints::segment(org))
}

/// Receives each finished collection and writes it into the staging directory.
pub(crate) struct Sink<'a> {
    pub(crate) writer: &'a mut SnapshotWriter,
    pub(crate) key: &'a ApiKey,
    pub(crate) org: &'a str,
    pub(crate) previous: Option<&'a Previous>,
    pub(crate) plan: &'a EventsPlan,
    pub(crate) window_from: Timestamp,
    pub(crate) now: Timestamp,
    pub(crate) unavailable: Vec<Unavailable>,
    pub(crate) org_name: Option<String>,
    pub(crate) events: Option<EventsSummary>,
    /// What a provisional events write put on disk: record count and provenance.
    pub(crate) prewritten: Option<(u64, Provenance)>,
}

impl Sink<'_> {
    /// Writes a provisional events file while the walk waits for its rate limit. Ignored once
    /// the real result is in.
    pub(crate) fn prewrite_events(&mut self, speculated: EventsFetch) -> Result<(), CollectError> {
        if self.events.is_some() {
            return Ok(());
        }
        let empty = Previous {
            manifest: empty_manifest(self.org, self.now),
            events: StoredEvents::default(),
        };
        let prev = self.previous.unwrap_or(&empty);
        let (_, written) = write_events(
            self.writer,
            prev,
            Some(speculated),
            None,
            self.plan,
            self.window_from,
            self.now,
            self.key,
            None,
        )?;
        self.prewritten = Some(written);
        Ok(())
    }

    pub(crate) fn handle(&mut self, fetch: Fetch) -> Result<(), CollectError> {
        let collection = fetch.collection;
        let data = match fetch.result {
            Ok(data) => data,
            Err(e) => {
                if collection == Collection::Events {
                    if let Some(prev) = self.previous {
                        // Keep what the previous snapshot had, and its resume point.
                        self.events = Some(
                            write_events(
                                self.writer,
                                prev,
                                None,
                                Some(e),
                                self.plan,
                                self.window_from,
                                self.now,
                                self.key,
                                None,
                            )?
                            .0,
                        );
                        return Ok(());
                    }
                }
                let mut reason = e.to_string();
                if e.status() == Some(403) {
                    if let Some(scope) = scope_of(collection) {
                        reason.push_str(&format!(" (a scoped key needs {scope})"));
                    }
                }
                self.unavailable.push(Unavailable {
                    collection,
                    reason: reason.clone(),
                    http_status: e.status(),
                    permission: e.is_permission(),
                });
                self.writer.mark_unavailable(
                    collection,
                    Provenance::unavailable(primary_path(self.org, collection), reason, e.status()),
                );
                return Ok(());
            }
        };
        let at = fetch.at;
        match data {
            Data::Org(f) => {
                let mut f = f;
                match f.records.pop() {
                    Some(org) => {
                        let (org, _) = scrub(org, self.key);
                        self.org_name = org
                            .pointer("/attributes/name")
                            .and_then(serde_json::Value::as_str)
                            .map(str::to_string);
                        let mut prov = provenance(&f.source, at, f.pages, 1, &f.warnings);
                        prov.shape_warnings = shape::check(collection, std::slice::from_ref(&org));
                        self.writer
                            .write_collection(collection, &org, 1, prov)
                            .map_err(CollectError::Write)?;
                    }
                    None => {
                        let reason = format!("GET {}: the response had no org", f.source);
                        self.unavailable.push(Unavailable {
                            collection,
                            reason: reason.clone(),
                            http_status: None,
                            permission: false,
                        });
                        self.writer.mark_unavailable(
                            collection,
                            Provenance::unavailable(f.source, reason, None),
                        );
                    }
                }
            }
            Data::Items(f) => write_fetched(self.writer, collection, f, at, self.key)?,
            Data::Events(fetch) => {
                let empty = Previous {
                    manifest: empty_manifest(self.org, self.now),
                    events: StoredEvents::default(),
                };
                let prev = self.previous.unwrap_or(&empty);
                let prewritten = self.prewritten.take();
                self.events = Some(
                    write_events(
                        self.writer,
                        prev,
                        Some(fetch),
                        None,
                        self.plan,
                        self.window_from,
                        self.now,
                        self.key,
                        prewritten.as_ref(),
                    )?
                    .0,
                );
            }
        }
        Ok(())
    }
}

/// Removes staging directories a killed run left beside `out` (`.NAME.partial-PID`, and its
/// `.previous` backup) when process PID is gone. Only where `/proc` tells (Linux); elsewhere
/// they stay, harmless, until removed by hand.
pub fn remove_stale_staging(out: &Path) {
    let proc_fs = Path::new("/proc/self");
    if !proc_fs.exists() {
        return;
    }
    // The names `SnapshotWriter::create` stages under: `.NAME.partial-PID`.
    let staged = crate::snapshot::write::hidden_sibling(out, "partial-");
    let Some(prefix) = staged.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return;
    };
    let parent = crate::snapshot::write::parent_dir(out);
    let Ok(entries) = std::fs::read_dir(&parent) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = file_name.strip_prefix(&prefix) else {
            continue;
        };
        let pid = rest.strip_suffix(".previous").unwrap_or(rest);
        let alive = pid
            .parse::<u32>()
            .map(|pid| pid == std::process::id() || Path::new(&format!("/proc/{pid}")).exists());
        if alive == Ok(false) && entry.path().is_dir() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

pub(crate) fn empty_manifest(org: &str, now: Timestamp) -> Manifest {
    Manifest {
        format: FORMAT_NAME.to_string(),
        format_version: FORMAT_VERSION,
        tool_version: crate::TOOL_VERSION.to_string(),
        org: OrgIdentity {
            id: org.to_string(),
            name: None,
        },
        collected_at: now,
        source: SnapshotSource::Api,
        event_window: None,
        stream_cursor: None,
        files: Default::default(),
        collections: Default::default(),
    }
}

pub(crate) fn provenance(
    source: &str,
    at: Timestamp,
    pages: u64,
    records: u64,
    warnings: &[String],
) -> Provenance {
    let mut p = Provenance::collected(source, at, pages, records);
    p.warnings = warnings.to_vec();
    p
}

/// Writes a collection's items as served (after scrubbing the key), with the shape warnings
/// typing them gives in its provenance: a read field in an unexpected shape never makes the
/// collection unavailable.
pub(crate) fn write_fetched(
    writer: &mut SnapshotWriter,
    collection: Collection,
    fetched: Fetched,
    at: Timestamp,
    key: &ApiKey,
) -> Result<(), CollectError> {
    let count = fetched.records.len() as u64;
    let (records, scrubbed) = scrub(fetched.records, key);
    let mut prov = provenance(&fetched.source, at, fetched.pages, count, &fetched.warnings);
    prov.shape_warnings = shape::check(collection, &records);
    if scrubbed {
        prov.warnings
            .push("the API key appeared in the data and was replaced by ***".to_string());
    }
    writer
        .write_collection(collection, &records, count, prov)
        .map_err(CollectError::Write)
}

#[derive(Default)]
pub(crate) struct EventsSummary {
    pub(crate) window: Option<EventWindow>,
    pub(crate) cursor: Option<String>,
    pub(crate) interrupted: Option<String>,
    pub(crate) new: u64,
    pub(crate) total: u64,
}

/// Merges the previous snapshot's events with the fetched ones (dedupe by id, previous copy
/// first), orders them and writes `events.ndjson`, unless `prewritten` says the same records
/// with the same provenance are on disk already. Returns the summary and what was written.
#[allow(clippy::too_many_arguments)]
pub(crate) fn write_events(
    writer: &mut SnapshotWriter,
    prev: &Previous,
    fetch: Option<EventsFetch>,
    failed: Option<ApiError>,
    plan: &EventsPlan,
    window_from: Timestamp,
    now: Timestamp,
    key: &ApiKey,
    prewritten: Option<&(u64, Provenance)>,
) -> Result<(EventsSummary, (u64, Provenance)), CollectError> {
    // The fetched events; the previous snapshot's stay on disk and are merged in when written.
    let mut set = EventSet::default();
    let carried = prev.events.count;
    let mut warnings = Vec::new();
    if carried > 0 {
        warnings.push(format!(
            "{carried} events carried forward from the previous snapshot"
        ));
    }
    let used_search = fetch.as_ref().is_some_and(|f| f.used_search);
    let (source, pages, interrupted, cursor, fetched_max) = match fetch {
        Some(f) => {
            let fetched_max = f.records.iter().map(|r| r.time).max();
            let mut scrubbed = false;
            let mut too_old = 0u64;
            for mut record in f.records {
                // The window claims completeness from its start: an event before it (a server
                // ignoring `from`) would be a sample, not the record, so it is left out.
                if record.time < window_from {
                    too_old += 1;
                    continue;
                }
                if key.occurs_in(&record.line) {
                    record.line = key.redact(&record.line);
                    scrubbed = true;
                }
                set.insert(record);
            }
            if scrubbed {
                warnings.push("the API key appeared in events and was replaced by ***".into());
            }
            if too_old > 0 {
                warnings.push(format!(
                    "{too_old} events before the window start {window_from} were left out"
                ));
            }
            warnings.extend(f.warnings);
            let cursor = if f.used_search {
                None
            } else {
                f.cursor.or(plan.cursor.clone())
            };
            (
                f.source,
                f.pages,
                f.interrupted.map(|e| e.to_string()),
                cursor,
                fetched_max,
            )
        }
        None => (
            primary_path(&prev.manifest.org.id, Collection::Events),
            0,
            failed.map(|e| e.to_string()),
            plan.cursor.clone(),
            None,
        ),
    };
    if let Some(why) = &interrupted {
        warnings.push(format!("incomplete: {why}"));
    }
    // The previous copy of an event wins, as when both were in one list.
    set.drop_stored(&prev.events)
        .map_err(|e| CollectError::Resume {
            path: prev
                .events
                .path
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
            message: e.to_string(),
        })?;
    let new = set.len() as u64;
    let total = carried + new;
    let to = match &interrupted {
        // Only what was fetched is known: the window ends at the last event seen.
        Some(_) => fetched_max
            .or(prev.manifest.event_window.as_ref().map(|w| w.to))
            .unwrap_or(window_from)
            .max(window_from),
        // `/events` was asked up to `plan.to` (the time of the first attempt, when an
        // interrupted run was continued); the stream runs until it is caught up.
        None if used_search => plan.to,
        None => now,
    };
    let mut prov = Provenance::collected(source, now, pages, total);
    prov.warnings = warnings;
    if used_search {
        prov.lateness_horizon = Some(LatenessHorizon {
            overlap_seconds: plan.late_overlap_seconds,
            requeried_from: plan.requeried_from,
        });
    }
    // Records only accumulate, so the same count means the same set.
    let on_disk = prewritten.is_some_and(|(count, p)| *count == total && *p == prov);
    if !on_disk {
        let fresh = set.into_sorted();
        writer
            .write_event_stream(prov.clone(), |emit| {
                super::events::merge_into(&prev.events, &fresh, emit)
            })
            .map_err(CollectError::Write)?;
    }
    let summary = EventsSummary {
        window: Some(EventWindow {
            from: window_from,
            to,
        }),
        cursor,
        interrupted,
        new,
        total,
    };
    Ok((summary, (total, prov)))
}

/// Serializes, and if the key occurs anywhere in the data, replaces it by `***` (a server
/// echoing the key must not put it into a snapshot).
pub(crate) fn scrub<T: Serialize + DeserializeOwned>(value: T, key: &ApiKey) -> (T, bool) {
    let Ok(text) = serde_json::to_string(&value) else {
        return (value, false);
    };
    if !key.occurs_in(&text) {
        return (value, false);
    }
    match serde_json::from_str(&key.redact(&text)) {
        Ok(clean) => (clean, true),
        Err(_) => (value, false),
    }
}
