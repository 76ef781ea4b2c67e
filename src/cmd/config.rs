//! `orgscan config init`: the commented orgscan.toml (`config_template`) for the shipped
//! policies on stdout, or in `--out` (never overwriting).

use super::EXIT_OK;
use crate::cli::ConfigCommand;
use anyhow::Context;
use std::process::ExitCode;

pub fn run(command: &ConfigCommand) -> anyhow::Result<ExitCode> {
    let ConfigCommand::Init(args) = command;
    let pack = crate::policy::discover::load_pack(true, &[])?;
    let frameworks: Vec<String> = crate::framework::shipped()?
        .into_iter()
        .map(|f| f.id)
        .collect();
    let text = crate::config_template::render_config_template(&pack, &frameworks);
    match &args.out {
        // `config init | head` is not an error (see `terminal`).
        None => crate::terminal::print(&text).context("cannot write")?,
        Some(path) => {
            use std::io::Write;
            let shown = path.display();
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(path)
                .with_context(|| format!("{shown}: cannot create; it is never overwritten"))?;
            file.write_all(text.as_bytes())
                .with_context(|| format!("{shown}: cannot write"))?;
        }
    }
    Ok(ExitCode::from(EXIT_OK))
}
