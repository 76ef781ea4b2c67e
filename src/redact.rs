//! `--redact`: replaces the people and addresses in a report with consistent pseudonymous
//! tokens so it can be shared outside the audit team. Emails, names, account ids and IP
//! addresses become `user-<10 hex>` / `ip-<10 hex>`; one person gets one token everywhere
//! (their account id, email, name and nickname all map to the token derived from the account
//! id). Tokens are a keyed SHA-256 of the value: with `ORGSCAN_REDACT_KEY` set they cannot be
//! recomputed by someone who guesses an address; without it the key is the org id, which keeps
//! tokens stable across reports of the org (for trends and diffs) but lets anyone holding a
//! candidate address and the report confirm it. Finding fingerprints are kept, so a redacted
//! report still works as a `--baseline`.

use crate::report::Report;
use crate::snapshot::Snapshot;
use aho_corasick::{AhoCorasick, MatchKind};
use regex::Regex;
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// Keys whose values are vocabulary, not org data: never rewritten.
const VOCABULARY_KEYS: [&str; 11] = [
    "severity",
    "status",
    "state",
    "outcome",
    "fail_on",
    "control_id",
    "fingerprint",
    "schema",
    "source",
    "expires",
    "kind",
];

/// Aliases shorter than this are not searched for inside longer text (too many false hits).
const MIN_NAME_LEN: usize = 4;

fn patterns() -> &'static [(Regex, &'static str)] {
    static P: OnceLock<Vec<(Regex, &'static str)>> = OnceLock::new();
    P.get_or_init(|| {
        let list: [(&str, &str); 5] = [
            (r"(?i)\b[a-z0-9._%+\-]+@[a-z0-9\-]+(?:\.[a-z0-9\-]+)+\b", "user"),
            (r"\b\d{6}:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b", "user"),
            (r"\b[0-9a-f]{24}\b", "user"),
            (r"\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b", "ip"),
            (r"(?i)\b(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}\b|(?i)\b(?:[0-9a-f]{1,4}:){1,7}:(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4}){0,6})?\b", "ip"),
        ];
        list.iter()
            .filter_map(|(re, kind)| Regex::new(re).ok().map(|r| (r, *kind)))
            .collect()
    })
}

pub struct Redactor {
    key: Vec<u8>,
    /// Lower-cased alias (account id, email, name) → token.
    aliases: BTreeMap<String, String>,
    finder: Option<AhoCorasick>,
    /// The aliases the finder searches for, in its pattern order.
    searched: Vec<String>,
    /// Registered ids (searched for inside text whatever their shape).
    ids: std::collections::BTreeSet<String>,
}

impl Redactor {
    pub fn new(key: &str) -> Redactor {
        Redactor {
            key: key.as_bytes().to_vec(),
            aliases: BTreeMap::new(),
            finder: None,
            searched: Vec::new(),
            ids: std::collections::BTreeSet::new(),
        }
    }

    /// A token for `value` of a kind (`user`, `ip`): keyed SHA-256, 10 hex digits.
    pub fn token(&self, kind: &str, value: &str) -> String {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        h.update((self.key.len() as u64).to_be_bytes());
        h.update(&self.key);
        h.update(kind.as_bytes());
        h.update([0]);
        h.update(value.as_bytes());
        format!("{kind}-{}", &hex::encode(h.finalize())[..10])
    }

    /// Registers a person: every alias maps to the token of `id`.
    pub fn add_person(&mut self, id: &str, aliases: &[Option<&str>]) {
        let token = self.token("user", id);
        self.ids.insert(id.to_lowercase());
        self.aliases.insert(id.to_lowercase(), token.clone());
        for alias in aliases.iter().flatten() {
            let alias = alias.trim();
            if !alias.is_empty() {
                self.aliases
                    .entry(alias.to_lowercase())
                    .or_insert_with(|| token.clone());
            }
        }
        self.finder = None;
    }

    /// The people the snapshot knows: directory users, and the owners of keys and tokens.
    pub fn for_snapshot(key: &str, snapshot: &Snapshot) -> Redactor {
        let mut r = Redactor::new(key);
        for u in &snapshot.users {
            r.add_person(
                &u.account_id,
                &[u.email.as_deref(), u.name.as_deref(), u.nickname.as_deref()],
            );
        }
        let people = snapshot
            .api_tokens
            .iter()
            .filter_map(|t| t.user.as_ref())
            .chain(
                snapshot
                    .api_keys
                    .iter()
                    .filter_map(|k| k.created_by.as_ref()),
            );
        for p in people {
            if let Some(id) = p.id.as_deref() {
                r.add_person(id, &[p.email.as_deref(), p.name.as_deref()]);
            } else if let Some(email) = p.email.as_deref() {
                r.add_person(email, &[p.name.as_deref()]);
            }
        }
        r.build();
        r
    }

    /// Builds the substring finder over the registered aliases. Inside longer text only ids,
    /// emails and names of two or more words are searched for; a one-word name ("Atlassian",
    /// "admin") is replaced only where it is the whole value, since as a word inside text it
    /// is far more often something else.
    pub fn build(&mut self) {
        self.searched = self
            .aliases
            .keys()
            .filter(|a| a.chars().count() >= MIN_NAME_LEN)
            .filter(|a| self.ids.contains(*a) || a.contains('@') || a.contains(char::is_whitespace))
            .cloned()
            .collect();
        self.finder = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .build(&self.searched)
            .ok();
    }

    fn is_word_char(c: Option<char>) -> bool {
        c.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '@' || c == '.')
    }

    /// The text with every known alias (whole words) and every email, account id and IP
    /// address replaced by its token.
    pub fn redact_str(&self, text: &str) -> String {
        if let Some(t) = self.aliases.get(&text.trim().to_lowercase()) {
            return t.clone();
        }
        let mut out = String::with_capacity(text.len());
        match &self.finder {
            Some(finder) if !self.searched.is_empty() => {
                let mut last = 0;
                for m in finder.find_iter(text) {
                    let before = text[..m.start()].chars().next_back();
                    let after = text[m.end()..].chars().next();
                    if Self::is_word_char(before) || Self::is_word_char(after) {
                        continue;
                    }
                    let alias = &self.searched[m.pattern().as_usize()];
                    if let Some(token) = self.aliases.get(alias) {
                        out.push_str(&text[last..m.start()]);
                        out.push_str(token);
                        last = m.end();
                    }
                }
                out.push_str(&text[last..]);
            }
            _ => out.push_str(text),
        }
        for (re, kind) in patterns() {
            if re.is_match(&out) {
                out = re
                    .replace_all(&out, |c: &regex::Captures| {
                        let found = c[0].to_lowercase();
                        self.aliases
                            .get(&found)
                            .cloned()
                            .unwrap_or_else(|| self.token(kind, &found))
                    })
                    .into_owned();
            }
        }
        out
    }

    fn walk(&self, value: &mut Value, key: Option<&str>) {
        if key.is_some_and(|k| VOCABULARY_KEYS.contains(&k)) {
            return;
        }
        match value {
            Value::String(s) => *s = self.redact_str(s),
            Value::Array(items) => items.iter_mut().for_each(|v| self.walk(v, key)),
            Value::Object(map) => {
                let entries: Vec<(String, Value)> = std::mem::take(map).into_iter().collect();
                for (k, mut v) in entries {
                    self.walk(&mut v, Some(&k));
                    map.insert(self.redact_str(&k), v);
                }
            }
            _ => {}
        }
    }

    /// A redacted copy of the report: findings, reasons, warnings, waivers, activity and the
    /// attestation's author are rewritten; control metadata and provenance hashes are kept.
    pub fn redact_report(&self, report: &Report) -> Report {
        let Ok(mut doc) = serde_json::to_value(report) else {
            return report.clone();
        };
        if let Some(controls) = doc.get_mut("controls").and_then(Value::as_array_mut) {
            for c in controls {
                for field in ["findings", "reasons", "to_pass"] {
                    if let Some(v) = c.get_mut(field) {
                        self.walk(v, None);
                    }
                }
            }
        }
        for path in [
            &["gate", "reasons"][..],
            &["warnings"],
            &["waivers"],
            &["activity"],
            &["snapshot", "attestation", "attested_by"],
        ] {
            let mut node = Some(&mut doc);
            for p in path {
                node = node.and_then(|n| n.get_mut(*p));
            }
            if let Some(n) = node {
                self.walk(n, None);
            }
        }
        match serde_json::from_value::<Report>(doc) {
            Ok(mut r) => {
                r.redacted = true;
                r
            }
            Err(_) => report.clone(),
        }
    }
}

pub fn redact_report(report: &Report, snapshot: &Snapshot, key: &str) -> Report {
    Redactor::for_snapshot(key, snapshot).redact_report(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redactor() -> Redactor {
        let mut r = Redactor::new("k");
        r.add_person(
            "557058:1a2b3c4d-0000-4000-8000-000000000001",
            &[Some("dana@acme.example"), Some("Dana Admin")],
        );
        r.build();
        r
    }

    #[test]
    fn one_person_one_token() {
        let r = redactor();
        let t = r.redact_str("557058:1a2b3c4d-0000-4000-8000-000000000001");
        assert!(t.starts_with("user-") && t.len() == 15, "{t}");
        assert_eq!(r.redact_str("Dana Admin"), t);
        assert_eq!(r.redact_str("DANA@acme.example"), t);
        assert_eq!(
            r.redact_str("Organization admin Dana Admin (dana@acme.example) has no 2SV"),
            format!("Organization admin {t} ({t}) has no 2SV")
        );
    }

    #[test]
    fn unknown_addresses_get_stable_tokens() {
        let r = redactor();
        let a = r.redact_str("from 203.0.113.7 by sam@contractor.example");
        let b = r.redact_str("sam@contractor.example again from 203.0.113.7");
        assert!(!a.contains("203.0.113.7") && !a.contains("sam@"), "{a}");
        let ip = r.token("ip", "203.0.113.7");
        assert!(a.contains(&ip) && b.contains(&ip));
        assert!(r.redact_str("2001:db8::1 connected").starts_with("ip-"));
        assert_eq!(
            r.redact_str("5b10ac8d82e05b22cc7d4ef5"),
            r.token("user", "5b10ac8d82e05b22cc7d4ef5")
        );
    }

    #[test]
    fn one_word_names_are_replaced_only_as_whole_values() {
        let mut r = Redactor::new("k");
        r.add_person("acc-1", &[Some("Atlassian")]);
        r.build();
        assert_eq!(r.redact_str("Atlassian"), r.token("user", "acc-1"));
        assert_eq!(
            r.redact_str("holds atlassian/site-admin"),
            "holds atlassian/site-admin"
        );
        assert_eq!(
            r.redact_str("by acc-1 today"),
            format!("by {} today", r.token("user", "acc-1"))
        );
    }

    #[test]
    fn names_match_whole_words_only() {
        let r = redactor();
        assert_eq!(r.redact_str("Dana Administration"), "Dana Administration");
        assert_eq!(
            r.redact_str("version 1.2.3.4 high"),
            r.redact_str("version 1.2.3.4 high")
        );
        assert_eq!(r.redact_str("severity high"), "severity high");
    }
}
