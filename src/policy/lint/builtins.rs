//! Builtin functions: which ones the reference OPA (v1.20.2) and orgscan's engine (regorus
//! 0.14.1) each provide, which ones orgscan policies must not use, and a scanner that finds the
//! builtin calls of a Rego file with their lines.
//!
//! regorus resolves a function only when evaluation reaches the call, so a policy calling
//! `crypto.sha256` compiles fine and fails at scan time, on the one org where that branch runs.
//! `orgscan policy check` therefore scans every call statically against these lists. The OPA
//! list was taken by probing the reference OPA (every name compiles there; `tests/it/opa_parity.rs`
//! re-checks it whenever OPA is installed); the regorus list comes from regorus itself.

use std::collections::BTreeSet;

/// The reference OPA release orgscan's policies are checked against.
pub const OPA_VERSION: &str = "1.20.2";

/// Every callable builtin of OPA v1.20.2 (operators and `internal.*` left out).
pub const OPA_BUILTINS: &[&str] = &[
    "abs",
    "all",
    "any",
    "array.concat",
    "array.flatten",
    "array.reverse",
    "array.slice",
    "base64.decode",
    "base64.encode",
    "base64.is_valid",
    "base64url.decode",
    "base64url.encode",
    "base64url.encode_no_pad",
    "bits.and",
    "bits.lsh",
    "bits.negate",
    "bits.or",
    "bits.rsh",
    "bits.xor",
    "cast_array",
    "cast_boolean",
    "cast_null",
    "cast_object",
    "cast_set",
    "cast_string",
    "ceil",
    "concat",
    "contains",
    "count",
    "crypto.hmac.equal",
    "crypto.hmac.md5",
    "crypto.hmac.sha1",
    "crypto.hmac.sha256",
    "crypto.hmac.sha512",
    "crypto.md5",
    "crypto.parse_private_keys",
    "crypto.sha1",
    "crypto.sha256",
    "crypto.x509.parse_and_verify_certificates",
    "crypto.x509.parse_and_verify_certificates_with_options",
    "crypto.x509.parse_certificate_request",
    "crypto.x509.parse_certificates",
    "crypto.x509.parse_keypair",
    "crypto.x509.parse_rsa_private_key",
    "endswith",
    "floor",
    "format_int",
    "glob.match",
    "glob.quote_meta",
    "graph.reachable",
    "graph.reachable_paths",
    "graphql.is_valid",
    "graphql.parse",
    "graphql.parse_and_verify",
    "graphql.parse_query",
    "graphql.parse_schema",
    "graphql.schema_is_valid",
    "hex.decode",
    "hex.encode",
    "http.send",
    "indexof",
    "indexof_n",
    "intersection",
    "io.jwt.decode",
    "io.jwt.decode_verify",
    "io.jwt.encode_sign",
    "io.jwt.encode_sign_raw",
    "io.jwt.verify_eddsa",
    "io.jwt.verify_es256",
    "io.jwt.verify_es384",
    "io.jwt.verify_es512",
    "io.jwt.verify_hs256",
    "io.jwt.verify_hs384",
    "io.jwt.verify_hs512",
    "io.jwt.verify_ps256",
    "io.jwt.verify_ps384",
    "io.jwt.verify_ps512",
    "io.jwt.verify_rs256",
    "io.jwt.verify_rs384",
    "io.jwt.verify_rs512",
    "is_array",
    "is_boolean",
    "is_null",
    "is_number",
    "is_object",
    "is_set",
    "is_string",
    "json.filter",
    "json.is_valid",
    "json.marshal",
    "json.marshal_with_options",
    "json.match_schema",
    "json.patch",
    "json.remove",
    "json.unmarshal",
    "json.verify_schema",
    "lower",
    "max",
    "min",
    "net.cidr_contains",
    "net.cidr_contains_matches",
    "net.cidr_expand",
    "net.cidr_intersects",
    "net.cidr_is_valid",
    "net.cidr_merge",
    "net.cidr_overlap",
    "net.lookup_ip_addr",
    "numbers.range",
    "numbers.range_step",
    "object.filter",
    "object.get",
    "object.keys",
    "object.remove",
    "object.subset",
    "object.union",
    "object.union_n",
    "opa.runtime",
    "print",
    "product",
    "providers.aws.sign_req",
    "rand.intn",
    "re_match",
    "regex.find_all_string_submatch_n",
    "regex.find_n",
    "regex.globs_match",
    "regex.is_valid",
    "regex.match",
    "regex.replace",
    "regex.split",
    "regex.template_match",
    "rego.metadata.chain",
    "rego.metadata.rule",
    "rego.parse_module",
    "replace",
    "round",
    "semver.compare",
    "semver.is_valid",
    "set_diff",
    "sort",
    "split",
    "sprintf",
    "startswith",
    "strings.any_prefix_match",
    "strings.any_suffix_match",
    "strings.count",
    "strings.render_template",
    "strings.replace_n",
    "strings.reverse",
    "substring",
    "sum",
    "time.add_date",
    "time.clock",
    "time.date",
    "time.diff",
    "time.format",
    "time.now_ns",
    "time.parse_duration_ns",
    "time.parse_ns",
    "time.parse_rfc3339_ns",
    "time.weekday",
    "to_number",
    "trace",
    "trim",
    "trim_left",
    "trim_prefix",
    "trim_right",
    "trim_space",
    "trim_suffix",
    "type_name",
    "union",
    "units.parse",
    "units.parse_bytes",
    "upper",
    "urlquery.decode",
    "urlquery.decode_object",
    "urlquery.encode",
    "urlquery.encode_object",
    "uuid.parse",
    "uuid.rfc4122",
    "walk",
    "yaml.is_valid",
    "yaml.marshal",
    "yaml.unmarshal",
];

/// OPA builtins deprecated since v0.x (OPA still compiles them; `opa check --strict` rejects them).
pub const OPA_DEPRECATED: &[&str] = &[
    "all",
    "any",
    "cast_array",
    "cast_boolean",
    "cast_null",
    "cast_object",
    "cast_set",
    "cast_string",
    "net.cidr_overlap",
    "re_match",
    "set_diff",
];

/// Builtins both engines know but orgscan policies must not call, with the reason: a scan must be
/// a pure function of the snapshot, its time and the configuration.
pub const FORBIDDEN: &[(&str, &str)] = &[
    (
        "time.now_ns",
        "reads the wall clock, so a scan would not be reproducible; use input.now_ns (the snapshot's collection time or --now)",
    ),
    (
        "rand.intn",
        "is random, so a scan would not be reproducible",
    ),
    (
        "uuid.rfc4122",
        "is random, so a scan would not be reproducible",
    ),
    (
        "http.send",
        "reaches the network (in regorus it is only a stub); a scan reads nothing but the snapshot",
    ),
    (
        "net.lookup_ip_addr",
        "queries DNS; a scan reads nothing but the snapshot (and regorus lacks it)",
    ),
    (
        "opa.runtime",
        "describes the engine, which differs between orgscan and OPA",
    ),
];

/// Names regorus treats as builtins outside its builtin table.
const REGORUS_SPECIAL: &[&str] = &["print"];

/// Every builtin regorus 0.14.1 offers with orgscan's feature set.
pub fn regorus_builtins() -> BTreeSet<&'static str> {
    regorus::unstable::BUILTINS
        .keys()
        .copied()
        .chain(REGORUS_SPECIAL.iter().copied())
        .collect()
}

/// Where a builtin name is available.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Support {
    Both,
    /// Only in the reference OPA: orgscan would fail on it at scan time.
    OpaOnly,
    /// A regorus extension: the reference OPA rejects the policy.
    RegorusOnly,
    Neither,
}

pub fn in_opa(name: &str) -> bool {
    OPA_BUILTINS.binary_search(&name).is_ok()
}

pub fn support(name: &str) -> Support {
    let regorus = regorus::unstable::BUILTINS.contains_key(name) || REGORUS_SPECIAL.contains(&name);
    match (in_opa(name), regorus) {
        (true, true) => Support::Both,
        (true, false) => Support::OpaOnly,
        (false, true) => Support::RegorusOnly,
        (false, false) => Support::Neither,
    }
}

/// A call of something that is not defined in the file, not a rule reached through
/// `data.`/`input.` and not an import alias: a builtin, or a typo.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Call {
    pub name: String,
    /// 1-based.
    pub line: usize,
}

/// What a Rego file calls and defines, found by a small tokenizer that skips comments and
/// strings. Cheap, and independent of either engine's parser.
#[derive(Clone, Debug, Default)]
pub struct CallScan {
    /// Calls to names that may be builtins.
    pub calls: Vec<Call>,
    /// Functions (and rules) the file defines at the top level.
    pub defined: BTreeSet<String>,
}

/// Keywords, plus `set` (`set()` is the empty-set literal, not a call).
const KEYWORDS: &[&str] = &[
    "as", "default", "else", "every", "false", "if", "import", "in", "not", "null", "package",
    "set", "some", "true", "with",
];

fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

pub(super) fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Import aliases of a file: `import data.orgscan.lib.util` gives `util`, `import data.x as y`
/// gives `y`.
fn import_aliases(source: &str) -> BTreeSet<String> {
    let mut aliases = BTreeSet::new();
    for line in source.lines() {
        let Some(rest) = line.trim_start().strip_prefix("import ") else {
            continue;
        };
        let rest = rest.split('#').next().unwrap_or("").trim();
        let mut words = rest.split_whitespace();
        let Some(path) = words.next() else { continue };
        if path == "rego.v1" || path.starts_with("future.") {
            continue;
        }
        let alias = match (words.next(), words.next()) {
            (Some("as"), Some(alias)) => alias.to_string(),
            _ => path.rsplit('.').next().unwrap_or(path).to_string(),
        };
        aliases.insert(alias);
    }
    aliases
}

/// Scans a Rego source for calls and top-level definitions.
pub fn scan_calls(source: &str) -> CallScan {
    let aliases = import_aliases(source);
    let chars: Vec<char> = source.chars().collect();
    let mut scan = CallScan::default();
    let mut raw_calls: Vec<(String, usize)> = Vec::new();
    let mut line = 1usize;
    let mut at_line_start = true;
    let mut i = 0usize;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\n' => {
                line += 1;
                at_line_start = true;
                i += 1;
                continue;
            }
            '#' => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
                continue;
            }
            '"' => {
                i += 1;
                while i < chars.len() && chars[i] != '"' && chars[i] != '\n' {
                    if chars[i] == '\\' {
                        i += 1;
                    }
                    i += 1;
                }
                i += 1;
                at_line_start = false;
                continue;
            }
            '`' => {
                i += 1;
                while i < chars.len() && chars[i] != '`' {
                    if chars[i] == '\n' {
                        line += 1;
                    }
                    i += 1;
                }
                i += 1;
                at_line_start = false;
                continue;
            }
            _ => {}
        }
        let follows_ref = i > 0 && (is_ident(chars[i - 1]) || matches!(chars[i - 1], '.' | ']'));
        if is_ident_start(c) && !follows_ref {
            let start_of_line = at_line_start;
            let begin = i;
            loop {
                while i < chars.len() && is_ident(chars[i]) {
                    i += 1;
                }
                if i + 1 < chars.len() && chars[i] == '.' && is_ident_start(chars[i + 1]) {
                    i += 1;
                } else {
                    break;
                }
            }
            let name: String = chars[begin..i].iter().collect();
            let mut j = i;
            while j < chars.len() && (chars[j] == ' ' || chars[j] == '\t') {
                j += 1;
            }
            let is_call = j < chars.len() && chars[j] == '(';
            if start_of_line {
                let first = name.split('.').next().unwrap_or("");
                if !KEYWORDS.contains(&first) {
                    scan.defined.insert(first.to_string());
                }
            } else if is_call {
                raw_calls.push((name, line));
            }
            at_line_start = false;
            continue;
        }
        if !c.is_whitespace() {
            at_line_start = false;
        } else if at_line_start && c != '\n' {
            // Indented lines hold rule bodies, never definitions.
            at_line_start = false;
        }
        i += 1;
    }
    for (name, line) in raw_calls {
        let first = name.split('.').next().unwrap_or("");
        if KEYWORDS.contains(&name.as_str())
            || first == "data"
            || first == "input"
            || aliases.contains(first)
            || (!name.contains('.') && scan.defined.contains(&name))
        {
            continue;
        }
        scan.calls.push(Call { name, line });
    }
    scan
}

/// A builtin call orgscan policies must not contain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuiltinIssue {
    pub line: usize,
    pub name: String,
    pub message: String,
    /// Deprecated-but-working builtins are warnings; the rest make the policy fail somewhere.
    pub warning: bool,
}

/// Checks the calls of a source against both engines. `defined_elsewhere` holds function names
/// other modules of the same package define (they are not builtins).
pub fn lint_builtins(source: &str, defined_elsewhere: &BTreeSet<String>) -> Vec<BuiltinIssue> {
    let scan = scan_calls(source);
    let mut issues = Vec::new();
    for call in scan.calls {
        let name = call.name;
        let issue = |message: String, warning: bool| BuiltinIssue {
            line: call.line,
            name: name.clone(),
            message,
            warning,
        };
        if let Some((_, why)) = FORBIDDEN.iter().find(|(n, _)| *n == name) {
            issues.push(issue(format!("`{name}` {why}"), false));
            continue;
        }
        match support(&name) {
            Support::Both if OPA_DEPRECATED.contains(&name.as_str()) => issues.push(issue(
                format!("`{name}` is deprecated in OPA v1; use its replacement (see the OPA policy reference)"),
                true,
            )),
            Support::Both => {}
            Support::OpaOnly => issues.push(issue(
                format!(
                    "`{name}` is an OPA builtin that regorus (orgscan's engine) lacks: the control would end in `error` at scan time"
                ),
                false,
            )),
            Support::RegorusOnly => issues.push(issue(
                format!(
                    "`{name}` is a regorus-only extension: the reference OPA {OPA_VERSION} rejects the policy (shipped and shared policies must run on both)"
                ),
                false,
            )),
            Support::Neither if defined_elsewhere.contains(&name) => {}
            Support::Neither => issues.push(issue(
                format!("unknown function `{name}`: no builtin of OPA or regorus, and this package defines no such function"),
                false,
            )),
        }
    }
    issues
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opa_list_is_sorted_for_binary_search() {
        let mut sorted = OPA_BUILTINS.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted, OPA_BUILTINS);
    }

    #[test]
    fn knows_the_documented_gaps() {
        assert_eq!(support("crypto.sha256"), Support::OpaOnly);
        assert_eq!(support("net.cidr_merge"), Support::OpaOnly);
        assert_eq!(support("rego.metadata.rule"), Support::OpaOnly);
        assert_eq!(support("count"), Support::Both);
        assert_eq!(support("print"), Support::Both);
        assert_eq!(support("__builtin_sets.union"), Support::RegorusOnly);
        assert_eq!(support("foo.bar"), Support::Neither);
        let deprecated_in_regorus: Vec<&&str> = OPA_DEPRECATED
            .iter()
            .filter(|n| support(n) == Support::Both)
            .collect();
        assert!(
            deprecated_in_regorus.is_empty(),
            "{deprecated_in_regorus:?}"
        );
    }

    #[test]
    fn scans_calls_but_not_definitions_strings_comments_or_imports() {
        let src = r#"package x
import data.orgscan.lib.util
import data.other as o
import rego.v1

# crypto.sha256("in a comment")
f(x) := y if {
	y := sprintf("%s", [x])
	z := "time.now_ns()"
	util.days_since(x) > o.limit(1)
	data.orgscan.lib.util.is_admin(x)
	input.fn(1)
}

deny contains msg if {
	msg := f(crypto.sha256("a"))
	t := time.now_ns()
	count(`raw
	 net.cidr_merge(x)`) > 0
	not startswith("a", "b")
	q := foo.bar(1)
	e := set()
	u := __builtin_sets.union({1}, {2})
}
"#;
        let scan = scan_calls(src);
        let calls: Vec<(String, usize)> = scan
            .calls
            .iter()
            .map(|c| (c.name.clone(), c.line))
            .collect();
        assert_eq!(
            calls,
            vec![
                ("sprintf".to_string(), 8),
                ("crypto.sha256".to_string(), 16),
                ("time.now_ns".to_string(), 17),
                ("count".to_string(), 18),
                ("startswith".to_string(), 20),
                ("foo.bar".to_string(), 21),
                ("__builtin_sets.union".to_string(), 23),
            ]
        );
        assert!(scan.defined.contains("f") && scan.defined.contains("deny"));
        let issues = lint_builtins(src, &BTreeSet::new());
        let found: Vec<(usize, &str, bool)> = issues
            .iter()
            .map(|i| (i.line, i.name.as_str(), i.warning))
            .collect();
        assert_eq!(
            found,
            vec![
                (16, "crypto.sha256", false),
                (17, "time.now_ns", false),
                (21, "foo.bar", false),
                (23, "__builtin_sets.union", false)
            ]
        );
        assert!(
            issues[3].message.contains("regorus-only extension"),
            "{issues:?}"
        );
    }
}
