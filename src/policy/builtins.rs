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

fn is_ident(c: char) -> bool {
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

/// Where each char of a source is: code, comment or string literal.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Zone {
    Code,
    Comment,
    Text,
}

fn zones(chars: &[char]) -> Vec<Zone> {
    let mut out = vec![Zone::Code; chars.len()];
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '#' => {
                while i < chars.len() && chars[i] != '\n' {
                    out[i] = Zone::Comment;
                    i += 1;
                }
            }
            '"' | '`' => {
                let close = chars[i];
                out[i] = Zone::Text;
                i += 1;
                while i < chars.len() && chars[i] != close {
                    if close == '"' && chars[i] == '\\' && i + 1 < chars.len() {
                        out[i] = Zone::Text;
                        i += 1;
                    }
                    if close == '"' && chars[i] == '\n' {
                        break;
                    }
                    out[i] = Zone::Text;
                    i += 1;
                }
                if i < chars.len() {
                    out[i] = Zone::Text;
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    out
}

/// The text between the bracket at `open` and its match, split at top-level commas.
fn split_args(chars: &[char], zone: &[Zone], open: usize) -> Option<(Vec<String>, usize)> {
    let mut depth = 0usize;
    let mut parts = vec![String::new()];
    let mut i = open;
    while i < chars.len() {
        let c = chars[i];
        if zone[i] == Zone::Code {
            match c {
                '(' | '[' | '{' => {
                    depth += 1;
                    if depth == 1 {
                        i += 1;
                        continue;
                    }
                }
                ')' | ']' | '}' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        let parts = parts.into_iter().map(|p| p.trim().to_string()).collect();
                        return Some((parts, i));
                    }
                }
                ',' if depth == 1 => {
                    parts.push(String::new());
                    i += 1;
                    continue;
                }
                _ => {}
            }
        }
        if zone[i] != Zone::Comment {
            if let Some(last) = parts.last_mut() {
                last.push(c);
            }
        }
        i += 1;
    }
    None
}

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
