//! Command-line surface (clap derive). Each subcommand's arguments live here; the work lives in
//! the library modules that `app` calls.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "orgscan",
    version,
    about = "Posture scanner for Atlassian Cloud organizations"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Evaluate the policies over a snapshot (the bundled demo org when none is given) and write reports.
    Scan(ScanArgs),
    /// Inspect the policy pack.
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Read an org through the Atlassian admin APIs into a snapshot directory.
    /// The API key comes from ATLASSIAN_API_KEY or --api-key-file.
    Collect(crate::collect::CollectArgs),
    /// Attestations for the settings no API exposes.
    #[command(subcommand)]
    Attest(crate::collect::AttestCommand),
    /// Add exported audit events (API page JSON or NDJSON) to a snapshot, creating it if needed.
    ImportEvents(crate::collect::ImportEventsArgs),
}

#[derive(Debug, Args, Clone)]
pub struct ScanArgs {
    /// Snapshot directory written by `orgscan collect`; omit to scan the bundled demo org.
    pub snapshot: Option<PathBuf>,
    /// Where the reports go.
    #[arg(long, default_value = "orgscan-report")]
    pub out: PathBuf,
    /// Report formats, comma separated.
    #[arg(long, value_delimiter = ',', default_value = "json,html")]
    pub format: Vec<String>,
    /// A folder of your own policies, added to the shipped pack (repeatable).
    #[arg(long = "policies")]
    pub policies: Vec<PathBuf>,
    /// Use only the policies given with --policies.
    #[arg(long)]
    pub no_default_policies: bool,
    /// Configuration file (thresholds, waivers). Default: orgscan.toml in the current directory if present.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Exit 1 when a failing control or finding is at or above this severity.
    #[arg(long, default_value = "high")]
    pub fail_on: String,
    /// Always exit 0 when the scan completes (report only).
    #[arg(long)]
    pub exit_zero: bool,
    /// Evaluation time (RFC 3339). Default: the snapshot's collection time.
    #[arg(long)]
    pub now: Option<String>,
    /// Per-policy evaluation time limit, in seconds.
    #[arg(long, default_value_t = 30.0)]
    pub policy_timeout: f64,
    /// Write the prepared input the policies see to this file (JSON).
    #[arg(long)]
    pub dump_input: Option<PathBuf>,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// List the controls: id, severity, category, points, title.
    List(PolicyListArgs),
}

#[derive(Debug, Args, Clone)]
pub struct PolicyListArgs {
    /// Policy folders to list instead of the shipped pack.
    pub dirs: Vec<PathBuf>,
    /// table or json
    #[arg(long, default_value = "table")]
    pub format: String,
}
