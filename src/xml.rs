//! XML escaping for the JUnit outputs (`report/junit.rs` and `policy test --format junit` in
//! `policy/test_junit.rs`). A leaf utility beside `safe_text`, so the policy floor does not
//! borrow it from a report format. Characters XML 1.0 cannot carry at all (most control
//! characters) become visible `\u{…}` text.

use std::fmt::Write;

fn xml_allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r')
        || ('\u{20}'..='\u{D7FF}').contains(&c)
        || ('\u{E000}'..='\u{FFFD}').contains(&c)
        || c >= '\u{10000}'
}

/// Escapes text content.
pub fn xml_text(text: &str) -> String {
    escape(text, false)
}

/// Escapes an attribute value (double-quoted); whitespace kept as character references so
/// attribute normalisation does not eat it.
pub fn xml_attr(text: &str) -> String {
    escape(text, true)
}

fn escape(text: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in crate::safe_text::document(text).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\'' if attribute => out.push_str("&apos;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\r' if attribute => out.push_str("&#13;"),
            '\t' if attribute => out.push_str("&#9;"),
            c if !xml_allowed(c) => {
                let _ = write!(out, "\\u{{{:04x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_drops_what_xml_cannot_carry() {
        assert_eq!(
            xml_text("<a&b>\u{1b}\u{0}\u{85}\u{202e}"),
            "&lt;a&amp;b&gt;\\u{1b}\\u{0}\\u{85}\\u{202e}"
        );
        assert_eq!(xml_attr("\"x'\n"), "&quot;x&apos;&#10;");
        assert_eq!(xml_text("\u{FFFE}ok"), "\\u{fffe}ok");
    }
}
