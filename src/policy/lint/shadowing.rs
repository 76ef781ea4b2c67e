//! Names that hide a builtin namespace (`time`, `net`, …): OPA rejects the module, regorus
//! does not, so the mistake only shows under OPA.

use super::builtins::{regorus_builtins, BuiltinIssue, OPA_BUILTINS};
use super::text::{zones, Zone};
use std::collections::BTreeSet;

/// The source with comments and string literals blanked out (newlines kept, so lines and
/// columns stay where they were).
fn code_only(source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    let zone = zones(&chars);
    chars
        .iter()
        .zip(&zone)
        .map(|(c, z)| {
            if *z == Zone::Code || *c == '\n' {
                *c
            } else {
                ' '
            }
        })
        .collect()
}

/// The namespaces of dotted builtins (`time`, `net`, `json`, …).
fn builtin_namespaces() -> &'static BTreeSet<&'static str> {
    static NAMESPACES: std::sync::OnceLock<BTreeSet<&'static str>> = std::sync::OnceLock::new();
    NAMESPACES.get_or_init(|| {
        OPA_BUILTINS
            .iter()
            .copied()
            .chain(regorus_builtins())
            .filter_map(|n| n.split_once('.').map(|(ns, _)| ns))
            .collect()
    })
}

/// Declarations: function parameters, `some`/`every` variables, `:=` targets.
fn declaration_patterns() -> &'static [regex::Regex] {
    static PATTERNS: std::sync::OnceLock<Vec<regex::Regex>> = std::sync::OnceLock::new();
    PATTERNS.get_or_init(|| {
        let ident = r"[A-Za-z_][A-Za-z0-9_]*";
        [
            format!(r"(?m)^{ident}\(([^)]*)\)"),
            format!(r"\b(?:some|every)\s+({ident}(?:\s*,\s*{ident})?)\s+in\b"),
            format!(r"(?m)(?:^|[^.\w])({ident})\s*:="),
        ]
        .iter()
        .filter_map(|p| regex::Regex::new(p).ok())
        .collect()
    })
}

/// A variable, function parameter or rule named like a builtin namespace (`time`, `net`, …)
/// in a file that calls that namespace's builtins. OPA then resolves `time.parse_rfc3339_ns`
/// against the variable and rejects the module ("undefined function"); regorus still finds the
/// builtin, so the mistake only shows under OPA.
pub fn lint_shadowing(source: &str) -> Vec<BuiltinIssue> {
    let code = code_only(source);
    let namespaces = builtin_namespaces();
    let ident = r"[A-Za-z_][A-Za-z0-9_]*";
    let mut declared: Vec<(String, usize)> = Vec::new();
    for re in declaration_patterns() {
        for caps in re.captures_iter(&code) {
            let Some(m) = caps.get(1) else { continue };
            let line = code[..m.start()].matches('\n').count() + 1;
            for name in m.as_str().split(',') {
                let name = name.trim();
                if namespaces.contains(name) {
                    declared.push((name.to_string(), line));
                }
            }
        }
    }
    // A local (parameter, `some`, `:=` in a body) hides the namespace within its rule; a rule
    // of that name (`time := …` at the top level) in the whole package.
    let lines: Vec<&str> = code.lines().collect();
    let starts: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_'))
        .map(|(i, _)| i + 1)
        .collect();
    let scope = |line: usize, name: &str| -> String {
        let text = lines.get(line - 1).copied().unwrap_or("");
        if text.starts_with(&format!("{name} ")) || text.starts_with(&format!("{name}:")) {
            return code.clone();
        }
        let first = starts
            .iter()
            .rev()
            .find(|s| **s <= line)
            .copied()
            .unwrap_or(1);
        let end = starts
            .iter()
            .find(|s| **s > line)
            .copied()
            .unwrap_or(lines.len() + 1);
        lines[first - 1..end - 1].join("\n")
    };
    let mut issues = Vec::new();
    for (name, line) in declared {
        let call = format!(
            r"(?:^|[^.\w]){}\.{ident}(?:\.{ident})*\s*\(",
            regex::escape(&name)
        );
        let within = scope(line, &name);
        let calls_namespace = regex::Regex::new(&call).is_ok_and(|re| re.is_match(&within));
        if calls_namespace {
            issues.push(BuiltinIssue {
                line,
                name: name.clone(),
                message: format!(
                    "`{name}` is declared here and hides the `{name}.*` builtins this file calls: the reference OPA rejects the module (undefined function), orgscan does not; rename it"
                ),
                warning: false,
            });
        }
    }
    issues.sort_by_key(|i| i.line);
    issues.dedup();
    issues
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_names_that_hide_builtin_namespaces() {
        let src = "package x\nev(id, time) := {\"id\": id, \"time_ns\": time.parse_rfc3339_ns(time)}\nok(e) := e.time\nf(x) if {\n\tsome net in input.nets\n\tjson := 1\n\tnet.cidr_contains(net, \"1.2.3.4\")\n}\n# time := 1\ng := {\"time\": 1}\nh(json) := 1\nk := json.is_valid(\"{}\")\n";
        let found: Vec<(usize, String)> = lint_shadowing(src)
            .into_iter()
            .map(|i| (i.line, i.name))
            .collect();
        assert_eq!(found, vec![(2, "time".to_string()), (5, "net".to_string())]);
        let rule = "package x\ntime := 5\n\nx := time.parse_rfc3339_ns(\"2026-01-01T00:00:00Z\")\n";
        let found: Vec<usize> = lint_shadowing(rule).into_iter().map(|i| i.line).collect();
        assert_eq!(found, vec![2]);
    }
}
