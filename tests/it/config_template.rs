//! `orgscan config init` (issue 14 item 11): the commented orgscan.toml generated from the
//! policies' METADATA. `docs/orgscan.example.toml` is its output for the shipped pack and this
//! test fails when it drifts (regenerate with
//! `ORGSCAN_UPDATE_CATALOGUE=1 cargo test --test it config_template::`, as the catalogue); the
//! template as printed changes nothing, and with every setting uncommented it is a valid
//! configuration holding every control's defaults.

use orgscan::config::Config;
use orgscan::config_template::{render_config_template, REGENERATE};
use orgscan::policy::discover::{load_pack, PolicyPack};
use std::collections::BTreeSet;
use std::path::PathBuf;

fn shipped() -> (PolicyPack, String) {
    let pack = load_pack(true, &[]).expect("the shipped pack loads");
    let frameworks: Vec<String> = orgscan::framework::shipped()
        .expect("the shipped frameworks load")
        .into_iter()
        .map(|f| f.id)
        .collect();
    let text = render_config_template(&pack, &frameworks);
    (pack, text)
}

/// The template with every setting uncommented (`# key = …` and `# [table]` lines).
pub fn uncommented(text: &str) -> String {
    let setting = regex::Regex::new(r"^# (\[|[A-Za-z0-9_\x22-]+ = )").unwrap();
    text.lines()
        .map(|l| {
            if setting.is_match(l) {
                l.trim_start_matches("# ").to_string()
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The shipped template and its uncommented form, for the schema tests.
pub fn templates() -> Vec<String> {
    let (_, text) = shipped();
    let all = uncommented(&text);
    vec![text, all]
}

#[test]
fn the_example_config_matches_the_generated_template() {
    let (_, expected) = shipped();
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/orgscan.example.toml");
    if std::env::var_os("ORGSCAN_UPDATE_CATALOGUE").is_some() {
        std::fs::write(&path, &expected).expect("write docs/orgscan.example.toml");
        return;
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "docs/orgscan.example.toml is out of date with the policies' METADATA. Regenerate it with:\n\n    {REGENERATE}\n"
    );
}

#[test]
fn the_template_changes_nothing_and_uncommented_sets_every_default() {
    let (pack, text) = shipped();
    let config = Config::parse("orgscan.toml", &text).unwrap_or_else(|e| panic!("{e}"));
    assert!(config.controls.is_empty() && config.waivers.is_empty());
    assert!(config.compliance.frameworks.is_empty() && config.report.information_uri.is_none());

    let all = uncommented(&text);
    let config = Config::parse("orgscan.toml", &all).unwrap_or_else(|e| panic!("{e}\n{all}"));
    let merged = pack
        .control_parameters(&config.control_overrides())
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(
        merged,
        pack.default_parameters(),
        "every value is the default"
    );
    // Every parameter of every control is in it (the detections' facts aside).
    for policy in &pack.policies {
        for key in policy.meta.config.keys().filter(|k| *k != "facts") {
            let set = config
                .controls
                .get(&policy.meta.id)
                .is_some_and(|c| c.contains_key(key));
            assert!(set, "{}.{key} is missing from the template", policy.meta.id);
        }
    }
    let known: BTreeSet<String> = pack.policies.iter().map(|p| p.meta.id.clone()).collect();
    let waivers = orgscan::waiver::parse_waivers(&config, &known).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(waivers.len(), 1);
    orgscan::framework::select(&config.compliance.frameworks).expect("known frameworks");
    assert!(config.report.information_uri.is_some());
}

/// Through the binary: the template on stdout, or in --out, which is never overwritten.
#[test]
fn config_init_prints_the_template_and_never_overwrites() {
    let (_, expected) = shipped();
    let dir = tempfile::tempdir().unwrap();
    let o = crate::support::orgscan(&["config", "init"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", crate::support::stderr(&o));
    assert_eq!(crate::support::stdout(&o), expected);
    let o = crate::support::orgscan(&["config", "init", "--out", "orgscan.toml"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", crate::support::stderr(&o));
    let path = dir.path().join("orgscan.toml");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), expected);
    std::fs::write(&path, "[org]\n").unwrap();
    let o = crate::support::orgscan(&["config", "init", "--out", "orgscan.toml"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(
        crate::support::stderr(&o).contains("orgscan.toml: cannot create; it is never overwritten"),
        "{}",
        crate::support::stderr(&o)
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "[org]\n");
    // The file it wrote is what a scan reads, and the scan says it picked it up.
    std::fs::remove_file(&path).unwrap();
    crate::support::orgscan(&["config", "init", "--out", "orgscan.toml"], dir.path());
    let o = crate::support::orgscan(
        &[
            "scan",
            "--format",
            "json",
            "--exit-zero",
            "--quiet",
            "--out",
            "o",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", crate::support::stderr(&o));
    assert!(
        crate::support::stderr(&o).contains("note: using orgscan.toml from the current directory")
    );
}
