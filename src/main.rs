//! orgscan's binary: parse arguments, run, map the outcome to an exit code. Nothing else.

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match orgscan::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            // clap uses 0 for --help/--version and 2 for usage errors, matching ours.
            return ExitCode::from(e.exit_code().clamp(0, 255) as u8);
        }
    };
    match orgscan::app::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            orgscan::terminal::eprint(&format!("error: {e:#}\n"));
            ExitCode::from(orgscan::app::exit_code_for_error(&e))
        }
    }
}
