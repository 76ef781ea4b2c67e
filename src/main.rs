//! orgscan's binary: parse arguments, run, map the outcome to an exit code. Nothing else.

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    match orgscan::cli::Cli::try_parse() {
        Ok(cli) => orgscan::cmd::main(cli),
        Err(e) => {
            let _ = e.print();
            // clap uses 0 for --help/--version and 2 for usage errors, matching ours.
            ExitCode::from(e.exit_code().clamp(0, 255) as u8)
        }
    }
}
