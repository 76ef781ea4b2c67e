//! The `orgscan policy …` subcommands (list, test, check, doc): the authoring toolchain. Each
//! returns the exit code documented in `docs/authoring.md`: 0 clean, 1 problems (failed test,
//! coverage below threshold, check problems, stale catalogue), 2 usage or load errors
//! (returned as `Err`).

pub mod check;
pub mod doc;
pub mod list;
pub mod test;

use crate::cli::PolicyCommand;
use std::process::ExitCode;

pub fn run(command: &PolicyCommand) -> anyhow::Result<ExitCode> {
    match command {
        PolicyCommand::List(args) => list::run(args),
        PolicyCommand::Test(args) => test::run(args),
        PolicyCommand::Check(args) => check::run(args),
        PolicyCommand::Doc(args) => doc::run(args),
    }
}
