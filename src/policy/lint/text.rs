//! Where each character of a Rego source is (code, comment, string literal) and the
//! arguments of a call: what the sprintf and shadowing lints read the source with.

/// Where each char of a source is: code, comment or string literal.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Zone {
    Code,
    Comment,
    Text,
}

pub(super) fn zones(chars: &[char]) -> Vec<Zone> {
    let mut out = vec![Zone::Code; chars.len()];
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '#' => {
                while i < chars.len() && chars[i] != '\n' {
                    out[i] = Zone::Comment;
                    i += 1;
                }
            }
            '"' | '`' => {
                let close = chars[i];
                out[i] = Zone::Text;
                i += 1;
                while i < chars.len() && chars[i] != close {
                    if close == '"' && chars[i] == '\\' && i + 1 < chars.len() {
                        out[i] = Zone::Text;
                        i += 1;
                    }
                    if close == '"' && chars[i] == '\n' {
                        break;
                    }
                    out[i] = Zone::Text;
                    i += 1;
                }
                if i < chars.len() {
                    out[i] = Zone::Text;
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    out
}

/// The text between the bracket at `open` and its match, split at top-level commas.
pub(super) fn split_args(
    chars: &[char],
    zone: &[Zone],
    open: usize,
) -> Option<(Vec<String>, usize)> {
    let mut depth = 0usize;
    let mut parts = vec![String::new()];
    let mut i = open;
    while i < chars.len() {
        let c = chars[i];
        if zone[i] == Zone::Code {
            match c {
                '(' | '[' | '{' => {
                    depth += 1;
                    if depth == 1 {
                        i += 1;
                        continue;
                    }
                }
                ')' | ']' | '}' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        let parts = parts.into_iter().map(|p| p.trim().to_string()).collect();
                        return Some((parts, i));
                    }
                }
                ',' if depth == 1 => {
                    parts.push(String::new());
                    i += 1;
                    continue;
                }
                _ => {}
            }
        }
        if zone[i] != Zone::Comment {
            if let Some(last) = parts.last_mut() {
                last.push(c);
            }
        }
        i += 1;
    }
    None
}
