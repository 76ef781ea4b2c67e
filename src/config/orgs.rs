//! `[[orgs]]` in `orgscan.toml`: the organizations of a fleet (issue 17). Each names its org id,
//! where its admin API key comes from (Atlassian admin API keys belong to one org), an optional
//! attestation file, and per-org overrides of the control thresholds (`[orgs.controls.ID]`),
//! waivers (`[[orgs.waivers]]`) and `fail_on`.
//!
//! ```toml
//! [[orgs]]
//! id = "5a1b2c3d-eu"
//! name = "Acme EU"
//! api_key_env = "ACME_EU_KEY"          # or api_key_file = "keys/eu.key"
//! attestation = "attest/eu.toml"
//! fail_on = "critical"
//! [orgs.controls.ATL-IDN-001]
//! max_admins = 6
//! [[orgs.waivers]]
//! control = "ATL-IDN-002"
//! reason = "SSO rollout in the EU org ends in January"
//! ```
//!
//! The structure is checked when the file is read (every problem at once, each as
//! `FILE:LINE: orgs[N].FIELD: message`); the key sources and attestation files are checked
//! when they are needed, by `collect --fleet`, before any request (a scan needs no key, and
//! the machine that scans often holds none). Relative paths are taken from the configuration
//! file's directory, so the same file works from any working directory. Messages never quote
//! `api_key_env` or `api_key_file`: a key pasted there by mistake must not reach a CI log.

use crate::results::Severity;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// One `[[orgs]]` table as written (spans kept for messages).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawOrg {
    id: Spanned<toml::Value>,
    #[serde(default)]
    name: Option<Spanned<toml::Value>>,
    #[serde(default)]
    api_key_env: Option<Spanned<toml::Value>>,
    #[serde(default)]
    api_key_file: Option<Spanned<toml::Value>>,
    #[serde(default)]
    attestation: Option<Spanned<toml::Value>>,
    #[serde(default)]
    fail_on: Option<Spanned<toml::Value>>,
    #[serde(default)]
    controls: BTreeMap<String, BTreeMap<String, toml::Value>>,
    /// Validated with the global waivers by the waiver module (against the loaded controls).
    #[serde(default)]
    #[allow(dead_code)]
    waivers: Vec<toml::Value>,
}

/// Where an org's admin API key comes from.
#[derive(Clone, Debug, PartialEq)]
pub enum KeySource {
    /// The name of an environment variable holding the key.
    Env(String),
    /// A file holding the key (resolved against the configuration file's directory).
    File(PathBuf),
}

/// One org of the fleet, validated.
#[derive(Clone, Debug, PartialEq)]
pub struct FleetOrg {
    /// Its position in the file (`orgs[N]` in messages).
    pub index: usize,
    pub id: String,
    pub name: Option<String>,
    pub key: Option<KeySource>,
    pub attestation: Option<PathBuf>,
    pub fail_on: Option<Severity>,
    /// `[orgs.controls.ID]`: merged over the global `[controls.ID]`, setting by setting.
    pub controls: BTreeMap<String, BTreeMap<String, toml::Value>>,
    /// `FILE:LINE` of the `[[orgs]]` table, of its key source and of its attestation.
    pub location: String,
    pub key_location: String,
    pub attestation_location: String,
    /// The line of the `[[orgs]]` table (settings of this org are looked up from there on).
    pub(super) line: usize,
}

impl FleetOrg {
    /// `FILE:LINE: orgs[N].FIELD` for messages about this org's `field`.
    pub fn field(&self, field: &str) -> String {
        let location = match field {
            "api_key_env" | "api_key_file" => &self.key_location,
            "attestation" => &self.attestation_location,
            _ => &self.location,
        };
        format!("{location}: orgs[{}].{field}", self.index)
    }

    /// How the org is shown in summaries: `Acme EU (5a1b2c3d-eu)` or the id alone.
    pub fn label(&self) -> String {
        match &self.name {
            Some(name) => format!("{name} ({})", self.id),
            None => self.id.clone(),
        }
    }
}

/// A line number from a byte offset of `text`.
pub(super) fn line_at(text: &str, offset: usize) -> usize {
    text.get(..offset.min(text.len()))
        .map(|s| s.bytes().filter(|b| *b == b'\n').count() + 1)
        .unwrap_or(1)
}

/// Org ids as the collector accepts them (`collect` puts them into URL paths).
fn valid_org_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 128
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
        && id != "."
        && id != ".."
}

/// An environment variable name as shells write them.
fn valid_env_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    name.len() <= 128
        && bytes
            .next()
            .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Validates every `[[orgs]]` table: all problems at once.
pub(super) fn validate(
    raw: &[Spanned<RawOrg>],
    path: &str,
    text: &str,
    base: &Path,
) -> Result<Vec<FleetOrg>, Vec<String>> {
    let mut problems = Vec::new();
    let mut orgs = Vec::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (index, table) in raw.iter().enumerate() {
        let org = table.get_ref();
        let table_line = line_at(text, table.span().start);
        let at = |span: std::ops::Range<usize>| format!("{path}:{}", line_at(text, span.start));
        let mut problem = |span: std::ops::Range<usize>, field: &str, message: &str| {
            problems.push(format!("{}: orgs[{index}].{field}: {message}", at(span)));
        };
        let string = |value: &Spanned<toml::Value>| match value.get_ref() {
            toml::Value::String(s) if !s.trim().is_empty() => Ok(s.trim().to_string()),
            toml::Value::String(_) => Err("must not be empty".to_string()),
            _ => Err("expected a string".to_string()),
        };
        let mut bad = false;
        let id = match string(&org.id) {
            Ok(id) if valid_org_id(&id) => Some(id),
            Ok(id) => {
                problem(
                    org.id.span(),
                    "id",
                    &format!("{id:?} is not an org id: expected the id from admin.atlassian.com/o/ORG_ID (letters, digits, - _ . :)"),
                );
                None
            }
            Err(m) => {
                problem(org.id.span(), "id", &m);
                None
            }
        };
        if let Some(id) = &id {
            if let Some(first) = seen.insert(id.clone(), index) {
                problem(
                    org.id.span(),
                    "id",
                    &format!("{id:?} is already orgs[{first}]; list each org once"),
                );
                bad = true;
            }
        } else {
            bad = true;
        }
        let name = match &org.name {
            Some(v) => match string(v) {
                Ok(n) => Some(n),
                Err(m) => {
                    problem(v.span(), "name", &m);
                    bad = true;
                    None
                }
            },
            None => None,
        };
        // The key source: its value is never quoted (it may be a key pasted by mistake).
        let key = match (&org.api_key_env, &org.api_key_file) {
            (Some(_), Some(file)) => {
                problem(
                    file.span(),
                    "api_key_file",
                    "give api_key_env or api_key_file, not both",
                );
                bad = true;
                None
            }
            (Some(env), None) => match string(env) {
                Ok(name) if valid_env_name(&name) => Some((KeySource::Env(name), env.span())),
                Ok(_) => {
                    problem(
                        env.span(),
                        "api_key_env",
                        "expected the name of an environment variable (letters, digits and _), not the key itself",
                    );
                    bad = true;
                    None
                }
                Err(m) => {
                    problem(env.span(), "api_key_env", &m);
                    bad = true;
                    None
                }
            },
            (None, Some(file)) => match string(file) {
                Ok(p) => Some((KeySource::File(base.join(p)), file.span())),
                Err(m) => {
                    problem(file.span(), "api_key_file", &m);
                    bad = true;
                    None
                }
            },
            (None, None) => None,
        };
        let attestation = match &org.attestation {
            Some(v) => match string(v) {
                Ok(p) => Some((base.join(p), v.span())),
                Err(m) => {
                    problem(v.span(), "attestation", &m);
                    bad = true;
                    None
                }
            },
            None => None,
        };
        let fail_on = match &org.fail_on {
            Some(v) => match string(v).and_then(|s| s.to_ascii_lowercase().parse::<Severity>()) {
                Ok(s) => Some(s),
                Err(m) => {
                    problem(v.span(), "fail_on", &m);
                    bad = true;
                    None
                }
            },
            None => None,
        };
        if bad {
            continue;
        }
        let Some(id) = id else { continue };
        let location = format!("{path}:{table_line}");
        orgs.push(FleetOrg {
            index,
            id,
            name,
            key_location: key
                .as_ref()
                .map_or(location.clone(), |(_, span)| at(span.clone())),
            key: key.map(|(k, _)| k),
            attestation_location: attestation
                .as_ref()
                .map_or(location.clone(), |(_, span)| at(span.clone())),
            attestation: attestation.map(|(p, _)| p),
            fail_on,
            controls: org.controls.clone(),
            location,
            line: table_line,
        });
    }
    if problems.is_empty() {
        Ok(orgs)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use crate::config::{Config, KeySource};
    use crate::results::Severity;
    use std::path::PathBuf;

    const FLEET: &str = r#"[controls.ATL-IDN-001]
max_admins = 4

[[orgs]]
id = "org-eu"
name = "Acme EU"
api_key_env = "ACME_EU_KEY"
attestation = "attest/eu.toml"
fail_on = "Critical"
[orgs.controls.ATL-IDN-001]
max_admins = 6
[[orgs.waivers]]
control = "ATL-IDN-002"
reason = "SSO rollout ends in January"

[[orgs]]
id = "org-us"
api_key_file = "keys/us.key"
"#;

    #[test]
    fn a_fleet_is_read_with_paths_from_the_file_directory() {
        let config = Config::parse("conf/orgscan.toml", FLEET).unwrap();
        let ids: Vec<&str> = config.orgs.iter().map(|o| o.id.as_str()).collect();
        assert_eq!(ids, ["org-eu", "org-us"]);
        let eu = &config.orgs[0];
        assert_eq!(eu.label(), "Acme EU (org-eu)");
        assert_eq!(eu.key, Some(KeySource::Env("ACME_EU_KEY".into())));
        assert_eq!(eu.attestation, Some(PathBuf::from("conf/attest/eu.toml")));
        assert_eq!(eu.fail_on, Some(Severity::Critical));
        assert_eq!(eu.location, "conf/orgscan.toml:4");
        assert_eq!(
            eu.field("api_key_env"),
            "conf/orgscan.toml:7: orgs[0].api_key_env"
        );
        let us = &config.orgs[1];
        assert_eq!(us.label(), "org-us");
        assert_eq!(
            us.key,
            Some(KeySource::File(PathBuf::from("conf/keys/us.key")))
        );
        assert_eq!(us.fail_on, None);
    }

    #[test]
    fn an_org_gets_its_thresholds_over_the_global_ones() {
        let config = Config::parse("orgscan.toml", FLEET).unwrap();
        let eu = config.for_org("org-eu");
        let overrides = eu.control_overrides();
        assert_eq!(overrides["ATL-IDN-001"]["max_admins"], 6);
        assert_eq!(eu.selected_org().map(|o| o.id.as_str()), Some("org-eu"));
        // Messages about an org's own setting point into its table.
        assert_eq!(
            eu.where_set("ATL-IDN-001", Some("max_admins")),
            "orgscan.toml:11"
        );
        let us = config.for_org("org-us");
        assert_eq!(us.control_overrides()["ATL-IDN-001"]["max_admins"], 4);
        assert_eq!(
            us.where_set("ATL-IDN-001", Some("max_admins")),
            "orgscan.toml:2"
        );
        let other = config.for_org("not-listed");
        assert!(other.selected_org().is_none());
        assert_eq!(other.control_overrides()["ATL-IDN-001"]["max_admins"], 4);
    }

    #[test]
    fn every_problem_is_reported_with_file_line_and_field() {
        let text = r#"[[orgs]]
id = "a/b"
api_key_env = "ATATT3xFf-secret=="
[[orgs]]
id = "dup"
api_key_env = "X"
api_key_file = "k"
fail_on = "severe"
[[orgs]]
id = "dup"
name = ""
"#;
        let err = Config::parse("f.toml", text).unwrap_err();
        let all = err.problems.join("\n");
        for expected in [
            "f.toml:2: orgs[0].id: \"a/b\" is not an org id",
            "f.toml:3: orgs[0].api_key_env: expected the name of an environment variable",
            "f.toml:7: orgs[1].api_key_file: give api_key_env or api_key_file, not both",
            "f.toml:8: orgs[1].fail_on: expected one of info, low, medium, high, critical",
            "f.toml:10: orgs[2].id: \"dup\" is already orgs[1]",
            "f.toml:11: orgs[2].name: must not be empty",
        ] {
            assert!(all.contains(expected), "{expected}\nin:\n{all}");
        }
        assert!(
            !all.contains("secret"),
            "a key source is never quoted: {all}"
        );
    }

    #[test]
    fn unknown_keys_and_a_missing_id_are_refused_with_their_line() {
        let err = Config::parse("f.toml", "[[orgs]]\nid = \"a\"\napi_key = \"s3cr3t\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("f.toml: line 3") && err.contains("api_key"),
            "{err}"
        );
        assert!(!err.contains("s3cr3t"), "{err}");
        let err = Config::parse("f.toml", "[[orgs]]\nname = \"a\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("f.toml") && err.contains("id"), "{err}");
    }
}
