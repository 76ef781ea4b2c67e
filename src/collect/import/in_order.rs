//! The import of an export that is already in the order a snapshot stores (time, then id): its
//! events are written straight into the snapshot's events file as they are read, instead of
//! going to the spool and coming back for the merge. Exports are usually in that order (the
//! demo generator's, a stream walked forward), and the spool's write, read back and merge
//! were then a third of an import's CPU.
//!
//! The run holds only while each event sorts after the one before it and nothing needs merging
//! in: the snapshot had no events and no imported copy of an id turns up later (a loser, known
//! only once every id is sorted). Otherwise the events written so far are read back into the
//! spool, numbered as they were read, and the import goes on the general way: the same events
//! come out in the same order, so the snapshot is byte for byte the one the spool gives.

use super::{spool::ExternalSort, spool::SpoolDir, spool_error, Timed};
use crate::collect::CollectError;
use crate::snapshot::event_file::EventFileWriter;
use crate::snapshot::event_line::{read_event_line, TextStart};
use crate::snapshot::EventSource;
use crate::snapshot::{EventLines, Provenance, SnapshotWriter};
use std::path::PathBuf;

/// Where an event stands against the last one written.
#[derive(Debug, PartialEq)]
pub(super) enum Place {
    /// Sorts after it: written next.
    After,
    /// The same time and id: a copy of it, read later, which loses to it.
    Copy,
    /// Sorts before it: the run ends.
    Before,
}

pub(super) struct InOrder {
    out: EventFileWriter,
    path: PathBuf,
    last_time: i64,
    /// Empty before the first event (ids are never empty).
    last_id: String,
}

impl InOrder {
    /// Starts the snapshot's events file.
    pub(super) fn start(writer: &mut SnapshotWriter) -> Result<InOrder, CollectError> {
        Ok(InOrder {
            out: writer.begin_events().map_err(CollectError::Write)?,
            path: writer.events_path(),
            last_time: i64::MIN,
            last_id: String::new(),
        })
    }

    pub(super) fn place(&self, time_ns: i64, id: &str) -> Place {
        if self.last_id.is_empty() {
            return Place::After;
        }
        match (time_ns, id).cmp(&(self.last_time, self.last_id.as_str())) {
            std::cmp::Ordering::Greater => Place::After,
            std::cmp::Ordering::Equal => Place::Copy,
            std::cmp::Ordering::Less => Place::Before,
        }
    }

    /// Writes an event that [`InOrder::place`]d `After`.
    pub(super) fn write(&mut self, time_ns: i64, id: &str, line: &str) -> Result<(), CollectError> {
        self.last_time = time_ns;
        self.last_id.clear();
        self.last_id.push_str(id);
        self.out.write_line(line).map_err(CollectError::Write)
    }

    /// The run is the snapshot's events.
    pub(super) fn finish(
        self,
        writer: &mut SnapshotWriter,
        provenance: Provenance,
    ) -> Result<(), CollectError> {
        writer
            .end_events(self.out, provenance)
            .map_err(CollectError::Write)?;
        Ok(())
    }

    /// Ends the run: its events go to `by_time`, the n-th line written numbered `n` (the
    /// caller numbers events from 1 in the order they are kept, so these are their numbers).
    pub(super) fn spill(
        self,
        by_time: &mut ExternalSort<'_, Timed>,
        spool: &SpoolDir,
    ) -> Result<(), CollectError> {
        self.out.finish().map_err(CollectError::Write)?;
        let shown = self.path.display().to_string();
        let mut lines =
            EventLines::open(&EventSource::File(self.path.clone())).map_err(CollectError::Write)?;
        while let Some(item) = lines.next_line() {
            let (number, line) = item.map_err(CollectError::Write)?;
            let (raw, time_ns) = read_event_line(&shown, TextStart::line(number), line)
                .map_err(CollectError::Write)?;
            by_time
                .push(Timed::new(time_ns, number, &raw.id, line))
                .map_err(|e| spool_error(spool, e))?;
        }
        Ok(())
    }
}
