//! `orgscan.toml`: org-level settings and per-control thresholds. Parsed raw, then validated
//! against the loaded policy pack (unknown control ids, unknown keys, wrong value types), with
//! every problem reported at once and each naming the file, line and field.

mod orgs;

use crate::snapshot::toml_error::describe_toml_error;
pub use orgs::{FleetOrg, KeySource};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

pub const DEFAULT_CONFIG_FILE: &str = "orgscan.toml";

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Org-wide settings policies read from `input.config.org` (free-form; documented per control).
    #[serde(default)]
    pub org: BTreeMap<String, toml::Value>,
    /// `[controls.ATL-IDN-001] max_admins = 4` overrides that control's metadata defaults.
    #[serde(default)]
    pub controls: BTreeMap<String, BTreeMap<String, toml::Value>>,
    /// Accepted risks and alternate mitigations (validated by the waiver module).
    #[serde(default)]
    pub waivers: Vec<toml::Value>,
    /// `[compliance] frameworks = [...]`: the compliance views a scan writes when
    /// `--compliance` is not given.
    #[serde(default)]
    pub compliance: ComplianceConfig,
    /// `[report] information_uri = "https://…"`: where report readers find the docs.
    #[serde(default)]
    pub report: ReportConfig,
    /// `[[orgs]]` as written; validated into `orgs` when the file is read (`config/orgs.rs`).
    #[serde(default, rename = "orgs")]
    orgs_raw: Vec<toml::Spanned<orgs::RawOrg>>,
    /// The organizations of a fleet, in file order.
    #[serde(skip)]
    pub orgs: Vec<FleetOrg>,
    /// Set by [`Config::for_org`]: the `orgs` entry whose overrides this configuration holds.
    #[serde(skip)]
    selected_org: Option<usize>,
    #[serde(skip)]
    pub source: Option<String>,
    /// True when the file was picked up from the current directory without `--config`.
    #[serde(skip)]
    pub implicit: bool,
    #[serde(skip)]
    text: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComplianceConfig {
    /// Framework ids (`crate::framework`), checked when the scan starts.
    #[serde(default)]
    pub frameworks: Vec<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportConfig {
    /// The documentation link reports give (SARIF `tool.driver.informationUri`), e.g. an
    /// internal wiki page about the scan; an http(s) URL. Default: the project's docs.
    #[serde(default)]
    pub information_uri: Option<String>,
}

#[derive(Debug, thiserror::Error)]
#[error("{}", problems.join("\n"))]
pub struct ConfigError {
    pub problems: Vec<String>,
}

impl Config {
    pub fn parse(path: &str, text: &str) -> Result<Config, ConfigError> {
        let mut config: Config = toml::from_str(text).map_err(|e| ConfigError {
            problems: vec![format!("{path}: {}", describe_toml_error(text, &e))],
        })?;
        let base = Path::new(path).parent().unwrap_or(Path::new(""));
        config.orgs = orgs::validate(&config.orgs_raw, path, text, base)
            .map_err(|problems| ConfigError { problems })?;
        config.source = Some(path.to_string());
        config.text = text.to_string();
        if let Some(uri) = &config.report.information_uri {
            let web = uri.starts_with("https://") || uri.starts_with("http://");
            if !web
                || uri.len() <= "https://".len()
                || uri.chars().any(|c| c.is_whitespace() || c.is_control())
            {
                return Err(ConfigError {
                    problems: vec![format!(
                        "{path}:{}: report.information_uri: expected an http or https URL without spaces, found {uri:?}",
                        config.line_of_from("information_uri", 1)
                    )],
                });
            }
        }
        Ok(config)
    }

    /// The `[[orgs]]` entry of `org_id`, if the fleet lists it.
    pub fn fleet_org(&self, org_id: &str) -> Option<&FleetOrg> {
        self.orgs.iter().find(|o| o.id == org_id)
    }

    /// The `[[orgs]]` entry this configuration was made for by [`Config::for_org`].
    pub fn selected_org(&self) -> Option<&FleetOrg> {
        self.selected_org.and_then(|i| self.orgs.get(i))
    }

    /// The configuration one org of a fleet is scanned with: its `[orgs.controls.ID]` settings
    /// over the global ones (setting by setting), and its `[[orgs.waivers]]` added to the global
    /// waivers (the waiver module reads them through [`Config::selected_org`]). An org the fleet
    /// does not list gets the global configuration unchanged.
    pub fn for_org(&self, org_id: &str) -> Config {
        let mut config = self.clone();
        let Some(index) = self.orgs.iter().position(|o| o.id == org_id) else {
            return config;
        };
        for (control, settings) in &self.orgs[index].controls {
            let merged = config.controls.entry(control.clone()).or_default();
            for (key, value) in settings {
                merged.insert(key.clone(), value.clone());
            }
        }
        config.selected_org = Some(index);
        config
    }

    /// `--config PATH`, else `orgscan.toml` in the current directory if present, else defaults.
    pub fn load(explicit: Option<&Path>) -> Result<Config, ConfigError> {
        let path = match explicit {
            Some(p) => p.to_path_buf(),
            None if Path::new(DEFAULT_CONFIG_FILE).is_file() => {
                Path::new(DEFAULT_CONFIG_FILE).to_path_buf()
            }
            None => return Ok(Config::default()),
        };
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(&path).map_err(|e| ConfigError {
            problems: vec![format!("{shown}: {e}")],
        })?;
        let mut config = Config::parse(&shown, &text)?;
        config.implicit = explicit.is_none();
        Ok(config)
    }

    /// sha256 (hex) of the file's text as read, when a file was read: what a report records so
    /// that a reader can tell which thresholds and waivers it was made with.
    pub fn sha256(&self) -> Option<String> {
        use sha2::{Digest, Sha256};
        self.source.as_ref()?;
        Some(
            Sha256::digest(self.text.as_bytes())
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect(),
        )
    }

    /// The configuration file's text as read (the waiver module re-reads it with spans).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The first line at or after `from` (1-based) containing `needle`.
    fn line_of_from(&self, needle: &str, from: usize) -> usize {
        self.text
            .lines()
            .enumerate()
            .skip(from.saturating_sub(1))
            .find(|(_, l)| l.contains(needle))
            .map(|(i, _)| i + 1)
            .unwrap_or(from.max(1))
    }

    /// The per-control settings as JSON (control id → setting → value); `policy/params.rs`
    /// checks them against the pack and merges them over the metadata defaults.
    pub fn control_overrides(&self) -> BTreeMap<String, BTreeMap<String, Value>> {
        self.controls
            .iter()
            .map(|(id, settings)| {
                let settings = settings
                    .iter()
                    .map(|(k, v)| (k.clone(), toml_to_json(v)))
                    .collect();
                (id.clone(), settings)
            })
            .collect()
    }

    /// `FILE:LINE` where `[controls.ID]` (no key) or its `KEY` is set, for messages.
    pub fn where_set(&self, control: &str, key: Option<&str>) -> String {
        let source = self.source.as_deref().unwrap_or(DEFAULT_CONFIG_FILE);
        // A setting the selected org overrides is looked up in that org's tables.
        let from = self
            .selected_org()
            .filter(|o| {
                o.controls
                    .get(control)
                    .is_some_and(|s| key.is_none_or(|k| s.contains_key(k)))
            })
            .map_or(1, |o| o.line);
        let line = match key {
            None => self.line_of_from(&format!("controls.{control}"), from),
            Some(key) => self.line_of_from(&format!("{key} "), from),
        };
        format!("{source}:{line}")
    }

    pub fn org_settings(&self) -> Value {
        Value::Object(
            self.org
                .iter()
                .map(|(k, v)| (k.clone(), toml_to_json(v)))
                .collect(),
        )
    }
}

pub fn toml_to_json(value: &toml::Value) -> Value {
    match value {
        toml::Value::String(s) => Value::String(s.clone()),
        toml::Value::Integer(i) => Value::from(*i),
        toml::Value::Float(f) => serde_json::Number::from_f64(*f)
            .map(Value::Number)
            .unwrap_or(Value::Null),
        toml::Value::Boolean(b) => Value::Bool(*b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => Value::Object(
            t.iter()
                .map(|(k, v)| (k.clone(), toml_to_json(v)))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrong_type_names_file_and_line() {
        let err = Config::parse(
            "orgscan.toml",
            "[org]\nname = 1\n[controls]\nx = \"oops\"\n",
        )
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("orgscan.toml: line 4"), "{err}");
    }

    #[test]
    fn information_uri_must_be_a_web_url() {
        let ok = Config::parse(
            "c.toml",
            "[report]\ninformation_uri = \"https://wiki.example/orgscan\"\n",
        )
        .unwrap();
        assert_eq!(
            ok.report.information_uri.as_deref(),
            Some("https://wiki.example/orgscan")
        );
        for bad in [
            "javascript:alert(1)",
            "https://",
            "https://a b",
            "wiki/orgscan",
        ] {
            let err = Config::parse(
                "c.toml",
                &format!("[org]\n[report]\ninformation_uri = {bad:?}\n"),
            )
            .unwrap_err()
            .to_string();
            assert!(
                err.starts_with("c.toml:3: report.information_uri: expected an http or https URL"),
                "{err}"
            );
        }
    }

    #[test]
    fn unknown_top_level_key_is_rejected() {
        let err = Config::parse("c.toml", "thresholds = 3\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("c.toml: line 1") && err.contains("thresholds"),
            "{err}"
        );
    }
}
