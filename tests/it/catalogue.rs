//! `policies/README.md` is generated from the shipped policies' METADATA; this test fails when
//! it drifts from `render_catalogue`. Regenerate with
//! `ORGSCAN_UPDATE_CATALOGUE=1 cargo test --test it catalogue::`.

use orgscan::policy::catalogue::{render_catalogue, REGENERATE};
use orgscan::policy::discover::load_pack;
use std::path::PathBuf;

#[test]
fn policies_readme_matches_the_generated_catalogue() {
    let pack = load_pack(true, &[]).expect("the shipped pack loads");
    let expected = render_catalogue(&pack);
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("policies/README.md");
    if std::env::var_os("ORGSCAN_UPDATE_CATALOGUE").is_some() {
        std::fs::write(&path, &expected).expect("write policies/README.md");
        return;
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    if actual != expected {
        let line = actual
            .lines()
            .zip(expected.lines())
            .position(|(a, e)| a != e)
            .map(|i| i + 1)
            .unwrap_or_else(|| actual.lines().count().min(expected.lines().count()) + 1);
        panic!(
            "policies/README.md is out of date with the policies' METADATA (first difference at line {line}).\nRegenerate it with:\n\n    {REGENERATE}\n"
        );
    }
}

#[test]
fn catalogue_lists_every_shipped_control_once() {
    let pack = load_pack(true, &[]).expect("the shipped pack loads");
    let text = render_catalogue(&pack);
    for policy in &pack.policies {
        let heading = format!("\n### {}\n", policy.meta.id);
        assert_eq!(
            text.matches(&heading).count(),
            1,
            "{} should have exactly one section",
            policy.meta.id
        );
    }
}
