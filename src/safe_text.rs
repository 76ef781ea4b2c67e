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
}
