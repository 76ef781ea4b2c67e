//! Command-line surface (clap derive): every subcommand's arguments live here, and nowhere
//! else. What a subcommand does with them is in `cmd/<command>.rs`; the work itself in the
//! library modules those call.

use crate::snapshot::event_file::EventsFormat;
use clap::builder::TypedValueParser;
use clap::{Args, Parser, Subcommand, ValueEnum};
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
    /// Read an org through the Atlassian admin APIs into a snapshot directory (or, with
    /// --fleet, every [[orgs]] org of orgscan.toml into OUT/<org-id>/).
    /// The API key comes from ATLASSIAN_API_KEY or --api-key-file.
    Collect(CollectCommandArgs),
    /// Attestations for the settings no API exposes.
    #[command(subcommand)]
    Attest(AttestCommand),
    /// Add exported audit events (API page JSON or NDJSON) to a snapshot, creating it if needed.
    ImportEvents(ImportEventsArgs),
    /// Compare two report.json files: new, resolved and regressed findings, status and version
    /// changes, expired waivers, score delta.
    Diff(DiffArgs),
    /// The configuration file, orgscan.toml.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Print the JSON Schema (draft 2020-12) of a document orgscan writes or reads: report,
    /// activity, compliance, portfolio, manifest (a snapshot's manifest.json), attestation or
    /// config (orgscan.toml).
    Schema(SchemaArgs),
    /// Print a shell completion script: bash, zsh, fish or powershell.
    Completions(CompletionsArgs),
    /// Print the man page (roff), or write every page with --out-dir.
    Man(ManArgs),
}

#[derive(Debug, Args, Clone)]
pub struct SchemaArgs {
    /// report, activity, compliance, portfolio, manifest, attestation or config
    pub name: String,
}

#[derive(Debug, Subcommand, Clone)]
pub enum ConfigCommand {
    /// Print a commented orgscan.toml: every control's parameters at their defaults, the org,
    /// compliance and report settings and a waiver example, all commented out.
    Init(ConfigInitArgs),
}

#[derive(Debug, Args, Clone)]
pub struct ConfigInitArgs {
    /// Write to this file instead of standard output (refuses to overwrite).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
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
    /// `run --fleet`: the orgs whose collection wrote no snapshot (label, why), listed in the
    /// portfolio as not scanned.
    #[arg(skip)]
    pub failed: Vec<(String, String)>,
    /// `run --fleet`: the snapshots come from the collection, which accounted for every
    /// configured org.
    #[arg(skip)]
    pub collected: bool,
}

/// How a snapshot is evaluated and reported: shared by `scan` and `run`.
#[derive(Debug, Args, Clone)]
pub struct EvaluationArgs {
    /// Report formats, comma separated: json, html, sarif, junit, md, csv, ocsf.
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
    /// medium, high or critical, or none (no finding fails the gate); any case.
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
    /// With --fleet: an earlier portfolio.json; each org's new failing controls are listed.
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
    pub collect: CollectArgs,
    /// Where the reports go.
    #[arg(long, value_name = "DIR", default_value = "orgscan-report")]
    pub report_dir: PathBuf,
    #[command(flatten)]
    pub evaluation: EvaluationArgs,
}

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

// `collect`. The API key is deliberately not an argument: it comes from `ATLASSIAN_API_KEY` or
// `--api-key-file`, so it never shows in shell history or the process list. (A `//` comment: a
// doc comment here would become the help text of every command that flattens these.)
#[derive(Debug, Args, Clone)]
pub struct CollectArgs {
    /// Organization id (admin.atlassian.com/o/ORG_ID/…).
    #[arg(
        long,
        value_name = "ORG_ID",
        required_unless_present = "fleet",
        conflicts_with = "fleet"
    )]
    pub org: Option<String>,
    /// Snapshot directory to write (replaced atomically when it exists); with --fleet, the
    /// directory of the orgs' snapshot directories.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Base URL of the Atlassian admin APIs.
    #[arg(long, value_name = "URL", default_value = crate::collect::client::DEFAULT_API_URL)]
    pub api_url: String,
    /// Read the API key from this file instead of ATLASSIAN_API_KEY.
    #[arg(long, value_name = "PATH", conflicts_with = "fleet")]
    pub api_key_file: Option<PathBuf>,
    /// Start of the event window: a duration back from now (90d, 12h, 2w) or a date/time
    /// (2026-08-01, RFC 3339). Default 30d.
    #[arg(long, value_name = "WHEN")]
    pub since: Option<String>,
    /// A previous snapshot: fetch only events newer than its stream cursor and carry its
    /// events forward.
    #[arg(long, value_name = "SNAPSHOT", conflicts_with = "fleet")]
    pub resume_from: Option<PathBuf>,
    /// Without `/events-stream`, how far before the previous snapshot's end an incremental
    /// run re-queries `/events` for events the API made visible late (24h, 90m, 2d).
    /// Default 24h.
    #[arg(long, value_name = "DURATION")]
    pub late_overlap: Option<String>,
    /// Attestation TOML for the settings no API exposes (template: `orgscan attest init`).
    #[arg(long, value_name = "FILE", conflicts_with = "fleet")]
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
    #[command(flatten)]
    pub fleet: FleetCollectArgs,
}

/// `collect --fleet` / `run --fleet` (README, "Many organizations").
#[derive(Debug, Args, Clone, Default)]
pub struct FleetCollectArgs {
    /// Collect every [[orgs]] org of the configuration, each into OUT/<org-id>/ with its own
    /// key (api_key_env or api_key_file), incrementally from its previous snapshot there.
    #[arg(long)]
    pub fleet: bool,
    /// With --fleet: orgs collected at the same time (default 2).
    #[arg(long, value_name = "N", requires = "fleet")]
    pub parallel: Option<usize>,
}

/// `orgscan collect`: the collect arguments and, for `--fleet`, the configuration file (`run`
/// reads it from its evaluation arguments).
#[derive(Debug, Args, Clone)]
pub struct CollectCommandArgs {
    #[command(flatten)]
    pub collect: CollectArgs,
    /// With --fleet: the configuration listing the orgs ([[orgs]]). Default: orgscan.toml in
    /// the current directory.
    #[arg(long, value_name = "FILE", requires = "fleet")]
    pub config: Option<PathBuf>,
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

#[derive(Debug, Args, Clone)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: CompletionShell,
}

/// The shells the release archives carry completions for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CompletionShell {
    Bash,
    Zsh,
    Fish,
    Powershell,
}

#[derive(Debug, Args, Clone)]
pub struct ManArgs {
    /// Write orgscan.1 and one page per subcommand (orgscan-scan.1, orgscan-policy-test.1, …)
    /// into this directory instead of printing orgscan.1 to standard output.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
}
