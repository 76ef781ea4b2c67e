//! The stored events file in its two forms: plain NDJSON (`events.ndjson`) or zstd
//! (`events.ndjson.zst`, the default). A compressed file is a sequence of independent zstd
//! frames, each holding whole lines (about [`FRAME_BYTES`] of NDJSON), so a reader can find
//! the frame boundaries without decompressing and hand frames to several threads; any zstd
//! tool reads it as one stream. The manifest hashes the stored bytes (compressed or not).
//!
//! Frames are compressed on [`COMPRESS_THREADS`] threads while the caller keeps producing
//! lines, and written in order by one more: compression at ~1 KB per event is the largest
//! cost of writing, and running it beside the merge that produces the lines hides most of it.
//! A plain file goes through the same pipeline uncompressed, in [`PLAIN_CHUNK_BYTES`] chunks:
//! hashing and writing it then run beside the caller too.

use super::SnapshotError;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

pub const PLAIN_FILE: &str = "events.ndjson";
pub const ZSTD_FILE: &str = "events.ndjson.zst";

/// Uncompressed bytes per zstd frame: large enough for a good ratio, small enough that a
/// snapshot of 10^6 events has hundreds of frames to share between threads.
pub const FRAME_BYTES: usize = 4 << 20;
/// zstd level: level 3 (zstd's default) stays under 150 bytes per real-shape event; higher
/// levels cost much more CPU for a few percent.
pub const ZSTD_LEVEL: i32 = 3;
/// The level where compressing is most of the work (`import-events`, which is CPU-bound
/// where `collect` waits on the network): level 1 compresses the demo generator's real-shape
/// events about a third faster than level 3 and stores ~89 bytes per event instead of ~82
/// (100 MB of its NDJSON in 4 MB frames, zstd 1.5), well under the 150 of issue 16.
pub const FAST_ZSTD_LEVEL: i32 = 1;
const COMPRESS_THREADS: usize = 2;
/// Bytes of a plain file handed to the writing thread at a time.
const PLAIN_CHUNK_BYTES: usize = 1 << 20;

/// How a snapshot stores its events.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventsFormat {
    /// `events.ndjson.zst`: independent zstd frames of whole lines.
    Zstd,
    /// `events.ndjson`: one event per line, uncompressed.
    Ndjson,
}

impl EventsFormat {
    /// What `collect`, `import-events` and `demo` write unless told otherwise.
    pub const DEFAULT: EventsFormat = EventsFormat::Zstd;
    pub const ALL: [EventsFormat; 2] = [EventsFormat::Zstd, EventsFormat::Ndjson];

    pub fn file_name(self) -> &'static str {
        match self {
            EventsFormat::Zstd => ZSTD_FILE,
            EventsFormat::Ndjson => PLAIN_FILE,
        }
    }

    /// The manifest's `compression` of the file (`None` for plain NDJSON).
    pub fn compression(self) -> Option<String> {
        match self {
            EventsFormat::Zstd => Some("zstd".to_string()),
            EventsFormat::Ndjson => None,
        }
    }

    pub fn of_file_name(name: &str) -> Option<EventsFormat> {
        EventsFormat::ALL
            .into_iter()
            .find(|f| f.file_name() == name)
    }
}

fn io_error(path: &Path, source: std::io::Error) -> SnapshotError {
    SnapshotError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// What an events file holds once written.
#[derive(Clone, Debug, PartialEq)]
pub struct WrittenEvents {
    /// sha256 of the bytes on disk.
    pub sha256: String,
    /// sha256 of the NDJSON, for a compressed file (the manifest's `content_sha256`).
    pub content_sha256: Option<String>,
    pub records: u64,
    /// Bytes on disk, and of NDJSON they hold.
    pub stored_bytes: u64,
    pub ndjson_bytes: u64,
}

/// Writes an events file line by line; [`EventFileWriter::finish`] syncs it to disk.
pub struct EventFileWriter {
    path: PathBuf,
    records: u64,
    ndjson_bytes: u64,
    frames: Frames,
}

/// The writing pipeline: the frame (or plain chunk) being filled, the workers that compress
/// frames (or pass chunks through) and the ordered writer, which hashes what it writes.
struct Frames {
    /// Bytes of NDJSON per frame or chunk.
    frame_bytes: usize,
    frame: Vec<u8>,
    next_seq: u64,
    work: Option<mpsc::SyncSender<(u64, Vec<u8>)>>,
    workers: Vec<std::thread::JoinHandle<()>>,
    writer: Option<std::thread::JoinHandle<std::io::Result<Written>>>,
}

/// What the ordered writer wrote: the hash of the stored bytes, of the NDJSON when it was
/// compressed, and how many bytes it stored.
struct Written {
    stored: Sha256,
    content: Option<Sha256>,
    bytes: u64,
}

impl Frames {
    /// `level`: the zstd level of each frame, `None` for plain chunks.
    fn start(file: std::fs::File, level: Option<i32>) -> Frames {
        let compress = level.is_some();
        let frame_bytes = if compress {
            FRAME_BYTES
        } else {
            PLAIN_CHUNK_BYTES
        };
        let (work_tx, work_rx) = mpsc::sync_channel::<(u64, Vec<u8>)>(COMPRESS_THREADS * 2);
        let work_rx = std::sync::Arc::new(std::sync::Mutex::new(work_rx));
        // A compressed frame travels with its NDJSON, which the ordered writer hashes.
        type Done = (u64, std::io::Result<(Vec<u8>, Option<Vec<u8>>)>);
        let (done_tx, done_rx) = mpsc::sync_channel::<Done>(COMPRESS_THREADS * 2);
        let workers = (0..COMPRESS_THREADS)
            .map(|_| {
                let rx = std::sync::Arc::clone(&work_rx);
                let tx = done_tx.clone();
                std::thread::spawn(move || {
                    // Each frame carries its content checksum: a damaged frame fails to
                    // decode instead of yielding other text. A plain chunk passes through.
                    let made = level.map(|level| {
                        zstd::bulk::Compressor::new(level).and_then(|mut c| {
                            c.set_parameter(zstd::zstd_safe::CParameter::ChecksumFlag(true))?;
                            Ok(c)
                        })
                    });
                    let mut compressor = match made {
                        None => None,
                        Some(Ok(c)) => Some(c),
                        Some(Err(e)) => {
                            let _ = tx.send((0, Err(e)));
                            return;
                        }
                    };
                    loop {
                        let next = match rx.lock() {
                            Ok(guard) => guard.recv(),
                            Err(_) => break,
                        };
                        let Ok((seq, raw)) = next else { break };
                        let out = match compressor.as_mut() {
                            Some(c) => c.compress(&raw).map(|frame| (frame, Some(raw))),
                            None => Ok((raw, None)),
                        };
                        if tx.send((seq, out)).is_err() {
                            break;
                        }
                    }
                })
            })
            .collect();
        drop(done_tx);
        let writer = std::thread::spawn(move || {
            let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
            let mut hasher = Sha256::new();
            let mut content = compress.then(Sha256::new);
            let mut pending: BTreeMap<u64, (Vec<u8>, Option<Vec<u8>>)> = BTreeMap::new();
            let mut next = 0u64;
            let mut written = 0u64;
            for (seq, frame) in done_rx {
                pending.insert(seq, frame?);
                while let Some((frame, raw)) = pending.remove(&next) {
                    out.write_all(&frame)?;
                    hasher.update(&frame);
                    if let (Some(content), Some(raw)) = (content.as_mut(), raw) {
                        content.update(&raw);
                    }
                    written += frame.len() as u64;
                    next += 1;
                }
            }
            if !pending.is_empty() {
                return Err(std::io::Error::other("a compressed frame went missing"));
            }
            out.flush()?;
            out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
            Ok(Written {
                stored: hasher,
                content,
                bytes: written,
            })
        });
        Frames {
            frame_bytes,
            frame: Vec::with_capacity(frame_bytes + (64 << 10)),
            next_seq: 0,
            work: Some(work_tx),
            workers,
            writer: Some(writer),
        }
    }

    /// Hands the frame being filled to the compressors (an empty one only when `even_empty`).
    fn send_frame(&mut self, even_empty: bool) -> std::io::Result<()> {
        if self.frame.is_empty() && !even_empty {
            return Ok(());
        }
        let raw = std::mem::replace(
            &mut self.frame,
            Vec::with_capacity(self.frame_bytes + (64 << 10)),
        );
        let sent = self
            .work
            .as_ref()
            .is_some_and(|tx| tx.send((self.next_seq, raw)).is_ok());
        self.next_seq += 1;
        if sent {
            Ok(())
        } else {
            // The pipeline stopped: its error comes out of `finish`.
            Err(self
                .stop()
                .err()
                .unwrap_or_else(|| std::io::Error::other("the compressing threads stopped")))
        }
    }

    /// Ends the pipeline: the writer's hash and byte count, or the first error.
    fn stop(&mut self) -> std::io::Result<Written> {
        self.work = None;
        for w in self.workers.drain(..) {
            let _ = w.join();
        }
        match self.writer.take() {
            Some(w) => w
                .join()
                .unwrap_or_else(|_| Err(std::io::Error::other("the writing thread panicked"))),
            None => Err(std::io::Error::other(
                "the events file was already finished",
            )),
        }
    }
}

impl Drop for Frames {
    fn drop(&mut self) {
        if self.writer.is_some() {
            let _ = self.stop();
        }
    }
}

impl EventFileWriter {
    /// Creates (truncates) `path` for events in `format` (zstd at [`ZSTD_LEVEL`]).
    pub fn create(path: &Path, format: EventsFormat) -> Result<EventFileWriter, SnapshotError> {
        EventFileWriter::create_at_level(path, format, ZSTD_LEVEL)
    }

    /// [`EventFileWriter::create`], compressing at zstd level `level`.
    pub fn create_at_level(
        path: &Path,
        format: EventsFormat,
        level: i32,
    ) -> Result<EventFileWriter, SnapshotError> {
        let file = std::fs::File::create(path).map_err(|e| io_error(path, e))?;
        let frames = Frames::start(file, (format == EventsFormat::Zstd).then_some(level));
        Ok(EventFileWriter {
            path: path.to_path_buf(),
            records: 0,
            ndjson_bytes: 0,
            frames,
        })
    }

    /// Appends one event line (a trailing newline in `line` is dropped; one is added).
    pub fn write_line(&mut self, line: &str) -> Result<(), SnapshotError> {
        let line = line.trim_end_matches(['\n', '\r']).as_bytes();
        self.records += 1;
        self.ndjson_bytes += line.len() as u64 + 1;
        let frames = &mut self.frames;
        frames.frame.extend_from_slice(line);
        frames.frame.push(b'\n');
        if frames.frame.len() >= frames.frame_bytes {
            frames
                .send_frame(false)
                .map_err(|e| io_error(&self.path, e))?;
        }
        Ok(())
    }

    /// Flushes and syncs the file; what it holds.
    pub fn finish(self) -> Result<WrittenEvents, SnapshotError> {
        let path = self.path;
        let fail = |e: std::io::Error| io_error(&path, e);
        let mut frames = self.frames;
        // No events still makes one (empty) frame: an empty file is not a zstd stream (an
        // empty plain chunk writes nothing).
        if frames.next_seq == 0 || !frames.frame.is_empty() {
            frames.send_frame(true).map_err(fail)?;
        }
        let written = frames.stop().map_err(fail)?;
        Ok(WrittenEvents {
            sha256: hex::encode(written.stored.finalize()),
            content_sha256: written.content.map(|h| hex::encode(h.finalize())),
            stored_bytes: written.bytes,
            records: self.records,
            ndjson_bytes: self.ndjson_bytes,
        })
    }
}

/// The events file a manifest lists (either form), with its entry.
pub fn listed(
    files: &BTreeMap<String, super::FileEntry>,
) -> Option<(EventsFormat, &super::FileEntry)> {
    EventsFormat::ALL
        .into_iter()
        .find_map(|f| files.get(f.file_name()).map(|entry| (f, entry)))
}

/// The form of a stored events file, told by its name.
pub fn format_of_path(path: &Path) -> EventsFormat {
    path.file_name()
        .and_then(|n| n.to_str())
        .and_then(EventsFormat::of_file_name)
        .unwrap_or(EventsFormat::Ndjson)
}

struct Tap {
    raw: Box<dyn Read + Send>,
    hasher: Sha256,
    /// A read failed: the hash does not cover the whole file.
    failed: bool,
}

/// The stored bytes of an events file, hashed in file order as any reader (the decoder)
/// pulls them: verifying the file against the manifest costs no second read.
#[derive(Clone)]
pub struct StoredBytes(Arc<Mutex<Tap>>);

impl Read for StoredBytes {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let mut tap = self
            .0
            .lock()
            .map_err(|_| std::io::Error::other("events reader poisoned"))?;
        match tap.raw.read(out) {
            Ok(n) => {
                tap.hasher.update(&out[..n]);
                Ok(n)
            }
            Err(e) => {
                tap.failed |= e.kind() != std::io::ErrorKind::Interrupted;
                Err(e)
            }
        }
    }
}

impl StoredBytes {
    /// The sha256 of the whole stored file. What a stopped pass (a bad line, a damaged frame)
    /// left unread is read here, hashed only, so a damaged file is named by its hash; `None`
    /// when the file could not be read to its end.
    pub fn finish(mut self) -> Option<String> {
        let mut buf = vec![0u8; 256 << 10];
        loop {
            match self.read(&mut buf) {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => return None,
            }
        }
        let tap = self.0.lock().ok()?;
        if tap.failed {
            return None;
        }
        Some(hex::encode(tap.hasher.clone().finalize()))
    }
}

/// Opens stored events bytes `raw` in `format`: the NDJSON they hold, and the tap that hashes
/// the stored bytes. zstd frames are decoded one after another (any number of them).
pub fn decode(
    raw: Box<dyn Read + Send>,
    format: EventsFormat,
) -> std::io::Result<(Box<dyn Read + Send>, StoredBytes)> {
    let stored = StoredBytes(Arc::new(Mutex::new(Tap {
        raw,
        hasher: Sha256::new(),
        failed: false,
    })));
    let ndjson: Box<dyn Read + Send> = match format {
        EventsFormat::Ndjson => Box::new(stored.clone()),
        EventsFormat::Zstd => Box::new(zstd::stream::read::Decoder::new(stored.clone())?),
    };
    Ok((ndjson, stored))
}

/// Splits `bytes` (the start of a compressed events file, or all of it) into whole zstd frames:
/// the length of the first frame when it is complete in `bytes`, `Ok(None)` when more bytes are
/// needed, or an error when the bytes are not a zstd frame.
pub fn first_frame_len(bytes: &[u8]) -> Result<Option<usize>, String> {
    if bytes.len() < 4 {
        return Ok(None);
    }
    match zstd::zstd_safe::find_frame_compressed_size(bytes) {
        Ok(n) => Ok(Some(n)),
        Err(code) => {
            let name = zstd::zstd_safe::get_error_name(code);
            if name.contains("Src size is incorrect") || name.contains("srcSize") {
                Ok(None)
            } else if bytes.len() >= 4 && !bytes.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
                Err("not a zstd frame (expected zstd-compressed NDJSON)".to_string())
            } else {
                Err(format!("damaged zstd frame: {name}"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn lines(n: usize) -> Vec<String> {
        (0..n)
            .map(|i| format!("{{\"id\":\"e{i:07}\",\"attributes\":{{\"time\":\"2026-01-01T00:00:00Z\",\"pad\":\"{}\"}}}}", "x".repeat(i % 300)))
            .collect()
    }

    #[test]
    fn both_formats_hash_the_stored_bytes_and_hold_the_same_lines() {
        let dir = tempfile::tempdir().unwrap();
        // Enough for several frames.
        let lines = lines(60_000);
        let expected: String = lines.iter().map(|l| format!("{l}\n")).collect();
        for format in EventsFormat::ALL {
            let path = dir.path().join(format.file_name());
            let mut w = EventFileWriter::create(&path, format).unwrap();
            for l in &lines {
                w.write_line(l).unwrap();
            }
            let written = w.finish().unwrap();
            let stored = std::fs::read(&path).unwrap();
            assert_eq!(written.sha256, hex::encode(Sha256::digest(&stored)));
            assert_eq!(written.records, lines.len() as u64);
            assert_eq!(written.stored_bytes, stored.len() as u64);
            assert_eq!(written.ndjson_bytes, expected.len() as u64);
            let text = match format {
                EventsFormat::Ndjson => String::from_utf8(stored.clone()).unwrap(),
                EventsFormat::Zstd => {
                    let mut out = String::new();
                    zstd::stream::read::Decoder::new(&stored[..])
                        .unwrap()
                        .read_to_string(&mut out)
                        .unwrap();
                    assert!(stored.len() * 5 < expected.len(), "{} bytes", stored.len());
                    out
                }
            };
            assert_eq!(text, expected, "{format:?}");
            // The content hash of a compressed file is of its NDJSON; a plain file has none
            // (its sha256 is of the NDJSON already).
            let content = (format == EventsFormat::Zstd)
                .then(|| hex::encode(Sha256::digest(expected.as_bytes())));
            assert_eq!(written.content_sha256, content, "{format:?}");
        }
    }

    #[test]
    fn no_events_is_one_empty_frame_that_decodes_to_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(ZSTD_FILE);
        let written = EventFileWriter::create(&path, EventsFormat::Zstd)
            .unwrap()
            .finish()
            .unwrap();
        assert_eq!((written.records, written.ndjson_bytes), (0, 0));
        let stored = std::fs::read(&path).unwrap();
        assert!(!stored.is_empty(), "an empty file is not a zstd stream");
        assert_eq!(first_frame_len(&stored), Ok(Some(stored.len())));
        let (mut ndjson, _) = decode(
            Box::new(std::fs::File::open(&path).unwrap()),
            EventsFormat::Zstd,
        )
        .unwrap();
        let mut out = Vec::new();
        ndjson.read_to_end(&mut out).unwrap();
        assert!(out.is_empty());
    }

    #[test]
    fn decoding_hashes_the_stored_bytes_even_of_a_damaged_file() {
        let dir = tempfile::tempdir().unwrap();
        let text: String = lines(20_000).iter().map(|l| format!("{l}\n")).collect();
        for format in EventsFormat::ALL {
            let path = dir.path().join(format.file_name());
            let mut w = EventFileWriter::create(&path, format).unwrap();
            for l in text.lines() {
                w.write_line(l).unwrap();
            }
            let written = w.finish().unwrap();
            assert_eq!(format_of_path(&path), format);
            let file = std::fs::File::open(&path).unwrap();
            let (mut ndjson, stored) = decode(Box::new(file), format).unwrap();
            let mut out = String::new();
            ndjson.read_to_string(&mut out).unwrap();
            assert_eq!(out, text);
            assert_eq!(stored.finish(), Some(written.sha256.clone()));
            // Stopped early: the rest is hashed by `finish`.
            let file = std::fs::File::open(&path).unwrap();
            let (mut ndjson, stored) = decode(Box::new(file), format).unwrap();
            ndjson.read_exact(&mut [0u8; 100]).unwrap();
            assert_eq!(stored.finish(), Some(written.sha256));
        }
        // A flipped byte in a compressed file: decoding fails, the hash still covers it all.
        let path = dir.path().join(ZSTD_FILE);
        let mut bytes = std::fs::read(&path).unwrap();
        let middle = bytes.len() / 2;
        bytes[middle] ^= 0xff;
        let (mut ndjson, stored) = decode(
            Box::new(std::io::Cursor::new(bytes.clone())),
            EventsFormat::Zstd,
        )
        .unwrap();
        let mut out = Vec::new();
        let read = ndjson.read_to_end(&mut out);
        let expected = hex::encode(Sha256::digest(&bytes));
        assert_eq!(stored.finish(), Some(expected));
        assert!(read.is_err() || out != text.as_bytes());
    }

    #[test]
    fn frames_are_found_without_decompressing_and_hold_whole_lines() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(ZSTD_FILE);
        let mut w = EventFileWriter::create(&path, EventsFormat::Zstd).unwrap();
        for l in lines(60_000) {
            w.write_line(&l).unwrap();
        }
        w.finish().unwrap();
        let stored = std::fs::read(&path).unwrap();
        let mut rest = &stored[..];
        let mut frames = 0;
        while !rest.is_empty() {
            assert_eq!(first_frame_len(&rest[..3]), Ok(None));
            let n = first_frame_len(rest).unwrap().unwrap();
            assert_eq!(first_frame_len(&rest[..n - 1]), Ok(None), "a cut frame");
            let raw = zstd::bulk::decompress(&rest[..n], FRAME_BYTES * 2).unwrap();
            assert_eq!(raw.last(), Some(&b'\n'), "frames end at a line end");
            rest = &rest[n..];
            frames += 1;
        }
        assert!(frames > 2, "{frames} frames");
        assert!(first_frame_len(b"{\"id\":1}\n").is_err());
    }
}
