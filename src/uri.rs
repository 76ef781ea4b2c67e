//! Pieces of URIs built from org data. A leaf utility: the collector puts API ids into request
//! paths (`collect/endpoints.rs`), SARIF puts resource ids into location URIs
//! (`report/sarif.rs`) and the portfolio links each org's report folder
//! (`report/portfolio_html.rs`), all with this one encoding.

/// Percent-encodes everything but RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`), so
/// an id taken from API data stays one path segment (a `/` cannot add path parts).
pub fn encode_segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_unreserved_and_encodes_the_rest_as_utf8_bytes() {
        assert_eq!(encode_segment("a-Z.0_~"), "a-Z.0_~");
        assert_eq!(encode_segment("../x y"), "..%2Fx%20y");
        assert_eq!(encode_segment("é:"), "%C3%A9%3A");
    }
}
