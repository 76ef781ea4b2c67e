//! The standard OPA `# METADATA` annotation at package scope, parsed by orgscan because regorus
//! ignores comments. The YAML is validated into `PolicyMeta`; every problem names file:line.

mod block;
mod validate;

pub use block::MetadataBlock;
pub use validate::validate;

use super::problem::Level;
use crate::results::{Kind, Severity};
use crate::snapshot::Collection;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// The categories a control can belong to (the report groups and scores by these).
pub const CATEGORIES: [&str; 6] = [
    "Identity and authentication",
    "Apps, OAuth and AI agents",
    "Keys and tokens",
    "Data protection",
    "Logging and monitoring",
    "Threat detection",
];

pub const IMPLEMENTATION_COSTS: [&str; 3] = ["low", "moderate", "high"];
pub const USER_IMPACTS: [&str; 3] = ["low", "moderate", "high"];

/// A policy's validated metadata.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PolicyMeta {
    pub package: String,
    pub title: String,
    pub description: String,
    pub references: Vec<String>,
    pub id: String,
    pub severity: Severity,
    pub category: String,
    pub points: f64,
    pub kind: Kind,
    pub user_impact: String,
    pub implementation_cost: String,
    pub remediation: Vec<String>,
    pub data: DataNeeds,
    /// Threshold defaults; `orgscan.toml` `[controls.<ID>]` overrides them (same types only).
    pub config: BTreeMap<String, Value>,
    pub frameworks: BTreeMap<String, Vec<String>>,
    pub version: String,
    /// 1-based line of the `# METADATA` comment, for messages.
    pub line: usize,
}

/// What a control reads; absent API collections or attestation answers make it not evaluable
/// without running it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataNeeds {
    #[serde(default)]
    pub api: Vec<String>,
    /// Dotted paths into the attestation, e.g. `authentication.two_step_enforced`.
    #[serde(default)]
    pub attestation: Vec<String>,
    /// Event action keys (lower_snake) the control reads from `input.events_by_action`.
    #[serde(default)]
    pub events: Vec<String>,
    /// The item fields the control reads, `collection.path` in the API's names
    /// (`users.mfaEnabled`, `users.productAccess.lastActiveTimestamp`). A field of a listed
    /// collection that arrives in an unexpected shape makes the control not evaluable; a
    /// collection in `api` with no entry here counts as read in full (every field).
    #[serde(default)]
    pub fields: Vec<String>,
}

impl DataNeeds {
    pub fn api_collections(&self) -> Vec<Collection> {
        self.api
            .iter()
            .filter_map(|name| Collection::from_name(name))
            .collect()
    }

    /// Whether the control reads `field` (a path without positions) of `collection`'s items:
    /// it declared that field, an object holding it, or a field inside it; or it declared no
    /// field of that collection at all.
    pub fn reads_field(&self, collection: Collection, field: &str) -> bool {
        let prefix = format!("{}.", collection.name());
        let mut declared = self
            .fields
            .iter()
            .filter_map(|f| f.strip_prefix(&prefix))
            .peekable();
        if declared.peek().is_none() {
            return true;
        }
        declared.any(|d| overlaps(d, field))
    }
}

/// `a` and `b` name the same field, or one holds the other.
fn overlaps(a: &str, b: &str) -> bool {
    let holds = |outer: &str, inner: &str| {
        inner
            .strip_prefix(outer)
            .is_some_and(|rest| rest.starts_with('.'))
    };
    a == b || holds(a, b) || holds(b, a)
}

/// Checks one `custom.data.fields` entry against the policy's `custom.data.api` and the fields
/// orgscan reads (`snapshot::schema::read_fields`); the message says what was expected.
pub fn check_field_entry(api: &[String], entry: &str) -> Result<(), String> {
    let Some((name, path)) = entry.split_once('.') else {
        return Err(format!(
            "custom.data.fields: {entry:?} is not `collection.field` (like users.mfaEnabled)"
        ));
    };
    let Some(collection) = Collection::from_name(name) else {
        return Err(format!(
            "custom.data.fields: {entry:?} names no collection ({name:?} is not one)"
        ));
    };
    if !api.iter().any(|a| a == name) {
        return Err(format!(
            "custom.data.fields: {entry:?} is a field of {name}, which custom.data.api does not list"
        ));
    }
    if !crate::snapshot::schema::is_read_field(collection, path) {
        return Err(format!(
            "custom.data.fields: {entry:?} is not a field orgscan reads from {name}; expected one of {}",
            crate::snapshot::schema::read_fields(collection).join(", ")
        ));
    }
    Ok(())
}

/// A problem in a policy file, always with its location.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct MetadataError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

/// The package a Rego file declares (`orgscan.identity.admin_mfa`), if any.
pub fn package_of(source: &str) -> Option<String> {
    source
        .lines()
        .map(str::trim)
        .find_map(|l| l.strip_prefix("package "))
        .map(|p| p.trim().to_string())
}

/// Parses the package-scope METADATA of a policy file: [`validate`]'s first error, if any.
/// `Ok(None)` when the file has none (a library module or a test).
pub fn parse_metadata(file: &str, source: &str) -> Result<Option<PolicyMeta>, MetadataError> {
    let (meta, problems) = validate(file, source);
    match problems.into_iter().find(|p| p.level == Level::Error) {
        Some(p) => Err(MetadataError {
            file: p.file,
            line: p.line,
            message: p.message,
        }),
        None => Ok(meta),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"# METADATA
# title: Admins without 2SV
# description: Every admin must use two-step verification.
# related_resources:
#   - ref: https://support.atlassian.com/security-and-access-policies/docs/enforce-two-step-verification/
# custom:
#   id: ATL-IDN-002
#   severity: critical
#   category: Identity and authentication
#   points: 10
#   user_impact: low
#   implementation_cost: low
#   remediation:
#     - Open admin.atlassian.com
#   data:
#     api: [users]
#   config:
#     roles: [atlassian/org-admin]
package orgscan.identity.admin_mfa

import rego.v1
"#;

    #[test]
    fn parses_a_complete_block() {
        let meta = parse_metadata("p.rego", GOOD).unwrap().unwrap();
        assert_eq!(meta.id, "ATL-IDN-002");
        assert_eq!(meta.package, "orgscan.identity.admin_mfa");
        assert_eq!(meta.severity, Severity::Critical);
        assert_eq!(meta.kind, Kind::Posture);
        assert_eq!(meta.data.api_collections(), vec![Collection::Users]);
        assert_eq!(
            meta.config["roles"],
            serde_json::json!(["atlassian/org-admin"])
        );
        assert_eq!(meta.line, 1);
    }

    #[test]
    fn validate_reports_every_problem_and_loading_takes_the_first() {
        let (meta, problems) = validate("p.rego", GOOD);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(meta.map(|m| m.id), Some("ATL-IDN-002".to_string()));
        let src = GOOD
            .replace("severity: critical", "severity: urgent")
            .replace("#   points: 10\n", "#   points: 0\n");
        let (meta, problems) = validate("p.rego", &src);
        assert_eq!(meta, None);
        let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "p.rego:8: error: custom.severity: expected one of info, low, medium, high, critical; found \"urgent\"",
                "p.rego:10: error: custom.points must be a number greater than 0, found 0",
            ]
        );
        let first = parse_metadata("p.rego", &src).unwrap_err().to_string();
        assert_eq!(first, "p.rego:8: custom.severity: expected one of info, low, medium, high, critical; found \"urgent\"");
    }

    #[test]
    fn declared_fields_are_checked_against_api_and_the_read_fields() {
        let api = vec!["users".to_string()];
        assert_eq!(check_field_entry(&api, "users.mfaEnabled"), Ok(()));
        assert_eq!(
            check_field_entry(&api, "users.productAccess.lastActiveTimestamp"),
            Ok(())
        );
        assert_eq!(check_field_entry(&api, "users.productAccess"), Ok(()));
        assert_eq!(
            check_field_entry(&api, "mfaEnabled").unwrap_err(),
            "custom.data.fields: \"mfaEnabled\" is not `collection.field` (like users.mfaEnabled)"
        );
        assert_eq!(
            check_field_entry(&api, "api_tokens.expiresAt").unwrap_err(),
            "custom.data.fields: \"api_tokens.expiresAt\" is a field of api_tokens, which custom.data.api does not list"
        );
        let unread = check_field_entry(&api, "users.emailVerified").unwrap_err();
        assert!(
            unread.starts_with("custom.data.fields: \"users.emailVerified\" is not a field orgscan reads from users; expected one of accountId, "),
            "{unread}"
        );
        let src = GOOD.replace(
            "#     api: [users]\n",
            "#     api: [users]\n#     fields: [users.mfaEnabld]\n",
        );
        let e = parse_metadata("p.rego", &src).unwrap_err().to_string();
        assert!(e.starts_with("p.rego:"), "{e}");
        assert!(
            e.contains("\"users.mfaEnabld\" is not a field orgscan reads"),
            "{e}"
        );
    }

    #[test]
    fn reads_field_matches_declared_fields_and_what_they_hold() {
        let needs = DataNeeds {
            api: vec!["users".into(), "api_tokens".into()],
            fields: vec!["users.productAccess".into(), "users.mfaEnabled".into()],
            ..DataNeeds::default()
        };
        assert!(needs.reads_field(Collection::Users, "mfaEnabled"));
        assert!(needs.reads_field(Collection::Users, "productAccess.key"));
        assert!(!needs.reads_field(Collection::Users, "mfaEnabledAt"));
        assert!(!needs.reads_field(Collection::Users, "platformRoles"));
        // No field of api_tokens declared: all of them count as read.
        assert!(needs.reads_field(Collection::ApiTokens, "expiresAt"));
    }

    #[test]
    fn unknown_severity_names_the_line() {
        let src = GOOD.replace("severity: critical", "severity: urgent");
        let e = parse_metadata("p.rego", &src).unwrap_err();
        assert_eq!(e.to_string(), "p.rego:8: custom.severity: expected one of info, low, medium, high, critical; found \"urgent\"");
    }

    #[test]
    fn missing_field_is_reported() {
        let src = GOOD.replace("#   points: 10\n", "");
        let e = parse_metadata("p.rego", &src).unwrap_err();
        assert_eq!(
            e.to_string(),
            "p.rego:1: METADATA is missing required field `custom.points`"
        );
    }

    #[test]
    fn bad_yaml_points_into_the_block() {
        let src = GOOD.replace("#   points: 10", "#   points: [10");
        let e = parse_metadata("p.rego", &src).unwrap_err();
        assert!(
            e.to_string().starts_with("p.rego:") && e.message.contains("METADATA is not valid"),
            "{e}"
        );
    }

    #[test]
    fn file_without_metadata_is_a_library() {
        assert_eq!(
            parse_metadata("lib.rego", "package orgscan.lib.util\n").unwrap(),
            None
        );
    }
}
