//! Compliance frameworks as data: `frameworks/<id>.yaml`, embedded in the binary like the
//! policy pack. Each file lists a framework's requirements (id, section, a title in orgscan's
//! own words, and whether an Atlassian org's configuration and audit log can show it). The
//! controls say which requirements they support (`custom.frameworks`); `report::compliance`
//! joins the two. A data floor: this module imports nothing from the crate.

use include_dir::{include_dir, Dir};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

static SHIPPED: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/frameworks");

/// Longest title accepted: a short paraphrase, not the standard's text.
const MAX_TITLE: usize = 100;

/// How far orgscan can assess a requirement from the org's configuration and audit log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Assessment {
    /// The mapped controls answer the requirement for the Atlassian estate.
    Automated,
    /// The mapped controls answer part of it; `auditor_evidence` says what else is needed.
    Partial,
    /// Nothing orgscan reads answers it; `auditor_evidence` says what the auditor collects.
    Manual,
}

impl Assessment {
    pub fn as_str(self) -> &'static str {
        match self {
            Assessment::Automated => "automated",
            Assessment::Partial => "partial",
            Assessment::Manual => "manual",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Requirement {
    pub id: String,
    pub section: String,
    pub title: String,
    pub assessment: Assessment,
    /// What the auditor must add (required for `partial` and `manual`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auditor_evidence: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Framework {
    pub id: String,
    pub name: String,
    pub version: String,
    pub url: String,
    /// Which part of the framework the file lists, and why the rest is left out.
    pub scope: String,
    /// Shipped controls that support no requirement of this framework, with the reason.
    #[serde(default)]
    pub unmapped: BTreeMap<String, String>,
    pub requirements: Vec<Requirement>,
}

impl Framework {
    pub fn requirement(&self, id: &str) -> Option<&Requirement> {
        self.requirements.iter().find(|r| r.id == id)
    }

    pub fn count(&self, assessment: Assessment) -> usize {
        self.requirements
            .iter()
            .filter(|r| r.assessment == assessment)
            .count()
    }
}

/// Every problem of a framework file, each naming the file and the field.
#[derive(Debug, thiserror::Error)]
#[error("{}", problems.join("\n"))]
pub struct FrameworkError {
    pub problems: Vec<String>,
}

/// Parses and validates one framework file; `file` names it in errors (`frameworks/soc2.yaml`).
pub fn parse_framework(file: &str, text: &str) -> Result<Framework, FrameworkError> {
    let one = |p: String| FrameworkError { problems: vec![p] };
    let de = yaml_serde::Deserializer::from_str(text);
    let framework: Framework = serde_path_to_error::deserialize(de).map_err(|e| {
        let field = e.path().to_string();
        let line = e
            .inner()
            .location()
            .map(|l| format!(":{}", l.line()))
            .unwrap_or_default();
        one(format!("{file}{line}: {field}: {}", e.inner()))
    })?;
    let mut problems = Vec::new();
    let expected_id = file
        .rsplit(['/', '\\'])
        .next()
        .and_then(|n| n.strip_suffix(".yaml"));
    if expected_id.is_some_and(|id| id != framework.id) {
        problems.push(format!(
            "{file}: id: expected {:?} (the file name), found {:?}",
            expected_id.unwrap_or_default(),
            framework.id
        ));
    }
    for (field, value) in [
        ("id", &framework.id),
        ("name", &framework.name),
        ("version", &framework.version),
        ("url", &framework.url),
        ("scope", &framework.scope),
    ] {
        if value.trim().is_empty() {
            problems.push(format!("{file}: {field}: expected a non-empty text"));
        }
    }
    for (control, reason) in &framework.unmapped {
        if reason.trim().is_empty() {
            problems.push(format!(
                "{file}: unmapped.{control}: expected the reason the control supports no requirement"
            ));
        }
    }
    if framework.requirements.is_empty() {
        problems.push(format!(
            "{file}: requirements: expected at least one requirement"
        ));
    }
    let mut seen = BTreeSet::new();
    for (i, r) in framework.requirements.iter().enumerate() {
        let at = format!("{file}: requirements[{i}]");
        if r.id.trim().is_empty() {
            problems.push(format!("{at}.id: expected a non-empty requirement id"));
        } else if !seen.insert(r.id.as_str()) {
            problems.push(format!("{at}.id: {:?} is listed twice", r.id));
        }
        if r.section.trim().is_empty() {
            problems.push(format!("{at}.section: expected a non-empty section"));
        }
        let title = r.title.trim();
        if title.is_empty() || title.chars().count() > MAX_TITLE {
            problems.push(format!(
                "{at}.title: expected a short title in orgscan's own words (1 to {MAX_TITLE} characters), found {} characters",
                title.chars().count()
            ));
        }
        let evidence = r.auditor_evidence.as_deref().map(str::trim).unwrap_or("");
        if r.assessment != Assessment::Automated && evidence.is_empty() {
            problems.push(format!(
                "{at}.auditor_evidence: a {} requirement ({}) must say what evidence the auditor adds",
                r.assessment.as_str(),
                r.id
            ));
        }
    }
    if problems.is_empty() {
        Ok(framework)
    } else {
        Err(FrameworkError { problems })
    }
}

/// The shipped frameworks, sorted by id.
pub fn shipped() -> Result<Vec<Framework>, FrameworkError> {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for file in SHIPPED.files() {
        let name = file.path().to_string_lossy().replace('\\', "/");
        if !name.ends_with(".yaml") {
            continue;
        }
        let shown = format!("frameworks/{name}");
        match file.contents_utf8() {
            Some(text) => match parse_framework(&shown, text) {
                Ok(f) => out.push(f),
                Err(e) => problems.extend(e.problems),
            },
            None => problems.push(format!("{shown}: not UTF-8 text")),
        }
    }
    if !problems.is_empty() {
        return Err(FrameworkError { problems });
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(out)
}

/// The shipped frameworks named by `ids` (`--compliance`, `[compliance] frameworks`), in the
/// order given, each once. An unknown id names the known ones.
pub fn select(ids: &[String]) -> Result<Vec<Framework>, FrameworkError> {
    let all = shipped()?;
    let mut chosen: Vec<Framework> = Vec::new();
    let mut problems = Vec::new();
    for id in ids {
        let id = id.trim();
        if chosen.iter().any(|f| f.id == id) {
            continue;
        }
        match all.iter().find(|f| f.id == id) {
            Some(f) => chosen.push(f.clone()),
            None => problems.push(format!(
                "unknown compliance framework {id:?}; expected a comma-separated list of {}",
                all.iter()
                    .map(|f| f.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
    }
    if problems.is_empty() {
        Ok(chosen)
    } else {
        Err(FrameworkError { problems })
    }
}

/// Where the controls' mappings (`custom.frameworks`, given as control id → framework →
/// requirement ids) and the framework files disagree; empty when they agree. Checked by the
/// drift test over the shipped pack (tests/it/compliance_drift.rs):
/// - a mapping names a framework or a requirement that has no file or entry;
/// - a control has no mapping for a framework and the framework's `unmapped` gives no reason
///   (or gives one for a control that is mapped after all, or that does not exist);
/// - a requirement marked `automated` has no control, or one marked `manual` has one (then it
///   is at least `partial`).
pub fn drift(
    frameworks: &[Framework],
    controls: &BTreeMap<String, BTreeMap<String, Vec<String>>>,
) -> Vec<String> {
    let mut problems = Vec::new();
    for (control, mappings) in controls {
        for (framework_id, refs) in mappings {
            let Some(framework) = frameworks.iter().find(|f| &f.id == framework_id) else {
                problems.push(format!(
                    "{control}: custom.frameworks.{framework_id}: no framework file frameworks/{framework_id}.yaml"
                ));
                continue;
            };
            for r in refs {
                if framework.requirement(r).is_none() {
                    problems.push(format!(
                        "{control}: custom.frameworks.{framework_id}: requirement {r:?} is not in frameworks/{framework_id}.yaml"
                    ));
                }
            }
        }
    }
    for framework in frameworks {
        let file = format!("frameworks/{}.yaml", framework.id);
        let mapped = |control: &str| {
            controls
                .get(control)
                .and_then(|m| m.get(&framework.id))
                .is_some_and(|refs| !refs.is_empty())
        };
        for control in controls.keys() {
            if !mapped(control) && !framework.unmapped.contains_key(control) {
                problems.push(format!(
                    "{control}: custom.frameworks has no {} mapping and {file} unmapped gives no reason",
                    framework.id
                ));
            }
        }
        for control in framework.unmapped.keys() {
            if !controls.contains_key(control) {
                problems.push(format!("{file}: unmapped.{control}: no such control"));
            } else if mapped(control) {
                problems.push(format!(
                    "{file}: unmapped.{control}: the control maps to {} after all; remove the reason",
                    framework.id
                ));
            }
        }
        for r in &framework.requirements {
            let supported = controls.values().any(|m| {
                m.get(&framework.id)
                    .is_some_and(|refs| refs.iter().any(|x| x == &r.id))
            });
            match r.assessment {
                Assessment::Automated if !supported => problems.push(format!(
                    "{file}: requirement {} is automated but no control maps to it",
                    r.id
                )),
                Assessment::Manual if supported => problems.push(format!(
                    "{file}: requirement {} is manual but controls map to it; mark it partial or automated",
                    r.id
                )),
                _ => {}
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = "id: demo\nname: Demo\nversion: \"1\"\nurl: https://example.org\nscope: all\nrequirements:\n  - id: \"1.1\"\n    section: \"1 One\"\n    title: Something is done\n    assessment: automated\n";

    #[test]
    fn the_shipped_frameworks_load() {
        let all = shipped().expect("shipped frameworks are valid");
        let ids: Vec<&str> = all.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "cis-controls-v8",
                "iso27001-2022",
                "nist-800-53-r5",
                "nist-csf-2",
                "soc2"
            ]
        );
        let iso = all.iter().find(|f| f.id == "iso27001-2022").expect("iso");
        assert_eq!(
            iso.requirements.len(),
            93,
            "every Annex A control is listed"
        );
    }

    #[test]
    fn a_minimal_file_parses() {
        let f = parse_framework("frameworks/demo.yaml", MINIMAL).expect("valid");
        assert_eq!(
            f.requirement("1.1").map(|r| r.assessment),
            Some(Assessment::Automated)
        );
    }

    #[test]
    fn errors_name_the_file_and_the_field() {
        let bad = MINIMAL.replace("assessment: automated", "assessment: sometimes");
        let e = parse_framework("frameworks/demo.yaml", &bad).expect_err("bad variant");
        let text = e.to_string();
        assert!(text.starts_with("frameworks/demo.yaml:"), "{text}");
        assert!(text.contains("requirements[0].assessment"), "{text}");

        let manual = MINIMAL.replace("assessment: automated", "assessment: manual");
        let e = parse_framework("frameworks/demo.yaml", &manual).expect_err("no evidence");
        assert!(
            e.to_string()
                .contains("frameworks/demo.yaml: requirements[0].auditor_evidence"),
            "{e}"
        );

        let twice = format!(
            "{MINIMAL}  - id: \"1.1\"\n    section: x\n    title: y\n    assessment: automated\n"
        );
        let e = parse_framework("frameworks/demo.yaml", &twice).expect_err("duplicate");
        assert!(
            e.to_string()
                .contains("requirements[1].id: \"1.1\" is listed twice"),
            "{e}"
        );

        let e = parse_framework("frameworks/other.yaml", MINIMAL).expect_err("id mismatch");
        assert!(
            e.to_string()
                .contains("frameworks/other.yaml: id: expected \"other\""),
            "{e}"
        );

        let unknown = MINIMAL.replace("scope: all", "scope: all\nowner: me");
        let e = parse_framework("frameworks/demo.yaml", &unknown).expect_err("unknown field");
        assert!(e.to_string().contains("unknown field `owner`"), "{e}");
    }

    #[test]
    fn drift_names_each_disagreement() {
        let text = format!(
            "{MINIMAL}  - id: \"1.2\"\n    section: x\n    title: y\n    assessment: manual\n    auditor_evidence: Ask.\n  - id: \"1.3\"\n    section: x\n    title: z\n    assessment: automated\nunmapped:\n  C-3: not relevant\n  C-9: gone\n"
        );
        let framework = parse_framework("frameworks/demo.yaml", &text).expect("valid");
        let map = |pairs: &[(&str, &[&str])]| -> BTreeMap<String, Vec<String>> {
            pairs
                .iter()
                .map(|(f, refs)| (f.to_string(), refs.iter().map(|r| r.to_string()).collect()))
                .collect()
        };
        let controls: BTreeMap<String, BTreeMap<String, Vec<String>>> = [
            ("C-1".to_string(), map(&[("demo", &["1.1", "7.7"])])),
            (
                "C-2".to_string(),
                map(&[("demo", &["1.2"]), ("pci", &["1"])]),
            ),
            ("C-3".to_string(), map(&[("demo", &["1.1"])])),
            ("C-4".to_string(), map(&[])),
        ]
        .into();
        let got = drift(std::slice::from_ref(&framework), &controls);
        let expected = [
            "C-1: custom.frameworks.demo: requirement \"7.7\" is not in frameworks/demo.yaml",
            "C-2: custom.frameworks.pci: no framework file frameworks/pci.yaml",
            "C-4: custom.frameworks has no demo mapping and frameworks/demo.yaml unmapped gives no reason",
            "frameworks/demo.yaml: unmapped.C-3: the control maps to demo after all; remove the reason",
            "frameworks/demo.yaml: unmapped.C-9: no such control",
            "frameworks/demo.yaml: requirement 1.2 is manual but controls map to it; mark it partial or automated",
            "frameworks/demo.yaml: requirement 1.3 is automated but no control maps to it",
        ];
        assert_eq!(got, expected);
    }

    #[test]
    fn select_keeps_order_and_rejects_unknown_ids() {
        let got = select(&["soc2".into(), "iso27001-2022".into(), "soc2".into()]).expect("known");
        let ids: Vec<&str> = got.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(ids, ["soc2", "iso27001-2022"]);
        let e = select(&["pci".into()]).expect_err("unknown");
        assert!(
            e.to_string()
                .contains("unknown compliance framework \"pci\""),
            "{e}"
        );
        assert!(
            e.to_string().contains("cis-controls-v8, iso27001-2022"),
            "{e}"
        );
    }
}
