//! `--redact`: replaces the people, addresses and credentials in a report with pseudonymous
//! tokens so it can be shared outside the audit team, and keys every finding fingerprint.
//!
//! - Emails, names, account ids → `user-<12 hex>`: one person gets one token everywhere (their
//!   account id, email, name and nickname all map to the token of the account id). IP
//!   addresses → `ip-…`, user API tokens (id and label) → `token-…`, admin API keys (id and
//!   label) → `key-…`, event ids → `event-…`, any other UUID-shaped id → `id-…`.
//! - Every token and every fingerprint is an HMAC-SHA256 keyed with the redaction key
//!   (`ORGSCAN_REDACT_KEY`, or a random key drawn for this run when none is set; the report
//!   then says its fingerprints are not comparable across runs). Without the key, a guessed
//!   email or account id cannot be hashed and looked up in the report; unkeyed fingerprints
//!   (sha256 of control + resource) would confirm such a guess, so they never reach a
//!   redacted output. Two runs with the same key give the same tokens and fingerprints, so a
//!   redacted report works as the `--baseline` of the next redacted run.
//!
//! What is replaced is what the snapshot names (directory users, token and key owners, event
//! actors, credential labels) plus anything shaped like an email, account id, IP or UUID. A
//! one-word display name is replaced where it is a whole value, not inside longer text, where
//! it is more often an ordinary word (README, "Redaction").

use crate::report::model::RedactionInfo;
use crate::report::Report;
use crate::results::ControlResult;
use crate::snapshot::Snapshot;
use aho_corasick::{AhoCorasick, MatchKind};
use hmac::{Hmac, Mac};
use regex::Regex;
use serde_json::Value;
use sha2::Sha256;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

/// The environment variable that holds the redaction key (read by the command line, which
/// passes its value to [`RedactKey::from_value`]).
pub const KEY_VARIABLE: &str = "ORGSCAN_REDACT_KEY";

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

/// Keys whose values are identifiers of one kind as a whole, whatever their shape (an event id
/// need not be a UUID): the value becomes that kind's token.
const IDENTIFIER_KEYS: [(&str, &str); 7] = [
    ("event_id", "event"),
    ("event_ids", "event"),
    ("sample_event_ids", "event"),
    ("ip", "ip"),
    ("ips", "ip"),
    ("actor_id", "user"),
    ("owner_id", "user"),
];

/// Aliases shorter than this are not searched for inside longer text (too many false hits).
const MIN_NAME_LEN: usize = 4;
/// Hex digits of a token (48 bits: no collision expected among 10^5 people).
const TOKEN_HEX: usize = 12;
/// Hex digits of a keyed fingerprint (as many as the unkeyed one).
const FINGERPRINT_HEX: usize = 32;

fn patterns() -> &'static [(Regex, &'static str)] {
    static P: OnceLock<Vec<(Regex, &'static str)>> = OnceLock::new();
    P.get_or_init(|| {
        let list: [(&str, &str); 6] = [
            (r"(?i)\b[a-z0-9._%+\-]+@[a-z0-9\-]+(?:\.[a-z0-9\-]+)+\b", "user"),
            (r"\b\d{6}:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b", "user"),
            (r"\b[0-9a-f]{24}\b", "user"),
            (r"(?i)\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", "id"),
            (r"\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b", "ip"),
            (r"(?i)\b(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}\b|(?i)\b(?:[0-9a-f]{1,4}:){1,7}:(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4}){0,6})?\b", "ip"),
        ];
        list.iter()
            .filter_map(|(re, kind)| Regex::new(re).ok().map(|r| (r, *kind)))
            .collect()
    })
}

/// The redaction key of this run.
pub struct RedactKey {
    bytes: Vec<u8>,
    from_environment: bool,
}

impl RedactKey {
    /// `value` (that of `ORGSCAN_REDACT_KEY`) when set and not empty, else 32 random bytes
    /// for this run.
    pub fn from_value(value: Option<&str>) -> RedactKey {
        match value.filter(|k| !k.is_empty()) {
            Some(k) => RedactKey::given(k.as_bytes()),
            None => RedactKey::per_run(),
        }
    }

    pub fn given(bytes: &[u8]) -> RedactKey {
        RedactKey {
            bytes: bytes.to_vec(),
            from_environment: true,
        }
    }

    pub fn per_run() -> RedactKey {
        use rand::RngCore;
        let mut bytes = vec![0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        RedactKey {
            bytes,
            from_environment: false,
        }
    }
}

pub struct Redactor {
    key: RedactKey,
    /// Lower-cased alias (id, email, name, label) → token.
    aliases: BTreeMap<String, String>,
    /// Aliases searched for inside longer text (ids, emails, labels, names of several words).
    in_text: BTreeSet<String>,
    finder: Option<AhoCorasick>,
    /// The aliases the finder searches for, in its pattern order.
    searched: Vec<String>,
    /// Lower-cased account ids of app accounts (not people: their names stay readable).
    apps: BTreeSet<String>,
    /// Token → the person's one-word aliases (nickname, one-word name): replaced inside the
    /// text of a finding that names the person otherwise, and only there.
    one_word: BTreeMap<String, BTreeSet<String>>,
}

impl Redactor {
    pub fn new(key: RedactKey) -> Redactor {
        Redactor {
            key,
            aliases: BTreeMap::new(),
            in_text: BTreeSet::new(),
            finder: None,
            searched: Vec::new(),
            apps: BTreeSet::new(),
            one_word: BTreeMap::new(),
        }
    }

    /// HMAC-SHA256 with the redaction key over length-prefixed parts (no two different part
    /// lists give the same message).
    fn mac(&self, parts: &[&str]) -> String {
        // HMAC takes keys of any length (longer ones are hashed): this cannot fail.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key.bytes)
            .expect("HMAC accepts keys of every length");
        for part in parts {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part.as_bytes());
        }
        hex::encode(mac.finalize().into_bytes())
    }

    /// A token for `value` of a kind (`user`, `ip`, `token`, `key`, `event`, `id`).
    pub fn token(&self, kind: &str, value: &str) -> String {
        format!("{kind}-{}", &self.mac(&[kind, value])[..TOKEN_HEX])
    }

    /// The keyed form of a finding fingerprint.
    pub fn fingerprint(&self, unkeyed: &str) -> String {
        self.mac(&["fingerprint", unkeyed])[..FINGERPRINT_HEX].to_string()
    }

    pub fn info(&self) -> RedactionInfo {
        RedactionInfo {
            key: if self.key.from_environment {
                KEY_VARIABLE.to_string()
            } else {
                "per-run".to_string()
            },
            comparable_across_runs: self.key.from_environment,
            key_id: self.mac(&["orgscan redaction key id"])[..16].to_string(),
        }
    }

    fn add_alias(&mut self, alias: &str, token: &str, in_text: bool) {
        let alias = alias.trim().to_lowercase();
        if alias.is_empty() {
            return;
        }
        let searched = in_text || alias.contains('@') || alias.contains(char::is_whitespace);
        if searched && alias.chars().count() >= MIN_NAME_LEN {
            self.in_text.insert(alias.clone());
        } else if token.starts_with("user-") {
            self.one_word
                .entry(token.to_string())
                .or_default()
                .insert(alias.clone());
        }
        self.aliases
            .entry(alias)
            .or_insert_with(|| token.to_string());
        self.finder = None;
    }

    /// Registers a person: every alias maps to the token of `id`.
    pub fn add_person(&mut self, id: &str, aliases: &[Option<&str>]) {
        let token = self.token("user", id);
        self.add_alias(id, &token, true);
        for alias in aliases.iter().flatten() {
            self.add_alias(alias, &token, false);
        }
    }

    /// Registers an app account (Slack, an MCP client…): its id and name are kept as they
    /// are where they are a whole value, since they name software, not a person.
    pub fn add_app(&mut self, id: &str, name: Option<&str>) {
        let id = id.trim().to_lowercase();
        for alias in [Some(id.as_str()), name].into_iter().flatten() {
            let alias = alias.trim();
            self.aliases
                .entry(alias.to_lowercase())
                .or_insert_with(|| alias.to_string());
        }
        self.apps.insert(id);
        self.finder = None;
    }

    /// Registers a credential (`token` or `key`): its id and label map to one token.
    pub fn add_credential(&mut self, kind: &str, id: &str, label: Option<&str>) {
        let token = self.token(kind, id);
        self.add_alias(id, &token, true);
        if let Some(label) = label {
            self.add_alias(label, &token, true);
        }
    }

    /// The people and credentials the snapshot knows: directory users, API tokens and admin
    /// API keys with their owners, and the attestation's author.
    pub fn for_snapshot(key: RedactKey, snapshot: &Snapshot) -> Redactor {
        let mut r = Redactor::new(key);
        for u in &snapshot.users {
            if u.account_type.as_deref() == Some("app") {
                r.add_app(&u.account_id, u.name.as_deref());
                continue;
            }
            r.add_person(
                &u.account_id,
                &[u.email.as_deref(), u.name.as_deref(), u.nickname.as_deref()],
            );
        }
        for t in &snapshot.api_tokens {
            r.add_credential("token", &t.id, t.label.as_deref());
        }
        for k in &snapshot.api_keys {
            r.add_credential("key", &k.id, k.label.as_deref());
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
        if let Some(by) = snapshot
            .attestation
            .as_ref()
            .map(|a| a.attested_by.as_str())
        {
            if !r.aliases.contains_key(&by.trim().to_lowercase()) {
                r.add_person(by, &[]);
            }
        }
        r.build();
        r
    }

    /// Registers the actors of the audit events (account id → display name), who need not
    /// be in the directory. Call [`Redactor::build`] after adding.
    pub fn add_event_actors<'a>(
        &mut self,
        actors: impl IntoIterator<Item = (&'a String, Option<&'a str>)>,
    ) {
        for (id, name) in actors {
            if !self.apps.contains(&id.trim().to_lowercase()) {
                self.add_person(id, &[name]);
            }
        }
    }

    /// Registers what the audit events policies can quote (`input.events_by_action`) name:
    /// event ids whatever their shape, actors (id, name, email), the users an event is about
    /// (`context` entries of type `users`) and the API tokens events were made with. Call
    /// [`Redactor::build`] after adding.
    pub fn add_events<'a>(&mut self, events: impl IntoIterator<Item = &'a Value>) {
        let text = |v: &'a Value, key: &str| v.get(key).and_then(Value::as_str);
        for event in events {
            if let Some(id) = text(event, "id") {
                let token = self.token("event", id.trim());
                self.add_alias(id, &token, true);
            }
            let actor = event.get("actor").unwrap_or(&Value::Null);
            if let Some(id) = text(actor, "id") {
                if !self.apps.contains(&id.trim().to_lowercase()) {
                    self.add_person(id, &[text(actor, "name"), text(actor, "email")]);
                }
            }
            if let Some(token_id) = text(actor, "token_id") {
                self.add_credential("token", token_id, None);
            }
            let users = event
                .get("context")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter(|c| text(c, "type") == Some("users"));
            for user in users {
                let attributes = user.get("attributes").unwrap_or(&Value::Null);
                if let Some(id) = text(user, "id") {
                    if !self.apps.contains(&id.trim().to_lowercase()) {
                        self.add_person(id, &[text(attributes, "name"), text(attributes, "email")]);
                    }
                }
            }
        }
    }

    /// Builds the substring finder over the aliases searched inside text.
    pub fn build(&mut self) {
        self.searched = self.in_text.iter().cloned().collect();
        self.finder = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .build(&self.searched)
            .ok();
    }

    fn is_word_char(c: Option<char>) -> bool {
        c.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '@' || c == '.')
    }

    /// The text with every known alias (whole words) and every email, account id, UUID and
    /// IP address replaced by its token.
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

    /// A value under an identifier key: the whole value is one id of `kind`.
    fn redact_identifier(&self, kind: &str, text: &str) -> String {
        let known = self.aliases.get(&text.trim().to_lowercase());
        known
            .cloned()
            .unwrap_or_else(|| self.token(kind, text.trim()))
    }

    fn walk(&self, value: &mut Value, key: Option<&str>) {
        if key.is_some_and(|k| VOCABULARY_KEYS.contains(&k)) {
            return;
        }
        let identifier = key.and_then(|k| {
            IDENTIFIER_KEYS
                .iter()
                .find(|(name, _)| *name == k)
                .map(|(_, kind)| *kind)
        });
        match value {
            Value::String(s) => {
                *s = match identifier {
                    Some(kind) => self.redact_identifier(kind, s),
                    None => self.redact_str(s),
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|v| self.walk(v, key)),
            Value::Object(map) => {
                // An audit event as policies quote it: its `id` is an event id.
                let is_event = map.contains_key("action") && map.contains_key("time");
                let entries: Vec<(String, Value)> = std::mem::take(map).into_iter().collect();
                for (k, mut v) in entries {
                    match (&mut v, is_event && k == "id") {
                        (Value::String(s), true) => *s = self.redact_identifier("event", s),
                        _ => self.walk(&mut v, Some(&k)),
                    }
                    map.insert(self.redact_str(&k), v);
                }
            }
            _ => {}
        }
    }

    /// The one-word aliases of the people a redacted value names (by their tokens), replaced
    /// as whole words in its strings: "Dana (user-…) aka dana" loses the nickname too.
    fn redact_one_word_aliases(&self, value: &mut Value) {
        static TOKEN: OnceLock<Option<Regex>> = OnceLock::new();
        let Some(token_re) = TOKEN
            .get_or_init(|| Regex::new(&format!("user-[0-9a-f]{{{TOKEN_HEX}}}")).ok())
            .as_ref()
        else {
            return;
        };
        let text = value.to_string();
        let mut words: Vec<(String, String)> = Vec::new();
        for m in token_re.find_iter(&text) {
            for alias in self.one_word.get(m.as_str()).into_iter().flatten() {
                words.push((alias.clone(), m.as_str().to_string()));
            }
        }
        if words.is_empty() {
            return;
        }
        words.sort();
        words.dedup();
        let Ok(finder) = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .build(words.iter().map(|(alias, _)| alias))
        else {
            return;
        };
        Self::map_strings(value, &mut |s: &str| {
            let mut out = String::with_capacity(s.len());
            let mut last = 0;
            for m in finder.find_iter(s) {
                let before = s[..m.start()].chars().next_back();
                let after = s[m.end()..].chars().next();
                if Self::is_word_char(before) || Self::is_word_char(after) {
                    continue;
                }
                out.push_str(&s[last..m.start()]);
                out.push_str(&words[m.pattern().as_usize()].1);
                last = m.end();
            }
            out.push_str(&s[last..]);
            out
        });
    }

    fn map_strings(value: &mut Value, f: &mut dyn FnMut(&str) -> String) {
        match value {
            Value::String(s) => *s = f(s),
            Value::Array(items) => items.iter_mut().for_each(|v| Self::map_strings(v, f)),
            Value::Object(map) => map.values_mut().for_each(|v| Self::map_strings(v, f)),
            _ => {}
        }
    }

    /// Every string of a JSON document redacted (for `--dump-input`; each user record there
    /// loses its one-word aliases too).
    pub fn redact_value(&self, value: &mut Value) {
        self.walk(value, None);
        if let Some(users) = value.get_mut("users").and_then(Value::as_array_mut) {
            users
                .iter_mut()
                .for_each(|u| self.redact_one_word_aliases(u));
        }
    }

    /// Replaces every finding fingerprint by its keyed form. Runs before the gate and the
    /// baseline comparison, which then compare keyed fingerprints with a redacted baseline's.
    pub fn key_fingerprints(&self, controls: &mut [ControlResult]) {
        for f in controls.iter_mut().flat_map(|c| c.findings.iter_mut()) {
            f.fingerprint = self.fingerprint(&f.fingerprint);
        }
    }

    /// A redacted copy of the report: findings, reasons, warnings, waivers, activity,
    /// collection reasons and the attestation's author are rewritten; control metadata and
    /// provenance hashes are kept. Fingerprints must already be keyed
    /// ([`Redactor::key_fingerprints`]).
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
                let findings = c.get_mut("findings").and_then(Value::as_array_mut);
                for finding in findings.into_iter().flatten() {
                    self.redact_one_word_aliases(finding);
                }
            }
        }
        for path in [
            &["gate", "reasons"][..],
            &["warnings"],
            &["waivers"],
            &["activity"],
            &["snapshot", "attestation", "attested_by"],
            &["snapshot", "collections"],
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
                r.redaction = Some(self.info());
                r
            }
            Err(_) => report.clone(),
        }
    }
}

/// Why a baseline's fingerprints cannot match this run's, if they cannot: one report is
/// redacted and the other not, or they were keyed differently.
pub fn baseline_mismatch(baseline: &Report, this_run: Option<&RedactionInfo>) -> Option<String> {
    let before = baseline.redaction.as_ref().map(|r| r.key_id.as_str());
    let now = this_run.map(|r| r.key_id.as_str());
    let problem = match (baseline.redacted, before, now) {
        (false, _, None) => return None,
        (_, Some(a), Some(b)) if a == b => return None,
        (false, _, Some(_)) => "the baseline is not redacted and this run is",
        (true, _, None) => "the baseline is redacted and this run is not",
        (true, _, Some(_)) if this_run.is_some_and(|r| !r.comparable_across_runs) => {
            "this run's redaction key is drawn for this run only (set ORGSCAN_REDACT_KEY)"
        }
        _ => "the baseline was redacted with another key",
    };
    Some(format!(
        "--baseline: {problem}, so no fingerprint can match and every finding counts as new"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redactor() -> Redactor {
        let mut r = Redactor::new(RedactKey::given(b"k"));
        r.add_person(
            "557058:1a2b3c4d-0000-4000-8000-000000000001",
            &[Some("dana@acme.example"), Some("Dana Admin")],
        );
        r.add_credential("token", "tok-0001", Some("laptop-cli"));
        r.build();
        r
    }

    #[test]
    fn one_person_one_token() {
        let r = redactor();
        let t = r.redact_str("557058:1a2b3c4d-0000-4000-8000-000000000001");
        assert!(t.starts_with("user-") && t.len() == 5 + TOKEN_HEX, "{t}");
        assert_eq!(r.redact_str("Dana Admin"), t);
        assert_eq!(r.redact_str("DANA@acme.example"), t);
        assert_eq!(
            r.redact_str("Organization admin Dana Admin (dana@acme.example) has no 2SV"),
            format!("Organization admin {t} ({t}) has no 2SV")
        );
    }

    #[test]
    fn tokens_and_fingerprints_are_hmacs_of_the_key() {
        use sha2::Digest;
        let r = redactor();
        // RFC 4231-style check that this is HMAC-SHA256 (and not a plain or prefixed hash).
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(b"k").unwrap();
        mac.update(&4u64.to_be_bytes());
        mac.update(b"user");
        mac.update(&5u64.to_be_bytes());
        mac.update(b"alice");
        let expected = hex::encode(mac.finalize().into_bytes());
        assert_eq!(
            r.token("user", "alice"),
            format!("user-{}", &expected[..TOKEN_HEX])
        );
        let unkeyed = hex::encode(&Sha256::digest(b"x")[..16]);
        let keyed = r.fingerprint(&unkeyed);
        assert_eq!(keyed.len(), FINGERPRINT_HEX);
        assert_ne!(keyed, unkeyed);
        let other = Redactor::new(RedactKey::given(b"other"));
        assert_ne!(
            other.fingerprint(&unkeyed),
            keyed,
            "another key, another fingerprint"
        );
        assert_ne!(other.token("user", "alice"), r.token("user", "alice"));
        assert_ne!(other.info().key_id, r.info().key_id);
        assert_eq!(
            Redactor::new(RedactKey::given(b"k")).info().key_id,
            r.info().key_id
        );
    }

    #[test]
    fn a_per_run_key_is_random_and_says_so() {
        let a = Redactor::new(RedactKey::per_run());
        let b = Redactor::new(RedactKey::per_run());
        assert_ne!(a.token("user", "x"), b.token("user", "x"));
        assert!(!a.info().comparable_across_runs);
        assert_eq!(a.info().key, "per-run");
        assert!(redactor().info().comparable_across_runs);
    }

    #[test]
    fn credentials_events_and_uuids_become_tokens() {
        let r = redactor();
        let t = r.redact_str("tok-0001");
        assert!(t.starts_with("token-"), "{t}");
        assert_eq!(
            r.redact_str("token 'laptop-cli' never expires"),
            format!("token '{t}' never expires")
        );
        let mut v = serde_json::json!({
            "event_ids": ["evt-1", "evt-2"],
            "event": {"id": "evt-3", "action": "user_login", "time": "t"},
            "ip": "not-an-ip-shape",
            "group": "21b9a2d1-893d-46a1-aa8c-c5e42fd40855",
        });
        r.redact_value(&mut v);
        let text = v.to_string();
        for raw in ["evt-1", "evt-2", "evt-3", "not-an-ip-shape", "21b9a2d1"] {
            assert!(!text.contains(raw), "{raw} in {text}");
        }
        assert!(v["event_ids"][0].as_str().unwrap().starts_with("event-"));
        assert!(v["event"]["id"].as_str().unwrap().starts_with("event-"));
        assert!(v["group"].as_str().unwrap().starts_with("id-"));
        assert_eq!(v["event"]["action"], "user_login");
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
        let mut r = Redactor::new(RedactKey::given(b"k"));
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
    fn one_word_aliases_go_where_their_person_is_named() {
        let mut r = Redactor::new(RedactKey::given(b"k"));
        r.add_person("acc-1", &[Some("Zoe Klein"), Some("zoe")]);
        r.build();
        let t = r.token("user", "acc-1");
        let mut finding = serde_json::json!({"resource": {"id": "acc-1"}, "message": "Zoe Klein aka zoe, not zoey"});
        r.walk(&mut finding, None);
        r.redact_one_word_aliases(&mut finding);
        assert_eq!(finding["message"], format!("{t} aka {t}, not zoey"));
        let mut other = serde_json::json!({"message": "zoe alone names no registered person"});
        r.walk(&mut other, None);
        r.redact_one_word_aliases(&mut other);
        assert_eq!(other["message"], "zoe alone names no registered person");
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
