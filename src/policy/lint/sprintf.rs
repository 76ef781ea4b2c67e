//! `sprintf` verbs that OPA and regorus format differently (a number under `%s`), so the
//! same policy would write different findings under the two engines.

use super::builtins::{is_ident, BuiltinIssue};
use super::text::{split_args, zones, Zone};

/// The verbs of a Go-style format string, `%%` left out: `"%s has %.1f"` gives
/// `[('s', "%s"), ('f', "%.1f")]`.
fn format_verbs(format: &str) -> Vec<(char, String)> {
    let mut verbs = Vec::new();
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            continue;
        }
        let mut spec = String::from("%");
        while let Some(&n) = chars.peek() {
            if n.is_ascii_alphabetic() || n == '%' {
                break;
            }
            spec.push(n);
            chars.next();
        }
        match chars.next() {
            Some('%') | None => {}
            Some(verb) => {
                spec.push(verb);
                verbs.push((verb, spec));
            }
        }
    }
    verbs
}

/// Builtins and helpers that always return a number.
const NUMERIC_CALLS: &[&str] = &[
    "count(",
    "sum(",
    "product(",
    "floor(",
    "ceil(",
    "round(",
    "abs(",
    "to_number(",
    "time.parse_rfc3339_ns(",
    "time.parse_ns(",
    "time.parse_duration_ns(",
    "time.add_date(",
    "units.parse(",
    "units.parse_bytes(",
    "strings.count(",
    "indexof(",
    "bits.",
    "util.days_since(",
    "util.days_until(",
    "util.ts_ns(",
];

fn is_number_literal(arg: &str) -> bool {
    let t = arg.strip_prefix('-').unwrap_or(arg);
    !t.is_empty()
        && t.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
        && t.starts_with(|c: char| c.is_ascii_digit())
}

fn looks_numeric(arg: &str) -> bool {
    is_number_literal(arg)
        || NUMERIC_CALLS.iter().any(|f| arg.starts_with(f))
        || [" + ", " * ", " / ", " % "]
            .iter()
            .any(|op| arg.contains(op))
}

/// `sprintf` calls whose verbs and arguments the two engines format differently (found by the
/// differential test): a number under `%s` prints `3` in regorus but `%!s(int64=3)` in OPA, a
/// fraction under `%d` is an error in regorus, an integer under `%f` prints `%!f(int64=…)` in
/// OPA. Only literal formats and argument arrays are checked; arguments are judged by their
/// shape (a number literal, a numeric builtin, arithmetic).
pub fn lint_sprintf(source: &str) -> Vec<BuiltinIssue> {
    let chars: Vec<char> = source.chars().collect();
    let zone = zones(&chars);
    let mut issues = Vec::new();
    let needle: Vec<char> = "sprintf".chars().collect();
    let mut i = 0;
    while i + needle.len() < chars.len() {
        let starts = chars[i..i + needle.len()] == needle[..]
            && zone[i] == Zone::Code
            && (i == 0 || !(is_ident(chars[i - 1]) || chars[i - 1] == '.'));
        if !starts {
            i += 1;
            continue;
        }
        let mut j = i + needle.len();
        while j < chars.len() && chars[j] == ' ' {
            j += 1;
        }
        if j >= chars.len() || chars[j] != '(' {
            i += 1;
            continue;
        }
        let line = chars[..i].iter().filter(|c| **c == '\n').count() + 1;
        let Some((args, _)) = split_args(&chars, &zone, j) else {
            break;
        };
        i = j;
        let [format, values] = args.as_slice() else {
            continue;
        };
        let (Some(format), Some(values)) = (
            format.strip_prefix('"').and_then(|f| f.strip_suffix('"')),
            values.strip_prefix('[').and_then(|v| v.strip_suffix(']')),
        ) else {
            continue;
        };
        let array: Vec<char> = format!("[{values}]").chars().collect();
        let array_zone = zones(&array);
        let Some((values, _)) = split_args(&array, &array_zone, 0) else {
            continue;
        };
        for ((verb, spec), value) in format_verbs(format).into_iter().zip(&values) {
            let message = match verb {
                's' if looks_numeric(value) => format!(
                    "sprintf formats the number `{value}` with %s: orgscan prints it, the reference OPA prints `%!s(int64=…)`; use %d for integers or %v"
                ),
                'd' if is_number_literal(value) && value.contains('.') => format!(
                    "sprintf formats the fraction `{value}` with %d: an error in orgscan, `%!d(float64=…)` in OPA; use %v"
                ),
                'f' | 'e' | 'g' if is_number_literal(value) && !value.contains('.') => format!(
                    "sprintf formats the integer `{value}` with {spec}: OPA prints `%!{verb}(int64=…)`; use %v or %d"
                ),
                'f' | 'e' | 'g' => {
                    issues.push(BuiltinIssue {
                        line,
                        name: "sprintf".into(),
                        message: format!(
                            "sprintf rounds `{value}` with {spec}: on ties the engines differ (1.25 with %.1f is 1.3 in orgscan, 1.2 in OPA); use %v with round(x * 10) / 10"
                        ),
                        warning: true,
                    });
                    continue;
                }
                _ => continue,
            };
            issues.push(BuiltinIssue {
                line,
                name: "sprintf".into(),
                message,
                warning: false,
            });
        }
    }
    issues
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_sprintf_verbs_the_engines_format_differently() {
        let src = "package x\n# sprintf(\"%s\", [1])\nmsg := sprintf(\"%s of %s admins, %d%%\", [count(a), \"x, y\", 50])\nok := sprintf(\"%d and %v and %s\", [count(a), 2.5, u.name])\nbad := sprintf(\"%s days\", [util.days_since(t)])\nfrac := sprintf(\"%d\", [1.5])\nflt := sprintf(\"%.2f\", [2])\nsum := sprintf(\"%s\", [a + b])\n";
        let found: Vec<(usize, String)> = lint_sprintf(src)
            .into_iter()
            .map(|i| {
                (
                    i.line,
                    i.message.split(':').next().unwrap_or("").to_string(),
                )
            })
            .collect();
        assert_eq!(
            found,
            vec![
                (
                    3,
                    "sprintf formats the number `count(a)` with %s".to_string()
                ),
                (
                    5,
                    "sprintf formats the number `util.days_since(t)` with %s".to_string()
                ),
                (6, "sprintf formats the fraction `1.5` with %d".to_string()),
                (7, "sprintf formats the integer `2` with %.2f".to_string()),
                (8, "sprintf formats the number `a + b` with %s".to_string()),
            ]
        );
        let verbs: Vec<(char, String)> = format_verbs("%5.2f%%|%-3s|%v");
        assert_eq!(
            verbs,
            vec![
                ('f', "%5.2f".into()),
                ('s', "%-3s".into()),
                ('v', "%v".into())
            ]
        );
    }
}
