//! `orgscan attest init`: the attestation template on stdout, or in `--out` (never
//! overwriting).

use super::EXIT_OK;
use crate::cli::AttestCommand;
use crate::collect::{attest, CollectError};
use crate::snapshot::Timestamp;
use std::process::ExitCode;

pub fn run(command: &AttestCommand) -> anyhow::Result<ExitCode> {
    write_template(command)?;
    Ok(ExitCode::from(EXIT_OK))
}

/// The template where `command` says; errors keep their collect exit code (2 for a file that
/// exists, 3 for a failed write to stdout).
pub fn write_template(command: &AttestCommand) -> Result<(), CollectError> {
    match command {
        AttestCommand::Init(args) => {
            let text = attest::template(args.by.as_deref(), Timestamp(chrono::Utc::now()));
            match &args.out {
                // `attest init | head` is not an error (see `terminal`).
                None => crate::terminal::print(&text)
                    .map_err(|e| CollectError::Setup(format!("cannot write: {e}"))),
                Some(path) => {
                    use std::io::Write;
                    let shown = path.display().to_string();
                    let mut file = std::fs::OpenOptions::new()
                        .write(true)
                        .create_new(true)
                        .open(path)
                        .map_err(|e| CollectError::Input {
                            path: shown.clone(),
                            message: format!("cannot create ({e}); it is never overwritten"),
                        })?;
                    file.write_all(text.as_bytes())
                        .map_err(|e| CollectError::Input {
                            path: shown,
                            message: format!("cannot write: {e}"),
                        })
                }
            }
        }
    }
}
