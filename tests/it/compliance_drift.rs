//! The drift test (issue 19): the shipped controls' `custom.frameworks` mappings, the framework
//! files in frameworks/ and the review table in docs/compliance.md must agree. See
//! `orgscan::framework::drift` for what counts as drift.

use std::collections::BTreeMap;

fn shipped_mappings() -> BTreeMap<String, BTreeMap<String, Vec<String>>> {
    let pack = orgscan::policy::load_pack(true, &[]).expect("the shipped pack loads");
    pack.policies
        .iter()
        .map(|p| (p.meta.id.clone(), p.meta.frameworks.clone()))
        .collect()
}

#[test]
fn mappings_and_framework_files_agree() {
    let frameworks = orgscan::framework::shipped().expect("the framework files are valid");
    let controls = shipped_mappings();
    assert_eq!(controls.len(), 72, "the shipped pack's controls");
    let problems = orgscan::framework::drift(&frameworks, &controls);
    assert!(problems.is_empty(), "drift:\n{}", problems.join("\n"));
}

/// docs/compliance.md's review table has one row per control with exactly its mappings, so the
/// justification an auditor reads is the mapping orgscan applies.
#[test]
fn the_review_table_matches_the_mappings() {
    let frameworks = orgscan::framework::shipped().expect("the framework files are valid");
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/compliance.md"))
        .expect("docs/compliance.md");
    let header_start = "| Control |";
    let header = doc
        .lines()
        .find(|l| l.starts_with(header_start))
        .expect("the review table");
    let columns: Vec<&str> = header.trim_matches('|').split('|').map(str::trim).collect();
    let mut rows: BTreeMap<String, BTreeMap<String, Vec<String>>> = BTreeMap::new();
    for line in doc.lines().filter(|l| l.starts_with("| ATL-")) {
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        assert_eq!(cells.len(), columns.len(), "{line}");
        let mut mapping = BTreeMap::new();
        for f in &frameworks {
            let i = columns
                .iter()
                .position(|c| *c == f.id)
                .unwrap_or_else(|| panic!("the review table has no {} column", f.id));
            let refs: Vec<String> = cells[i]
                .split(',')
                .map(str::trim)
                .filter(|r| !r.is_empty() && *r != "—")
                .map(String::from)
                .collect();
            if !refs.is_empty() {
                mapping.insert(f.id.clone(), refs);
            }
        }
        rows.insert(cells[0].to_string(), mapping);
    }
    let shipped: BTreeMap<String, BTreeMap<String, Vec<String>>> = shipped_mappings()
        .into_iter()
        .map(|(id, m)| (id, m.into_iter().filter(|(_, r)| !r.is_empty()).collect()))
        .collect();
    pretty_assertions::assert_eq!(rows, shipped);
}
