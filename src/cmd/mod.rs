//! The command-line edge: one file per subcommand, each `run(args) -> anyhow::Result<ExitCode>`
//! (and `progress.rs`, the collect progress display `collect` and `run` share).
//! Here, and only here, arguments are validated and turned into library calls, environment
//! variables are read, and what the library returns (outcomes, progress, warnings) is printed.
//! The library below keeps its typed (thiserror) errors; anyhow starts here.

pub mod attest;
pub mod collect;
pub mod completions;
pub mod config;
pub mod diff;
pub mod fleet;
pub mod import_events;
pub mod man;
pub mod policy;
pub mod progress;
pub mod run;
pub mod scan;
pub mod schema;

use crate::cli::{Cli, Command};
use anyhow::Context;
use std::process::ExitCode;

/// Exit codes (README, "Exit codes").
pub const EXIT_OK: u8 = 0;
/// A failed gate, a failed policy test, check problems, a stale catalogue.
pub const EXIT_PROBLEMS: u8 = 1;
pub const EXIT_USAGE: u8 = 2;
pub const EXIT_INCOMPLETE: u8 = 3;

/// A usage mistake found after parsing (a flag value clap cannot check, a combination of
/// flags): exit 2, like clap's own usage errors. The one usage error of every subcommand.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// A [`UsageError`] as the edge's error type.
pub fn usage(message: impl Into<String>) -> anyhow::Error {
    UsageError(message.into()).into()
}

/// Runs the parsed command line; an error is printed on stderr and mapped to its exit code.
pub fn main(cli: Cli) -> ExitCode {
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            crate::terminal::eprint(&format!("error: {e:#}\n"));
            ExitCode::from(exit_code_for_error(&e))
        }
    }
}

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Scan(args) => scan::run(&args),
        Command::Run(args) => run::run(&args),
        Command::Policy(command) => policy::run(&command),
        Command::Collect(args) => collect::run(&args),
        Command::Attest(command) => attest::run(&command),
        Command::ImportEvents(args) => import_events::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Config(command) => config::run(&command),
        Command::Schema(args) => schema::run(&args),
        Command::Completions(args) => completions::run(&args),
        Command::Man(args) => man::run(&args),
    }
}

/// Errors are usage/config/input problems (exit 2) unless the library that raised them says
/// otherwise (a collection that failed part-way is incomplete, exit 3).
pub fn exit_code_for_error(error: &anyhow::Error) -> u8 {
    match error.downcast_ref::<crate::collect::CollectError>() {
        Some(e) => exit_u8(e.exit_code()),
        None => EXIT_USAGE,
    }
}

/// A library's exit code (`i32`) as a process exit code; out of range is incomplete.
pub fn exit_u8(code: i32) -> u8 {
    u8::try_from(code).unwrap_or(EXIT_INCOMPLETE)
}

/// Writes to stdout (terminal-safe, JSON kept valid; a closed pipe is not an error).
pub fn print_stdout(text: &str, json: bool) -> anyhow::Result<()> {
    if json {
        crate::terminal::print_json(text)
    } else {
        crate::terminal::print(text)
    }
    .context("writing to standard output")
}
