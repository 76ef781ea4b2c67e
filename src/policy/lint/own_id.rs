//! A policy that writes its own control id as a string literal: a second copy of the METADATA
//! `custom.id` that drifts when the control is renumbered or copied into a new policy. The
//! evaluator gives every policy `input.control.id`, read as `util.control_id`.

use super::builtins::BuiltinIssue;
use super::text::{zones, Zone};

/// Each line of `source` where the string literal `"<id>"` appears in code (comments and the
/// METADATA block are left alone).
pub fn lint_own_id(source: &str, id: &str) -> Vec<BuiltinIssue> {
    let chars: Vec<char> = source.chars().collect();
    let zone = zones(&chars);
    let literal: Vec<char> = format!("\"{id}\"").chars().collect();
    let mut issues = Vec::new();
    let mut line = 1;
    let mut reported_line = 0;
    for i in 0..chars.len() {
        if chars[i] == '\n' {
            line += 1;
            continue;
        }
        let starts_literal = chars[i..].starts_with(&literal)
            && zone[i] == Zone::Text
            && (i == 0 || zone[i - 1] != Zone::Text || chars[i - 1] == '\n');
        if starts_literal && line != reported_line {
            reported_line = line;
            issues.push(BuiltinIssue {
                line,
                name: id.to_string(),
                warning: true,
                message: format!(
                    "the policy writes its own id \"{id}\" as a literal: use `util.control_id` (or `util.settings` / `util.setting(key, fallback)` for its settings), which orgscan sets from METADATA for each policy"
                ),
            });
        }
    }
    issues
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_literal_of_the_own_id_in_code_is_reported_once_per_line() {
        let source = "# METADATA\n# custom:\n#   id: ATL-X-001\npackage p\nid := \"ATL-X-001\"\nlimit := util.param(\"ATL-X-001\", \"days\", object.get({}, \"ATL-X-001\", 1))\n";
        let lines: Vec<usize> = lint_own_id(source, "ATL-X-001")
            .iter()
            .map(|i| i.line)
            .collect();
        assert_eq!(lines, vec![5, 6]);
    }

    #[test]
    fn comments_other_ids_and_longer_strings_are_not_reported() {
        let source = "# id \"ATL-X-001\" in a comment\npackage p\nother := util.params(\"ATL-X-002\")\nmsg := \"see ATL-X-001\"\nid := util.control_id\n";
        assert!(lint_own_id(source, "ATL-X-001").is_empty());
    }
}
