//! The policy catalogue: one Markdown document generated from the pack's METADATA (id, title,
//! severity, category, points, kind, data needs, config defaults, remediation, references).
//! `policies/README.md` is this output for the shipped pack; `tests/it/catalogue.rs` fails when it
//! drifts. Deterministic: the same pack always renders the same bytes.

use super::discover::{Policy, PolicyPack};
use super::metadata::CATEGORIES;
use crate::results::Kind;
use serde_json::Value;
use std::fmt::Write as _;

/// How to regenerate `policies/README.md`, quoted in the document and in the drift test.
/// How a catalogue this module wrote begins its second line: `policy doc` overwrites only a file
/// that carries it, never a README somebody wrote by hand.
pub const GENERATED_MARKER: &str = "<!-- Generated from the policies' METADATA";

pub const REGENERATE: &str = "ORGSCAN_UPDATE_CATALOGUE=1 cargo test --test it catalogue::";

/// Renders the catalogue of every policy in `pack`, grouped by category (in the report's
/// category order, unknown categories last) and sorted by id within a category.
pub fn render_catalogue(pack: &PolicyPack) -> String {
    let mut policies: Vec<&Policy> = pack.policies.iter().collect();
    policies.sort_by(|a, b| {
        (
            category_rank(&a.meta.category),
            &a.meta.category,
            &a.meta.id,
        )
            .cmp(&(
                category_rank(&b.meta.category),
                &b.meta.category,
                &b.meta.id,
            ))
    });

    let mut out = String::new();
    out.push_str("# orgscan policy catalogue\n\n");
    out.push_str(&format!(
        "{GENERATED_MARKER} by `orgscan::policy::catalogue::render_catalogue`. Do not edit by hand: run `{REGENERATE}`. -->\n\n"
    ));
    let posture_points: f64 = policies
        .iter()
        .filter(|p| p.meta.kind == Kind::Posture)
        .map(|p| p.meta.points)
        .sum();
    let _ = writeln!(
        out,
        "{} controls, {} posture points in total. Thresholds under **Config** are defaults; override them in `orgscan.toml` under `[controls.<ID>]`. A control whose declared data is missing (an API collection that could not be read, an unanswered attestation field, event actions absent from the org's catalogue) is reported `not_evaluable`, never passed.\n",
        policies.len(),
        number(posture_points)
    );

    out.push_str("| ID | Title | Severity | Category | Points | Kind |\n");
    out.push_str("|---|---|---|---|---:|---|\n");
    for p in &policies {
        let m = &p.meta;
        let _ = writeln!(
            out,
            "| [{id}](#{anchor}) | {title} | {severity} | {category} | {points} | {kind} |",
            id = m.id,
            anchor = anchor(&m.id),
            title = cell(&m.title),
            severity = m.severity,
            category = cell(&m.category),
            points = number(m.points),
            kind = kind_name(m.kind),
        );
    }

    let mut current: Option<&str> = None;
    for p in &policies {
        let m = &p.meta;
        if current != Some(m.category.as_str()) {
            current = Some(m.category.as_str());
            let in_category: Vec<&&Policy> = policies
                .iter()
                .filter(|q| q.meta.category == m.category)
                .collect();
            let points: f64 = in_category
                .iter()
                .filter(|q| q.meta.kind == Kind::Posture)
                .map(|q| q.meta.points)
                .sum();
            let _ = write!(
                out,
                "\n## {}\n\n{} controls, {} posture points.\n",
                m.category,
                in_category.len(),
                number(points)
            );
        }
        render_policy(&mut out, p);
    }
    out
}

fn render_policy(out: &mut String, p: &Policy) {
    let m = &p.meta;
    let _ = write!(out, "\n### {}\n\n**{}**\n\n", m.id, m.title.trim());
    let _ = writeln!(
        out,
        "Severity **{}** · {} points · {} · user impact {} · implementation cost {} · version {} · source `{}`\n",
        m.severity,
        number(m.points),
        kind_name(m.kind),
        m.user_impact,
        m.implementation_cost,
        m.version,
        source_path(&p.source.path),
    );
    let _ = writeln!(out, "{}\n", one_paragraph(&m.description));

    out.push_str("**Data needs:** ");
    let mut needs = Vec::new();
    if !m.data.api.is_empty() {
        needs.push(format!("API {}", code_list(&m.data.api)));
    }
    if !m.data.fields.is_empty() {
        needs.push(format!("fields {}", code_list(&m.data.fields)));
    }
    if !m.data.attestation.is_empty() {
        needs.push(format!("attestation {}", code_list(&m.data.attestation)));
    }
    if !m.data.events.is_empty() {
        needs.push(format!("events {}", code_list(&m.data.events)));
    }
    if needs.is_empty() {
        needs.push(
            "none declared (the policy reports `not_evaluable` itself when its inputs are missing)"
                .to_string(),
        );
    }
    out.push_str(&needs.join("; "));
    out.push_str("\n\n");

    out.push_str("**Config:** ");
    if m.config.is_empty() {
        out.push_str("none\n\n");
    } else {
        let items: Vec<String> = m
            .config
            .iter()
            .map(|(k, v)| format!("`{k} = {}`", config_value(v)))
            .collect();
        out.push_str(&items.join(", "));
        out.push_str("\n\n");
    }

    out.push_str("**Remediation:**\n\n");
    for (i, step) in m.remediation.iter().enumerate() {
        let _ = writeln!(out, "{}. {}", i + 1, one_paragraph(step));
    }
    out.push('\n');

    if !m.frameworks.is_empty() {
        let items: Vec<String> = m
            .frameworks
            .iter()
            .map(|(k, v)| format!("{k} {}", v.join(", ")))
            .collect();
        let _ = writeln!(out, "**Frameworks:** {}\n", items.join("; "));
    }
    if !m.references.is_empty() {
        out.push_str("**References:**\n\n");
        for r in &m.references {
            let _ = writeln!(out, "- <{r}>");
        }
    }
}

fn category_rank(category: &str) -> usize {
    CATEGORIES
        .iter()
        .position(|c| *c == category)
        .unwrap_or(CATEGORIES.len())
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Posture => "posture",
        Kind::Detection => "detection",
    }
}

/// `6` for whole numbers, `2.5` otherwise.
fn number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// GitHub's heading anchor for an id like `ATL-IDN-001`.
fn anchor(id: &str) -> String {
    id.chars()
        .filter_map(|c| match c {
            'A'..='Z' => Some(c.to_ascii_lowercase()),
            'a'..='z' | '0'..='9' | '-' | '_' => Some(c),
            ' ' => Some('-'),
            _ => None,
        })
        .collect()
}

/// Text safe inside a Markdown table cell.
fn cell(text: &str) -> String {
    one_paragraph(text).replace('|', "\\|")
}

fn one_paragraph(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn code_list(items: &[String]) -> String {
    items
        .iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A TOML-looking rendering of a default (what a user writes in `orgscan.toml`).
fn config_value(v: &Value) -> String {
    match v {
        Value::String(s) => format!("{s:?}"),
        Value::Array(items) => format!(
            "[{}]",
            items
                .iter()
                .map(config_value)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Value::Object(map) => format!(
            "{{ {} }}",
            map.iter()
                .map(|(k, v)| format!("{k} = {}", config_value(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Value::Null => "null".to_string(),
        other => other.to_string(),
    }
}

/// `builtin:identity/admin_mfa.rego` → `identity/admin_mfa.rego` (relative to `policies/`).
fn source_path(path: &str) -> &str {
    path.strip_prefix("builtin:").unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::discover::SourceFile;
    use crate::policy::metadata::parse_metadata;

    fn policy(id: &str, category: &str, points: &str, extra: &str) -> Policy {
        let text = format!(
            "# METADATA\n# title: Title of {id} | piped\n# description: >-\n#   Why {id}\n#   matters.\n# related_resources:\n#   - ref: https://support.atlassian.com/x/\n# custom:\n#   id: {id}\n#   severity: high\n#   category: {category}\n#   points: {points}\n#   user_impact: low\n#   implementation_cost: low\n#   remediation:\n#     - Step one.\n#     - Step two.\n{extra}package p.{}\n",
            id.to_ascii_lowercase().replace('-', "_")
        );
        let path = format!("builtin:area/{}.rego", id.to_ascii_lowercase());
        let meta = parse_metadata(&path, &text).unwrap().unwrap();
        Policy {
            meta,
            source: SourceFile { path, text },
        }
    }

    fn pack(policies: Vec<Policy>) -> PolicyPack {
        PolicyPack {
            policies,
            ..PolicyPack::default()
        }
    }

    #[test]
    fn groups_by_category_order_then_id_whatever_the_input_order() {
        let a = policy("ATL-LOG-002", "Logging and monitoring", "3", "");
        let b = policy("ATL-IDN-010", "Identity and authentication", "2.5", "");
        let c = policy("ATL-IDN-002", "Identity and authentication", "10", "");
        let one = render_catalogue(&pack(vec![a.clone(), b.clone(), c.clone()]));
        let two = render_catalogue(&pack(vec![c, a, b]));
        assert_eq!(one, two);
        let idn2 = one.find("### ATL-IDN-002").unwrap();
        let idn10 = one.find("### ATL-IDN-010").unwrap();
        let log = one.find("### ATL-LOG-002").unwrap();
        assert!(idn2 < idn10 && idn10 < log, "{one}");
        assert!(one.contains("3 controls, 15.5 posture points"), "{one}");
        assert!(one.contains("Title of ATL-IDN-002 \\| piped"), "{one}");
        assert!(one.contains("| [ATL-IDN-002](#atl-idn-002) |"), "{one}");
    }

    #[test]
    fn renders_needs_config_and_remediation() {
        let p = policy(
            "ATL-KEY-001",
            "Keys and tokens",
            "5",
            "#   data:\n#     api: [api_keys]\n#     attestation: [api_tokens.users_can_create]\n#   config:\n#     unused_days: 90\n#     names: [a, b]\n#     pattern: (?i)mcp\n",
        );
        let text = render_catalogue(&pack(vec![p]));
        assert!(
            text.contains(
                "**Data needs:** API `api_keys`; attestation `api_tokens.users_can_create`"
            ),
            "{text}"
        );
        assert!(
            text.contains("`names = [\"a\", \"b\"]`, `pattern = \"(?i)mcp\"`, `unused_days = 90`"),
            "{text}"
        );
        assert!(text.contains("1. Step one.\n2. Step two.\n"), "{text}");
        assert!(text.contains("Why ATL-KEY-001 matters."), "{text}");
        assert!(text.contains("source `area/atl-key-001.rego`"), "{text}");
        assert!(
            text.contains("- <https://support.atlassian.com/x/>"),
            "{text}"
        );
    }
}
