//! What a collection run produced, and the exit code it maps to (docs/architecture.md, exit codes).

use super::client::StatsSnapshot;
use crate::snapshot::{Collection, CollectionStatus, Manifest};
use std::path::PathBuf;
use std::time::Duration;

/// A collection that could not be read.
#[derive(Clone, Debug, PartialEq)]
pub struct Unavailable {
    pub collection: Collection,
    pub reason: String,
    pub http_status: Option<u16>,
    /// 403/404: a missing scope or feature, accepted with `--allow-partial`.
    pub permission: bool,
}

/// What a run produced.
#[derive(Clone, Debug)]
pub struct CollectOutcome {
    pub snapshot: PathBuf,
    pub manifest: Manifest,
    pub stats: StatsSnapshot,
    pub elapsed: Duration,
    pub unavailable: Vec<Unavailable>,
    /// Why the event walk stopped early, when it did (the snapshot keeps a resume cursor).
    pub events_interrupted: Option<String>,
    /// Events added by this run, and in the snapshot in all.
    pub events_new: u64,
    pub events_total: u64,
    pub allow_partial: bool,
    /// The snapshot that was at `--out` before and was left untouched, because this run could
    /// not replace it (`snapshot` is then the partial result written beside it).
    pub kept_previous: Option<PathBuf>,
}

/// docs/architecture.md (exit codes): 0 complete (or only refused collections with
/// `--allow-partial`), 3 otherwise.
pub(crate) fn exit_code_of(
    unavailable: &[Unavailable],
    events_interrupted: bool,
    allow_partial: bool,
) -> i32 {
    let failed = events_interrupted || unavailable.iter().any(|u| !u.permission);
    if failed || (!unavailable.is_empty() && !allow_partial) {
        3
    } else {
        0
    }
}

impl CollectOutcome {
    /// Every collection read, the event walk finished.
    pub fn is_complete(&self) -> bool {
        self.unavailable.is_empty() && self.events_interrupted.is_none()
    }

    /// docs/architecture.md (exit codes): 0 complete (or only refused collections with
    /// `--allow-partial`), 3 otherwise.
    pub fn exit_code(&self) -> i32 {
        exit_code_of(
            &self.unavailable,
            self.events_interrupted.is_some(),
            self.allow_partial,
        )
    }

    /// The closing lines printed after a collection.
    pub fn summary(&self) -> String {
        let collected = self
            .manifest
            .collections
            .values()
            .filter(|p| p.status == CollectionStatus::Collected)
            .count();
        let mut out = format!(
            "snapshot {} ({} of {} collections, {} events, {} new)\n{} requests, {} pages, {} records, {} retries ({} rate limited), {:.1} s waiting for rate limits and retries, {:.1} s in all",
            self.snapshot.display(),
            collected,
            self.manifest.collections.len(),
            self.events_total,
            self.events_new,
            self.stats.requests,
            self.stats.pages,
            self.stats.records,
            self.stats.retries,
            self.stats.rate_limited,
            self.stats.seconds_waiting,
            self.elapsed.as_secs_f64(),
        );
        for u in &self.unavailable {
            out.push_str(&format!(
                "\nunavailable: {}: {}",
                u.collection.name(),
                u.reason
            ));
        }
        if let Some(why) = &self.events_interrupted {
            out.push_str(&format!(
                "\nevents incomplete: {why}\n  continue with --resume-from {}",
                self.snapshot.display()
            ));
        }
        if let Some(kept) = &self.kept_previous {
            out.push_str(&format!(
                "\nthe previous snapshot {} was kept unchanged: this run was incomplete, so its result was written beside it, to {}",
                kept.display(),
                self.snapshot.display()
            ));
        }
        if !self.unavailable.is_empty()
            && self.exit_code() != 0
            && self.events_interrupted.is_none()
            && self.unavailable.iter().all(|u| u.permission)
        {
            out.push_str("\n(pass --allow-partial to accept missing collections)");
        }
        out
    }
}
