//! Org data and API error text are untrusted: a user name, token label, policy message or
//! error `title` can hold ESC sequences that retitle or clear a terminal, BEL, backspaces that
//! hide text, or bidi overrides that make `evil.exe` read as `exe.live`. This module decides
//! once, for every output boundary, what happens to such characters ([`is_hazard`]):
//!
//! - terminal (stdout/stderr of every command): [`terminal`] shows each as the visible text
//!   `\u{1b}`; newline and tab stay (orgscan's own line layout).
//! - documents (HTML, Markdown, CSV, JUnit XML): [`document`] uses the same visible `\u{…}`
//!   text, so a reader sees that something was there and what it was; newline, tab and CR stay
//!   (each format quotes or escapes them in its own way).
//! - JSON (report.json, SARIF, `--format json` on stdout): [`json`] keeps the exact string:
//!   serde already writes C0 as `\u001b`; DEL, C1 and bidi controls, which serde writes raw,
//!   become `\u007f`-style escapes too, so `cat report.json` is safe and the value is unchanged.

use std::borrow::Cow;
use std::fmt::Write;

/// C0 controls, DEL, C1 controls, and the bidi embedding/override/isolate controls.
pub fn is_hazard(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every hazard not in `keep` written as visible `\u{…}` text.
fn visible<'a>(text: &'a str, keep: &[char]) -> Cow<'a, str> {
    let unsafe_char = |c: char| is_hazard(c) && !keep.contains(&c);
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Text for a terminal: hazards shown as `\u{1b}`; newline and tab kept.
pub fn terminal(text: &str) -> Cow<'_, str> {
    visible(text, &['\n', '\t'])
}

/// Text for an HTML, Markdown, CSV or XML document, before that format's own escaping:
/// hazards shown as `\u{1b}`; newline, tab and carriage return kept.
pub fn document(text: &str) -> Cow<'_, str> {
    visible(text, &['\n', '\t', '\r'])
}

/// Serialized JSON with DEL, C1 and bidi controls written as `\uXXXX` escapes (C0 ones are
/// already escaped by serde; none of these can occur outside a string, so the document's
/// values are unchanged).
pub fn json(serialized: &str) -> Cow<'_, str> {
    if !serialized.chars().any(is_hazard) {
        return Cow::Borrowed(serialized);
    }
    let mut out = String::with_capacity(serialized.len() + 8);
    for c in serialized.chars() {
        match c {
            // serde_json's own layout (pretty printing) uses these outside strings.
            '\n' | '\t' | '\r' => out.push(c),
            c if is_hazard(c) => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// [`json`] as a writer: serialized JSON passed through to `inner` with DEL, C1 and bidi
/// controls escaped, for documents too large to build in memory first. A character split
/// between two writes waits for its other bytes.
pub struct JsonOut<W: std::io::Write> {
    inner: W,
    /// The start of a UTF-8 sequence whose remaining bytes have not been written yet.
    carry: Vec<u8>,
}

impl<W: std::io::Write> JsonOut<W> {
    pub fn new(inner: W) -> JsonOut<W> {
        JsonOut {
            inner,
            carry: Vec::new(),
        }
    }

    /// Writes what is still held (bytes that never became a whole character pass unchanged)
    /// and flushes.
    pub fn finish(&mut self) -> std::io::Result<()> {
        let rest = std::mem::take(&mut self.carry);
        self.inner.write_all(&rest)?;
        self.inner.flush()
    }
}

impl<W: std::io::Write> std::io::Write for JsonOut<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let joined;
        let bytes: &[u8] = if self.carry.is_empty() {
            buf
        } else {
            let mut all = std::mem::take(&mut self.carry);
            all.extend_from_slice(buf);
            joined = all;
            &joined
        };
        let mut rest = bytes;
        while !rest.is_empty() {
            let (valid, bad) = match std::str::from_utf8(rest) {
                Ok(text) => (text, None),
                Err(e) => (
                    std::str::from_utf8(&rest[..e.valid_up_to()]).unwrap_or_default(),
                    Some(e),
                ),
            };
            self.inner.write_all(json(valid).as_bytes())?;
            rest = &rest[valid.len()..];
            match bad.map(|e| e.error_len()) {
                None => break,
                // Bytes that can never be a character (not from serde): passed on unchanged.
                Some(Some(n)) => {
                    self.inner.write_all(&rest[..n])?;
                    rest = &rest[n..];
                }
                // The start of a character whose other bytes come with the next write.
                Some(None) => {
                    self.carry = rest.to_vec();
                    break;
                }
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every character the module must neutralise.
    pub(crate) fn all_hazards() -> Vec<char> {
        (0u32..0x20)
            .chain(0x7f..0xa0)
            .chain(0x202a..0x202f)
            .chain(0x2066..0x206a)
            .filter_map(char::from_u32)
            .collect()
    }

    #[test]
    fn terminal_and_document_show_every_hazard_visibly() {
        for c in all_hazards() {
            let text = format!("a{c}b");
            let t = terminal(&text);
            let d = document(&text);
            if c == '\n' || c == '\t' {
                assert_eq!(t, text);
            } else {
                assert_eq!(t, format!("a\\u{{{:x}}}b", c as u32));
                assert!(!t.chars().any(is_hazard));
            }
            if matches!(c, '\n' | '\t' | '\r') {
                assert_eq!(d, text);
            } else {
                assert!(!d.chars().any(is_hazard), "{c:?}");
            }
        }
        assert_eq!(terminal("\u{1b}]0;x\u{7}"), "\\u{1b}]0;x\\u{7}");
        assert!(matches!(terminal("plain é ✓"), Cow::Borrowed(_)));
    }

    #[test]
    fn json_keeps_the_exact_value() {
        for c in all_hazards() {
            let value = serde_json::Value::String(format!("x{c}y"));
            let serialized = serde_json::to_string(&value).unwrap();
            let safe = json(&serialized);
            assert!(!safe.chars().any(is_hazard), "{c:?}: {safe}");
            let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
            assert_eq!(back, value);
        }
        let pretty = serde_json::to_string_pretty(&serde_json::json!({"a": "\u{202e}"})).unwrap();
        assert_eq!(json(&pretty), "{\n  \"a\": \"\\u202e\"\n}");
    }

    #[test]
    fn json_out_writes_what_json_returns_however_the_bytes_are_split() {
        let text = "{\"a\": \"x\u{7f}y\u{85}z\u{202e}é€😀\"}\n";
        let expected = json(text).into_owned();
        let bytes = text.as_bytes();
        for chunk in 1..=bytes.len() {
            let mut out = Vec::new();
            let mut w = JsonOut::new(&mut out);
            for piece in bytes.chunks(chunk) {
                std::io::Write::write_all(&mut w, piece).unwrap();
            }
            w.finish().unwrap();
            assert_eq!(
                String::from_utf8(out).unwrap(),
                expected,
                "chunks of {chunk}"
            );
        }
    }
}
