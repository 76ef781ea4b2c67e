//! The results model (docs/architecture.md): each control's status, its findings with evidence, and
//! the Secure-Score-style points. Built from raw policy outputs by `policy::evaluate`, consumed by
//! every report renderer and by the gate.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// How serious a finding is; ordered, so a gate compares with `>=`.
///
/// ```
/// use orgscan::results::Severity;
/// let fail_on: Severity = "high".parse().expect("a known severity");
/// assert!(Severity::Critical >= fail_on && Severity::Medium < fail_on);
/// assert!("urgent".parse::<Severity>().is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Info,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Severity::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| {
                format!("expected one of info, low, medium, high, critical; found {s:?}")
            })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pass,
    Fail,
    NotEvaluable,
    NotApplicable,
    Error,
    Waived,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::NotEvaluable => "not_evaluable",
            Status::NotApplicable => "not_applicable",
            Status::Error => "error",
            Status::Waived => "waived",
        }
    }

    /// The status as people read it in the HTML and Markdown reports.
    pub fn label(self) -> &'static str {
        match self {
            Status::Pass => "Passed",
            Status::Fail => "Failed",
            Status::NotEvaluable => "Not evaluable",
            Status::NotApplicable => "Not applicable",
            Status::Error => "Error",
            Status::Waived => "Waived",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Posture,
    Detection,
}

/// The object a finding is about.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Resource {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// Where the facts behind a finding came from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// api | attestation | events
    pub source: String,
    /// Everything else the policy reported (collection, field, observed, expected, event ids…),
    /// kept as the policy wrote it, in key order.
    #[serde(flatten)]
    pub details: BTreeMap<String, Value>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub control_id: String,
    pub severity: Severity,
    pub resource: Resource,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Evidence>,
    /// sha256 of control id + resource type + resource id: stable across runs and messages.
    pub fingerprint: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiver: Option<AppliedWaiver>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AppliedWaiver {
    /// risk_accepted | resolved_third_party | resolved_alternate_mitigation | planned
    pub status: String,
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}

impl AppliedWaiver {
    /// Whether the finding stops counting against the gate (every status but `planned`).
    pub fn suppresses(&self) -> bool {
        self.status != "planned"
    }

    /// Whether the finding's points are granted (Secure Score: third party and alternate
    /// mitigation count as resolved; an accepted risk does not).
    pub fn grants_points(&self) -> bool {
        self.status == "resolved_third_party" || self.status == "resolved_alternate_mitigation"
    }
}

/// Metadata of a control as the report needs it (a projection of the policy's METADATA).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ControlInfo {
    pub id: String,
    pub title: String,
    pub description: String,
    pub severity: Severity,
    pub category: String,
    pub points: f64,
    pub kind: Kind,
    pub user_impact: String,
    pub implementation_cost: String,
    pub remediation: Vec<String>,
    pub references: Vec<String>,
    /// Where the policy file came from: `builtin:identity/admin_mfa.rego` or a user path.
    pub source: String,
    pub version: String,
    /// Framework → control references (`custom.frameworks`, e.g. `cis-controls-v8: [6.5]`).
    #[serde(default)]
    pub frameworks: std::collections::BTreeMap<String, Vec<String>>,
}

impl ControlInfo {
    /// Writes each parameter's effective value (METADATA default, then orgscan.toml) where the
    /// title, description or remediation names it, so that "more than dormant_days days" reads
    /// "more than 90 days" with the threshold this scan used. A list keeps its name with the
    /// value beside it ("sso_accounts_exempt (set to: a, b)"), because a bare list rarely
    /// reads as a sentence.
    pub fn fill_parameters(&mut self, params: &serde_json::Map<String, Value>) {
        if params.is_empty() {
            return;
        }
        let fill = |text: &mut String| *text = fill_words(text, params);
        fill(&mut self.title);
        fill(&mut self.description);
        self.remediation.iter_mut().for_each(fill);
    }
}

/// `text` with every whole-word occurrence of a (snake_case) parameter name replaced by its
/// value.
fn fill_words(text: &str, params: &serde_json::Map<String, Value>) -> String {
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(|c: char| is_word(c)) {
        out.push_str(&rest[..start]);
        let word_len = rest[start..]
            .find(|c: char| !is_word(c))
            .unwrap_or(rest.len() - start);
        let word = &rest[start..start + word_len];
        // Only snake_case names: a parameter called `days` must not rewrite the word "days".
        match params.get(word).filter(|_| word.contains('_')) {
            Some(Value::String(s)) if !s.is_empty() => out.push_str(s),
            Some(v @ (Value::Number(_) | Value::Bool(_))) => out.push_str(&v.to_string()),
            Some(Value::Array(items)) if items.is_empty() => {
                out.push_str(&format!("{word} (empty)"))
            }
            Some(Value::Array(items)) => {
                let shown: Vec<String> = items
                    .iter()
                    .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_string))
                    .collect();
                out.push_str(&format!("{word} (set to: {})", shown.join(", ")));
            }
            _ => out.push_str(word),
        }
        rest = &rest[start + word_len..];
    }
    out.push_str(rest);
    out
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ControlResult {
    pub info: ControlInfo,
    pub status: Status,
    /// Share of the points earned, 0..=1, when the control is scored.
    pub score: Option<f64>,
    pub points_achieved: f64,
    /// Reasons for not_evaluable / not_applicable / error.
    pub reasons: Vec<String>,
    pub findings: Vec<Finding>,
    pub duration_ms: u64,
}

impl ControlResult {
    /// Points still to gain; what the recommendations are ranked by.
    pub fn points_left(&self) -> f64 {
        if self.counts_in_score() {
            (self.info.points - self.points_achieved).max(0.0)
        } else {
            0.0
        }
    }

    /// A definite answer over the org's data (pass, fail or waived), of either kind: what the
    /// gate requires at least one of.
    pub fn is_evaluated(&self) -> bool {
        matches!(self.status, Status::Pass | Status::Fail | Status::Waived)
    }

    /// Posture controls with a definite answer are scored; detections and controls that could
    /// not be evaluated are reported but neither add nor take points.
    pub fn counts_in_score(&self) -> bool {
        self.info.kind == Kind::Posture && self.is_evaluated()
    }

    /// Findings that still count against the org (not waived; a `planned` waiver only
    /// records intent and leaves the finding open).
    pub fn open_findings(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|f| !f.waiver.as_ref().is_some_and(AppliedWaiver::suppresses))
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ScoreTotal {
    pub achieved: f64,
    pub max: f64,
    /// achieved / max × 100, rounded to one decimal; 0 when nothing was scored.
    pub percent: f64,
    /// Points of posture controls that could not be evaluated (not in `max`).
    pub unevaluated_points: f64,
    /// Share of the points that could be evaluated: `max` ÷ (`max` + `unevaluated_points`)
    /// × 100, one decimal. `None` when no posture control applies (nothing to cover).
    /// Detections carry no points in the score, so they do not move it.
    #[serde(default)]
    pub coverage: Option<f64>,
}

impl ScoreTotal {
    fn add(&mut self, control: &ControlResult) {
        if control.info.kind != Kind::Posture || control.status == Status::NotApplicable {
            return;
        }
        if control.counts_in_score() {
            self.achieved += control.points_achieved;
            self.max += control.info.points;
        } else {
            self.unevaluated_points += control.info.points;
        }
    }

    fn finish(&mut self) {
        self.achieved = round2(self.achieved);
        self.max = round2(self.max);
        self.unevaluated_points = round2(self.unevaluated_points);
        self.percent = if self.max > 0.0 {
            (self.achieved / self.max * 1000.0).round() / 10.0
        } else {
            0.0
        };
        let total = self.total_points();
        self.coverage = (total > 0.0).then(|| (self.max / total * 1000.0).round() / 10.0);
    }

    /// Points of every posture control that applies: evaluated or not.
    pub fn total_points(&self) -> f64 {
        round2(self.max + self.unevaluated_points)
    }

    /// The score in words, with how much of it could be evaluated: the one wording the
    /// terminal, HTML and Markdown share ("54.8% (65.2 of the 119 points that could be
    /// evaluated); 103 of 222 points (46.4%) could not be evaluated — see Data coverage").
    pub fn describe(&self) -> String {
        let total = self.total_points();
        if total <= 0.0 {
            "n/a: no scored control applies".to_string()
        } else if self.max <= 0.0 {
            format!("n/a: none of the {total} points could be evaluated — see Data coverage")
        } else if self.unevaluated_points <= 0.0 {
            format!(
                "{:.1}% ({} of {} points; all could be evaluated)",
                self.percent, self.achieved, self.max
            )
        } else {
            let missing = (self.unevaluated_points / total * 1000.0).round() / 10.0;
            format!(
                "{:.1}% ({} of the {} points that could be evaluated); {} of {total} points ({missing:.1}%) could not be evaluated — see Data coverage",
                self.percent, self.achieved, self.max, self.unevaluated_points
            )
        }
    }
}

pub fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Score {
    pub overall: ScoreTotal,
    pub by_category: BTreeMap<String, ScoreTotal>,
}

impl Score {
    pub fn compute(controls: &[ControlResult]) -> Score {
        let mut score = Score::default();
        for control in controls {
            score.overall.add(control);
            score
                .by_category
                .entry(control.info.category.clone())
                .or_default()
                .add(control);
        }
        score.overall.finish();
        for total in score.by_category.values_mut() {
            total.finish();
        }
        score
    }
}

/// Points earned by a control from its status and the policy's optional partial `score`.
pub fn points_for(status: Status, points: f64, partial: Option<f64>) -> f64 {
    match status {
        Status::Pass => points,
        Status::Fail => round2(points * partial.unwrap_or(0.0).clamp(0.0, 1.0)),
        _ => 0.0,
    }
}

pub fn fingerprint(control_id: &str, resource: &Resource) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for part in [control_id, &resource.kind, &resource.id] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    hex::encode(&h.finalize()[..16])
}

#[cfg(test)]
mod tests {
    #[test]
    fn parameters_read_as_their_values() {
        let params: serde_json::Map<String, Value> = serde_json::from_value(serde_json::json!({
            "dormant_days": 90, "approved_x": ["a.com", "b.com"], "exempt_x": [], "the_mode": "strict",
            "days": 7
        }))
        .unwrap();
        assert_eq!(
            fill_words(
                "more than dormant_days days, not dormant_days_x (days).",
                &params
            ),
            "more than 90 days, not dormant_days_x (days)."
        );
        assert_eq!(
            fill_words("listed in approved_x; exempt_x: the_mode", &params),
            "listed in approved_x (set to: a.com, b.com); exempt_x (empty): strict"
        );
        assert_eq!(fill_words("", &params), "");
    }

    use super::*;

    fn control(
        kind: Kind,
        status: Status,
        points: f64,
        achieved: f64,
        category: &str,
    ) -> ControlResult {
        ControlResult {
            info: ControlInfo {
                id: "X".into(),
                title: "t".into(),
                description: "d".into(),
                severity: Severity::High,
                category: category.into(),
                points,
                kind,
                user_impact: "low".into(),
                implementation_cost: "low".into(),
                remediation: vec![],
                references: vec![],
                source: "s".into(),
                version: "1".into(),
                frameworks: Default::default(),
            },
            status,
            score: None,
            points_achieved: achieved,
            reasons: vec![],
            findings: vec![],
            duration_ms: 0,
        }
    }

    #[test]
    fn score_counts_only_evaluated_posture_controls() {
        let controls = vec![
            control(Kind::Posture, Status::Pass, 10.0, 10.0, "Identity"),
            control(Kind::Posture, Status::Fail, 10.0, 2.5, "Identity"),
            control(Kind::Posture, Status::NotEvaluable, 5.0, 0.0, "Data"),
            control(Kind::Posture, Status::NotApplicable, 7.0, 0.0, "Data"),
            control(Kind::Detection, Status::Fail, 3.0, 0.0, "Detections"),
        ];
        let score = Score::compute(&controls);
        assert_eq!(score.overall.achieved, 12.5);
        assert_eq!(score.overall.max, 20.0);
        assert_eq!(score.overall.percent, 62.5);
        assert_eq!(score.overall.unevaluated_points, 5.0);
        assert_eq!(
            score.overall.coverage,
            Some(80.0),
            "20 of 25 points evaluated"
        );
        assert_eq!(
            score.overall.describe(),
            "62.5% (12.5 of the 20 points that could be evaluated); 5 of 25 points (20.0%) could not be evaluated — see Data coverage"
        );
        assert_eq!(score.by_category["Data"].coverage, Some(0.0));
        assert_eq!(
            score.by_category["Data"].describe(),
            "n/a: none of the 5 points could be evaluated — see Data coverage"
        );
        assert_eq!(
            score.by_category["Identity"].describe(),
            "62.5% (12.5 of 20 points; all could be evaluated)"
        );
        assert_eq!(score.by_category["Detections"].coverage, None);
        assert_eq!(
            score.by_category["Detections"].describe(),
            "n/a: no scored control applies"
        );
        assert_eq!(score.by_category["Identity"].percent, 62.5);
        assert_eq!(score.by_category["Data"].max, 0.0);
        assert_eq!(controls[1].points_left(), 7.5);
    }

    #[test]
    fn partial_credit_is_clamped() {
        assert_eq!(points_for(Status::Fail, 10.0, Some(0.75)), 7.5);
        assert_eq!(points_for(Status::Fail, 10.0, Some(3.0)), 10.0);
        assert_eq!(points_for(Status::Fail, 10.0, None), 0.0);
        assert_eq!(points_for(Status::Error, 10.0, Some(1.0)), 0.0);
    }

    #[test]
    fn severity_orders_and_parses() {
        assert!(Severity::Critical > Severity::High && Severity::Low > Severity::Info);
        assert_eq!("medium".parse::<Severity>(), Ok(Severity::Medium));
        assert!("urgent"
            .parse::<Severity>()
            .unwrap_err()
            .contains("expected one of"));
    }
}
