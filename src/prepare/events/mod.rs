//! One streaming pass over `events.ndjson`: each line is read with a borrowed parse of only the
//! fields facts need (`fastparse`), checked to follow the one before it in (time, id) order
//! (an equal neighbour is a repeat, dropped), and folded into
//! aggregates (counts per day, action, actor, country; first/last seen; MCP and admin usage)
//! and into the declared facts of the pack (`facts`). Slim copies are kept only of events whose
//! action a policy lists in `custom.data.events`, or that a `select` fact picks. Memory is
//! bounded by the number of distinct keys, the selected events and the events of windows still
//! open, never by the whole history (docs/architecture.md).
//!
//! Pipeline (`scan_source`): a reader cuts the file into ~4 MB blocks at line ends; parser
//! threads read each block's lines into compact records (string fields as spans into the
//! block); one aggregator folds the blocks in file order, so the result does not depend on
//! thread timing. Parsing is most of the work, so it is what runs in parallel. The reader also
//! hashes the bytes as it reads them and the aggregator counts the events, so the file is
//! checked against the manifest's sha256 and record count without a second read. A compressed
//! `events.ndjson.zst` is decoded by the reader (`snapshot::event_file::decode`), which hashes
//! the stored bytes for the manifest check and the NDJSON for the content hash.

mod facts;
mod read;
mod record;
mod scan;
mod view;

pub use facts::{ActorFacts, EventFacts, McpUser, ToolUse};
pub use record::EventRef;
pub use scan::ScanPlan;
pub use view::{is_error_status, product_of, slim};

use super::timing::{Timing, Timings};
use crate::snapshot::{verify, EventSource, FileEntry, OpenEvents, SnapshotError};
use read::{BlockReader, HashingReader, ReadToEnd, BLOCK_BYTES};
use record::{parse_block, Block};
use scan::Scanner;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::sync::{mpsc, Arc, Mutex};

/// CPU seconds the calling thread has used (Linux; 0 elsewhere), for the phase timings.
fn thread_cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/thread-self/stat") else {
        return 0.0;
    };
    // Fields after the parenthesised command: state is field 3; utime, stime are 14 and 15.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

/// Streams every event once, parsing on `threads` threads (at least one). With `expected`
/// (the manifest's entry for the file), the bytes read and the events counted must match it:
/// a mismatch is an error naming both, and wins over a parse error it explains. The
/// aggregator thread's CPU time goes to `timings`.
pub fn scan_source(
    source: &EventSource,
    plan: ScanPlan,
    threads: usize,
    expected: Option<&FileEntry>,
    timings: &Timings,
) -> Result<EventFacts, SnapshotError> {
    scan_blocks(source, plan, threads, BLOCK_BYTES, expected, timings)
}

fn scan_blocks(
    source: &EventSource,
    plan: ScanPlan,
    threads: usize,
    block_bytes: usize,
    expected: Option<&FileEntry>,
    timings: &Timings,
) -> Result<EventFacts, SnapshotError> {
    let OpenEvents {
        path,
        reader,
        stored,
    } = source.open()?;
    let started = std::time::Instant::now();
    let mut s = Scanner::new(plan);
    let Some(reader) = reader else {
        return Ok(s.finish());
    };
    // A compressed file whose manifest records the sha256 of its NDJSON: once the stored bytes
    // match the manifest, that is the content hash, and the decoded bytes need no hashing.
    let recorded_content = stored
        .as_ref()
        .and(expected)
        .and_then(|e| e.content_sha256.clone());
    let mut blocks = BlockReader {
        reader: HashingReader {
            inner: reader,
            hasher: recorded_content.is_none().then(Sha256::new),
            failed: false,
        },
        block_bytes,
        carry: Vec::new(),
        next_line: 1,
        seq: 0,
        done: false,
        path: path.clone(),
    };
    let threads = threads.max(1);
    let (work_tx, work_rx) = mpsc::sync_channel::<Block>(threads * 2);
    let work_rx = Arc::new(Mutex::new(work_rx));
    let (done_tx, done_rx) = mpsc::sync_channel::<Block>(threads * 2);
    let mut failure: Option<SnapshotError> = None;
    let mut records = 0u64;
    let mut found_sha256: Option<String> = None;
    let mut ndjson_sha256: Option<String> = None;
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let rx = Arc::clone(&work_rx);
            let tx = done_tx.clone();
            let path = path.as_str();
            scope.spawn(move || loop {
                let next = match rx.lock() {
                    Ok(guard) => guard.recv(),
                    Err(_) => break,
                };
                let Ok(mut block) = next else { break };
                parse_block(&mut block, path);
                if tx.send(block).is_err() {
                    break;
                }
            });
            // (Worker CPU is reported by the timing line below as total minus aggregator.)
        }
        drop(done_tx);
        // Only the workers hold the work receiver: when they stop, the reader's sends fail.
        drop(work_rx);
        // The reader runs here; the aggregator takes parsed blocks in file order.
        let reader = scope.spawn(move || {
            let mut error = None;
            while let Some(item) = blocks.next_block() {
                match item {
                    Ok(block) => {
                        if work_tx.send(block).is_err() {
                            break;
                        }
                    }
                    Err(e) => {
                        error = Some(e);
                        break;
                    }
                }
            }
            // Let the parsers finish before hashing whatever a stopped pass left unread.
            drop(work_tx);
            let ndjson = blocks.reader.finish();
            // A compressed file: the manifest hashes the stored bytes, the content hash the
            // NDJSON (so reports of the same events are the same however they were stored).
            let stored = match stored {
                Some(stored) => stored.finish(),
                None => match &ndjson {
                    ReadToEnd::Hashed(h) => Some(h.clone()),
                    _ => None,
                },
            };
            let ndjson = match ndjson {
                ReadToEnd::Hashed(h) => Some(h),
                // Checked against the stored bytes' hash below, before it is used.
                ReadToEnd::NotHashed => recorded_content.clone(),
                ReadToEnd::Failed => None,
            };
            (error, stored, ndjson)
        });
        let aggregator_cpu = thread_cpu_seconds();
        let mut pending: BTreeMap<u64, Block> = BTreeMap::new();
        let mut next = 0u64;
        for block in done_rx.iter() {
            pending.insert(block.seq, block);
            while let Some(block) = pending.remove(&next) {
                next += 1;
                if failure.is_none() {
                    records += block.recs.len() as u64;
                    for r in &block.recs {
                        let ev = block.event(r);
                        if let Err(message) = s.add(&ev) {
                            failure = Some(SnapshotError::EventLine {
                                path: path.clone(),
                                line: ev.line_no,
                                message,
                            });
                            break;
                        }
                    }
                    if failure.is_none() {
                        failure = block.error;
                    }
                }
            }
            if failure.is_some() {
                break;
            }
        }
        drop(done_rx);
        // What the pass holds with every fact still open, before they are finished.
        timings.phase("prepare: events read", started);
        if timings.enabled() {
            timings.report(Timing::AggregatorCpu {
                seconds: thread_cpu_seconds() - aggregator_cpu,
                threads,
            });
        }
        // A read error comes after every block before it (a parse error in one of those
        // blocks is earlier in the file, so it wins).
        match reader.join() {
            Ok((error, stored, ndjson)) => {
                if failure.is_none() {
                    failure = error;
                }
                found_sha256 = stored;
                ndjson_sha256 = ndjson;
            }
            Err(_) => {
                failure.get_or_insert(SnapshotError::Invalid {
                    path: path.clone(),
                    message: "the reader thread stopped unexpectedly".to_string(),
                });
            }
        }
    });
    // The file against the manifest first: a parse error in a file that does not hash as
    // collected is a symptom of the damage, which is what the user must be told.
    if let (Some(expected), Some(sha256)) = (expected, &found_sha256) {
        let counted = match &failure {
            None => Ok(records),
            Some(e) => Err(e.to_string()),
        };
        if let Some(mismatch) = verify::mismatch(&path, expected, sha256, counted) {
            return Err(mismatch);
        }
    }
    if let Some(e) = failure {
        return Err(e);
    }
    let Some(sha256) = found_sha256.and(ndjson_sha256) else {
        return Err(SnapshotError::Invalid {
            path,
            message: "could not be read to its end".to_string(),
        });
    };
    let mut facts = s.finish();
    facts.file = Some(FileEntry {
        sha256,
        records,
        compression: None,
        content_sha256: None,
    });
    Ok(facts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn line(n: usize, time: &str, action: &str) -> String {
        format!(
            r#"{{"id":"e{n:04}","type":"events","attributes":{{"time":"{time}","action":"{action}","actor":{{"id":"a{}","name":"N\u00e9{n}"}},"location":{{"countryName":"Germany","city":"Berlin"}}}}}}"#,
            n % 3
        )
    }

    fn source(lines: &[String]) -> EventSource {
        EventSource::Memory(Arc::new(lines.join("\n").into_bytes()))
    }

    #[test]
    fn small_blocks_and_threads_give_the_same_facts() {
        let mut lines: Vec<String> = (0..200)
            .map(|n| {
                line(
                    n,
                    &format!("2026-11-0{}T10:00:00.000Z", 1 + n / 23),
                    "user_login",
                )
            })
            .collect();
        // An event stored twice, as neighbours (the file's order puts a repeat next to it).
        lines.insert(6, lines[5].clone());
        lines.insert(50, String::new());
        let plan = || ScanPlan::simple(["user_login".to_string()].into_iter().collect());
        let one = scan_blocks(
            &source(&lines),
            plan(),
            1,
            1 << 20,
            None,
            &Timings::default(),
        )
        .unwrap();
        let many = scan_blocks(&source(&lines), plan(), 3, 97, None, &Timings::default()).unwrap();
        assert_eq!(one.total, 200);
        assert_eq!(one.duplicates, 1);
        assert_eq!(many.total, one.total);
        assert_eq!(many.per_day, one.per_day);
        assert_eq!(many.actors(), one.actors());
        assert_eq!(many.by_action, one.by_action);
        assert_eq!(one.per_actor["a1"].name.as_deref(), Some("Né1"));
    }

    #[test]
    fn an_event_out_of_order_is_an_error_naming_its_line() {
        let mut lines: Vec<String> = (0..100)
            .map(|n| line(n, "2026-11-01T10:00:00.000Z", "user_login"))
            .collect();
        // Line 61 holds an event whose time is before its predecessor's.
        lines[60] = line(60, "2026-11-01T09:59:59.999Z", "user_login");
        for (threads, block) in [(1, 1 << 20), (2, 64)] {
            let err = scan_blocks(
                &source(&lines),
                ScanPlan::simple(BTreeSet::new()),
                threads,
                block,
                None,
                &Timings::default(),
            )
            .unwrap_err()
            .to_string();
            assert!(
                err.starts_with(r#"demo/events.ndjson: line 61: event "e0060" is out of order: it sorts before event "e0059" on line 60"#),
                "{err}"
            );
        }
    }

    #[test]
    fn an_error_in_a_late_block_names_its_line() {
        let mut lines: Vec<String> = (0..100)
            .map(|n| line(n, "2026-11-01T10:00:00.000Z", "user_login"))
            .collect();
        lines[70] = r#"{"id":"x","attributes":{"time":"2026-11-01T10:00:00Z","action":7,"actor":{"id":"a"}}}"#.to_string();
        let err = scan_blocks(
            &source(&lines),
            ScanPlan::simple(BTreeSet::new()),
            2,
            64,
            None,
            &Timings::default(),
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.starts_with("demo/events.ndjson: line 71: column"),
            "{err}"
        );
        assert!(err.contains("attributes.action"), "{err}");
    }

    fn sha256(bytes: &[u8]) -> String {
        hex::encode(Sha256::digest(bytes))
    }

    #[test]
    fn the_pass_hashes_and_counts_every_byte_in_file_order() {
        let mut lines: Vec<String> = (0..150)
            .map(|n| line(n, "2026-11-01T10:00:00.000Z", "user_login"))
            .collect();
        lines.insert(9, String::new());
        let bytes = lines.join("\n").into_bytes();
        let expected = FileEntry {
            sha256: sha256(&bytes),
            records: 150,
            compression: None,
            content_sha256: None,
        };
        // Small blocks on three threads: the hash must not depend on how the file is cut.
        for (threads, block) in [(1, 1 << 20), (3, 97)] {
            let facts = scan_blocks(
                &source(&lines),
                ScanPlan::simple(BTreeSet::new()),
                threads,
                block,
                Some(&expected),
                &Timings::default(),
            )
            .unwrap();
            assert_eq!(facts.file.as_ref(), Some(&expected));
        }
    }

    #[test]
    fn a_file_that_differs_from_the_manifest_is_named_with_both_hashes() {
        let lines: Vec<String> = (0..100)
            .map(|n| line(n, "2026-11-01T10:00:00.000Z", "user_login"))
            .collect();
        let collected = FileEntry {
            sha256: sha256(lines.join("\n").as_bytes()),
            records: 100,
            compression: None,
            content_sha256: None,
        };
        let scan = |lines: &[String]| {
            scan_blocks(
                &source(lines),
                ScanPlan::simple(BTreeSet::new()),
                2,
                64,
                Some(&collected),
                &Timings::default(),
            )
            .unwrap_err()
            .to_string()
        };
        let half = scan(&lines[..50]);
        let found = sha256(lines[..50].join("\n").as_bytes());
        assert!(
            half.starts_with(&format!(
                "demo/events.ndjson: does not match manifest.json: expected sha256 {} and 100 records, found sha256 {found} and 50 records;",
                collected.sha256
            )),
            "{half}"
        );
        // A damaged line stops the parse early; the whole file is still hashed, and the
        // mismatch (the cause) is reported rather than the parse error (its symptom).
        let mut damaged = lines.clone();
        damaged[20] = damaged[20].replacen("\"time\"", "\"tim\u{1}\"", 1);
        let err = scan(&damaged);
        let found = sha256(damaged.join("\n").as_bytes());
        assert!(err.contains(&format!("found sha256 {found} and records that cannot be counted (demo/events.ndjson: line 21")), "{err}");
        // Same bytes, different count in the manifest.
        let miscounted = FileEntry {
            records: 99,
            compression: None,
            ..collected.clone()
        };
        let err = scan_blocks(
            &source(&lines),
            ScanPlan::simple(BTreeSet::new()),
            1,
            1 << 20,
            Some(&miscounted),
            &Timings::default(),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("expected sha256"), "{err}");
        assert!(err.contains("and 99 records, found sha256"), "{err}");
        assert!(err.contains("and 100 records;"), "{err}");
    }

    #[test]
    fn a_compressed_file_takes_its_content_hash_from_the_manifest_once_its_bytes_match() {
        use crate::snapshot::event_file::{EventFileWriter, EventsFormat};
        let lines: Vec<String> = (0..300)
            .map(|n| line(n, "2026-11-01T10:00:00.000Z", "user_login"))
            .collect();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(EventsFormat::Zstd.file_name());
        let mut w = EventFileWriter::create(&path, EventsFormat::Zstd).unwrap();
        for l in &lines {
            w.write_line(l).unwrap();
        }
        let written = w.finish().unwrap();
        let ndjson: String = lines.iter().map(|l| format!("{l}\n")).collect();
        assert_eq!(written.content_sha256, Some(sha256(ndjson.as_bytes())));
        let scan = |entry: &FileEntry| {
            scan_blocks(
                &EventSource::File(path.clone()),
                ScanPlan::simple(BTreeSet::new()),
                2,
                1 << 10,
                Some(entry),
                &Timings::default(),
            )
        };
        let recorded = FileEntry {
            sha256: written.sha256.clone(),
            records: 300,
            compression: Some("zstd".into()),
            // Not the real hash: proves the pass took it from the manifest, not from hashing.
            content_sha256: Some("c".repeat(64)),
        };
        let facts = scan(&recorded).unwrap();
        assert_eq!(facts.total, 300);
        assert_eq!(facts.file.unwrap().sha256, "c".repeat(64));
        // A manifest from before the field: the decoded bytes are hashed.
        let older = FileEntry {
            content_sha256: None,
            ..recorded.clone()
        };
        assert_eq!(
            scan(&older).unwrap().file.unwrap().sha256,
            sha256(ndjson.as_bytes())
        );
        // Stored bytes that differ from the manifest are refused before the recorded hash is
        // believed.
        let other = FileEntry {
            sha256: "d".repeat(64),
            ..recorded
        };
        let err = scan(&other).unwrap_err().to_string();
        assert!(err.contains("does not match manifest.json"), "{err}");
    }
}
