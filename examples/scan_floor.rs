//! The floor of the event pass, for `bench/scan.sh`: what reading a snapshot's events costs
//! before any aggregation, fact or policy — open the stored file through the one opener
//! (decompressing `events.ndjson.zst`), cut it into blocks of whole lines, and give each line
//! the slim parse the pass uses (`read_event_line`: borrowed fields, time in nanoseconds) on
//! `--threads` parser threads (default 2). Prints `events N` and `seconds S`; the scan's wall
//! time over this one is how much the aggregation, the facts and the policies add.
//!
//! `cargo run --release --example scan_floor -- bench-out/snap-1000000 [--threads 2]`

use orgscan::snapshot::event_file::EventsFormat;
use orgscan::snapshot::event_line::{read_event_line, TextStart};
use orgscan::snapshot::EventSource;
use std::io::Read;
use std::path::PathBuf;
use std::sync::{mpsc, Arc, Mutex};
use std::time::Instant;

/// Bytes per block handed to a parser (the pass reads ~4 MB blocks too).
const BLOCK: usize = 4 << 20;

fn main() {
    if let Err(e) = run() {
        eprintln!("scan_floor: {e}");
        std::process::exit(2);
    }
}

fn run() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(
        args.next()
            .ok_or("usage: scan_floor SNAPSHOT_DIR [--threads N]")?,
    );
    let mut threads = 2usize;
    while let Some(flag) = args.next() {
        match flag.as_str() {
            "--threads" => {
                threads = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .filter(|n| *n > 0)
                    .ok_or("--threads needs a number above 0")?
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    let path = [EventsFormat::Zstd, EventsFormat::Ndjson]
        .iter()
        .map(|f| dir.join(f.file_name()))
        .find(|p| p.exists())
        .ok_or_else(|| format!("{}: no events file", dir.display()))?;
    let started = Instant::now();
    let opened = EventSource::File(path.clone())
        .open()
        .map_err(|e| e.to_string())?;
    let mut reader = opened.reader.ok_or("no events")?;
    let shown = opened.path;

    let (work_tx, work_rx) = mpsc::sync_channel::<(u64, Vec<u8>)>(threads * 2);
    let work_rx = Arc::new(Mutex::new(work_rx));
    let (done_tx, done_rx) = mpsc::channel::<Result<(u64, i64), String>>();
    let mut workers = Vec::new();
    for _ in 0..threads {
        let rx = Arc::clone(&work_rx);
        let tx = done_tx.clone();
        let shown = shown.clone();
        workers.push(std::thread::spawn(move || loop {
            let next = match rx.lock() {
                Ok(guard) => guard.recv(),
                Err(_) => break,
            };
            let Ok((first_line, bytes)) = next else { break };
            let _ = tx.send(parse(&shown, first_line, &bytes));
        }));
    }
    drop(done_tx);

    // The reader: blocks of whole lines, each with the number of its first line.
    let mut carry: Vec<u8> = Vec::new();
    let mut next_line = 1u64;
    let mut buf = vec![0u8; BLOCK];
    loop {
        let n = reader.read(&mut buf).map_err(|e| format!("{shown}: {e}"))?;
        if n == 0 {
            break;
        }
        carry.extend_from_slice(&buf[..n]);
        if carry.len() < BLOCK {
            continue;
        }
        let Some(end) = carry.iter().rposition(|&b| b == b'\n') else {
            continue;
        };
        let rest = carry.split_off(end + 1);
        let block = std::mem::replace(&mut carry, rest);
        let lines = block.iter().filter(|&&b| b == b'\n').count() as u64;
        work_tx
            .send((next_line, block))
            .map_err(|_| "the parsers stopped")?;
        next_line += lines;
    }
    if !carry.is_empty() {
        work_tx
            .send((next_line, carry))
            .map_err(|_| "the parsers stopped")?;
    }
    drop(work_tx);
    let (mut events, mut checksum) = (0u64, 0i64);
    for result in done_rx {
        let (n, sum) = result?;
        events += n;
        checksum = checksum.wrapping_add(sum);
    }
    for w in workers {
        w.join().map_err(|_| "a parser thread stopped")?;
    }
    println!("events {events}");
    println!("seconds {:.2}", started.elapsed().as_secs_f64());
    // Printed so the parse cannot be optimised away.
    println!("time checksum {checksum}");
    Ok(())
}

/// Parses a block's lines; returns how many and the sum of their times.
fn parse(path: &str, first_line: u64, bytes: &[u8]) -> Result<(u64, i64), String> {
    let text = std::str::from_utf8(bytes).map_err(|e| format!("{path}: {e}"))?;
    let (mut n, mut sum) = (0u64, 0i64);
    for (line_no, line) in (first_line..).zip(text.split('\n')) {
        if line.trim().is_empty() {
            continue;
        }
        let (_, time_ns) =
            read_event_line(path, TextStart::line(line_no), line).map_err(|e| e.to_string())?;
        n += 1;
        sum = sum.wrapping_add(time_ns);
    }
    Ok((n, sum))
}
