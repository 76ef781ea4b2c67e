//! The one place that decides a scan's outcome for CI (docs/architecture.md): exit 0 pass, 1 gate
//! failed (an open finding at or above `--fail-on`), 3 incomplete (a control in `error`, no control
//! evaluated at all, or less of the score's points evaluated than `--min-coverage`). `--exit-zero`
//! turns a failed gate into `not_enforced` (exit 0, the would-be outcome kept); it never turns an
//! incomplete scan into a pass.

use crate::results::{ControlResult, Score, Severity, Status};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// `--min-coverage` when none is given: at least half of the points must be evaluated.
pub const DEFAULT_MIN_COVERAGE: f64 = 50.0;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Pass,
    GateFailed,
    Incomplete,
    /// The gate would have failed, but `--exit-zero` keeps the exit code at 0.
    NotEnforced,
}

impl Outcome {
    pub fn exit_code(self) -> u8 {
        match self {
            Outcome::Pass | Outcome::NotEnforced => 0,
            Outcome::GateFailed => 1,
            Outcome::Incomplete => 3,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::GateFailed => "gate_failed",
            Outcome::Incomplete => "incomplete",
            Outcome::NotEnforced => "not_enforced",
        }
    }
}

/// `--fail-on`: a severity in any case, or `none` (`None`: no finding fails the gate; an
/// incomplete scan still does).
pub fn parse_fail_on(text: &str) -> Result<Option<Severity>, String> {
    let lower = text.trim().to_ascii_lowercase();
    if lower == FAIL_ON_NONE {
        return Ok(None);
    }
    lower.parse().map(Some).map_err(|_| {
        format!(
            "expected one of info, low, medium, high, critical or none (any case); found {text:?}"
        )
    })
}

/// The `--fail-on` value under which no finding fails the gate.
pub const FAIL_ON_NONE: &str = "none";

/// What the gate is asked to enforce (the command line's gate inputs).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GateRules {
    /// Open findings at or above this severity fail the gate; `None` (`--fail-on none`): none do.
    pub fail_on: Option<Severity>,
    pub exit_zero: bool,
    /// Percent of the score's points that must be evaluated (`--min-coverage`, 0..=100).
    pub min_coverage: f64,
}

impl GateRules {
    pub fn new(fail_on: Severity) -> GateRules {
        GateRules {
            fail_on: Some(fail_on),
            exit_zero: false,
            min_coverage: DEFAULT_MIN_COVERAGE,
        }
    }
}

/// `--min-coverage`: a percentage from 0 to 100 (a trailing `%` is accepted).
pub fn parse_min_coverage(text: &str) -> Result<f64, String> {
    let number = text.trim().strip_suffix('%').unwrap_or(text.trim());
    match number.parse::<f64>() {
        Ok(p) if (0.0..=100.0).contains(&p) => Ok(p),
        _ => Err(format!(
            "expected a percentage from 0 to 100, such as 50, found {text:?}"
        )),
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct GateDecision {
    /// The `--fail-on` severity (under `fail_on_none`, critical, and not applied).
    pub fail_on: Severity,
    /// `--fail-on none`: no finding fails the gate (only an incomplete scan does).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub fail_on_none: bool,
    pub exit_zero: bool,
    /// `--min-coverage` (0 in reports written before it existed: nothing was required).
    #[serde(default)]
    pub min_coverage: f64,
    pub outcome: Outcome,
    /// Under `not_enforced`: the outcome `--exit-zero` kept from taking effect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub would_be: Option<Outcome>,
    /// True under `--baseline … --fail-on-new`: only findings the baseline did not have count.
    #[serde(default)]
    pub new_only: bool,
    /// Why: what kept the scan from being complete (errors, missing data and the controls it
    /// blocked), then the controls that failed the gate.
    pub reasons: Vec<String>,
}

impl GateDecision {
    /// The threshold as `--fail-on` was given: a severity, or `none`.
    pub fn fail_on_label(&self) -> &'static str {
        if self.fail_on_none {
            FAIL_ON_NONE
        } else {
            self.fail_on.as_str()
        }
    }

    /// The gate's verdict in words, the same in the terminal, HTML and Markdown:
    /// `pass`, `FAILED`, `INCOMPLETE`, `not enforced (--exit-zero; would fail)`.
    pub fn label(&self) -> &'static str {
        match self.outcome {
            Outcome::Pass => "pass",
            Outcome::GateFailed => "FAILED",
            Outcome::Incomplete => "INCOMPLETE",
            Outcome::NotEnforced => "not enforced (--exit-zero; would fail)",
        }
    }
}

/// Decides the outcome. With `known` (a baseline's fingerprints) only open findings whose
/// fingerprint is not in it count against the gate (`--baseline OLD.json --fail-on-new`).
pub fn decide(
    controls: &[ControlResult],
    rules: GateRules,
    known: Option<&BTreeSet<String>>,
) -> GateDecision {
    let mut reasons = Vec::new();
    let mut incomplete = false;
    for c in controls.iter().filter(|c| c.status == Status::Error) {
        incomplete = true;
        reasons.push(format!(
            "{} could not be evaluated: {}",
            c.info.id,
            c.reasons.join("; ")
        ));
    }
    // Too little was looked at to call it a pass: say what was missing and what it blocked.
    if let Some(why) = coverage_shortfall(controls, rules.min_coverage) {
        incomplete = true;
        reasons.push(why);
        reasons.extend(blocked_by_missing_data(controls));
    }
    let mut failing = 0;
    for c in controls.iter().filter(|c| c.status == Status::Fail) {
        let at_or_above = c
            .open_findings()
            .filter(|f| rules.fail_on.is_some_and(|at| f.severity >= at))
            .filter(|f| known.is_none_or(|k| !k.contains(&f.fingerprint)))
            .count();
        if at_or_above > 0 {
            failing += 1;
            let new = if known.is_some() { " new" } else { "" };
            reasons.push(format!(
                "{} ({}): {at_or_above}{new} open finding(s) at or above {}",
                c.info.id,
                c.info.severity,
                rules.fail_on.map_or(FAIL_ON_NONE, Severity::as_str)
            ));
        }
    }
    let (outcome, would_be) = if incomplete {
        // Even under --exit-zero: a gate that could not look must not read as a pass.
        (Outcome::Incomplete, None)
    } else if failing == 0 {
        (Outcome::Pass, None)
    } else if rules.exit_zero {
        (Outcome::NotEnforced, Some(Outcome::GateFailed))
    } else {
        (Outcome::GateFailed, None)
    };
    GateDecision {
        fail_on: rules.fail_on.unwrap_or(Severity::Critical),
        fail_on_none: rules.fail_on.is_none(),
        exit_zero: rules.exit_zero,
        min_coverage: rules.min_coverage,
        outcome,
        would_be,
        new_only: known.is_some(),
        reasons,
    }
}

/// Why the scan evaluated too little to pass, if it did: no control with a definite answer
/// (whatever `--min-coverage` says, 0 included), or fewer evaluated points than the minimum.
fn coverage_shortfall(controls: &[ControlResult], min_coverage: f64) -> Option<String> {
    if !controls.iter().any(ControlResult::is_evaluated) {
        return Some(format!(
            "no control could be evaluated ({} loaded); a scan that evaluated nothing never passes",
            controls.len()
        ));
    }
    let overall = Score::compute(controls).overall;
    let coverage = overall.coverage?;
    (coverage < min_coverage).then(|| {
        format!(
            "coverage {coverage:.1}% is below --min-coverage {}%: {} of {} points could be evaluated",
            crate::results::round2(min_coverage),
            overall.max,
            overall.total_points()
        )
    })
}

/// One line per missing piece of data (a collection, an attestation answer, …) with the
/// controls it kept from being evaluated, in reason order.
fn blocked_by_missing_data(controls: &[ControlResult]) -> Vec<String> {
    let mut blocked: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for c in controls.iter().filter(|c| c.status == Status::NotEvaluable) {
        for reason in &c.reasons {
            blocked.entry(reason).or_default().push(&c.info.id);
        }
    }
    blocked
        .into_iter()
        .map(|(reason, mut ids)| {
            ids.sort_unstable();
            format!("missing: {reason} — blocks {}", ids.join(", "))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture::sample_controls;

    fn with_status(mut controls: Vec<ControlResult>, status: Status) -> Vec<ControlResult> {
        for c in &mut controls {
            c.status = status;
            c.points_achieved = 0.0;
            c.reasons = vec!["users could not be read from /users: HTTP 403".to_string()];
        }
        controls
    }

    #[test]
    fn fail_on_takes_any_case_and_none() {
        assert_eq!(parse_fail_on("HIGH"), Ok(Some(Severity::High)));
        assert_eq!(parse_fail_on(" Critical "), Ok(Some(Severity::Critical)));
        assert_eq!(parse_fail_on("None"), Ok(None));
        let err = parse_fail_on("urgent").unwrap_err();
        assert!(
            err.contains("critical or none") && err.contains("\"urgent\""),
            "{err}"
        );
    }

    /// `--fail-on none`: the findings that fail at `info` no longer fail the gate; an
    /// incomplete scan still does.
    #[test]
    fn fail_on_none_fails_on_no_finding_but_still_on_an_incomplete_scan() {
        let mut controls = sample_controls();
        controls.retain(|c| c.status != Status::Error);
        let none = GateRules {
            fail_on: None,
            min_coverage: 0.0,
            exit_zero: false,
        };
        let at_info = GateRules {
            min_coverage: 0.0,
            ..GateRules::new(Severity::Info)
        };
        assert_eq!(
            decide(&controls, at_info, None).outcome,
            Outcome::GateFailed
        );
        let gate = decide(&controls, none, None);
        assert_eq!(gate.outcome, Outcome::Pass, "{:?}", gate.reasons);
        assert!(gate.fail_on_none && gate.fail_on_label() == "none");
        let json = serde_json::to_value(&gate).unwrap();
        assert_eq!(json["fail_on_none"], true);
        let broken = with_status(sample_controls(), Status::Error);
        assert_eq!(decide(&broken, none, None).outcome, Outcome::Incomplete);
        // Not written when false: reports of other thresholds are unchanged.
        let json = serde_json::to_value(decide(&controls, at_info, None)).unwrap();
        assert!(json.get("fail_on_none").is_none());
    }

    #[test]
    fn min_coverage_is_a_percentage() {
        assert_eq!(parse_min_coverage("50"), Ok(50.0));
        assert_eq!(parse_min_coverage("12.5%"), Ok(12.5));
        assert_eq!(parse_min_coverage("0"), Ok(0.0));
        for bad in ["", "-1", "100.1", "NaN", "half", "inf"] {
            assert!(parse_min_coverage(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn nothing_evaluated_never_passes_even_at_min_coverage_0() {
        let controls = with_status(sample_controls(), Status::NotEvaluable);
        let rules = GateRules {
            min_coverage: 0.0,
            exit_zero: true,
            ..GateRules::new(Severity::High)
        };
        let gate = decide(&controls, rules, None);
        assert_eq!(gate.outcome, Outcome::Incomplete);
        assert!(gate.reasons[0].starts_with("no control could be evaluated"));
        let mut sorted: Vec<&str> = controls.iter().map(|c| c.info.id.as_str()).collect();
        sorted.sort_unstable();
        assert_eq!(
            gate.reasons[1],
            format!(
                "missing: users could not be read from /users: HTTP 403 — blocks {}",
                sorted.join(", ")
            )
        );
    }

    #[test]
    fn coverage_below_the_minimum_is_incomplete_and_0_turns_the_check_off() {
        let mut controls = sample_controls();
        controls.retain(|c| c.status != Status::Error);
        let score = Score::compute(&controls).overall;
        let coverage = score.coverage.expect("posture points");
        let above = GateRules {
            min_coverage: coverage + 0.1,
            ..GateRules::new(Severity::Critical)
        };
        let gate = decide(&controls, above, None);
        assert_eq!(gate.outcome, Outcome::Incomplete, "{:?}", gate.reasons);
        assert!(
            gate.reasons[0].contains("is below --min-coverage"),
            "{:?}",
            gate.reasons
        );
        let at = GateRules {
            min_coverage: coverage,
            ..above
        };
        assert_ne!(decide(&controls, at, None).outcome, Outcome::Incomplete);
        let off = GateRules {
            min_coverage: 0.0,
            ..above
        };
        assert_ne!(decide(&controls, off, None).outcome, Outcome::Incomplete);
    }

    #[test]
    fn exit_zero_keeps_the_would_be_outcome() {
        let mut controls = sample_controls();
        controls.retain(|c| c.status != Status::Error);
        let rules = GateRules {
            min_coverage: 0.0,
            ..GateRules::new(Severity::Low)
        };
        let enforced = decide(&controls, rules, None);
        assert_eq!(enforced.outcome, Outcome::GateFailed);
        let report_only = decide(
            &controls,
            GateRules {
                exit_zero: true,
                ..rules
            },
            None,
        );
        assert_eq!(report_only.outcome, Outcome::NotEnforced);
        assert_eq!(report_only.would_be, Some(Outcome::GateFailed));
        assert_eq!(report_only.outcome.exit_code(), 0);
        assert_eq!(report_only.reasons, enforced.reasons);
        let json = serde_json::to_value(&report_only).unwrap();
        assert_eq!(json["outcome"], "not_enforced");
        assert_eq!(json["would_be"], "gate_failed");
        assert!(serde_json::to_value(&enforced)
            .unwrap()
            .get("would_be")
            .is_none());
    }
}
