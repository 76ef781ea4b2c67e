//! The published JSON Schemas (draft 2020-12, in `schemas/`) of the documents orgscan writes
//! and reads: `orgscan schema NAME` prints one, and tests/it/schemas.rs validates every report,
//! snapshot manifest, attestation and configuration the test suite writes against them with a
//! real validator and keeps them in step with the serde types. Data only: nothing here reads
//! or writes a file.

/// (name, what it describes, the schema text).
pub const SCHEMAS: [(&str, &str, &str); 7] = [
    (
        "report",
        "orgscan.report/v1: report.json",
        include_str!("../schemas/report.v1.schema.json"),
    ),
    (
        "activity",
        "orgscan.activity/v1: the activity block of report.json",
        include_str!("../schemas/activity.v1.schema.json"),
    ),
    (
        "compliance",
        "orgscan.compliance/v1: compliance-<framework>.json (scan --compliance)",
        include_str!("../schemas/compliance.v1.schema.json"),
    ),
    (
        "portfolio",
        "orgscan.portfolio/v1: portfolio.json (scan --fleet)",
        include_str!("../schemas/portfolio.v1.schema.json"),
    ),
    (
        "manifest",
        "orgscan.snapshot format 1: a snapshot's manifest.json",
        include_str!("../schemas/manifest.v1.schema.json"),
    ),
    (
        "attestation",
        "the attestation (attestation.json in a snapshot; the TOML of `collect --attestation`)",
        include_str!("../schemas/attestation.v1.schema.json"),
    ),
    (
        "config",
        "orgscan.toml, as the JSON its TOML maps to",
        include_str!("../schemas/config.v1.schema.json"),
    ),
];

/// The schema called `name`, if there is one.
pub fn schema(name: &str) -> Option<&'static str> {
    SCHEMAS
        .iter()
        .find(|(n, _, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, _, text)| *text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_schema_is_draft_2020_12_json_with_its_id() {
        for (name, _, text) in SCHEMAS {
            let v: serde_json::Value = serde_json::from_str(text).unwrap();
            assert_eq!(
                v["$schema"], "https://json-schema.org/draft/2020-12/schema",
                "{name}"
            );
            assert!(
                v["$id"].as_str().unwrap().ends_with(".schema.json"),
                "{name}"
            );
        }
        assert!(schema("REPORT").is_some() && schema("nope").is_none());
    }
}
