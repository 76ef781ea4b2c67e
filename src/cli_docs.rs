//! Documents generated from the command-line definition itself, so they cannot drift from it:
//! shell completion scripts (`orgscan completions SHELL`) and man pages (`orgscan man`).
//! The release archives ship both; `docs/man/` holds the pages of the current CLI (a test
//! regenerates them and fails on any difference).

use crate::cli::{CompletionShell, CompletionsArgs, ManArgs};
use clap::CommandFactory;
use std::io::Write;
use std::path::Path;

/// The clap_complete generator of a shell the release archives carry completions for.
fn generator(shell: CompletionShell) -> clap_complete::Shell {
    match shell {
        CompletionShell::Bash => clap_complete::Shell::Bash,
        CompletionShell::Zsh => clap_complete::Shell::Zsh,
        CompletionShell::Fish => clap_complete::Shell::Fish,
        CompletionShell::Powershell => clap_complete::Shell::PowerShell,
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CliDocsError {
    #[error("writing {what}: {source}")]
    Write {
        what: String,
        #[source]
        source: std::io::Error,
    },
}

fn command() -> clap::Command {
    crate::cli::Cli::command()
}

/// The completion script for `shell`.
pub fn completion_script(shell: CompletionShell) -> Vec<u8> {
    let mut cmd = command();
    let mut script = Vec::new();
    clap_complete::generate(generator(shell), &mut cmd, "orgscan", &mut script);
    script
}

pub fn write_completions(args: &CompletionsArgs, out: &mut impl Write) -> Result<(), CliDocsError> {
    out.write_all(&completion_script(args.shell))
        .map_err(|source| CliDocsError::Write {
            what: "standard output".into(),
            source,
        })
}

/// orgscan(1): the top-level page with the list of subcommands.
pub fn main_man_page() -> Vec<u8> {
    let mut page = Vec::new();
    // Rendering into a Vec cannot fail.
    let _ = clap_mangen::Man::new(command()).render(&mut page);
    page
}

/// Every page, as (file name, roff): orgscan.1 and orgscan-<sub>[-<sub>].1, sorted by name.
pub fn man_pages() -> Vec<(String, Vec<u8>)> {
    let mut root = command();
    root.build();
    let mut pages = Vec::new();
    collect_pages(&root, &mut pages);
    pages.sort_by(|a, b| a.0.cmp(&b.0));
    pages
}

fn collect_pages(cmd: &clap::Command, pages: &mut Vec<(String, Vec<u8>)>) {
    let man = clap_mangen::Man::new(cmd.clone());
    let mut page = Vec::new();
    let _ = man.render(&mut page);
    pages.push((man.get_filename(), page));
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        // `help` is clap's own; it has no page of its own.
        if sub.get_name() != "help" {
            collect_pages(sub, pages);
        }
    }
}

pub fn write_man(args: &ManArgs, out: &mut impl Write) -> Result<(), CliDocsError> {
    match &args.out_dir {
        None => out
            .write_all(&main_man_page())
            .map_err(|source| CliDocsError::Write {
                what: "standard output".into(),
                source,
            }),
        Some(dir) => write_man_dir(dir),
    }
}

fn write_man_dir(dir: &Path) -> Result<(), CliDocsError> {
    std::fs::create_dir_all(dir).map_err(|source| CliDocsError::Write {
        what: dir.display().to_string(),
        source,
    })?;
    for (name, page) in man_pages() {
        let path = dir.join(&name);
        std::fs::write(&path, page).map_err(|source| CliDocsError::Write {
            what: path.display().to_string(),
            source,
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::ValueEnum;

    #[test]
    fn every_shell_gets_a_script_that_names_the_subcommands() {
        for shell in CompletionShell::value_variants() {
            let script = String::from_utf8(completion_script(*shell)).unwrap();
            for sub in [
                "scan",
                "run",
                "collect",
                "import-events",
                "completions",
                "man",
            ] {
                assert!(script.contains(sub), "{shell:?} completion lacks {sub}");
            }
        }
    }

    #[test]
    fn pages_cover_nested_subcommands_and_skip_help() {
        let names: Vec<String> = man_pages().into_iter().map(|(n, _)| n).collect();
        for expected in ["orgscan.1", "orgscan-scan.1", "orgscan-policy-test.1"] {
            assert!(
                names.iter().any(|n| n == expected),
                "{expected} in {names:?}"
            );
        }
        assert!(!names.iter().any(|n| n.contains("help")), "{names:?}");
        let main = String::from_utf8(main_man_page()).unwrap();
        assert!(main.starts_with(".ie \\n(.g .ds Aq"), "{}", &main[..40]);
        assert!(main.contains("import\\-events"), "subcommand list missing");
    }
}
