//! The block reader: the events bytes cut into blocks of whole lines, hashed as they are read.

use super::record::Block;
use crate::snapshot::SnapshotError;
use sha2::{Digest, Sha256};
use std::io::Read;

pub(super) const BLOCK_BYTES: usize = 4 << 20;

/// The events bytes, hashed in file order as they are read: verifying the file against the
/// manifest costs no second read, and the hashing runs on the reader thread, overlapped with
/// the parsing. `hasher` is `None` when the content hash is known without it (a compressed
/// file whose manifest records the hash of its NDJSON).
pub(super) struct HashingReader {
    pub(super) inner: Box<dyn Read + Send>,
    pub(super) hasher: Option<Sha256>,
    /// A read failed: the hash does not cover the whole file.
    pub(super) failed: bool,
}

impl Read for HashingReader {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        match self.inner.read(out) {
            Ok(n) => {
                if let Some(h) = self.hasher.as_mut() {
                    h.update(&out[..n]);
                }
                Ok(n)
            }
            Err(e) => {
                self.failed |= e.kind() != std::io::ErrorKind::Interrupted;
                Err(e)
            }
        }
    }
}

/// What the reader learnt of the bytes it read.
pub(super) enum ReadToEnd {
    /// Read to the end; the sha256 of every byte.
    Hashed(String),
    /// Read as far as the pass needed, not hashed (the hash comes from the manifest).
    NotHashed,
    /// A read failed: the file could not be read to its end.
    Failed,
}

impl HashingReader {
    /// The sha256 of the whole file. What a stopped pass (a bad line) left unread is read
    /// here, hashed only, so a damaged file is named by its hash.
    pub(super) fn finish(mut self) -> ReadToEnd {
        if self.failed {
            return ReadToEnd::Failed;
        }
        if self.hasher.is_none() {
            return ReadToEnd::NotHashed;
        }
        if std::io::copy(&mut self, &mut std::io::sink()).is_err() {
            return ReadToEnd::Failed;
        }
        self.hasher.map_or(ReadToEnd::NotHashed, |h| {
            ReadToEnd::Hashed(hex::encode(h.finalize()))
        })
    }
}

/// Reads whole-line blocks; the tail after the last newline waits for the next read.
pub(super) struct BlockReader {
    pub(super) reader: HashingReader,
    pub(super) block_bytes: usize,
    pub(super) carry: Vec<u8>,
    pub(super) next_line: u64,
    pub(super) seq: u64,
    pub(super) done: bool,
    pub(super) path: String,
}

impl BlockReader {
    pub(super) fn next_block(&mut self) -> Option<Result<Block, SnapshotError>> {
        if self.done {
            return None;
        }
        let mut buf = std::mem::take(&mut self.carry);
        let want = buf.len() + self.block_bytes;
        buf.reserve(self.block_bytes);
        let mut eof = false;
        while buf.len() < want {
            // `read_to_end` through `take` reads into the spare capacity without zero-filling
            // it first (a 4 MB memset per block was 3% of the pass).
            let room = (want - buf.len()) as u64;
            match (&mut self.reader).take(room).read_to_end(&mut buf) {
                Ok(0) => {
                    eof = true;
                    break;
                }
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.done = true;
                    return Some(Err(SnapshotError::EventLine {
                        path: self.path.clone(),
                        line: self.next_line,
                        message: format!(
                            "cannot read: {e} (expected UTF-8 JSON, one event per line)"
                        ),
                    }));
                }
            }
        }
        if eof {
            self.done = true;
            if buf.is_empty() {
                return None;
            }
        } else {
            // Keep the partial last line for the next block (a line longer than a block just
            // makes this block longer).
            match buf.iter().rposition(|&b| b == b'\n') {
                Some(i) => self.carry = buf.split_off(i + 1),
                None => {
                    self.carry = buf;
                    return self.next_block();
                }
            }
        }
        let first_line = self.next_line;
        let newlines = memchr::memchr_iter(b'\n', &buf).count() as u64;
        self.next_line += newlines;
        if eof && buf.last() != Some(&b'\n') {
            self.next_line += 1;
        }
        let seq = self.seq;
        self.seq += 1;
        let text = match String::from_utf8(buf) {
            Ok(t) => t,
            Err(e) => {
                let bytes = e.into_bytes();
                let bad = match std::str::from_utf8(&bytes) {
                    Err(u) => u.valid_up_to(),
                    Ok(_) => 0,
                };
                let line = first_line + bytes[..bad].iter().filter(|&&b| b == b'\n').count() as u64;
                self.done = true;
                return Some(Err(SnapshotError::EventLine {
                    path: self.path.clone(),
                    line,
                    message: "cannot read: stream did not contain valid UTF-8 (expected UTF-8 JSON, one event per line)".to_string(),
                }));
            }
        };
        Some(Ok(Block {
            seq,
            first_line,
            text,
            side: String::new(),
            recs: Vec::new(),
            error: None,
        }))
    }
}
