//! `orgscan man [--out-dir DIR]`: the man pages, generated from `cli::Cli`.

use super::EXIT_OK;
use crate::cli::ManArgs;
use std::process::ExitCode;

pub fn run(args: &ManArgs) -> anyhow::Result<ExitCode> {
    crate::cli_docs::write_man(args, &mut std::io::stdout().lock())?;
    Ok(ExitCode::from(EXIT_OK))
}
