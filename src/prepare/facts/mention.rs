//! The `mentions: <text>` filter's search: whether a piece of an event's text could contain a
//! word, ignoring case. It is a pre-filter: it keeps every event whose text a policy's
//! `regex.match("(?i)<text>", …)` would match (and some it would not), so the pass can drop the
//! rest before building their slim events, and the policy makes the exact check.
//!
//! Why it is a superset:
//! - ASCII letters match in either case; Unicode case folding, which `(?i)` applies, maps only
//!   two non-ASCII letters onto ASCII ones (U+212A KELVIN SIGN onto k, U+017F LONG S onto s), so
//!   a text holding k or s also keeps any piece that holds one of those.
//! - Raw JSON (attribute objects) is searched as written: a JSON escape could spell a letter
//!   (`\u0061` is `a`), so a piece holding `\u` is kept without decoding it. The text may hold
//!   only letters, digits, spaces, `-`, `_` and `.`, which JSON never escapes otherwise and which
//!   are not JSON punctuation, so any match lies inside one string, number or literal.
//! - The text must hold a character no JSON number holds, since a number may be written in
//!   another form than the one the policy sees (`1e2` and `100`).

use memchr::memmem;

/// Letters from most to least frequent in English text: the search looks for the rarest of the
/// text's letters first, so fewer candidate places are compared.
const LETTER_FREQUENCY: &[u8] = b"etaoinsrhdlcumwfgypbvkjxqz";

/// A word or phrase to look for, ignoring case.
#[derive(Clone, Debug)]
pub struct Mention {
    /// The text, ASCII lower-cased.
    lower: Box<[u8]>,
    /// Index in `lower` of the byte searched for first.
    anchor: usize,
    /// The text holds k or s, which `(?i)` also matches with a non-ASCII letter.
    folds_beyond_ascii: bool,
}

impl Mention {
    /// The text of a `mentions` filter; the error says what it may hold.
    pub fn parse(text: &str) -> Result<Mention, String> {
        if text.is_empty() {
            return Err("expected a word or phrase, found an empty text".into());
        }
        if let Some(c) = text
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.')))
        {
            return Err(format!(
                "{text:?} holds {c:?}; the text may hold ASCII letters, digits, spaces, `-`, `_` \
                 and `.` (JSON writes other characters escaped or as punctuation, so the stored \
                 line could not be searched for them)"
            ));
        }
        let lower: Box<[u8]> = text.to_ascii_lowercase().into_bytes().into();
        if lower
            .iter()
            .all(|b| b.is_ascii_digit() || matches!(b, b'e' | b'.' | b'-'))
        {
            return Err(format!(
                "{text:?} could be read inside a number, which JSON may write in another form \
                 (1e2 is 100); the text needs a letter other than e, a space or `_`"
            ));
        }
        let rank = |b: u8| {
            LETTER_FREQUENCY
                .iter()
                .position(|&l| l == b)
                .map_or(0, |i| i + 1)
        };
        let anchor = (0..lower.len())
            .max_by_key(|&i| rank(lower[i]))
            .unwrap_or(0);
        let folds_beyond_ascii = lower.iter().any(|b| matches!(b, b'k' | b's'));
        Ok(Mention {
            lower,
            anchor,
            folds_beyond_ascii,
        })
    }

    /// Whether decoded text (a string value) could hold the text, ignoring case.
    pub fn in_text(&self, hay: &str) -> bool {
        self.in_ascii(hay.as_bytes())
            || (self.folds_beyond_ascii && hay.contains(['\u{212a}', '\u{17f}']))
    }

    /// Whether raw JSON could hold the text in one of its strings once decoded: it holds the
    /// text as written, or a `\u` escape (not decoded, so kept).
    pub fn in_json(&self, raw: &str) -> bool {
        self.in_text(raw) || memmem::find(raw.as_bytes(), b"\\u").is_some()
    }

    /// The ASCII-case-insensitive search: each place holding the anchor byte in either case is
    /// a candidate, compared whole. No allocation.
    fn in_ascii(&self, hay: &[u8]) -> bool {
        let n = self.lower.len();
        let Some(last_start) = hay.len().checked_sub(n) else {
            return false;
        };
        let a = self.lower[self.anchor];
        // The anchor of a window starting at `start` is at `start + anchor`: search only where
        // a whole window fits, so a candidate's index in `span` is its window's start.
        let span = &hay[self.anchor..=last_start + self.anchor];
        memchr::memchr2_iter(a, a.to_ascii_uppercase(), span)
            .any(|start| hay[start..start + n].eq_ignore_ascii_case(&self.lower))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(text: &str) -> Mention {
        Mention::parse(text).unwrap()
    }

    #[test]
    fn matches_in_any_ascii_case_anywhere() {
        let admin = m("admin");
        assert_eq!(admin.lower[admin.anchor], b'm', "the rarest letter first");
        for hay in [
            "admin",
            "Jira Administrators",
            "site-ADMIN",
            "x aDmIn",
            "the role is org_admin",
        ] {
            assert!(admin.in_text(hay), "{hay}");
            assert!(admin.in_json(&format!("{{\"name\":\"{hay}\"}}")), "{hay}");
        }
        assert!(m("Site Admin").in_text("granted SITE ADMIN to"));
        assert!(m("2fa").in_text("Enforced 2FA"));
    }

    #[test]
    fn does_not_match_near_misses() {
        let admin = m("admin");
        for hay in [
            "",
            "adm",
            "Granted role to user for product",
            "a d m i n",
            "admi n",
            "ADMİN",
            "dmin",
        ] {
            assert!(!admin.in_text(hay), "{hay}");
            assert!(!admin.in_json(hay), "{hay}");
        }
        // A candidate at the very end whose window would not fit.
        assert!(!admin.in_text("xxxxm"));
        assert!(admin.in_text("xxxxadmin"));
    }

    #[test]
    fn a_json_escape_is_kept_undecoded() {
        let admin = m("admin");
        let escaped = r#"{"name":"\u0061dmin"}"#;
        assert!(admin.in_json(escaped));
        assert!(!admin.in_text(escaped), "decoded text is searched as it is");
        // Other escapes cannot spell a letter: the line is searched as written.
        assert!(!admin.in_json(r#"{"name":"say \"hi\"\n"}"#));
        assert!(admin.in_json(r#"{"name":"say \"admin\""}"#));
    }

    #[test]
    fn k_and_s_also_keep_their_unicode_case_folds() {
        // `(?i)risk` matches "RIS\u{212a}" (KELVIN SIGN) and "ri\u{17f}k" (LONG S).
        let risk = m("risk");
        assert!(risk.in_text("RIS\u{212a}") && risk.in_text("ri\u{17f}k"));
        assert!(!risk.in_text("rist"));
        // Letters without such folds do not.
        assert!(!m("admin").in_text("\u{212a}\u{17f}"));
    }

    #[test]
    fn keeps_everything_the_policy_regex_matches() {
        // The engine's `(?i)` (regorus uses the regex crate) against the filter, on texts around
        // the folding edge cases: whatever the regex matches, the filter keeps.
        let texts = [
            "ADMIN",
            "ADMİN",
            "admın",
            "ＡＤＭＩＮ",
            "adm\u{0130}n",
            "risk",
            "RIS\u{212a}",
            "ri\u{17f}k",
            "ri\u{017f}K",
            "ßk",
            "plain text",
        ];
        let kelvin = regex::Regex::new("(?i)risk").unwrap();
        assert!(
            kelvin.is_match("RIS\u{212a}"),
            "the fold the filter allows for"
        );
        for word in ["admin", "risk", "site admin"] {
            let re = regex::Regex::new(&format!("(?i){word}")).unwrap();
            let mention = m(word);
            for t in texts {
                if re.is_match(t) {
                    assert!(mention.in_text(t), "{word} in {t}");
                }
            }
        }
    }

    #[test]
    fn rejects_what_it_could_not_search_for() {
        for (text, says) in [
            ("", "empty"),
            ("admin\"", "holds '\"'"),
            ("a/b", "holds '/'"),
            ("path\\x", "holds '\\\\'"),
            ("admin:", "holds ':'"),
            ("été", "holds 'é'"),
            ("1e2", "inside a number"),
            ("-1.5", "inside a number"),
        ] {
            let err = Mention::parse(text).unwrap_err();
            assert!(err.contains(says), "{text}: {err}");
        }
        assert!(Mention::parse("e 1").is_ok() && Mention::parse("x1").is_ok());
    }
}
