//! External sorting for imports larger than memory: items are held up to a byte budget, then
//! sorted and written to a run file; reading back merges the runs (and the last, in-memory
//! chunk) in order. Memory stays at twice the budget (the chunk being filled and the one being
//! written) plus one read buffer per run, whatever the number of items; an import that fits in
//! the budget never touches the disk.
//!
//! A full chunk is sorted and written on a thread of its own while the caller fills the next
//! one: the import's parsing does not wait for the disk.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

/// An item that can be spooled: ordered, sized, and written as bytes.
pub(super) trait Spooled: Ord + Sized + Send + 'static {
    /// Bytes the item holds in memory (counted against the budget).
    fn held_bytes(&self) -> usize;
    fn write_to(&self, out: &mut impl Write) -> io::Result<()>;
    /// The next item, or `None` at a clean end of the run.
    fn read_from(input: &mut impl BufRead) -> io::Result<Option<Self>>;
}

/// Runs merged at once; more are first merged in groups (one more pass over the data).
const MAX_FAN_IN: usize = 256;
const READ_BUFFER: usize = 32 << 10;
const WRITE_BUFFER: usize = 256 << 10;

/// A private directory for run files, beside the snapshot (same disk, not a RAM-backed /tmp);
/// removed with everything in it when dropped, on success or error.
pub(super) struct SpoolDir {
    path: PathBuf,
    next: std::cell::Cell<u64>,
}

impl SpoolDir {
    pub(super) fn create(beside: &Path) -> io::Result<SpoolDir> {
        std::fs::create_dir_all(crate::snapshot::write::parent_dir(beside))?;
        let path = crate::snapshot::write::hidden_sibling(
            beside,
            &format!("import-spool-{}", std::process::id()),
        );
        if path.exists() {
            std::fs::remove_dir_all(&path)?;
        }
        std::fs::create_dir(&path)?;
        Ok(SpoolDir {
            path,
            next: std::cell::Cell::new(0),
        })
    }

    pub(super) fn path(&self) -> &Path {
        &self.path
    }

    fn new_file(&self, kind: &str) -> PathBuf {
        let n = self.next.get();
        self.next.set(n + 1);
        self.path.join(format!("{kind}-{n}.run"))
    }
}

impl Drop for SpoolDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// Collects items, spilling sorted runs past `budget` bytes.
pub(super) struct ExternalSort<'d, T: Spooled> {
    dir: &'d SpoolDir,
    kind: &'static str,
    budget: usize,
    held: usize,
    buffer: Vec<T>,
    runs: Vec<PathBuf>,
    /// The chunk being sorted and written, and the run it becomes.
    writing: Option<(PathBuf, std::thread::JoinHandle<io::Result<()>>)>,
}

impl<'d, T: Spooled> ExternalSort<'d, T> {
    pub(super) fn new(dir: &'d SpoolDir, kind: &'static str, budget: usize) -> Self {
        ExternalSort {
            dir,
            kind,
            budget,
            held: 0,
            buffer: Vec::new(),
            runs: Vec::new(),
            writing: None,
        }
    }

    pub(super) fn push(&mut self, item: T) -> io::Result<()> {
        self.held += item.held_bytes() + std::mem::size_of::<T>();
        self.buffer.push(item);
        if self.held >= self.budget {
            self.spill()?;
        }
        Ok(())
    }

    fn spill(&mut self) -> io::Result<()> {
        // One chunk in flight at a time: memory stays at twice the budget.
        self.wait_for_write()?;
        let mut chunk = std::mem::take(&mut self.buffer);
        self.held = 0;
        let path = self.dir.new_file(self.kind);
        let file = std::fs::File::create(&path)?;
        let writer = std::thread::spawn(move || {
            chunk.sort_unstable();
            let mut out = BufWriter::with_capacity(WRITE_BUFFER, file);
            for item in &chunk {
                item.write_to(&mut out)?;
            }
            out.flush()
        });
        self.writing = Some((path, writer));
        Ok(())
    }

    /// Waits for the chunk being written; its run joins the others.
    fn wait_for_write(&mut self) -> io::Result<()> {
        if let Some((path, writer)) = self.writing.take() {
            writer
                .join()
                .unwrap_or_else(|_| Err(io::Error::other("the spooling thread panicked")))?;
            self.runs.push(path);
        }
        Ok(())
    }

    /// Every item pushed, in order.
    pub(super) fn into_sorted(mut self) -> io::Result<Sorted<T>> {
        self.wait_for_write()?;
        self.buffer.sort_unstable();
        let memory = std::mem::take(&mut self.buffer);
        while self.runs.len() > MAX_FAN_IN {
            let group: Vec<PathBuf> = self.runs.drain(..MAX_FAN_IN).collect();
            let merged = Sorted::<T>::open(&group, Vec::new())?;
            let path = self.dir.new_file(self.kind);
            let mut out = BufWriter::with_capacity(WRITE_BUFFER, std::fs::File::create(&path)?);
            for item in merged {
                item?.write_to(&mut out)?;
            }
            out.flush()?;
            for run in group {
                std::fs::remove_file(run)?;
            }
            self.runs.push(path);
        }
        Sorted::open(&self.runs, memory)
    }
}

impl<T: Spooled> Drop for ExternalSort<'_, T> {
    fn drop(&mut self) {
        // Not left writing into a spool directory that is about to be removed.
        if let Some((_, writer)) = self.writing.take() {
            let _ = writer.join();
        }
    }
}

enum Source<T> {
    Run(BufReader<std::fs::File>),
    Memory(std::vec::IntoIter<T>),
}

impl<T: Spooled> Source<T> {
    fn next(&mut self) -> io::Result<Option<T>> {
        match self {
            Source::Run(reader) => T::read_from(reader),
            Source::Memory(items) => Ok(items.next()),
        }
    }
}

/// A k-way merge of sorted sources; equal items come out in source order.
pub(super) struct Sorted<T: Spooled> {
    sources: Vec<Source<T>>,
    heap: BinaryHeap<Reverse<(T, usize)>>,
}

impl<T: Spooled> Sorted<T> {
    fn open(runs: &[PathBuf], memory: Vec<T>) -> io::Result<Sorted<T>> {
        let mut sources = Vec::with_capacity(runs.len() + 1);
        for run in runs {
            let file = std::fs::File::open(run)?;
            sources.push(Source::Run(BufReader::with_capacity(READ_BUFFER, file)));
        }
        sources.push(Source::Memory(memory.into_iter()));
        let mut heap = BinaryHeap::with_capacity(sources.len());
        for (i, source) in sources.iter_mut().enumerate() {
            if let Some(item) = source.next()? {
                heap.push(Reverse((item, i)));
            }
        }
        Ok(Sorted { sources, heap })
    }
}

impl<T: Spooled> Iterator for Sorted<T> {
    type Item = io::Result<T>;

    fn next(&mut self) -> Option<io::Result<T>> {
        let Reverse((item, i)) = self.heap.pop()?;
        match self.sources[i].next() {
            Ok(Some(following)) => self.heap.push(Reverse((following, i))),
            Ok(None) => {}
            Err(e) => return Some(Err(e)),
        }
        Some(Ok(item))
    }
}

// Little-endian framing helpers for `Spooled` implementations.

pub(super) fn write_u64(out: &mut impl Write, v: u64) -> io::Result<()> {
    out.write_all(&v.to_le_bytes())
}

pub(super) fn write_bytes(out: &mut impl Write, bytes: &[u8]) -> io::Result<()> {
    let len = u32::try_from(bytes.len())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "spooled field over 4 GiB"))?;
    out.write_all(&len.to_le_bytes())?;
    out.write_all(bytes)
}

/// The first field of an item: `None` at a clean end of the run.
pub(super) fn read_first_u64(input: &mut impl BufRead) -> io::Result<Option<u64>> {
    if input.fill_buf()?.is_empty() {
        return Ok(None);
    }
    read_u64(input).map(Some)
}

pub(super) fn read_u64(input: &mut impl Read) -> io::Result<u64> {
    let mut b = [0u8; 8];
    input.read_exact(&mut b)?;
    Ok(u64::from_le_bytes(b))
}

/// Reads bytes written by [`write_bytes`] onto the end of `out`; how many.
pub(super) fn append_bytes(input: &mut impl Read, out: &mut Vec<u8>) -> io::Result<usize> {
    let mut b = [0u8; 4];
    input.read_exact(&mut b)?;
    let len = u32::from_le_bytes(b) as usize;
    let start = out.len();
    out.resize(start + len, 0);
    input.read_exact(&mut out[start..])?;
    Ok(len)
}

pub(super) fn read_string(input: &mut impl Read) -> io::Result<String> {
    let mut b = [0u8; 4];
    input.read_exact(&mut b)?;
    let mut bytes = vec![0u8; u32::from_le_bytes(b) as usize];
    input.read_exact(&mut bytes)?;
    String::from_utf8(bytes).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
    struct Item(u64, String);

    impl Spooled for Item {
        fn held_bytes(&self) -> usize {
            self.1.len()
        }
        fn write_to(&self, out: &mut impl Write) -> io::Result<()> {
            write_u64(out, self.0)?;
            write_bytes(out, self.1.as_bytes())
        }
        fn read_from(input: &mut impl BufRead) -> io::Result<Option<Self>> {
            let Some(n) = read_first_u64(input)? else {
                return Ok(None);
            };
            Ok(Some(Item(n, read_string(input)?)))
        }
    }

    #[test]
    fn sorts_across_runs_and_memory_and_cleans_up() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = SpoolDir::create(&tmp.path().join("snap")).unwrap();
        let spool = dir.path().to_path_buf();
        // A tiny budget: one run every few items, and more runs than one merge takes.
        let mut sort = ExternalSort::new(&dir, "t", 200);
        let n = 3_000u64;
        for i in 0..n {
            let key = (i * 7919) % n;
            sort.push(Item(key, format!("v{key}"))).unwrap();
        }
        sort.wait_for_write().unwrap();
        assert!(sort.runs.len() > MAX_FAN_IN, "{} runs", sort.runs.len());
        let out: Vec<u64> = sort.into_sorted().unwrap().map(|r| r.unwrap().0).collect();
        assert_eq!(out, (0..n).collect::<Vec<_>>());
        drop(dir);
        assert!(!spool.exists());
    }

    #[test]
    fn a_small_input_stays_in_memory() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = SpoolDir::create(&tmp.path().join("snap")).unwrap();
        let mut sort = ExternalSort::new(&dir, "t", 1 << 20);
        for k in [3, 1, 2] {
            sort.push(Item(k, String::new())).unwrap();
        }
        let out: Vec<u64> = sort.into_sorted().unwrap().map(|r| r.unwrap().0).collect();
        assert_eq!(out, [1, 2, 3]);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
