//! Splits an export into its events in one pass, without holding more than one event: NDJSON
//! (one event, page or array per line), API page JSON (`{"data":[…]}`, pretty or not), a JSON
//! array of events, or any concatenation. A small validating JSON tokenizer tracks the line
//! and column of every byte as it goes, so positions cost nothing per record; the events of a
//! page or array are handed over one at a time, however large the document.
//!
//! The tokenizer checks the structure (brackets, commas, colons, literals, numbers, escapes);
//! each event's own text is then parsed by the caller, which names the field at fault. It also
//! notes whether an event is already written the way `serde_json` writes it (compact, same
//! escapes and numbers): such text is stored verbatim, anything else is rewritten into that
//! form, so the stored line never depends on how the export was laid out.

use crate::snapshot::event_line::TextStart;

/// One event as found in the export.
pub(super) struct FramedEvent<'a> {
    pub text: &'a [u8],
    pub at: TextStart,
    /// True when `text` is exactly what `serde_json::to_string` of its value gives.
    pub canonical: bool,
    /// False for an NDJSON line taken by the line fast path ([`object_line`]): its brackets,
    /// strings, escapes, numbers and literals are checked but not the places of `,` and `:`,
    /// which the event parse checks. When that parse fails, [`structure_error`] gives the error
    /// the tokenizer would have given, so messages do not depend on the path taken.
    pub structure_checked: bool,
}

/// A structural error: where, and what was expected.
#[derive(Debug, PartialEq)]
pub(super) struct FrameError {
    pub at: TextStart,
    pub message: String,
}

impl std::fmt::Display for FrameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.at.line, self.at.column, self.message
        )
    }
}

/// Numbers and literals longer than this are refused rather than buffered.
const MAX_SCALAR: usize = 1024;

/// Why reading stopped: the export's structure, the caller's verdict on an event, or a read
/// error (with where it happened).
#[derive(Debug)]
pub(super) enum Stop<E> {
    Frame(FrameError),
    Event(E),
    Read(TextStart, std::io::Error),
}

impl<E> From<FrameError> for Stop<E> {
    fn from(e: FrameError) -> Self {
        Stop::Frame(e)
    }
}

/// What an open container is to the export.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Role {
    /// Inside an event, or a member of a page orgscan does not read.
    Plain,
    /// A top-level array: each element is an event.
    TopArray,
    /// A top-level object not yet known to be a page: an event unless a `data` key turns up.
    TopObject,
    /// A top-level object with a `data` key.
    Page,
    /// The `data` array of a page: each element is an event.
    PageData,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Expect {
    /// A value (at the top level: the next document, or the end).
    Value,
    /// After `{`: a key or `}`.
    KeyOrEnd,
    /// After `,` in an object.
    Key,
    Colon,
    CommaOrObjectEnd,
    /// After `[`: a value or `]`.
    ValueOrArrayEnd,
    CommaOrArrayEnd,
}

#[derive(Clone, Copy, Debug)]
struct Container {
    object: bool,
    role: Role,
}

/// Where the tokenizer is inside a token that may span reads.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Token {
    None,
    /// Inside a string; `key` when it is an object key (recorded if `recording_key`).
    Str {
        key: bool,
    },
    /// After a backslash in a string.
    Escape {
        key: bool,
    },
    /// Inside `\uXXXX`: digits read so far and their value.
    Unicode {
        key: bool,
        digits: u8,
        value: u32,
    },
    /// Inside a number or literal (`true`, `false`, `null`).
    Scalar,
}

/// A value whose kind makes it an error where it stands, reported when it ends.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Misplaced {
    /// A top-level string, number or literal (not an event, page or array).
    TopLevel(TextStart),
    /// The `data` member of a page that is not an array or null.
    Data(TextStart),
}

pub(super) struct Framer {
    /// Absolute byte offset of the next byte, and of the start of the current line.
    offset: u64,
    line: u64,
    line_start: u64,
    stack: Vec<Container>,
    expect: Expect,
    token: Token,
    /// The scalar being read (short: numbers and literals).
    scalar: Vec<u8>,
    scalar_at: TextStart,
    /// A depth-1 key of a top-level object, raw (for the `data` test), while one is read.
    key: Vec<u8>,
    recording_key: bool,
    key_escaped: bool,
    /// The next value is the `data` member of a top-level object.
    data_next: bool,
    misplaced: Option<Misplaced>,
    /// The event being captured: its bytes, start, depth (stack length when it started) and
    /// whether it is still canonical.
    capturing: bool,
    capture: Vec<u8>,
    capture_at: TextStart,
    capture_depth: usize,
    canonical: bool,
    /// Whether NDJSON lines may be taken by [`object_line`] (off in tests that compare).
    line_fast_path: bool,
}

impl Default for Framer {
    fn default() -> Self {
        Framer {
            offset: 0,
            line: 1,
            line_start: 0,
            stack: Vec::new(),
            expect: Expect::Value,
            token: Token::None,
            scalar: Vec::new(),
            scalar_at: TextStart::line(1),
            key: Vec::new(),
            recording_key: false,
            key_escaped: false,
            data_next: false,
            misplaced: None,
            capturing: false,
            capture: Vec::new(),
            capture_at: TextStart::line(1),
            capture_depth: 0,
            canonical: true,
            line_fast_path: true,
        }
    }
}

/// The error the tokenizer gives for `text` (one event, starting at `at`) on its own, if any:
/// for an event taken by the line fast path whose parse failed.
pub(super) fn structure_error(text: &[u8], at: TextStart) -> Option<FrameError> {
    let mut framer = Framer {
        // Columns count from `at` on its first line.
        offset: at.column.saturating_sub(1),
        line: at.line,
        line_fast_path: false,
        ..Framer::default()
    };
    let mut ignore = |_: FramedEvent<'_>| Ok::<(), ()>(());
    let result = framer
        .feed(text, &mut ignore)
        .and_then(|()| framer.finish(&mut ignore));
    match result {
        Err(Stop::Frame(e)) => Some(e),
        _ => None,
    }
}

/// Whether `line` (no newline) is one JSON object that is an event on its own, checked in one
/// tight pass: `Some(canonical)` when its brackets balance and close at its last byte, its
/// strings end, its escapes, numbers and literals are valid, and no key of the object is
/// `data` (a page) or escaped; `None` for anything else, which the tokenizer then reads.
/// `canonical` is decided exactly as the tokenizer decides it.
fn object_line(line: &[u8]) -> Option<bool> {
    if line.first() != Some(&b'{') {
        return None;
    }
    let mut canonical = true;
    let mut depth = 0usize;
    // At depth 1, after `{` or `,`: the next string is a key of the event object.
    let mut key_next = false;
    let mut i = 0usize;
    let n = line.len();
    while i < n {
        let b = line[i];
        match b {
            b'{' | b'[' => {
                depth += 1;
                key_next = depth == 1;
                i += 1;
            }
            b'}' | b']' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 && i + 1 != n {
                    return None;
                }
                key_next = false;
                i += 1;
            }
            b',' => {
                key_next = depth == 1;
                i += 1;
            }
            b':' => {
                key_next = false;
                i += 1;
            }
            b' ' | b'\t' | b'\r' => {
                canonical = false;
                i += 1;
            }
            b'"' => {
                let is_key = key_next && depth == 1;
                key_next = false;
                let start = i + 1;
                let mut j = start;
                loop {
                    let k = j + quote_or_backslash(&line[j..])?;
                    if line[k] == b'"' {
                        j = k;
                        break;
                    }
                    if is_key {
                        return None;
                    }
                    match *line.get(k + 1)? {
                        b'"' | b'\\' | b'b' | b'f' | b'n' | b'r' | b't' => j = k + 2,
                        b'/' => {
                            canonical = false;
                            j = k + 2;
                        }
                        b'u' => {
                            let hex = line.get(k + 2..k + 6)?;
                            let mut value = 0u32;
                            for &h in hex {
                                let digit = match h {
                                    b'0'..=b'9' => h - b'0',
                                    b'a'..=b'f' => h - b'a' + 10,
                                    b'A'..=b'F' => {
                                        canonical = false;
                                        h - b'A' + 10
                                    }
                                    _ => return None,
                                };
                                value = value * 16 + u32::from(digit);
                            }
                            if !canonical_unicode_escape(value, true) {
                                canonical = false;
                            }
                            j = k + 6;
                        }
                        _ => return None,
                    }
                }
                if is_key && &line[start..j] == b"data" {
                    return None;
                }
                i = j + 1;
            }
            b'-' | b'0'..=b'9' | b't' | b'f' | b'n' => {
                key_next = false;
                let len = line[i..]
                    .iter()
                    .position(|&c| ends_scalar(c))
                    .unwrap_or(n - i);
                if len > MAX_SCALAR {
                    return None;
                }
                let scalar = &line[i..i + len];
                match b {
                    b't' if scalar == b"true" => {}
                    b'f' if scalar == b"false" => {}
                    b'n' if scalar == b"null" => {}
                    b'-' | b'0'..=b'9' => {
                        if !check_number(scalar)? {
                            canonical = false;
                        }
                    }
                    _ => return None,
                }
                i += len;
            }
            _ => return None,
        }
        if depth == 0 {
            // Only a closing bracket at the last byte ends the object (checked above).
            return (i == n).then_some(canonical);
        }
    }
    None
}

/// Strings scanned byte by byte before [`quote_or_backslash`] hands over to `memchr2`.
const SHORT_STRING: usize = 32;

/// Where the first `"` or `\` of `bytes` is: `memchr2`'s answer, found by a plain loop over
/// the first [`SHORT_STRING`] bytes first. Most strings of an event (keys, types, ids, times)
/// are that short, and for them memchr's setup per call costs more than the scan (memchr2 was
/// 7% of an import's CPU).
fn quote_or_backslash(bytes: &[u8]) -> Option<usize> {
    let head = &bytes[..bytes.len().min(SHORT_STRING)];
    if let Some(i) = head.iter().position(|&b| b == b'"' || b == b'\\') {
        return Some(i);
    }
    let tail = bytes.get(SHORT_STRING..).filter(|t| !t.is_empty())?;
    memchr::memchr2(b'"', b'\\', tail).map(|i| i + SHORT_STRING)
}

/// Reads `reader` to its end, calling `f` with each event in file order.
pub(super) fn each_event<E>(
    reader: impl std::io::BufRead,
    f: impl FnMut(FramedEvent<'_>) -> Result<(), E>,
) -> Result<(), Stop<E>> {
    each_event_with(Framer::default(), reader, f)
}

fn each_event_with<E>(
    mut framer: Framer,
    mut reader: impl std::io::BufRead,
    mut f: impl FnMut(FramedEvent<'_>) -> Result<(), E>,
) -> Result<(), Stop<E>> {
    loop {
        let chunk = match reader.fill_buf() {
            Ok(chunk) => chunk,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Stop::Read(framer.position(), e)),
        };
        if chunk.is_empty() {
            break;
        }
        let n = chunk.len();
        framer.feed(chunk, &mut f)?;
        reader.consume(n);
    }
    framer.finish(&mut f)
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

fn ends_scalar(b: u8) -> bool {
    is_space(b) || matches!(b, b',' | b']' | b'}' | b'{' | b'[' | b'"' | b':')
}

/// JSON number grammar; `Some(canonical)` when valid, canonical when serde_json would write it
/// back unchanged (an integer of at most 18 digits, not `-0`).
fn check_number(text: &[u8]) -> Option<bool> {
    let digits_from = usize::from(text.first() == Some(&b'-'));
    let body = text.get(digits_from..)?;
    let int_len = body.iter().take_while(|b| b.is_ascii_digit()).count();
    if int_len == 0 || (int_len > 1 && body[0] == b'0') {
        return None;
    }
    let mut rest = &body[int_len..];
    let integer = rest.is_empty();
    if let Some(after) = rest.strip_prefix(b".") {
        let n = after.iter().take_while(|b| b.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        rest = &after[n..];
    }
    if let Some(after) = rest.strip_prefix(b"e").or_else(|| rest.strip_prefix(b"E")) {
        let after = after
            .strip_prefix(b"+")
            .or_else(|| after.strip_prefix(b"-"))
            .unwrap_or(after);
        let n = after.iter().take_while(|b| b.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        rest = &after[n..];
    }
    if !rest.is_empty() {
        return None;
    }
    let negative_zero = digits_from == 1 && body == b"0";
    Some(integer && int_len <= 18 && !negative_zero)
}

/// The escape serde_json writes for a control character, if `\u00XX` is it.
fn canonical_unicode_escape(value: u32, lowercase: bool) -> bool {
    lowercase && value < 0x20 && !matches!(value, 0x08 | 0x09 | 0x0a | 0x0c | 0x0d)
}

fn kind_of_scalar(first: u8) -> &'static str {
    match first {
        b'"' => "a string",
        b't' | b'f' => "a boolean",
        b'n' => "null",
        _ => "a number",
    }
}

impl Framer {
    fn position(&self) -> TextStart {
        TextStart {
            line: self.line,
            column: self.offset - self.line_start + 1,
        }
    }

    fn at(&self, i: usize) -> TextStart {
        TextStart {
            line: self.line,
            column: self.offset + i as u64 - self.line_start + 1,
        }
    }

    fn error(&self, i: usize, message: impl Into<String>) -> FrameError {
        FrameError {
            at: self.at(i),
            message: message.into(),
        }
    }

    fn not_json(&self, i: usize, what: &str) -> FrameError {
        self.error(
            i,
            format!("not JSON: {what} (expected API page JSON {{\"data\":[…]}} or NDJSON events)"),
        )
    }

    fn top_role(&self) -> Option<Role> {
        self.stack.last().map(|c| c.role)
    }

    /// A value starts at byte `i` of the chunk: begins a capture when it is an event.
    fn value_starts(&mut self, i: usize, first: u8) -> Result<(), FrameError> {
        if self.data_next {
            self.data_next = false;
            match first {
                b'[' => {}
                b'{' => return Err(self.error(i, "`data` is not a list of events")),
                // A scalar: `null` is forgiven when it ends, anything else reported then.
                _ => self.misplaced = Some(Misplaced::Data(self.at(i))),
            }
            return Ok(());
        }
        let event = match self.top_role() {
            None => first == b'{',
            Some(Role::TopArray | Role::PageData) => true,
            _ => false,
        };
        if self.stack.is_empty() && first != b'{' && first != b'[' {
            self.misplaced = Some(Misplaced::TopLevel(self.at(i)));
        }
        if event && !self.capturing {
            self.capturing = true;
            self.capture.clear();
            self.capture_at = self.at(i);
            self.capture_depth = self.stack.len();
            self.canonical = true;
        }
        Ok(())
    }

    /// A value ended just before byte `end` of the chunk: emits the event it completes.
    fn value_ends<E>(
        &mut self,
        chunk: &[u8],
        segment: &mut usize,
        end: usize,
        f: &mut impl FnMut(FramedEvent<'_>) -> Result<(), E>,
    ) -> Result<(), Stop<E>> {
        self.expect = match self.stack.last() {
            None => Expect::Value,
            Some(c) if c.object => Expect::CommaOrObjectEnd,
            Some(_) => Expect::CommaOrArrayEnd,
        };
        if self.capturing && self.stack.len() == self.capture_depth {
            self.capturing = false;
            let text: &[u8] = if self.capture.is_empty() {
                &chunk[*segment..end]
            } else {
                self.capture.extend_from_slice(&chunk[*segment..end]);
                &self.capture
            };
            f(FramedEvent {
                text,
                at: self.capture_at,
                canonical: self.canonical,
                structure_checked: true,
            })
            .map_err(Stop::Event)?;
            self.capture.clear();
        }
        Ok(())
    }

    fn feed<E>(
        &mut self,
        chunk: &[u8],
        f: &mut impl FnMut(FramedEvent<'_>) -> Result<(), E>,
    ) -> Result<(), Stop<E>> {
        // Start of the part of `chunk` not yet copied into the capture.
        let mut segment = 0usize;
        let mut i = 0usize;
        while i < chunk.len() {
            match self.token {
                Token::Str { key } => {
                    let rest = &chunk[i..];
                    match memchr::memchr3(b'"', b'\\', b'\n', rest) {
                        None => {
                            if key && self.recording_key {
                                self.key.extend_from_slice(rest);
                            }
                            i = chunk.len();
                            continue;
                        }
                        Some(k) => {
                            if key && self.recording_key {
                                self.key.extend_from_slice(&rest[..k]);
                            }
                            i += k;
                            match chunk[i] {
                                b'\\' => self.token = Token::Escape { key },
                                b'"' => {
                                    self.token = Token::None;
                                    if key {
                                        self.expect = Expect::Colon;
                                    } else {
                                        self.check_misplaced(b'"')?;
                                        self.value_ends(chunk, &mut segment, i + 1, f)?;
                                    }
                                }
                                _ => return Err(self
                                    .not_json(
                                        i,
                                        "control character (\\u000a) found while parsing a string",
                                    )
                                    .into()),
                            }
                            i += 1;
                        }
                    }
                }
                Token::Escape { key } => {
                    let b = chunk[i];
                    if key && self.recording_key {
                        self.key_escaped = true;
                        self.key.push(b'\\');
                        self.key.push(b);
                    }
                    self.token = match b {
                        b'"' | b'\\' | b'b' | b'f' | b'n' | b'r' | b't' => Token::Str { key },
                        b'/' => {
                            self.canonical = false;
                            Token::Str { key }
                        }
                        b'u' => Token::Unicode {
                            key,
                            digits: 0,
                            value: 0,
                        },
                        _ => return Err(self.not_json(i, "invalid escape").into()),
                    };
                    i += 1;
                }
                Token::Unicode { key, digits, value } => {
                    let b = chunk[i];
                    let digit = match b {
                        b'0'..=b'9' => u32::from(b - b'0'),
                        b'a'..=b'f' => u32::from(b - b'a' + 10),
                        b'A'..=b'F' => {
                            self.canonical = false;
                            u32::from(b - b'A' + 10)
                        }
                        _ => return Err(self.not_json(i, "invalid escape").into()),
                    };
                    if key && self.recording_key {
                        self.key.push(b);
                    }
                    let value = value * 16 + digit;
                    self.token = if digits == 3 {
                        if !canonical_unicode_escape(value, true) {
                            self.canonical = false;
                        }
                        Token::Str { key }
                    } else {
                        Token::Unicode {
                            key,
                            digits: digits + 1,
                            value,
                        }
                    };
                    i += 1;
                }
                Token::Scalar => {
                    let b = chunk[i];
                    if ends_scalar(b) {
                        // The scalar ended at i - 1; `b` is read again as structure.
                        self.token = Token::None;
                        self.scalar_ends()?;
                        self.value_ends(chunk, &mut segment, i, f)?;
                    } else if self.scalar.len() >= MAX_SCALAR {
                        return Err(FrameError {
                            at: self.scalar_at,
                            message: format!(
                                "not JSON: a number or literal longer than {MAX_SCALAR} bytes"
                            ),
                        }
                        .into());
                    } else {
                        self.scalar.push(b);
                        i += 1;
                    }
                }
                Token::None => {
                    let b = chunk[i];
                    if b == b'{' && self.at_top_of_a_line(i) {
                        if let Some(taken) = self.fast_line(&chunk[i..], f)? {
                            i += taken;
                            continue;
                        }
                    }
                    if is_space(b) {
                        if b == b'\n' {
                            self.line += 1;
                            self.line_start = self.offset + i as u64 + 1;
                        }
                        if self.capturing {
                            self.canonical = false;
                        }
                        i += 1;
                        continue;
                    }
                    self.structure(chunk, &mut segment, i, b, f)?;
                    i += 1;
                }
            }
        }
        if self.capturing {
            self.capture.extend_from_slice(&chunk[segment..]);
        }
        self.offset += chunk.len() as u64;
        Ok(())
    }

    /// Byte `i` of the chunk starts a line and the tokenizer is between top-level documents:
    /// where an NDJSON line may be taken whole.
    fn at_top_of_a_line(&self, i: usize) -> bool {
        self.line_fast_path
            && self.stack.is_empty()
            && !self.capturing
            && self.expect == Expect::Value
            && self.misplaced.is_none()
            && self.offset + i as u64 == self.line_start
    }

    /// The NDJSON fast path: when `rest` starts with a whole line (its `\n` in this chunk) that
    /// [`object_line`] accepts as one event, emits it and returns the bytes taken (the newline
    /// included); `None` leaves the line to the tokenizer (a page, a pretty-printed document,
    /// anything unusual).
    fn fast_line<E>(
        &mut self,
        rest: &[u8],
        f: &mut impl FnMut(FramedEvent<'_>) -> Result<(), E>,
    ) -> Result<Option<usize>, Stop<E>> {
        let Some(newline) = memchr::memchr(b'\n', rest) else {
            return Ok(None);
        };
        let line = &rest[..newline];
        let text = line.strip_suffix(b"\r").unwrap_or(line);
        let Some(canonical) = object_line(text) else {
            return Ok(None);
        };
        f(FramedEvent {
            text,
            at: TextStart::line(self.line),
            canonical,
            structure_checked: false,
        })
        .map_err(Stop::Event)?;
        self.line += 1;
        self.line_start += newline as u64 + 1;
        Ok(Some(newline + 1))
    }

    /// One byte outside strings and scalars.
    fn structure<E>(
        &mut self,
        chunk: &[u8],
        segment: &mut usize,
        i: usize,
        b: u8,
        f: &mut impl FnMut(FramedEvent<'_>) -> Result<(), E>,
    ) -> Result<(), Stop<E>> {
        let starts_value = matches!(self.expect, Expect::Value | Expect::ValueOrArrayEnd);
        match b {
            b'{' | b'[' | b'"' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n' if starts_value => {
                let was_capturing = self.capturing;
                self.value_starts(i, b)?;
                if self.capturing && !was_capturing {
                    *segment = i;
                }
                match b {
                    b'{' | b'[' => {
                        let role = match (self.top_role(), b) {
                            (None, b'{') => Role::TopObject,
                            (None, _) => Role::TopArray,
                            (Some(Role::Page), b'[') if self.key_is_data() => Role::PageData,
                            _ => Role::Plain,
                        };
                        self.stack.push(Container {
                            object: b == b'{',
                            role,
                        });
                        self.expect = if b == b'{' {
                            Expect::KeyOrEnd
                        } else {
                            Expect::ValueOrArrayEnd
                        };
                    }
                    b'"' => self.token = Token::Str { key: false },
                    _ => {
                        self.scalar.clear();
                        self.scalar.push(b);
                        self.scalar_at = self.at(i);
                        self.token = Token::Scalar;
                    }
                }
                Ok(())
            }
            b'"' if matches!(self.expect, Expect::KeyOrEnd | Expect::Key) => {
                // Only the keys of a top-level object are looked at (for `data`).
                self.recording_key = matches!(self.top_role(), Some(Role::TopObject | Role::Page));
                if self.recording_key {
                    self.key.clear();
                    self.key_escaped = false;
                }
                self.token = Token::Str { key: true };
                Ok(())
            }
            b':' if self.expect == Expect::Colon => {
                if matches!(self.top_role(), Some(Role::TopObject | Role::Page))
                    && self.key_is_data()
                {
                    self.data_next = true;
                    if let Some(top) = self.stack.last_mut() {
                        if top.role == Role::TopObject {
                            // A page after all: what was captured is not an event.
                            top.role = Role::Page;
                            self.capturing = false;
                            self.capture.clear();
                        }
                    }
                }
                self.expect = Expect::Value;
                Ok(())
            }
            b',' if self.expect == Expect::CommaOrObjectEnd => {
                self.expect = Expect::Key;
                Ok(())
            }
            b',' if self.expect == Expect::CommaOrArrayEnd => {
                self.expect = Expect::Value;
                Ok(())
            }
            b'}' if matches!(self.expect, Expect::KeyOrEnd | Expect::CommaOrObjectEnd) => {
                self.stack.pop();
                self.value_ends(chunk, segment, i + 1, f)
            }
            b']' if matches!(
                self.expect,
                Expect::ValueOrArrayEnd | Expect::CommaOrArrayEnd
            ) =>
            {
                self.stack.pop();
                self.value_ends(chunk, segment, i + 1, f)
            }
            _ => Err(self.not_json(i, self.expected()).into()),
        }
    }

    fn expected(&self) -> &'static str {
        match self.expect {
            Expect::Value | Expect::ValueOrArrayEnd => "expected value",
            Expect::KeyOrEnd | Expect::Key => "key must be a string",
            Expect::Colon => "expected `:`",
            Expect::CommaOrObjectEnd => "expected `,` or `}`",
            Expect::CommaOrArrayEnd => "expected `,` or `]`",
        }
    }

    fn key_is_data(&self) -> bool {
        if !self.key_escaped {
            return self.key == b"data";
        }
        let mut quoted = Vec::with_capacity(self.key.len() + 2);
        quoted.push(b'"');
        quoted.extend_from_slice(&self.key);
        quoted.push(b'"');
        serde_json::from_slice::<String>(&quoted).is_ok_and(|k| k == "data")
    }

    /// A number or literal ended (its bytes are in `scalar`).
    fn scalar_ends(&mut self) -> Result<(), FrameError> {
        let text = &self.scalar;
        let ok = match text.first() {
            Some(b't') => text == b"true",
            Some(b'f') => text == b"false",
            Some(b'n') => text == b"null",
            _ => match check_number(text) {
                Some(canonical) => {
                    if !canonical {
                        self.canonical = false;
                    }
                    true
                }
                None => false,
            },
        };
        if !ok {
            let what = if matches!(text.first(), Some(b't' | b'f' | b'n')) {
                "expected ident"
            } else {
                "invalid number"
            };
            return Err(FrameError {
                at: self.scalar_at,
                message: format!(
                    "not JSON: {what} (expected API page JSON {{\"data\":[…]}} or NDJSON events)"
                ),
            });
        }
        let first = text.first().copied().unwrap_or(b'0');
        if first == b'n' && matches!(self.misplaced, Some(Misplaced::Data(_))) {
            // `"data": null` is a page without events.
            self.misplaced = None;
        }
        self.check_misplaced(first)
    }

    fn check_misplaced(&mut self, first: u8) -> Result<(), FrameError> {
        match self.misplaced.take() {
            None => Ok(()),
            Some(Misplaced::Data(at)) => Err(FrameError {
                at,
                message: "`data` is not a list of events".to_string(),
            }),
            Some(Misplaced::TopLevel(at)) => Err(FrameError {
                at,
                message: format!(
                    "expected an event object, a page {{\"data\":[…]}} or an array, found {}",
                    kind_of_scalar(first)
                ),
            }),
        }
    }

    /// The end of the input: a scalar still open ends here; anything else open is an error.
    fn finish<E>(
        mut self,
        f: &mut impl FnMut(FramedEvent<'_>) -> Result<(), E>,
    ) -> Result<(), Stop<E>> {
        let at_end = self.position();
        match self.token {
            Token::Scalar => {
                self.token = Token::None;
                self.scalar_ends()?;
                let mut segment = 0;
                self.value_ends(&[], &mut segment, 0, f)?;
            }
            Token::None => {}
            _ => {
                return Err(FrameError {
                    at: at_end,
                    message: "not JSON: EOF while parsing a string (expected API page JSON {\"data\":[…]} or NDJSON events)".to_string(),
                }
                .into())
            }
        }
        if let Some(open) = self.stack.last() {
            let what = if open.object { "an object" } else { "a list" };
            return Err(FrameError {
                at: at_end,
                message: format!("not JSON: EOF while parsing {what} (expected API page JSON {{\"data\":[…]}} or NDJSON events)"),
            }
            .into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_or_backslash_finds_what_memchr2_finds() {
        for len in [0, 1, 5, 31, 32, 33, 64, 100] {
            for at in 0..=len {
                for stop in [b'"', b'\\'] {
                    let mut bytes = vec![b'a'; len];
                    if at < len {
                        bytes[at] = stop;
                    }
                    assert_eq!(
                        quote_or_backslash(&bytes),
                        memchr::memchr2(b'"', b'\\', &bytes),
                        "{len} {at}"
                    );
                }
            }
        }
    }

    /// What a read gives: every event (text, start, canonical) and how it ended.
    type Outcome = (Vec<(Vec<u8>, TextStart, bool)>, Result<(), String>);

    /// Reads `input` through the tokenizer alone, or with the line fast path, whose unchecked
    /// events are then judged as the importer judges a failed parse (by `structure_error`).
    fn read(input: &[u8], fast: bool, chunk: usize) -> Outcome {
        let framer = Framer {
            line_fast_path: fast,
            ..Framer::default()
        };
        let mut events = Vec::new();
        let reader = std::io::BufReader::with_capacity(chunk, input);
        let result = each_event_with(framer, reader, |e: FramedEvent<'_>| {
            if !e.structure_checked {
                if let Some(error) = structure_error(e.text, e.at) {
                    return Err(error);
                }
            }
            events.push((e.text.to_vec(), e.at, e.canonical));
            Ok(())
        });
        let result = result.map_err(|stop| match stop {
            Stop::Frame(e) | Stop::Event(e) => e.to_string(),
            Stop::Read(_, e) => e.to_string(),
        });
        (events, result)
    }

    const LINES: &[&str] = &[
        r#"{"id":"a","attributes":{"time":"2026-01-01T00:00:00Z","n":[1,-2,true,false,null,{}]}}"#,
        r#"{"id":"b","message":{"content":"x\"y\\z\n\t\u001f\u00e9"}}"#,
        r#"{"id":"c", "x":1}"#,
        r#"{"id":"d","x":1.5,"y":-0,"z":12345678901234567890,"w":1e5}"#,
        r#"{"id":"e","u":"\u00E9\/\u0041\u000a"}"#,
        r#"{"data":[{"id":"f"},{"id":"g"}],"meta":{}}"#,
        r#"{"links":{"self":"x"},"data":[{"id":"h"}]}"#,
        r#"{"d\u0061ta":[{"id":"i"}]}"#,
        r#"{"data":null}"#,
        r#"{"data":{}}"#,
        r#"{"x":{"data":[1]},"y":"data"}"#,
        r#"{"a" 1}"#,
        r#"{"a":1,}"#,
        r#"{"a":1 "b":2}"#,
        r#"{"a":[}]}"#,
        r#"{]"#,
        r#"{"a":tru}"#,
        r#"{"a":01}"#,
        r#"{"a":1}}"#,
        r#"{"a":1} x"#,
        r#"{} {}"#,
        r#"{}"#,
        r#"[{"id":"j"},{"id":"k"}]"#,
        r#"{"a":"b	c"}"#,
        r#"{"a":"\x"}"#,
        r#"{"a":"\u12G4"}"#,
        r#"{:1}"#,
        r#"{"a"::1}"#,
        r#"{"a":,1}"#,
        "{\"id\":\"l\",\"s\":\"caf\u{e9}\"}\r",
        "  {\"id\":\"m\"}",
        "42",
        "{\"a\":[1,2],\n\"b\":3}",
        "",
    ];

    #[test]
    fn the_line_fast_path_reads_exactly_what_the_tokenizer_reads() {
        let mut cases: Vec<Vec<u8>> = LINES.iter().map(|l| l.as_bytes().to_vec()).collect();
        // Every line with one byte replaced, inserted or removed, from bytes that matter.
        let interesting = b"{}[]\":,\\ u0-.etn\r";
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        for line in LINES.iter().filter(|l| !l.is_empty()) {
            let bytes = line.as_bytes();
            for _ in 0..60 {
                let mut m = bytes.to_vec();
                let at = next(m.len());
                let b = interesting[next(interesting.len())];
                match next(3) {
                    0 => m[at] = b,
                    1 => m.insert(at, b),
                    _ => {
                        m.remove(at);
                    }
                }
                cases.push(m);
            }
        }
        let mut fast_taken = 0;
        for case in &cases {
            // Alone, and after a good line and before another (the path must hand back cleanly).
            let mut file = b"{\"id\":\"first\"}\n".to_vec();
            file.extend_from_slice(case);
            file.extend_from_slice(b"\n{\"id\":\"last\"}\n");
            for input in [case.clone(), file] {
                for chunk in [7, 1 << 16] {
                    let slow = read(&input, false, chunk);
                    let fast = read(&input, true, chunk);
                    assert_eq!(
                        fast,
                        slow,
                        "{:?} in chunks of {chunk}",
                        String::from_utf8_lossy(&input)
                    );
                }
            }
            fast_taken +=
                usize::from(object_line(case.strip_suffix(b"\r").unwrap_or(case)).is_some());
        }
        assert!(
            fast_taken > 100,
            "the fast path was taken {fast_taken} times"
        );
    }

    #[test]
    fn canonical_lines_are_taken_whole_and_pages_are_not() {
        assert_eq!(object_line(br#"{"id":"a","n":[1,{"b":null}]}"#), Some(true));
        assert_eq!(object_line(br#"{"id":"a", "n":1}"#), Some(false));
        assert_eq!(object_line(br#"{"id":"a","n":1.5}"#), Some(false));
        assert_eq!(object_line(br#"{"id":"\/"}"#), Some(false));
        assert_eq!(object_line(br#"{"id":"\u001f"}"#), Some(true));
        assert_eq!(object_line(br#"{"id":"\u000a"}"#), Some(false));
        assert_eq!(object_line(br#"{"data":[]}"#), None);
        assert_eq!(object_line(br#"{"x":1,"data":[]}"#), None);
        assert_eq!(object_line(br#"{"d\u0061ta":[]}"#), None);
        assert_eq!(object_line(br#"{"a":1} "#), None);
        assert_eq!(object_line(br#"{"a":1"#), None);
    }
}
