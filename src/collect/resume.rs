//! `--resume-from`: the previous snapshot's events and cursor, and where the next walk starts.

use super::events::{self, EventsPlan, StoredEvents};
use super::CollectError;
use crate::snapshot::load::load_manifest;
use crate::snapshot::{Manifest, Timestamp};
use std::path::Path;

/// A refused stream cursor restarts the stream this far before the previous snapshot's end
/// (the stream orders by processing time, so late events are not at stake there).
const RESUME_OVERLAP: chrono::Duration = chrono::Duration::hours(1);

/// `/events` filters by event time: an event processed hours after its time appears behind
/// the previous run's end. An incremental run without the stream re-queries this much before
/// that end (duplicates dropped by id); `--late-overlap` changes it.
pub const DEFAULT_LATE_OVERLAP: chrono::Duration = chrono::Duration::hours(24);

/// A previous snapshot to resume from.
pub(crate) struct Previous {
    pub(crate) manifest: Manifest,
    /// Its events, checked but left on disk (they are streamed again into the new snapshot).
    pub(crate) events: StoredEvents,
}

pub(crate) fn load_previous(path: &Path, org: &str) -> Result<Previous, CollectError> {
    let shown = path.display().to_string();
    let fail = |message: String| CollectError::Resume {
        path: shown.clone(),
        message,
    };
    let manifest = load_manifest(path).map_err(|e| match e {
        // The loader's own wording is for `scan` (which falls back to the demo org).
        crate::snapshot::SnapshotError::MissingManifest { .. } => fail(
            "not a snapshot (no manifest.json); give a snapshot directory written by `orgscan collect`"
                .to_string(),
        ),
        other => fail(other.to_string()),
    })?;
    if manifest.org.id != org {
        return Err(fail(format!(
            "the snapshot is of org {:?}, not {org:?}",
            manifest.org.id
        )));
    }
    let events = events::check_snapshot_events(path, &manifest).map_err(fail)?;
    Ok(Previous { manifest, events })
}

/// Where the event walk starts, and the window the snapshot will claim.
pub(crate) fn plan_events(
    since: Timestamp,
    now: Timestamp,
    previous: Option<&Previous>,
    late_overlap: chrono::Duration,
) -> (EventsPlan, Timestamp) {
    let late_overlap_seconds = late_overlap.num_seconds().max(0) as u64;
    let Some(prev) = previous else {
        return (
            EventsPlan {
                from: since,
                to: now,
                cursor: None,
                restart_from: since,
                search_from: since,
                late_overlap_seconds,
                requeried_from: None,
            },
            since,
        );
    };
    let window = prev.manifest.event_window.as_ref();
    let prev_from = window
        .map(|w| w.from)
        .or(prev.events.first)
        .unwrap_or(since);
    let prev_to = window.map(|w| w.to).or(prev.events.last).unwrap_or(since);
    let restart = Timestamp(prev_to.0 - RESUME_OVERLAP).max(prev_from);
    let requery = Timestamp(
        prev_to
            .0
            .checked_sub_signed(late_overlap)
            .unwrap_or(prev_from.0),
    )
    .max(prev_from);
    let plan = match &prev.manifest.stream_cursor {
        Some(cursor) => EventsPlan {
            from: prev_from,
            to: now,
            cursor: Some(cursor.clone()),
            restart_from: restart,
            search_from: requery,
            late_overlap_seconds,
            requeried_from: Some(requery),
        },
        // The previous run had no stream: start as far back as /events would.
        None => EventsPlan {
            from: requery,
            to: now,
            cursor: None,
            restart_from: requery,
            search_from: requery,
            late_overlap_seconds,
            requeried_from: Some(requery),
        },
    };
    (plan, prev_from)
}
