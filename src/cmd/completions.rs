//! `orgscan completions SHELL`: the shell completion script, generated from `cli::Cli`.

use super::EXIT_OK;
use crate::cli::CompletionsArgs;
use std::process::ExitCode;

pub fn run(args: &CompletionsArgs) -> anyhow::Result<ExitCode> {
    crate::cli_docs::write_completions(args, &mut std::io::stdout().lock())?;
    Ok(ExitCode::from(EXIT_OK))
}
