//! What users read about the command line matches the command line of this build:
//! - docs/man holds exactly the pages `orgscan man --out-dir` writes (ORGSCAN_UPDATE_MAN=1
//!   rewrites them after a CLI change);
//! - the bash completion script loads and completes subcommands;
//! - every `orgscan …` command and `--flag` in README.md, docs/ci.md and action.yml exists in
//!   the `--help` of the command it is written after.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn orgscan(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_orgscan"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "orgscan {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn files_in(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn man_pages_in_docs_are_generated_from_the_current_cli() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    orgscan(&["man", "--out-dir", out]);
    let fresh = files_in(dir.path());
    let committed_dir = root().join("docs/man");
    if std::env::var_os("ORGSCAN_UPDATE_MAN").is_some() {
        let _ = std::fs::remove_dir_all(&committed_dir);
        std::fs::create_dir_all(&committed_dir).unwrap();
        for (name, page) in &fresh {
            std::fs::write(committed_dir.join(name), page).unwrap();
        }
    }
    let committed = files_in(&committed_dir);
    let names = |m: &BTreeMap<String, Vec<u8>>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(
        names(&committed),
        names(&fresh),
        "docs/man is stale: run ORGSCAN_UPDATE_MAN=1 cargo test --test it cli_docs::"
    );
    for (name, page) in &fresh {
        assert!(
            committed[name] == *page,
            "docs/man/{name} differs from `orgscan man`: run ORGSCAN_UPDATE_MAN=1 cargo test --test it cli_docs::"
        );
    }
    // `orgscan man` alone prints the top page.
    assert_eq!(orgscan(&["man"]).as_bytes(), &fresh["orgscan.1"][..]);
    // Every subcommand, nested ones included, has its page, and each flag is in it.
    let main = String::from_utf8_lossy(&fresh["orgscan.1"]);
    assert!(main.contains("orgscan\\-import\\-events(1)"), "{main}");
    let scan = String::from_utf8_lossy(&fresh["orgscan-scan.1"]);
    assert!(scan.contains("\\-\\-fail\\-on"), "{scan}");
}

#[test]
fn the_bash_completion_loads_and_completes_subcommands() {
    let script = orgscan(&["completions", "bash"]);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("orgscan.bash");
    std::fs::write(&file, script).unwrap();
    // Source it, then ask for the words after `orgscan po` and `orgscan scan --fail-`.
    let probe = r#"
        source "$1"
        complete -p orgscan
        COMP_WORDS=(orgscan po); COMP_CWORD=1; COMP_LINE="orgscan po"; COMP_POINT=${#COMP_LINE}
        _orgscan orgscan po orgscan; echo "sub: ${COMPREPLY[*]}"
        COMP_WORDS=(orgscan scan --fail-); COMP_CWORD=2; COMP_LINE="orgscan scan --fail-"; COMP_POINT=${#COMP_LINE}
        _orgscan orgscan --fail- scan; echo "flag: ${COMPREPLY[*]}"
    "#;
    let out = Command::new("bash")
        .args(["--noprofile", "--norc", "-c", probe, "probe"])
        .arg(&file)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("-F _orgscan orgscan"), "{stdout}");
    assert!(stdout.contains("sub: policy"), "{stdout}");
    assert!(stdout.contains("--fail-on"), "{stdout}");
}

#[test]
fn every_shell_is_accepted_and_others_are_usage_errors() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        assert!(
            orgscan(&["completions", shell]).contains("orgscan"),
            "{shell}"
        );
    }
    let out = Command::new(env!("CARGO_BIN_EXE_orgscan"))
        .args(["completions", "tcsh"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// The command tree as `--help` shows it: each command path with its subcommands and flags.
struct HelpTree {
    subcommands: BTreeMap<Vec<String>, BTreeSet<String>>,
    flags: BTreeMap<Vec<String>, BTreeSet<String>>,
}

impl HelpTree {
    fn read() -> HelpTree {
        let mut tree = HelpTree {
            subcommands: BTreeMap::new(),
            flags: BTreeMap::new(),
        };
        tree.visit(Vec::new());
        tree
    }

    fn visit(&mut self, path: Vec<String>) {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let help = orgscan(&args);
        let flag = regex::Regex::new(r"(?m)^\s+(?:-\w, )?(--[a-z][a-z0-9-]*)").unwrap();
        self.flags.insert(
            path.clone(),
            flag.captures_iter(&help)
                .map(|c| c[1].to_string())
                .collect(),
        );
        // "Commands:" lists one per line, name at a two-space indent; wrapped descriptions
        // are indented further; a blank line ends the list.
        let subs: BTreeSet<String> = help
            .split("Commands:\n")
            .nth(1)
            .unwrap_or("")
            .lines()
            .take_while(|line| !line.trim().is_empty())
            .filter(|line| line.starts_with("  ") && !line.starts_with("   "))
            .filter_map(|line| line.split_whitespace().next())
            .filter(|name| *name != "help")
            .map(str::to_string)
            .collect();
        for sub in &subs {
            let mut child = path.clone();
            child.push(sub.clone());
            self.visit(child);
        }
        self.subcommands.insert(path, subs);
    }

    fn all_flags(&self) -> BTreeSet<String> {
        self.flags.values().flatten().cloned().collect()
    }
}

/// Code the reader would type: fenced blocks (continuation lines joined) and inline spans.
fn code_in_markdown(markdown: &str) -> Vec<String> {
    let mut code = Vec::new();
    let mut in_fence = false;
    let mut command = String::new();
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
            if !command.is_empty() {
                code.push(std::mem::take(&mut command));
            }
            continue;
        }
        if in_fence {
            let trimmed = line.trim();
            // A shell continuation (`\` at the end) or a folded YAML scalar's `--flag` line
            // belongs to the command above.
            let continues = trimmed.starts_with("--");
            if !continues && !command.is_empty() && !command.ends_with('\\') {
                code.push(std::mem::take(&mut command));
            }
            command.push(' ');
            command.push_str(trimmed);
        } else {
            code.extend(
                line.split('`')
                    .skip(1)
                    .step_by(2)
                    .map(|span| span.replace("\\|", "|")),
            );
        }
    }
    code.push(command);
    code
}

/// Problems with one piece of code: unknown subcommands or flags after `orgscan`
/// (also `…/orgscan:TAG` image names), and a lone `--flag` span that no command has.
fn check_code(code: &str, tree: &HelpTree) -> Vec<String> {
    let mut problems = Vec::new();
    let tokens: Vec<&str> = code
        .split(|c: char| c.is_whitespace() || c == '"' || c == '\'' || c == '(' || c == ')')
        .filter(|t| !t.is_empty())
        .collect();
    let all = tree.all_flags();
    let flag_name = |t: &str| -> Option<String> {
        let name: String = t
            .trim_start_matches('[')
            .split('=')
            .next()
            .unwrap()
            .trim_end_matches(|c: char| !c.is_ascii_alphanumeric())
            .to_string();
        (name.starts_with("--") && name.len() > 2).then_some(name)
    };
    if tokens.len() <= 2 {
        if let Some(name) = tokens.first().and_then(|t| flag_name(t)) {
            if !all.contains(&name) {
                problems.push(format!("`{code}`: no orgscan command has {name}"));
            }
        }
    }
    let is_orgscan = |t: &str| {
        let last = t.rsplit('/').next().unwrap();
        last == "orgscan" || last.starts_with("orgscan:")
    };
    let mut i = 0;
    while i < tokens.len() {
        if !is_orgscan(tokens[i]) {
            i += 1;
            continue;
        }
        let mut path: Vec<String> = Vec::new();
        let mut j = i + 1;
        // Subcommands, `a|b|c` alternatives included (all of them must exist).
        while let Some(token) = tokens.get(j) {
            let alternatives: Vec<&str> = token.split('|').collect();
            let subs = &tree.subcommands[&path];
            if !alternatives.iter().all(|a| subs.contains(*a)) {
                break;
            }
            path.push(alternatives[0].to_string());
            j += 1;
        }
        let next = tokens.get(j).copied().unwrap_or("");
        if path.is_empty() && !next.starts_with("--") {
            // `orgscan word` where word is no command is a mistake; anything else (an image
            // name ending a line, `orgscan` as the last argument) is no invocation.
            if !next.is_empty() && next.chars().all(|c| c.is_ascii_lowercase() || c == '-') {
                problems.push(format!(
                    "`{}`: `orgscan {next}` is not a command",
                    code.trim()
                ));
            }
            i = j;
            continue;
        }
        let known = &tree.flags[&path];
        while let Some(token) = tokens.get(j) {
            if is_orgscan(token) || ["|", "&&", ";", "||", ">", ">>"].contains(token) {
                break;
            }
            if let Some(name) = flag_name(token) {
                if !known.contains(&name) {
                    problems.push(format!(
                        "`{}`: `orgscan {}` has no {name}",
                        code.trim(),
                        path.join(" ")
                    ));
                }
            }
            j += 1;
        }
        i = j;
    }
    problems
}

#[test]
fn every_command_and_flag_in_the_docs_and_the_action_exists() {
    let tree = HelpTree::read();
    assert!(tree.subcommands[&vec![]].contains("scan"));
    assert!(tree.flags[&vec!["run".to_string()]].contains("--report-dir"));
    assert!(tree.flags[&vec!["run".to_string()]].contains("--min-coverage"));
    let mut problems = Vec::new();
    let mut checked = 0;
    for doc in ["README.md", "docs/ci.md"] {
        let text = std::fs::read_to_string(root().join(doc)).unwrap();
        for code in code_in_markdown(&text) {
            checked += code.contains("orgscan ") as usize;
            problems.extend(
                check_code(&code, &tree)
                    .into_iter()
                    .map(|p| format!("{doc}: {p}")),
            );
        }
    }
    // action.yml builds `orgscan run`'s arguments in `args+=(…)` lines.
    let action = std::fs::read_to_string(root().join("action.yml")).unwrap();
    let mut action_flags = 0;
    for line in action
        .lines()
        .filter(|l| l.contains("args=(") || l.contains("args+=("))
    {
        problems.extend(
            check_code(&format!("orgscan run {line}"), &tree)
                .into_iter()
                .map(|p| format!("action.yml: {p}")),
        );
        action_flags += line.matches(" --").count() + line.matches("(--").count();
    }
    assert!(action.contains(r#""$ORGSCAN" run "${args[@]}""#));
    assert!(
        checked > 20,
        "only {checked} orgscan commands found in the docs"
    );
    assert!(
        action_flags >= 10,
        "only {action_flags} flags found in action.yml"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_docs_check_catches_a_wrong_flag_and_a_wrong_command() {
    let tree = HelpTree::read();
    assert!(check_code("orgscan scan snap --fail-on high", &tree).is_empty());
    assert!(check_code("orgscan policy list|test|check|doc", &tree).is_empty());
    assert_eq!(
        check_code("orgscan scan snap --fial-on high", &tree).len(),
        1
    );
    assert_eq!(
        check_code("orgscan diff a b --fail-on high", &tree).len(),
        1
    );
    assert_eq!(check_code("orgscan scann snap", &tree).len(), 1);
    assert_eq!(check_code("--no-such-flag", &tree).len(), 1);
    assert!(check_code("--exit-zero", &tree).is_empty());
    assert!(check_code(
        "docker run --rm -v x:/work ghcr.io/orgscan/orgscan:0.1.0 scan snapshot --exit-zero",
        &tree
    )
    .is_empty());
    assert_eq!(
        check_code(
            "docker run --rm ghcr.io/orgscan/orgscan:0.1.0 scan --nope",
            &tree
        )
        .len(),
        1
    );
}
