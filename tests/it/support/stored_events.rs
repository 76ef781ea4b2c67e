//! A snapshot's audit events read back as NDJSON whatever form they are stored in
//! (`events.ndjson.zst`, the default, or plain `events.ndjson`), through the library's one
//! opener: tests compare events, not how they were compressed.

use orgscan::snapshot::event_file::EventsFormat;
use orgscan::snapshot::EventSource;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The events file of the snapshot at `snap` (either form), or `None` when it has none.
/// Two events files at once is a broken snapshot: the test fails.
pub fn events_file(snap: &Path) -> Option<PathBuf> {
    let found: Vec<PathBuf> = EventsFormat::ALL
        .into_iter()
        .map(|f| snap.join(f.file_name()))
        .filter(|p| p.is_file())
        .collect();
    assert!(found.len() <= 1, "two events files in {}", snap.display());
    found.into_iter().next()
}

/// The NDJSON of the snapshot's events, decoded; empty when it has no events file.
pub fn stored_events(snap: &Path) -> String {
    let Some(path) = events_file(snap) else {
        return String::new();
    };
    let open = EventSource::File(path.clone())
        .open()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut text = String::new();
    if let Some(mut reader) = open.reader {
        reader
            .read_to_string(&mut text)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
    text
}

/// The snapshot's event lines, in stored order.
pub fn stored_event_lines(snap: &Path) -> Vec<String> {
    stored_events(snap).lines().map(str::to_string).collect()
}

/// The ids of the snapshot's events, in stored order.
pub fn stored_event_ids(snap: &Path) -> Vec<String> {
    stored_event_lines(snap)
        .iter()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("a stored event is JSON");
            v["id"]
                .as_str()
                .expect("a stored event has an id")
                .to_string()
        })
        .collect()
}

/// The manifest's `files` key of the snapshot's events file (`events.ndjson.zst` or
/// `events.ndjson`), as the files listed in `manifest` say.
pub fn events_entry(manifest: &serde_json::Value) -> String {
    let files = manifest["files"].as_object().expect("manifest files");
    let names: Vec<&String> = files
        .keys()
        .filter(|k| EventsFormat::of_file_name(k).is_some())
        .collect();
    assert_eq!(names.len(), 1, "one events file listed: {names:?}");
    names[0].clone()
}
