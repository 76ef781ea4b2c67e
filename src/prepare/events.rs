//! One streaming pass over `events.ndjson`: each line is read with a borrowed parse of only the
//! fields facts need (`fastparse`), deduplicated by a 128-bit id key, and folded into
//! aggregates (counts per day, action, actor, country; first/last seen; MCP and admin usage)
//! and into the declared facts of the pack (`spec`). Slim copies are kept only of events whose
//! action a policy lists in `custom.data.events`, or that a `select` fact picks. Memory is
//! bounded by the number of distinct keys, the selected events and ~17 bytes per event id,
//! never by the whole history (docs/architecture.md).
//!
//! Pipeline (`scan_source`): a reader cuts the file into ~4 MB blocks at line ends; parser
//! threads read each block's lines into compact records (string fields as spans into the
//! block); one aggregator folds the blocks in file order, so the result does not depend on
//! thread timing. Parsing is most of the work, so it is what runs in parallel. The reader also
//! hashes the bytes as it reads them and the aggregator counts the events, so the file is
//! checked against the manifest's sha256 and record count without a second read.

use super::actionsets::ActionSets;
use super::fastparse::{self, FxState, MixState};
use super::geo::GeoTable;
use super::spec::{Field, FieldSource, SpecState};
use crate::snapshot::event_line::{read_event_line, TextStart};
use crate::snapshot::{verify, Event, EventSource, FileEntry, SnapshotError, Timestamp};
use serde::Serialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::Read;
use std::sync::{mpsc, Arc, Mutex};

/// Per-actor aggregates (`input.facts.actors[id]`).
#[derive(Debug, Default, Serialize)]
pub struct ActorFacts {
    pub count: u64,
    pub first: Option<Timestamp>,
    pub last: Option<Timestamp>,
    pub name: Option<String>,
    pub countries: BTreeMap<String, u64>,
    /// Events of the `admin` action set.
    pub admin_actions: u64,
}

#[derive(Debug, Default, Clone)]
struct ActorAcc {
    count: u64,
    first: i64,
    last: i64,
    name: Option<String>,
    countries: HashMap<String, u64, FxState>,
    admin: u64,
}

/// Per-action information, computed once per distinct action key.
#[derive(Debug, Default, Clone)]
struct ActionInfo {
    count: u64,
    /// (spec index, in actions, in then)
    specs: std::sync::Arc<[(usize, bool, bool)]>,
    needs_objects: bool,
    wanted: bool,
    mcp: bool,
    admin: bool,
}

#[derive(Debug, Default, Clone, Serialize)]
pub struct McpUser {
    pub name: Option<String>,
    pub count: u64,
    pub errors: u64,
    pub with_status: u64,
    pub tools: BTreeMap<String, u64>,
}

#[derive(Debug, Default, Clone, Serialize)]
pub struct ToolUse {
    pub count: u64,
    pub errors: u64,
    pub with_status: u64,
}

#[derive(Debug, Default)]
pub struct EventFacts {
    pub total: u64,
    pub first_ns: Option<i64>,
    pub last_ns: Option<i64>,
    pub first: Option<Timestamp>,
    pub last: Option<Timestamp>,
    /// Events whose time is earlier than the one before it in the file.
    pub out_of_order: u64,
    pub per_day: BTreeMap<String, u64>,
    pub per_action: BTreeMap<String, u64>,
    pub per_country: BTreeMap<String, u64>,
    /// Day → action → count.
    pub per_day_action: BTreeMap<String, BTreeMap<String, u64>>,
    pub per_actor: BTreeMap<String, ActorFacts>,
    pub duplicates: u64,
    /// Slim events of the selected actions, keyed by action, in time order.
    pub by_action: BTreeMap<String, Vec<Value>>,
    pub mcp_users: BTreeMap<String, McpUser>,
    pub mcp_tools: BTreeMap<String, ToolUse>,
    pub mcp_per_day: BTreeMap<String, u64>,
    /// Declared facts: control id → fact name → output.
    pub declared: BTreeMap<String, BTreeMap<String, Value>>,
    /// Every action set and the keys it resolved to.
    pub action_sets: BTreeMap<String, super::actionsets::ResolvedSet>,
    /// Country spellings seen in events → ISO code (unknown spellings absent).
    pub country_codes: BTreeMap<String, String>,
    /// sha256 of the events bytes as read and the number of events: what the report's
    /// content hash is computed from (`None` when the snapshot has no events).
    pub file: Option<FileEntry>,
}

/// What the pass must produce besides the fixed aggregates.
pub struct ScanPlan {
    /// Lower-case action keys to keep as slim events (`input.events_by_action`).
    pub wanted: BTreeSet<String>,
    pub specs: Vec<SpecState>,
    pub sets: ActionSets,
}

impl ScanPlan {
    pub fn simple(wanted: BTreeSet<String>) -> ScanPlan {
        ScanPlan {
            wanted,
            specs: Vec::new(),
            sets: ActionSets::resolve(None),
        }
    }
}

/// The streaming state.
struct Scanner {
    plan: ScanPlan,
    seen: HashSet<u128, MixState>,
    actions: HashMap<String, ActionInfo, FxState>,
    actors: HashMap<String, ActorAcc, FxState>,
    days: HashMap<i64, HashMap<String, u64, FxState>, MixState>,
    countries: HashMap<String, u64, FxState>,
    by_action: BTreeMap<String, Vec<Value>>,
    mcp_users: HashMap<String, McpUser, FxState>,
    mcp_tools: HashMap<String, ToolUse, FxState>,
    mcp_days: HashMap<i64, u64, MixState>,
    total: u64,
    duplicates: u64,
    first: Option<i64>,
    last: Option<i64>,
    prev: Option<i64>,
    out_of_order: u64,
}

const NS_PER_DAY: i64 = 86_400_000_000_000;

/// An event as the aggregator sees it: every field borrowed from its block.
#[derive(Clone, Copy, Debug, Default)]
pub struct EventRef<'a> {
    pub line: &'a str,
    pub id: &'a str,
    pub time_ns: i64,
    pub action: &'a str,
    pub actor_id: &'a str,
    pub actor_name: Option<&'a str>,
    pub auth_type: Option<&'a str>,
    pub token: Option<&'a str>,
    pub obo_id: Option<&'a str>,
    pub obo_name: Option<&'a str>,
    /// Raw JSON of `actor.app`, `context`, `container`.
    pub app: Option<&'a str>,
    pub context: Option<&'a str>,
    pub container: Option<&'a str>,
    pub ip: Option<&'a str>,
    pub country: Option<&'a str>,
    pub city: Option<&'a str>,
    pub geo: Option<&'a str>,
}

/// A string field of a record: a byte range of the block, or of the block's side buffer when
/// the JSON string held escapes (top bit of `start`).
#[derive(Clone, Copy, Debug, Default)]
struct Span {
    start: u32,
    len: u32,
}

const SIDE: u32 = 1 << 31;

#[derive(Clone, Copy, Debug, Default)]
struct Rec {
    line: Span,
    id: Span,
    time_ns: i64,
    action: Span,
    actor_id: Span,
    actor_name: Option<Span>,
    auth_type: Option<Span>,
    token: Option<Span>,
    obo_id: Option<Span>,
    obo_name: Option<Span>,
    app: Option<Span>,
    context: Option<Span>,
    container: Option<Span>,
    ip: Option<Span>,
    country: Option<Span>,
    city: Option<Span>,
    geo: Option<Span>,
}

/// One block of whole lines, read and then parsed.
struct Block {
    seq: u64,
    first_line: u64,
    text: String,
    side: String,
    recs: Vec<Rec>,
    error: Option<SnapshotError>,
}

impl Block {
    fn s(&self, sp: Span) -> &str {
        let (buf, start) = if sp.start & SIDE != 0 {
            (&self.side, (sp.start & !SIDE) as usize)
        } else {
            (&self.text, sp.start as usize)
        };
        buf.get(start..start + sp.len as usize).unwrap_or("")
    }

    fn o(&self, sp: Option<Span>) -> Option<&str> {
        sp.map(|sp| self.s(sp))
    }

    fn event(&self, r: &Rec) -> EventRef<'_> {
        EventRef {
            line: self.s(r.line),
            id: self.s(r.id),
            time_ns: r.time_ns,
            action: self.s(r.action),
            actor_id: self.s(r.actor_id),
            actor_name: self.o(r.actor_name),
            auth_type: self.o(r.auth_type),
            token: self.o(r.token),
            obo_id: self.o(r.obo_id),
            obo_name: self.o(r.obo_name),
            app: self.o(r.app),
            context: self.o(r.context),
            container: self.o(r.container),
            ip: self.o(r.ip),
            country: self.o(r.country),
            city: self.o(r.city),
            geo: self.o(r.geo),
        }
    }
}

/// Span of a string that points into `base` (a borrowed field) or is copied to `side`.
fn span_of(text: &str, base: &str, side: &mut String) -> Span {
    let (p, b) = (text.as_ptr() as usize, base.as_ptr() as usize);
    if p >= b && p + text.len() <= b + base.len() {
        Span {
            start: (p - b) as u32,
            len: text.len() as u32,
        }
    } else {
        let start = side.len() as u32 | SIDE;
        side.push_str(text);
        Span {
            start,
            len: text.len() as u32,
        }
    }
}

/// Parses every line of a block into records; stops at the first bad line.
fn parse_block(block: &mut Block, path: &str) {
    let text = std::mem::take(&mut block.text);
    let mut side = String::new();
    let mut recs = Vec::with_capacity(text.len() / 900 + 1);
    let mut offset = 0usize;
    for (this_line, raw) in (block.first_line..).zip(text.split('\n')) {
        let here = offset;
        offset += raw.len() + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.trim().is_empty() {
            continue;
        }
        match parse_line(line, &text, &mut side, path, this_line) {
            Ok(mut rec) => {
                rec.line = Span {
                    start: here as u32,
                    len: line.len() as u32,
                };
                recs.push(rec);
            }
            Err(e) => {
                block.error = Some(e);
                break;
            }
        }
    }
    block.text = text;
    block.side = side;
    block.recs = recs;
}

fn parse_line(
    line: &str,
    base: &str,
    side: &mut String,
    path: &str,
    line_no: u64,
) -> Result<Rec, SnapshotError> {
    let (ev, time_ns) = read_event_line(path, TextStart::line(line_no), line)?;
    let a = &ev.attributes;
    let mut sp = |t: &str| span_of(t, base, side);
    let loc = a.location.as_ref();
    Ok(Rec {
        line: Span::default(),
        id: sp(&ev.id),
        time_ns,
        action: sp(&a.action),
        actor_id: sp(&a.actor.id),
        actor_name: a.actor.name.as_deref().map(&mut sp),
        auth_type: a
            .actor
            .auth
            .as_ref()
            .and_then(|x| x.auth_type.as_deref())
            .map(&mut sp),
        token: a
            .actor
            .auth
            .as_ref()
            .and_then(|x| x.token_id.as_deref())
            .map(&mut sp),
        obo_id: a
            .actor
            .on_behalf_of
            .as_ref()
            .and_then(|p| p.id.as_deref())
            .map(&mut sp),
        obo_name: a
            .actor
            .on_behalf_of
            .as_ref()
            .and_then(|p| p.name.as_deref())
            .map(&mut sp),
        app: a.actor.app.map(|r| r.get()).map(&mut sp),
        context: a.context.map(|r| r.get()).map(&mut sp),
        container: a.container.map(|r| r.get()).map(&mut sp),
        ip: loc.and_then(|l| l.ip.as_deref()).map(&mut sp),
        country: loc.and_then(|l| l.country_name.as_deref()).map(&mut sp),
        city: loc.and_then(|l| l.city.as_deref()).map(&mut sp),
        geo: loc.and_then(|l| l.geo.as_deref()).map(&mut sp),
    })
}

const BLOCK_BYTES: usize = 4 << 20;

/// How `events.ndjson` is named in messages, and its bytes.
fn open_source(
    source: &EventSource,
) -> Result<(String, Option<Box<dyn Read + Send>>), SnapshotError> {
    Ok(match source {
        EventSource::None => ("events.ndjson".to_string(), None),
        EventSource::File(p) => {
            let file = std::fs::File::open(p).map_err(|source| SnapshotError::Io {
                path: p.display().to_string(),
                source,
            })?;
            (p.display().to_string(), Some(Box::new(file)))
        }
        EventSource::Memory(bytes) => (
            "demo/events.ndjson".to_string(),
            Some(Box::new(std::io::Cursor::new(SharedBytes(bytes.clone())))),
        ),
    })
}

struct SharedBytes(Arc<Vec<u8>>);

impl AsRef<[u8]> for SharedBytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

/// The events bytes, hashed in file order as they are read: verifying the file against the
/// manifest costs no second read, and the hashing runs on the reader thread, overlapped with
/// the parsing.
struct HashingReader {
    inner: Box<dyn Read + Send>,
    hasher: Sha256,
    /// A read failed: the hash does not cover the whole file.
    failed: bool,
}

impl Read for HashingReader {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        match self.inner.read(out) {
            Ok(n) => {
                self.hasher.update(&out[..n]);
                Ok(n)
            }
            Err(e) => {
                self.failed |= e.kind() != std::io::ErrorKind::Interrupted;
                Err(e)
            }
        }
    }
}

impl HashingReader {
    /// The sha256 of the whole file. What a stopped pass (a bad line) left unread is read
    /// here, hashed only, so a damaged file is named by its hash; `None` when the file could
    /// not be read to its end.
    fn finish(mut self) -> Option<String> {
        if self.failed || std::io::copy(&mut self, &mut std::io::sink()).is_err() {
            return None;
        }
        Some(hex::encode(self.hasher.finalize()))
    }
}

/// Reads whole-line blocks; the tail after the last newline waits for the next read.
struct BlockReader {
    reader: HashingReader,
    block_bytes: usize,
    carry: Vec<u8>,
    next_line: u64,
    seq: u64,
    done: bool,
    path: String,
}

impl BlockReader {
    fn next_block(&mut self) -> Option<Result<Block, SnapshotError>> {
        if self.done {
            return None;
        }
        let mut buf = std::mem::take(&mut self.carry);
        let want = buf.len() + self.block_bytes;
        buf.reserve(self.block_bytes);
        let mut eof = false;
        while buf.len() < want {
            let start = buf.len();
            buf.resize(want, 0);
            match self.reader.read(&mut buf[start..]) {
                Ok(0) => {
                    buf.truncate(start);
                    eof = true;
                    break;
                }
                Ok(n) => buf.truncate(start + n),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => buf.truncate(start),
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
        let newlines = buf.iter().filter(|&&b| b == b'\n').count() as u64;
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

/// CPU seconds the calling thread has used (Linux; 0 elsewhere), for `ORGSCAN_TIMINGS`.
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
/// a mismatch is an error naming both, and wins over a parse error it explains.
pub fn scan_source(
    source: &EventSource,
    plan: ScanPlan,
    threads: usize,
    expected: Option<&FileEntry>,
) -> Result<EventFacts, SnapshotError> {
    scan_blocks(source, plan, threads, BLOCK_BYTES, expected)
}

fn scan_blocks(
    source: &EventSource,
    plan: ScanPlan,
    threads: usize,
    block_bytes: usize,
    expected: Option<&FileEntry>,
) -> Result<EventFacts, SnapshotError> {
    let (path, reader) = open_source(source)?;
    let mut s = Scanner::new(plan);
    let Some(reader) = reader else {
        return Ok(s.finish());
    };
    let mut blocks = BlockReader {
        reader: HashingReader {
            inner: reader,
            hasher: Sha256::new(),
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
            (error, blocks.reader.finish())
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
                        s.add(&block.event(r));
                    }
                    if let Some(e) = block.error {
                        failure = Some(e);
                    }
                }
            }
            if failure.is_some() {
                break;
            }
        }
        drop(done_rx);
        if std::env::var_os("ORGSCAN_TIMINGS").is_some() {
            eprintln!(
                "timing: event pass aggregator thread CPU: {:.2} s ({threads} parser threads)",
                thread_cpu_seconds() - aggregator_cpu
            );
        }
        // A read error comes after every block before it (a parse error in one of those
        // blocks is earlier in the file, so it wins).
        match reader.join() {
            Ok((error, sha256)) => {
                if failure.is_none() {
                    failure = error;
                }
                found_sha256 = sha256;
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
    let Some(sha256) = found_sha256 else {
        return Err(SnapshotError::Invalid {
            path,
            message: "could not be read to its end".to_string(),
        });
    };
    let mut facts = s.finish();
    facts.file = Some(FileEntry { sha256, records });
    Ok(facts)
}

/// One event as the specs see it: fields resolved on demand, context parsed at most once.
struct View<'e, 'a> {
    ev: &'e EventRef<'a>,
    action: &'e str,
    objects: Option<Vec<fastparse::RawObject<'a>>>,
    containers: Option<Vec<fastparse::RawObject<'a>>>,
}

impl<'a> View<'_, 'a> {
    fn objects(&mut self) -> &[fastparse::RawObject<'a>] {
        if self.objects.is_none() {
            self.objects = Some(fastparse::objects(self.ev.context));
        }
        self.objects.as_deref().unwrap_or_default()
    }

    fn object_of(&mut self, kinds: &[&str]) -> Option<&fastparse::RawObject<'a>> {
        self.objects()
            .iter()
            .find(|o| o.kind.as_deref().is_some_and(|k| kinds.contains(&k)))
    }

    fn tool(&mut self) -> Option<String> {
        for o in self.objects() {
            let kind = o.kind.as_deref().unwrap_or("");
            let attrs = fastparse::object_attributes(o.attributes);
            if let Some(t) = attrs.tool_name {
                return Some(t.into_owned());
            }
            if kind.to_ascii_lowercase().contains("tool") {
                if let Some(n) = attrs.name {
                    return Some(n.into_owned());
                }
            }
        }
        None
    }

    fn status(&mut self) -> Option<String> {
        for o in self.objects() {
            let a = fastparse::object_attributes(o.attributes);
            for raw in [a.status, a.outcome, a.success].into_iter().flatten() {
                if let Some(t) = fastparse::scalar_text(raw) {
                    return Some(t);
                }
            }
        }
        None
    }
}

/// The product an action belongs to, from its key's prefix.
pub fn product_of(action: &str) -> &'static str {
    const PREFIXES: &[(&str, &str)] = &[
        ("jira", "jira"),
        ("jsm_", "jira"),
        ("confluence", "confluence"),
        ("upp_confluence", "confluence"),
        ("bitbucket", "bitbucket"),
        ("loom", "loom"),
        ("beacon_", "guard_detect"),
        ("rovo", "rovo"),
        ("trello", "trello"),
    ];
    PREFIXES
        .iter()
        .find(|(p, _)| action.starts_with(p))
        .map(|(_, name)| *name)
        .unwrap_or("admin")
}

/// Errors: `error`, `failed`, `failure`, `denied`, `false` (for `success`), HTTP 4xx/5xx.
pub fn is_error_status(status: &str) -> bool {
    let s = status.trim().to_ascii_lowercase();
    matches!(
        s.as_str(),
        "error"
            | "errored"
            | "failed"
            | "failure"
            | "fail"
            | "denied"
            | "forbidden"
            | "unauthorized"
            | "timeout"
            | "false"
    ) || s.parse::<u16>().is_ok_and(|c| c >= 400)
}

fn nonempty(v: Option<&str>) -> Option<Cow<'_, str>> {
    v.filter(|v| !v.is_empty()).map(Cow::Borrowed)
}

impl<'a> FieldSource<'a> for View<'_, 'a> {
    fn field(&mut self, f: Field) -> Option<Cow<'a, str>> {
        let e: EventRef<'a> = *self.ev;
        match f {
            Field::Actor => Some(Cow::Borrowed(e.actor_id)),
            Field::ActorName => nonempty(e.actor_name),
            Field::User => nonempty(e.obo_id).or(Some(Cow::Borrowed(e.actor_id))),
            Field::Ip => nonempty(e.ip),
            Field::Country => nonempty(e.country),
            Field::CountryCode => e
                .country
                .and_then(|c| GeoTable::get().country(c))
                .map(|c| Cow::Borrowed(c.code)),
            Field::City => nonempty(e.city),
            Field::AuthType => nonempty(e.auth_type),
            Field::Token => nonempty(e.token),
            Field::OnBehalfOf => nonempty(e.obo_id),
            Field::App => fastparse::app(e.app)
                .and_then(|app| app.id)
                .filter(|v| !v.is_empty()),
            Field::TargetUser => self
                .object_of(&["users", "user"])
                .and_then(|o| o.id.clone())
                .filter(|v| !v.is_empty()),
            Field::Group => {
                let o = self.object_of(&["groups", "group"])?;
                let id = o.id.clone();
                let attrs = fastparse::object_attributes(o.attributes);
                [attrs.group_name, attrs.name, id]
                    .into_iter()
                    .flatten()
                    .find(|v| !v.is_empty())
            }
            Field::Tool => self.tool().map(Cow::Owned),
            Field::Status => self.status().map(Cow::Owned),
            Field::Product => Some(Cow::Borrowed(product_of(self.action))),
            Field::Site => {
                if self.containers.is_none() {
                    self.containers = Some(fastparse::objects(e.container));
                }
                let o = self
                    .containers
                    .as_deref()
                    .unwrap_or_default()
                    .iter()
                    .find(|o| o.kind.as_deref() == Some("sites"))?;
                let id = o.id.clone();
                let attrs = fastparse::object_attributes(o.attributes);
                attrs.site_host_name.or(attrs.name).or(id)
            }
            Field::Action => Some(Cow::Owned(self.action.to_string())),
        }
    }

    fn time_ns(&self) -> i64 {
        self.ev.time_ns
    }

    fn id(&self) -> &str {
        self.ev.id
    }

    fn action(&self) -> &str {
        self.action
    }

    fn place(&self) -> (Option<&'a str>, Option<&'a str>, Option<&'a str>) {
        let e: EventRef<'a> = *self.ev;
        (
            e.country.filter(|c| !c.is_empty()),
            e.city.filter(|c| !c.is_empty()),
            e.geo.filter(|c| !c.is_empty()),
        )
    }

    fn slim(&mut self) -> Value {
        match serde_json::from_str::<Event>(self.ev.line) {
            Ok(event) => slim(&event, self.action),
            Err(_) => Value::Null,
        }
    }
}

impl Scanner {
    fn new(plan: ScanPlan) -> Scanner {
        Scanner {
            plan,
            seen: HashSet::default(),
            actions: HashMap::default(),
            actors: HashMap::default(),
            days: HashMap::default(),
            countries: HashMap::default(),
            by_action: BTreeMap::new(),
            mcp_users: HashMap::default(),
            mcp_tools: HashMap::default(),
            mcp_days: HashMap::default(),
            total: 0,
            duplicates: 0,
            first: None,
            last: None,
            prev: None,
            out_of_order: 0,
        }
    }

    fn action_info(&mut self, action: &str) -> ActionInfo {
        if let Some(info) = self.actions.get(action) {
            return info.clone();
        }
        let sets_joined = self.plan.sets.observe(action);
        let sets = &self.plan.sets;
        let in_set = |set: &str, a: &str| sets.contains(set, a);
        let mut info = ActionInfo {
            wanted: self.plan.wanted.contains(action),
            mcp: sets_joined.iter().any(|s| s == "mcp"),
            admin: sets_joined.iter().any(|s| s == "admin"),
            ..ActionInfo::default()
        };
        let mut specs = Vec::new();
        for (i, spec) in self.plan.specs.iter().enumerate() {
            let (first, then) = spec.wants(action, &in_set);
            if first || then {
                specs.push((i, first, then));
                info.needs_objects |= spec.needs_objects();
            }
        }
        info.specs = specs.into();
        self.actions.insert(action.to_string(), info.clone());
        info
    }

    fn add(&mut self, ev: &EventRef<'_>) {
        if !self.seen.insert(fastparse::id_key(ev.id)) {
            // A cursor race can deliver an event twice; count it once.
            self.duplicates += 1;
            return;
        }
        let time_ns = ev.time_ns;
        let lowered;
        let action: &str = if ev.action.bytes().any(|b| b.is_ascii_uppercase()) {
            lowered = ev.action.to_ascii_lowercase();
            &lowered
        } else {
            ev.action
        };
        let info = match self.actions.get_mut(action) {
            Some(info) => {
                info.count += 1;
                info.clone_light()
            }
            None => {
                let mut info = self.action_info(action);
                info.count = 1;
                if let Some(i) = self.actions.get_mut(action) {
                    i.count = 1;
                }
                info.clone_light()
            }
        };
        self.total += 1;
        self.first = Some(self.first.map_or(time_ns, |f| f.min(time_ns)));
        self.last = Some(self.last.map_or(time_ns, |l| l.max(time_ns)));
        if self.prev.is_some_and(|p| time_ns < p) {
            self.out_of_order += 1;
        }
        self.prev = Some(time_ns);
        let day = time_ns.div_euclid(NS_PER_DAY);
        let day_actions = self.days.entry(day).or_default();
        match day_actions.get_mut(action) {
            Some(n) => *n += 1,
            None => {
                day_actions.insert(action.to_string(), 1);
            }
        }
        let country = ev.country.filter(|c| !c.is_empty());
        if let Some(c) = country {
            match self.countries.get_mut(c) {
                Some(n) => *n += 1,
                None => {
                    self.countries.insert(c.to_string(), 1);
                }
            }
        }
        let actor = match self.actors.get_mut(ev.actor_id) {
            Some(acc) => acc,
            None => self
                .actors
                .entry(ev.actor_id.to_string())
                .or_insert_with(|| ActorAcc {
                    first: time_ns,
                    last: time_ns,
                    ..ActorAcc::default()
                }),
        };
        actor.count += 1;
        actor.first = actor.first.min(time_ns);
        actor.last = actor.last.max(time_ns);
        if actor.name.is_none() {
            actor.name = ev.actor_name.map(str::to_string);
        }
        if let Some(c) = country {
            match actor.countries.get_mut(c) {
                Some(n) => *n += 1,
                None => {
                    actor.countries.insert(c.to_string(), 1);
                }
            }
        }
        if info.admin {
            actor.admin += 1;
        }
        // The person behind an app event gets a name too, for reports.
        {
            if let (Some(id), Some(name)) = (ev.obo_id, ev.obo_name) {
                if !self.actors.contains_key(id) {
                    self.actors.insert(
                        id.to_string(),
                        ActorAcc {
                            name: Some(name.to_string()),
                            first: time_ns,
                            last: time_ns,
                            ..ActorAcc::default()
                        },
                    );
                } else if let Some(acc) = self.actors.get_mut(id) {
                    if acc.name.is_none() {
                        acc.name = Some(name.to_string());
                    }
                }
            }
        }
        if !(info.wanted || info.mcp || !info.specs.is_empty()) {
            return;
        }
        let mut view = View {
            ev,
            action,
            objects: None,
            containers: None,
        };
        if info.wanted {
            let s = view.slim();
            if !s.is_null() {
                self.by_action
                    .entry(action.to_string())
                    .or_default()
                    .push(s);
            }
        }
        if info.mcp {
            let user = view.field(Field::User).unwrap_or_default();
            let tool = view.field(Field::Tool);
            let status = view.field(Field::Status);
            let error = status.as_deref().is_some_and(is_error_status);
            let name = match ev.obo_id {
                Some(_) => ev.obo_name.map(str::to_string),
                None => ev.actor_name.map(str::to_string),
            };
            if !self.mcp_users.contains_key(user.as_ref()) {
                self.mcp_users.insert(user.to_string(), McpUser::default());
            }
            let Some(u) = self.mcp_users.get_mut(user.as_ref()) else {
                return;
            };
            u.count += 1;
            if u.name.is_none() {
                u.name = name;
            }
            if status.is_some() {
                u.with_status += 1;
                u.errors += u64::from(error);
            }
            let tool_name = tool.unwrap_or_else(|| Cow::Owned(format!("({action})")));
            match u.tools.get_mut(tool_name.as_ref()) {
                Some(n) => *n += 1,
                None => {
                    u.tools.insert(tool_name.to_string(), 1);
                }
            }
            if !self.mcp_tools.contains_key(tool_name.as_ref()) {
                self.mcp_tools
                    .insert(tool_name.to_string(), ToolUse::default());
            }
            let Some(t) = self.mcp_tools.get_mut(tool_name.as_ref()) else {
                return;
            };
            t.count += 1;
            if status.is_some() {
                t.with_status += 1;
                t.errors += u64::from(error);
            }
            *self.mcp_days.entry(day).or_insert(0) += 1;
        }
        for &(i, first, then) in info.specs.iter() {
            if let Some(spec) = self.plan.specs.get_mut(i) {
                spec.add(&mut view, first, then);
            }
        }
    }

    fn finish(self) -> EventFacts {
        let ts = |ns: i64| Timestamp::from_epoch_millis(ns.div_euclid(1_000_000));
        let mut facts = EventFacts {
            total: self.total,
            first_ns: self.first,
            last_ns: self.last,
            first: self.first.and_then(ts),
            last: self.last.and_then(ts),
            out_of_order: self.out_of_order,
            duplicates: self.duplicates,
            by_action: self.by_action,
            ..EventFacts::default()
        };
        for list in facts.by_action.values_mut() {
            list.sort_by(|a, b| {
                (
                    a.get("time_ns").and_then(Value::as_i64),
                    a.get("id").and_then(Value::as_str),
                )
                    .cmp(&(
                        b.get("time_ns").and_then(Value::as_i64),
                        b.get("id").and_then(Value::as_str),
                    ))
            });
        }
        for (action, info) in &self.actions {
            facts.per_action.insert(action.clone(), info.count);
        }
        for (day, actions) in self.days {
            let key = fastparse::format_day(day);
            let total: u64 = actions.values().sum();
            facts.per_day.insert(key.clone(), total);
            facts
                .per_day_action
                .insert(key, actions.into_iter().collect());
        }
        let geo = GeoTable::get();
        for (c, n) in self.countries {
            if let Some(code) = geo.country(&c) {
                facts.country_codes.insert(c.clone(), code.code.to_string());
            }
            facts.per_country.insert(c, n);
        }
        for (day, n) in self.mcp_days {
            facts.mcp_per_day.insert(fastparse::format_day(day), n);
        }
        facts.mcp_users = self.mcp_users.into_iter().collect();
        facts.mcp_tools = self.mcp_tools.into_iter().collect();
        let names: HashMap<&str, &str> = self
            .actors
            .iter()
            .filter_map(|(id, a)| a.name.as_deref().map(|n| (id.as_str(), n)))
            .collect();
        let name_of = |id: &str| names.get(id).map(|n| n.to_string());
        for spec in self.plan.specs {
            let control = spec.spec.control.clone();
            let name = spec.spec.name.clone();
            let out = spec.finish(&name_of);
            facts.declared.entry(control).or_default().insert(name, out);
        }
        for (id, a) in &self.actors {
            if a.count == 0 {
                continue;
            }
            facts.per_actor.insert(
                id.clone(),
                ActorFacts {
                    count: a.count,
                    first: ts(a.first),
                    last: ts(a.last),
                    name: a.name.clone(),
                    countries: a.countries.iter().map(|(k, v)| (k.clone(), *v)).collect(),
                    admin_actions: a.admin,
                },
            );
        }
        facts.action_sets = self.plan.sets.resolved;
        facts
    }
}

impl ActionInfo {
    /// The routing part (no count), cheap to copy out of the map per event.
    fn clone_light(&self) -> ActionInfo {
        ActionInfo {
            count: 0,
            specs: self.specs.clone(),
            needs_objects: self.needs_objects,
            wanted: self.wanted,
            mcp: self.mcp,
            admin: self.admin,
        }
    }
}

/// The fields detections read, flattened; enough to name the event in a finding.
pub fn slim(event: &Event, action: &str) -> Value {
    let a = &event.attributes;
    let loc = a.location.clone().unwrap_or_default();
    let code = loc
        .country_name
        .as_deref()
        .and_then(|c| GeoTable::get().country(c))
        .map(|c| c.code);
    json!({
        "id": event.id,
        "time": a.time,
        "time_ns": a.time.epoch_nanos(),
        "action": action,
        "actor": {
            "id": a.actor.id,
            "name": a.actor.name,
            "email": a.actor.email,
            "auth_type": a.actor.auth.as_ref().and_then(|x| x.auth_type.clone()),
            "token_id": a.actor.auth.as_ref().and_then(|x| x.token_id.clone()),
            "on_behalf_of": a.actor.on_behalf_of.as_ref().and_then(|p| p.id.clone()),
            "app": a.actor.app.as_ref().and_then(|app| app.get("id").cloned()),
        },
        "ip": loc.ip,
        "country": loc.country_name,
        "country_code": code,
        "city": loc.city,
        "context": a.context.iter().map(|c| json!({"id": c.id, "type": c.kind, "attributes": c.attributes})).collect::<Vec<_>>(),
        "message": event.message.as_ref().and_then(|m| m.content.clone()),
    })
}

impl EventFacts {
    /// Days in the window with no events.
    pub fn gap_days(&self, window: Option<(Timestamp, Timestamp)>) -> Vec<String> {
        let Some((from, to)) = window else {
            return Vec::new();
        };
        let mut days = Vec::new();
        let mut day = from.0.date_naive();
        let end = to.0.date_naive();
        while day <= end {
            let key = day.format("%Y-%m-%d").to_string();
            if !self.per_day.contains_key(&key) {
                days.push(key);
            }
            match day.succ_opt() {
                Some(next) => day = next,
                None => break,
            }
        }
        days
    }

    /// The `input.events` summary.
    pub fn summary(&self, window: Option<(Timestamp, Timestamp)>) -> Value {
        json!({
            "total": self.total,
            "duplicates_dropped": self.duplicates,
            "first_time": self.first,
            "last_time": self.last,
            "last_time_ns": self.last_ns,
            "window": window.map(|(from, to)| json!({"from": from, "to": to, "from_ns": from.epoch_nanos(), "to_ns": to.epoch_nanos()})),
            "per_day": self.per_day,
            "gap_days": self.gap_days(window),
            "per_action": self.per_action,
            "per_country": self.per_country,
        })
    }

    pub fn actors(&self) -> Value {
        serde_json::to_value(&self.per_actor).unwrap_or(Value::Null)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(n: usize, time: &str, action: &str) -> String {
        format!(
            r#"{{"id":"e{n}","type":"events","attributes":{{"time":"{time}","action":"{action}","actor":{{"id":"a{}","name":"N\u00e9{n}"}},"location":{{"countryName":"Germany","city":"Berlin"}}}}}}"#,
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
                    &format!("2026-11-0{}T10:00:00.000Z", 1 + n % 9),
                    "user_login",
                )
            })
            .collect();
        lines.push(lines[5].clone());
        lines.insert(50, String::new());
        let plan = || ScanPlan::simple(["user_login".to_string()].into_iter().collect());
        let one = scan_blocks(&source(&lines), plan(), 1, 1 << 20, None).unwrap();
        let many = scan_blocks(&source(&lines), plan(), 3, 97, None).unwrap();
        assert_eq!(one.total, 200);
        assert_eq!(one.duplicates, 1);
        assert_eq!(many.total, one.total);
        assert_eq!(many.per_day, one.per_day);
        assert_eq!(many.actors(), one.actors());
        assert_eq!(many.by_action, one.by_action);
        assert_eq!(one.per_actor["a1"].name.as_deref(), Some("Né1"));
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
        };
        // Small blocks on three threads: the hash must not depend on how the file is cut.
        for (threads, block) in [(1, 1 << 20), (3, 97)] {
            let facts = scan_blocks(
                &source(&lines),
                ScanPlan::simple(BTreeSet::new()),
                threads,
                block,
                Some(&expected),
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
        };
        let scan = |lines: &[String]| {
            scan_blocks(
                &source(lines),
                ScanPlan::simple(BTreeSet::new()),
                2,
                64,
                Some(&collected),
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
            ..collected.clone()
        };
        let err = scan_blocks(
            &source(&lines),
            ScanPlan::simple(BTreeSet::new()),
            1,
            1 << 20,
            Some(&miscounted),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("expected sha256"), "{err}");
        assert!(err.contains("and 99 records, found sha256"), "{err}");
        assert!(err.contains("and 100 records;"), "{err}");
    }
}
