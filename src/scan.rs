//! `orgscan scan` as a library function: snapshot → prepared input → policies → results →
//! report files → gate outcome. Plain data in, plain data out; the CLI only adapts arguments.

use crate::config::{Config, ConfigError};
use crate::gate::{decide, GateRules, Outcome};
use crate::policy::evaluate::{evaluate_compiled, CompiledPack, OwnFacts};
use crate::policy::{load_pack, Availability, EvalOptions, PolicyLoadError};
use crate::prepare::build_input;
use crate::report::{build_report, write_report_set, Format, Report, ReportError, ReportInputs};
use crate::snapshot::{Snapshot, SnapshotError, Timestamp};
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error(transparent)]
    Snapshot(#[from] SnapshotError),
    #[error(transparent)]
    Policy(#[from] PolicyLoadError),
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Report(#[from] ReportError),
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Framework(#[from] crate::framework::FrameworkError),
}

pub struct ScanRequest {
    pub snapshot: Snapshot,
    pub policy_dirs: Vec<PathBuf>,
    pub include_shipped: bool,
    pub config: Config,
    /// Problems found before the scan (skipped `--history` files): they go into the report's
    /// `warnings[]` with the scan's own.
    pub warnings: Vec<String>,
    /// `--fail-on`, `--exit-zero`, `--min-coverage`.
    pub gate: GateRules,
    pub now: Option<Timestamp>,
    pub timeout: Duration,
    pub formats: Vec<Format>,
    pub out: PathBuf,
    pub dump_input: Option<PathBuf>,
    /// `--baseline OLD.json`: the earlier report new findings are told apart from.
    pub baseline: Option<crate::report::history::Baseline>,
    /// `--fail-on-new`: only findings the baseline does not have fail the gate.
    pub fail_on_new: bool,
    /// `--history DIR`: earlier reports for the trend.
    pub history: Vec<crate::report::history::ReportHead>,
    /// `--redact`: pseudonymise people, addresses and credentials in every output, and key
    /// the fingerprints, with this key.
    pub redact: Option<crate::redact::RedactKey>,
    /// `--compliance`: the frameworks whose views are written beside the reports.
    pub compliance: Vec<crate::framework::Framework>,
    /// Parser threads and phase timings (`ORGSCAN_PARSE_THREADS`, `ORGSCAN_TIMINGS`).
    pub prepare: crate::prepare::PrepareOptions,
}

pub struct ScanOutcome {
    pub report: Report,
    pub written: Vec<PathBuf>,
    /// Reports an earlier run wrote to the same directory that this run did not write.
    pub removed: Vec<PathBuf>,
    pub outcome: Outcome,
}

pub fn parse_now(text: &str) -> Result<Timestamp, ScanError> {
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| Timestamp(t.with_timezone(&chrono::Utc)))
        .map_err(|_| {
            ScanError::Usage(format!(
                "--now: expected an RFC 3339 time such as 2026-11-21T00:00:00Z, found {text:?}"
            ))
        })
}

pub fn run_scan(request: ScanRequest) -> Result<ScanOutcome, ScanError> {
    // One org: each policy is compiled as it is evaluated and dropped after, rather than all
    // kept through the report writing (a fleet keeps them: `load_policies`).
    let pack = load_pack(request.include_shipped, &request.policy_dirs)?;
    run_scan_with(request, &CompiledPack::on_demand(pack))
}

/// The policies a scan evaluates, loaded, validated and compiled (`load_pack`,
/// [`CompiledPack`]); a fleet loads them once for all its orgs.
pub fn load_policies(
    include_shipped: bool,
    policy_dirs: &[PathBuf],
) -> Result<CompiledPack, PolicyLoadError> {
    let pack = load_pack(include_shipped, policy_dirs)?;
    Ok(CompiledPack::new(pack, EvalOptions::default().threads))
}

/// `run_scan` with the policies already loaded (from the request's `include_shipped` and
/// `policy_dirs`, which are not read again).
pub fn run_scan_with(
    request: ScanRequest,
    policies: &CompiledPack,
) -> Result<ScanOutcome, ScanError> {
    let pack = policies.pack();
    // Every configuration problem at once: control settings and waivers together.
    let control_ids: std::collections::BTreeSet<String> =
        pack.policies.iter().map(|p| p.meta.id.clone()).collect();
    let (control_config, waivers) = match (
        pack.control_parameters(&request.config.control_overrides())
            .map_err(|problems| ConfigError {
                problems: problems
                    .iter()
                    .map(|p| {
                        let at = request.config.where_set(&p.control, p.key.as_deref());
                        format!("{at}: {}", p.message)
                    })
                    .collect(),
            }),
        crate::waiver::parse_waivers(&request.config, &control_ids),
    ) {
        (Ok(c), Ok(w)) => (c, w),
        (c, w) => {
            let mut problems = Vec::new();
            problems.extend(c.err().map(|e| e.problems).unwrap_or_default());
            problems.extend(w.err().map(|e| e.problems).unwrap_or_default());
            return Err(ConfigError { problems }.into());
        }
    };
    let now = request
        .now
        .unwrap_or(request.snapshot.manifest.collected_at);
    // Kept to write the effective values into each control's text after evaluation.
    let parameters = control_config.clone();
    let mut prepared = build_input(
        &request.snapshot,
        pack.wanted_actions(),
        now,
        control_config,
        request.config.org_settings(),
        &request.prepare,
    )?;
    let content_hash = request.snapshot.content_hash(prepared.facts.file.as_ref());
    let redactor = request.redact.map(|key| {
        let mut r = crate::redact::Redactor::for_snapshot(key, &request.snapshot);
        r.add_event_actors(
            prepared
                .facts
                .per_actor
                .iter()
                .map(|(id, a)| (id, a.name.as_deref())),
        );
        r.add_events(prepared.slim_events());
        r.build();
        r
    });
    if let Some(path) = &request.dump_input {
        let mut dumped = prepared.full_json();
        if let Some(r) = &redactor {
            r.redact_value(&mut dumped);
        }
        let text =
            serde_json::to_string_pretty(&dumped).map_err(|e| ScanError::Usage(e.to_string()))?;
        drop(dumped);
        let text = crate::safe_text::json(&text).into_owned();
        std::fs::write(path, text + "\n").map_err(|source| ReportError::Io {
            path: path.display().to_string(),
            source,
        })?;
    }
    // Only the input document, the declared facts and the activity block are used from here
    // on: the event pass's maps are released now, and the JSON input once the engine has its
    // copy (at 10^6 events the JSON form alone holds ~200 MB).
    let crate::prepare::PreparedInput {
        json: input_json,
        facts,
        activity,
        declared,
    } = prepared;
    drop(facts);
    let availability = Availability::of(&request.snapshot);
    let started = std::time::Instant::now();
    let input = regorus::Value::from(input_json);
    request
        .prepare
        .timings
        .phase("input to regorus value", started);
    let options = EvalOptions {
        timeout: request.timeout,
        ..EvalOptions::default()
    };
    // Each control's declared facts are finished and converted as its policy is evaluated, and
    // released with its engine: only the facts of the controls being evaluated are spelt out.
    let own_facts = HandedFacts {
        declared,
        timings: &request.prepare.timings,
        started,
    };
    let mut controls = evaluate_compiled(policies, &input, &own_facts, &availability, &options);
    let cut_facts = own_facts.declared.cut_facts();
    drop(own_facts);
    // The engine's copy of the input is the largest thing left: released before the reports
    // are built, so they reuse its memory.
    drop(input);
    for c in &mut controls {
        if let Some(serde_json::Value::Object(params)) = parameters.get(&c.info.id) {
            c.info.fill_parameters(params);
        }
    }
    request.prepare.timings.phase("input + evaluation", started);
    let waived = crate::waiver::apply_waivers(&waivers, &mut controls, now);
    if let Some(r) = &redactor {
        r.key_fingerprints(&mut controls);
    }
    let known = request.baseline.as_ref().map(|b| b.fingerprints());
    let gate = decide(
        &controls,
        request.gate,
        known.as_ref().filter(|_| request.fail_on_new),
    );
    let outcome = gate.outcome;
    // `activity`: the orgscan.activity/v1 block (docs/detections.md) from the prepared facts.
    let mut report = build_report(ReportInputs {
        snapshot: &request.snapshot,
        controls,
        now,
        pack_hash: policies.hash().to_string(),
        content_hash,
        gate,
        activity,
    });
    request.prepare.timings.phase("report built", started);
    report.waivers = waived.reports;
    report.warnings = waived.warnings;
    report.warnings.extend(
        request
            .snapshot
            .shape_warnings
            .iter()
            .map(|(c, w)| crate::snapshot::shape::summary(*c, w)),
    );
    // A fact cut at its limit: the control's verdict covers only the items it kept.
    report.warnings.extend(cut_facts.iter().map(|c| {
        format!(
            "{}: its `{}` fact found {} items and kept the first {} (the fact's `limit`): the control judged only those",
            c.control, c.fact, c.found, c.kept
        )
    }));
    report.warnings.extend(request.warnings.iter().cloned());
    if report.is_demo() {
        report.warnings.insert(0, Report::demo_warning());
    }
    report.config = request.config.source.as_ref().and_then(|path| {
        Some(crate::report::model::ConfigFileInfo {
            path: path.clone(),
            sha256: request.config.sha256()?,
            implicit: request.config.implicit,
        })
    });
    if let Some(baseline) = &request.baseline {
        report.baseline = Some(baseline.compare(&report));
        let this_run = redactor.as_ref().map(|r| r.info());
        if let Some(w) = crate::redact::baseline_mismatch(&baseline.report, this_run.as_ref()) {
            report.warnings.push(w);
        }
    }
    report.trend = crate::report::history::trend(&request.history, &report);
    report
        .warnings
        .extend(crate::report::history::trend_warnings(
            &request.history,
            &report,
        ));
    if let Some(r) = &redactor {
        report = r.redact_report(&report);
    }
    // After redaction, which round-trips the report through its JSON (where this is not).
    report.information_uri = request.config.report.information_uri.clone();
    // From the report as written (redacted when asked), so the views say no more than it.
    let compliance: Vec<_> = request
        .compliance
        .iter()
        .map(|f| crate::report::compliance::build_compliance(&report, f))
        .collect();
    let files = write_report_set(&report, &request.formats, &compliance, &request.out)?;
    request.prepare.timings.phase("reports written", started);
    Ok(ScanOutcome {
        report,
        written: files.written,
        removed: files.removed,
        outcome,
    })
}

/// The declared facts of a lone scan, handed to each policy as it is evaluated.
struct HandedFacts<'t> {
    declared: crate::prepare::DeclaredFacts,
    /// `facts handed to <control>`, with the memory at that moment.
    timings: &'t crate::prepare::timing::Timings,
    started: std::time::Instant,
}

impl OwnFacts for HandedFacts<'_> {
    fn weight(&self, control: &str) -> usize {
        self.declared.weight(control)
    }

    /// The facts as the regorus object the policy reads, converted a fact at a time (each
    /// fact's JSON is released as it is converted).
    fn take(&self, control: &str) -> Option<regorus::Value> {
        let facts = self.declared.take(control)?;
        let mut out = regorus::Value::new_object();
        if let Ok(fields) = out.as_object_mut() {
            for (name, fact) in facts {
                fields.insert(regorus::Value::from(name), regorus::Value::from(fact));
            }
        }
        if self.timings.enabled() {
            self.timings
                .phase(&format!("facts handed to {control}"), self.started);
        }
        Some(out)
    }
}
