//! The one place that decides a scan's outcome for CI (DESIGN §9): exit 0 pass, 1 gate failed
//! (an open finding at or above `--fail-on`), 3 evaluation incomplete (a control in `error`).

use crate::results::{ControlResult, Severity, Status};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Pass,
    GateFailed,
    Incomplete,
}

impl Outcome {
    pub fn exit_code(self) -> u8 {
        match self {
            Outcome::Pass => 0,
            Outcome::GateFailed => 1,
            Outcome::Incomplete => 3,
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct GateDecision {
    pub fail_on: Severity,
    pub exit_zero: bool,
    pub outcome: Outcome,
    /// True under `--baseline … --fail-on-new`: only findings the baseline did not have count.
    #[serde(default)]
    pub new_only: bool,
    /// Why: the controls that failed the gate or could not be evaluated.
    pub reasons: Vec<String>,
}

impl GateDecision {
    /// Findings at or above the threshold exist but `--exit-zero` kept the exit code at 0: the
    /// reports say so instead of showing a plain pass.
    pub fn unenforced_failure(&self) -> bool {
        self.outcome == Outcome::Pass && self.exit_zero && !self.reasons.is_empty()
    }
}

pub fn decide(controls: &[ControlResult], fail_on: Severity, exit_zero: bool) -> GateDecision {
    decide_with_baseline(controls, fail_on, exit_zero, None)
}

/// Like [`decide`], but with `known` (a baseline's fingerprints) only open findings whose
/// fingerprint is not in it count against the gate (`--baseline OLD.json --fail-on-new`).
pub fn decide_with_baseline(
    controls: &[ControlResult],
    fail_on: Severity,
    exit_zero: bool,
    known: Option<&BTreeSet<String>>,
) -> GateDecision {
    let mut reasons = Vec::new();
    let errors: Vec<&ControlResult> = controls
        .iter()
        .filter(|c| c.status == Status::Error)
        .collect();
    for c in &errors {
        reasons.push(format!(
            "{} could not be evaluated: {}",
            c.info.id,
            c.reasons.join("; ")
        ));
    }
    let mut failing = 0;
    for c in controls.iter().filter(|c| c.status == Status::Fail) {
        let at_or_above = c
            .open_findings()
            .filter(|f| f.severity >= fail_on)
            .filter(|f| known.is_none_or(|k| !k.contains(&f.fingerprint)))
            .count();
        if at_or_above > 0 {
            failing += 1;
            let new = if known.is_some() { " new" } else { "" };
            reasons.push(format!(
                "{} ({}): {at_or_above}{new} open finding(s) at or above {fail_on}",
                c.info.id, c.info.severity
            ));
        }
    }
    // An incomplete evaluation is reported as such even under --exit-zero: a gate that could
    // not look must not read as a pass.
    let outcome = if !errors.is_empty() {
        Outcome::Incomplete
    } else if failing > 0 && !exit_zero {
        Outcome::GateFailed
    } else {
        Outcome::Pass
    };
    GateDecision {
        fail_on,
        exit_zero,
        outcome,
        new_only: known.is_some(),
        reasons,
    }
}
