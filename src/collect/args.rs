//! Command-line arguments of `collect`, `attest` and `import-events` (clap derive). The API
//! key is deliberately not an argument: it comes from `ATLASSIAN_API_KEY` or `--api-key-file`,
//! so it never shows in shell history or the process list.

use crate::snapshot::event_file::EventsFormat;
use clap::{Args, Subcommand, ValueEnum};
use std::path::PathBuf;

/// `--events-format`: how a snapshot stores its audit events.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum EventsFormatArg {
    /// `events.ndjson.zst`: zstd frames of whole lines (about 10x smaller).
    Zstd,
    /// `events.ndjson`: plain NDJSON, one event per line.
    Ndjson,
}

impl EventsFormatArg {
    pub fn format(self) -> EventsFormat {
        match self {
            EventsFormatArg::Zstd => EventsFormat::Zstd,
            EventsFormatArg::Ndjson => EventsFormat::Ndjson,
        }
    }

    /// The argument's default: the snapshot floor's.
    pub fn default_arg() -> EventsFormatArg {
        match EventsFormat::DEFAULT {
            EventsFormat::Zstd => EventsFormatArg::Zstd,
            EventsFormat::Ndjson => EventsFormatArg::Ndjson,
        }
    }
}

/// The environment variable holding the org admin API key.
pub const API_KEY_ENV: &str = "ATLASSIAN_API_KEY";

#[derive(Debug, Args, Clone)]
pub struct CollectArgs {
    /// Organization id (admin.atlassian.com/o/ORG_ID/…).
    #[arg(long, value_name = "ORG_ID")]
    pub org: String,
    /// Snapshot directory to write (replaced atomically when it exists).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Base URL of the Atlassian admin APIs.
    #[arg(long, value_name = "URL", default_value = super::client::DEFAULT_API_URL)]
    pub api_url: String,
    /// Read the API key from this file instead of ATLASSIAN_API_KEY.
    #[arg(long, value_name = "PATH")]
    pub api_key_file: Option<PathBuf>,
    /// Start of the event window: a duration back from now (90d, 12h, 2w) or a date/time
    /// (2026-08-01, RFC 3339). Default 30d.
    #[arg(long, value_name = "WHEN")]
    pub since: Option<String>,
    /// A previous snapshot: fetch only events newer than its stream cursor and carry its
    /// events forward.
    #[arg(long, value_name = "SNAPSHOT")]
    pub resume_from: Option<PathBuf>,
    /// Without `/events-stream`, how far before the previous snapshot's end an incremental
    /// run re-queries `/events` for events the API made visible late (24h, 90m, 2d).
    /// Default 24h.
    #[arg(long, value_name = "DURATION")]
    pub late_overlap: Option<String>,
    /// Attestation TOML for the settings no API exposes (template: `orgscan attest init`).
    #[arg(long, value_name = "FILE")]
    pub attestation: Option<PathBuf>,
    /// Exit 0 even when some collections were refused (403) or absent (404); they are
    /// recorded as unavailable in the manifest either way.
    #[arg(long)]
    pub allow_partial: bool,
    /// How to store the audit events: `zstd` (`events.ndjson.zst`) or `ndjson` (plain
    /// `events.ndjson`). `scan` reads both.
    #[arg(long, value_name = "FORMAT", value_enum, default_value_t = EventsFormatArg::default_arg())]
    pub events_format: EventsFormatArg,
    /// Log each request (method, path, status, timing; never the key).
    #[arg(long, short)]
    pub verbose: bool,
    /// No progress display and no summary; errors only.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Subcommand, Clone)]
pub enum AttestCommand {
    /// Print a commented attestation template (TOML) for every console-only setting.
    Init(AttestInitArgs),
}

#[derive(Debug, Args, Clone)]
pub struct AttestInitArgs {
    /// Pre-fill `attested_by` (email or name).
    #[arg(long, value_name = "WHO")]
    pub by: Option<String>,
    /// Write to this file instead of standard output (refuses to overwrite).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args, Clone)]
pub struct ImportEventsArgs {
    /// Exported events: API page JSON (`{"data":[…]}`), a JSON array, or NDJSON.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Snapshot to add them to; created (source `import`) when it does not exist.
    #[arg(long, value_name = "SNAPSHOT")]
    pub into: PathBuf,
    /// Org id for a new snapshot (default: the org in the events' container).
    #[arg(long, value_name = "ORG_ID")]
    pub org: Option<String>,
    /// How to store the audit events: `zstd` (`events.ndjson.zst`) or `ndjson` (plain
    /// `events.ndjson`). `scan` reads both.
    #[arg(long, value_name = "FORMAT", value_enum, default_value_t = EventsFormatArg::default_arg())]
    pub events_format: EventsFormatArg,
    #[arg(long, short)]
    pub quiet: bool,
}
