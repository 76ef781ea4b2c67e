//! `orgscan import-events FILE… --into SNAPSHOT`: imports, then prints the summary on stderr
//! unless `--quiet`.

use super::EXIT_OK;
use crate::cli::ImportEventsArgs;
use crate::collect::import::import_events_as;
use crate::collect::{CollectError, ImportOutcome};
use std::process::ExitCode;

pub fn run(args: &ImportEventsArgs) -> anyhow::Result<ExitCode> {
    import(args)?;
    Ok(ExitCode::from(EXIT_OK))
}

/// [`run`] with the outcome and the typed error (for tests and embedding).
pub fn import(args: &ImportEventsArgs) -> Result<ImportOutcome, CollectError> {
    let outcome = import_events_as(
        &args.files,
        &args.into,
        args.org.as_deref(),
        args.events_format.format(),
    )?;
    if !args.quiet {
        eprintln!("{}", outcome.summary());
    }
    Ok(outcome)
}
