//! `orgscan collect`: the collection configuration from the arguments and the environment
//! (the API key from `--api-key-file` or `ATLASSIAN_API_KEY`), the collection, and its summary
//! on stderr.

use super::exit_u8;
use super::progress::StderrProgress;
use crate::cli::{CollectArgs, CollectCommandArgs};
use crate::collect::{
    client, collect_blocking, load_key, window, ApiKey, CollectConfig, CollectError,
    CollectOutcome, API_KEY_ENV,
};
use crate::snapshot::Timestamp;
use std::process::ExitCode;

pub fn run(args: &CollectCommandArgs) -> anyhow::Result<ExitCode> {
    if args.collect.fleet.fleet {
        let outcome = super::fleet::collect(&args.collect, args.config.as_deref())?;
        return Ok(ExitCode::from(exit_u8(outcome.exit_code())));
    }
    Ok(ExitCode::from(exit_u8(collect(&args.collect)?.exit_code())))
}

/// Collects, prints the summary (unless `--quiet`), returns the outcome; map it with
/// [`CollectOutcome::exit_code`], an error with [`CollectError::exit_code`].
pub fn collect(args: &CollectArgs) -> Result<CollectOutcome, CollectError> {
    let config = config(args, std::env::var(API_KEY_ENV).ok())?;
    let outcome = collect_blocking(config)?;
    if !args.quiet {
        eprintln!("{}", outcome.summary());
    } else if let Some(kept) = &outcome.kept_previous {
        // Even with -q: the snapshot at --out is not this run's, the user must know where it is.
        eprintln!(
            "the previous snapshot {} was kept unchanged; this incomplete run's result is in {}",
            kept.display(),
            outcome.snapshot.display()
        );
    }
    Ok(outcome)
}

/// The collection configuration of `args`, the key from `--api-key-file` or else `key_env`
/// (the value of `ATLASSIAN_API_KEY`).
pub fn config(args: &CollectArgs, key_env: Option<String>) -> Result<CollectConfig, CollectError> {
    let key = load_key(args.api_key_file.as_deref(), key_env)?;
    config_with_key(args, key)
}

/// The collection configuration of `args` with `key` (`collect --fleet` gives each org its
/// own key, org and directory).
pub fn config_with_key(args: &CollectArgs, key: ApiKey) -> Result<CollectConfig, CollectError> {
    let url = client::parse_api_url(&args.api_url).map_err(|message| CollectError::ApiUrl {
        url: args.api_url.clone(),
        message,
    })?;
    let now = Timestamp(chrono::Utc::now());
    let since = match &args.since {
        Some(text) => {
            Some(
                window::parse_since(text, now).map_err(|message| CollectError::Since {
                    value: text.clone(),
                    message,
                })?,
            )
        }
        None => None,
    };
    let org = args.org.as_deref().unwrap_or_default();
    let mut config = CollectConfig::new(org, &args.out, url, key);
    config.since = since;
    config.resume_from = args.resume_from.clone();
    config.attestation = args.attestation.clone();
    config.allow_partial = args.allow_partial;
    config.events_format = args.events_format.format();
    config.verbose = args.verbose;
    if let Some(text) = &args.late_overlap {
        config.late_overlap =
            window::parse_duration(text).map_err(|message| CollectError::Input {
                path: "--late-overlap".to_string(),
                message: format!("{text:?}: {message}"),
            })?;
    }
    // `--quiet`: no bars and no notices, but `--verbose` request lines still go to stderr.
    config.quiet = args.quiet;
    config.progress = Some(std::sync::Arc::new(if args.quiet {
        StderrProgress::lines_only()
    } else {
        StderrProgress::on_stderr()
    }));
    Ok(config)
}
