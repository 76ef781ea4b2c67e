//! Command-line surface (clap derive). Each subcommand's arguments live here; the work lives in
//! the library modules that `app` calls.

use clap::builder::TypedValueParser;
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
#[allow(clippy::large_enum_variant)] // parsed once; boxing buys nothing
pub enum Command {
    /// Evaluate the policies over a snapshot (the bundled demo org when none is given) and write reports.
    Scan(ScanArgs),
    /// Collect a snapshot, then scan it: one command for scheduled jobs.
    Run(RunArgs),
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
    /// Compare two report.json files: new, resolved and regressed findings, status and version
    /// changes, expired waivers, score delta.
    Diff(DiffArgs),
    /// Print the JSON Schema (draft 2020-12) of a document orgscan writes: report (report.json,
    /// orgscan.report/v1) or activity (its activity block, orgscan.activity/v1).
    Schema(SchemaArgs),
    /// Print a shell completion script: bash, zsh, fish or powershell.
    Completions(crate::cli_docs::CompletionsArgs),
    /// Print the man page (roff), or write every page with --out-dir.
    Man(crate::cli_docs::ManArgs),
}

#[derive(Debug, Args, Clone)]
pub struct SchemaArgs {
    /// report or activity
    pub name: String,
}

#[derive(Debug, Args, Clone)]
pub struct DiffArgs {
    /// The earlier report.json.
    pub old: PathBuf,
    /// The later report.json.
    pub new: PathBuf,
    /// text, markdown or json
    #[arg(long, default_value = "text")]
    pub format: String,
    /// Exit 1 when the later report has open findings the earlier one did not.
    #[arg(long)]
    pub fail_on_new: bool,
}

/// A snapshot directory argument. An empty or blank one (an unset variable in CI:
/// `orgscan scan "$SNAPSHOT"`) is a usage error, never the demo org: a pipeline must not pass
/// on an org that is not its own. Only an omitted argument means the demo.
fn snapshot_dir(text: std::ffi::OsString) -> Result<PathBuf, String> {
    if text.to_string_lossy().trim().is_empty() {
        Err(format!("expected a snapshot directory, found {text:?} (empty or blank: is a variable unset?); omit the argument entirely to scan the bundled demo org"))
    } else {
        Ok(PathBuf::from(text))
    }
}

#[derive(Debug, Args, Clone)]
pub struct ScanArgs {
    /// Snapshot directory written by `orgscan collect`; omit to scan the bundled demo org.
    #[arg(value_parser = clap::builder::OsStringValueParser::new().try_map(snapshot_dir))]
    pub snapshot: Option<PathBuf>,
    /// Where the reports go.
    #[arg(long, default_value = "orgscan-report")]
    pub out: PathBuf,
    /// Evaluation time (RFC 3339). Default: the snapshot's collection time.
    #[arg(long)]
    pub now: Option<String>,
    /// Write the prepared input the policies see to this file (JSON).
    #[arg(long)]
    pub dump_input: Option<PathBuf>,
    /// No summary on stdout. Errors and warnings still go to stderr (a CI log should show why a
    /// result may be incomplete); the warnings are also in report.json `warnings[]`.
    #[arg(long, short)]
    pub quiet: bool,
    #[command(flatten)]
    pub evaluation: EvaluationArgs,
    #[command(flatten)]
    pub fleet: FleetScanArgs,
}

/// `scan --fleet`: many orgs at once and the portfolio report (README, "Many organizations").
#[derive(Debug, Args, Clone, Default)]
pub struct FleetScanArgs {
    /// Scan a fleet: a directory of snapshot directories, or several snapshot directories.
    /// Each org's reports go to OUT/<org-id>/, the portfolio to OUT/portfolio.json and .html.
    #[arg(long, num_args = 0.., value_name = "DIR", conflicts_with = "snapshot",
          value_parser = clap::builder::OsStringValueParser::new().try_map(snapshot_dir))]
    pub fleet: Option<Vec<PathBuf>>,
    /// With --fleet and no DIR: scan seeded demo orgs of different postures instead.
    #[arg(long, requires = "fleet")]
    pub demo: bool,
    /// With --demo: how many demo orgs (postures repeat after three).
    #[arg(long, value_name = "N", requires = "demo", default_value_t = 3)]
    pub demo_orgs: usize,
    /// With --fleet: orgs scanned at the same time (default: the number of CPU cores).
    #[arg(long, value_name = "N", requires = "fleet")]
    pub parallel: Option<usize>,
}

/// How a snapshot is evaluated and reported: shared by `scan` and `run`.
#[derive(Debug, Args, Clone)]
pub struct EvaluationArgs {
    /// Report formats, comma separated: json, html, sarif, junit, md, csv.
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
    /// Exit 1 when a failing control or finding is at or above this severity: info, low,
    /// medium, high or critical (any case).
    #[arg(long, default_value = "high")]
    pub fail_on: String,
    /// Report only: a failed gate exits 0 and reads `not_enforced` (with the would-be outcome).
    /// An incomplete scan still exits 3.
    #[arg(long)]
    pub exit_zero: bool,
    /// Exit 3 (incomplete) when less than this percentage of the score's points could be
    /// evaluated. 0 turns the check off; a scan that evaluated no control never passes.
    #[arg(long, value_name = "PERCENT", default_value = "50", value_parser = crate::gate::parse_min_coverage)]
    pub min_coverage: f64,
    /// Per-policy evaluation time limit, in seconds.
    #[arg(long, default_value_t = 30.0)]
    pub policy_timeout: f64,
    /// An earlier report.json: findings it does not have are marked new (SARIF baselineState).
    #[arg(long, value_name = "OLD.json")]
    pub baseline: Option<PathBuf>,
    /// With --baseline: only findings new since the baseline fail the gate.
    #[arg(long, requires = "baseline")]
    pub fail_on_new: bool,
    /// A folder of earlier report.json files: the HTML report draws the score trend.
    #[arg(long, value_name = "DIR")]
    pub history: Option<PathBuf>,
    /// Replace people, IPs, API tokens/keys and event ids with consistent tokens in every
    /// output, and key the fingerprints: HMAC-SHA256 with ORGSCAN_REDACT_KEY when set, else
    /// with a random key for this run (then not comparable with other runs).
    #[arg(long)]
    pub redact: bool,
    /// Compliance views to write, comma separated: cis-controls-v8, iso27001-2022, soc2,
    /// nist-800-53-r5, nist-csf-2. Each writes compliance-<id>.json and .csv and a section of
    /// report.html. Default: `[compliance] frameworks` in orgscan.toml, else none.
    #[arg(long, value_delimiter = ',', value_name = "FRAMEWORK")]
    pub compliance: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// List the controls: id, severity, category, points, kind, title.
    List(PolicyListArgs),
    /// Run the Rego unit tests (`*_test.rego`, rules `test_*`), like `opa test`.
    /// Exit 0 all passed; 1 a test failed or coverage is below --threshold; 2 usage or load error.
    Test(PolicyTestArgs),
    /// Check policies without an org: parse, METADATA schema, compile and run each alone on an
    /// empty and the demo input, builtins missing in OPA or regorus.
    /// Exit 0 clean; 1 problems found; 2 usage error.
    Check(PolicyCheckArgs),
    /// Write the control catalogue (markdown) generated from the policies' METADATA.
    Doc(PolicyDocArgs),
}

#[derive(Debug, Args, Clone)]
pub struct PolicyListArgs {
    /// Policy folders to list instead of the shipped pack.
    pub dirs: Vec<PathBuf>,
    /// table or json
    #[arg(long, default_value = "table")]
    pub format: String,
}

#[derive(Debug, Args, Clone)]
pub struct PolicyTestArgs {
    /// Folders of your policies and their tests (the shipped libraries are available to them).
    /// Omit to test the shipped pack.
    pub dirs: Vec<PathBuf>,
    /// Run only the tests whose name (`data.<package>.<rule>`) matches this regular expression.
    #[arg(long, value_name = "REGEX")]
    pub run: Option<String>,
    /// Report line coverage per policy and library file.
    #[arg(long)]
    pub coverage: bool,
    /// Fail (exit 1) when total line coverage is below this percentage (implies --coverage).
    #[arg(long, value_name = "PCT")]
    pub threshold: Option<f64>,
    /// text, json or junit (JUnit XML for CI test reports)
    #[arg(long, default_value = "text")]
    pub format: String,
    /// Print only failures and the summary.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args, Clone)]
pub struct PolicyCheckArgs {
    /// Folders of your policies (checked with the shipped libraries available, and against the
    /// shipped pack's ids). Omit to check the shipped pack.
    pub dirs: Vec<PathBuf>,
    /// text or json
    #[arg(long, default_value = "text")]
    pub format: String,
    /// Treat warnings (missing test file, deprecated builtin, …) as problems too.
    #[arg(long)]
    pub strict: bool,
}

#[derive(Debug, Args, Clone)]
pub struct PolicyDocArgs {
    /// Policy folders to document instead of the shipped pack.
    pub dirs: Vec<PathBuf>,
    /// Where the catalogue goes; `-` for standard output. An existing file is replaced only when
    /// `policy doc` wrote it (its generated-catalogue marker); any other file is refused.
    #[arg(long, default_value = "policies/README.md")]
    pub out: PathBuf,
    /// Write nothing; exit 1 when the file differs from what would be written.
    #[arg(long)]
    pub check: bool,
}

/// `orgscan run`: the collect arguments (`--out` is the snapshot directory) plus the scan
/// options that matter for a scheduled job.
#[derive(Debug, Args, Clone)]
pub struct RunArgs {
    #[command(flatten)]
    pub collect: crate::collect::CollectArgs,
    /// Where the reports go.
    #[arg(long, value_name = "DIR", default_value = "orgscan-report")]
    pub report_dir: PathBuf,
    #[command(flatten)]
    pub evaluation: EvaluationArgs,
}
