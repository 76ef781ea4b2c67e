//! `orgscan schema NAME`: print one of the published JSON Schemas.

use super::{usage, EXIT_OK};
use crate::cli::SchemaArgs;
use std::process::ExitCode;

pub fn run(args: &SchemaArgs) -> anyhow::Result<ExitCode> {
    match crate::schemas::schema(&args.name) {
        Some(text) => {
            print!("{text}");
            Ok(ExitCode::from(EXIT_OK))
        }
        None => {
            let names: Vec<&str> = crate::schemas::SCHEMAS.iter().map(|s| s.0).collect();
            Err(usage(format!(
                "schema: no schema called {:?}; expected one of {}",
                args.name,
                names.join(", ")
            )))
        }
    }
}
