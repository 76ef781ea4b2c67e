//! Waivers (`[[waivers]]` in `orgscan.toml`): Secure Score's action statuses expressed per
//! control and, optionally, per resource. A waiver never drops a finding: it is attached to the
//! finding, reported and counted. `resolved_third_party` and `resolved_alternate_mitigation`
//! earn the control's points back, `risk_accepted` does not, `planned` only records intent (the
//! finding stays open). An expired waiver stops applying; expired, soon-expiring and orphan
//! waivers produce warnings. The configuration is validated with every problem reported at
//! once, each as `file:line: waivers[N].field: message`.
//!
//! ```toml
//! [[waivers]]
//! control = "ATL-IDN-001"
//! resource = "557058:*"          # optional glob over the finding's resource id (`*`, `?`)
//! resource_type = "user"          # optional, exact
//! reason = "Break-glass account, hardware key in the safe"
//! status = "resolved_alternate_mitigation"   # default: risk_accepted
//! owner = "secops@example.com"
//! ticket = "SEC-123"
//! expires = 2026-12-31            # UTC; a date applies through that whole day
//! ```

use crate::config::{Config, ConfigError, DEFAULT_CONFIG_FILE};
use crate::results::{round2, AppliedWaiver, ControlResult, Kind, Status};
use crate::snapshot::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use toml::Spanned;

/// Secure Score's statuses that a waiver can carry.
pub const STATUSES: [&str; 4] = [
    "risk_accepted",
    "resolved_third_party",
    "resolved_alternate_mitigation",
    "planned",
];

/// A waiver expiring within this many days produces a warning.
pub const EXPIRY_WARNING_DAYS: i64 = 14;

/// The fields a `[[waivers]]` entry may have (schemas/config.v1.schema.json declares the same).
pub const FIELDS: [&str; 8] = [
    "control",
    "resource",
    "resource_type",
    "reason",
    "status",
    "owner",
    "ticket",
    "expires",
];

#[derive(Clone, Debug, PartialEq)]
pub struct Waiver {
    pub control: String,
    pub resource: Option<String>,
    pub resource_type: Option<String>,
    pub status: String,
    pub reason: String,
    pub owner: Option<String>,
    pub ticket: Option<String>,
    /// As configured, and the first instant at which it no longer applies.
    pub expires: Option<Expiry>,
    /// `orgscan.toml:12`
    pub location: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expiry {
    pub text: String,
    pub at: Timestamp,
}

impl Waiver {
    fn matches(&self, kind: &str, id: &str) -> bool {
        self.resource_type.as_deref().is_none_or(|t| t == kind)
            && self.resource.as_deref().is_none_or(|p| glob_match(p, id))
    }

    fn describe(&self) -> String {
        let mut s = format!("waiver for {}", self.control);
        if let Some(r) = &self.resource {
            s.push_str(&format!(" (resource {r:?})"));
        }
        s
    }

    fn is_expired(&self, now: Timestamp) -> bool {
        self.expires.as_ref().is_some_and(|e| now >= e.at)
    }

    fn applied(&self) -> AppliedWaiver {
        AppliedWaiver {
            status: self.status.clone(),
            reason: self.reason.clone(),
            owner: self.owner.clone(),
            ticket: self.ticket.clone(),
            expires: self.expires.as_ref().map(|e| e.text.clone()),
        }
    }
}

/// `*` matches any run of characters, `?` one character; everything else is literal.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || (p[pi] != '*' && p[pi] == t[ti])) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

type RawTable = BTreeMap<Spanned<String>, Spanned<toml::Value>>;

#[derive(Deserialize)]
struct RawFile {
    #[serde(default)]
    waivers: Vec<Spanned<RawTable>>,
    /// `[[orgs.waivers]]`: one fleet org's own waivers (read for the org a scan is made for).
    #[serde(default)]
    orgs: Vec<RawOrgWaivers>,
}

#[derive(Deserialize)]
struct RawOrgWaivers {
    #[serde(default)]
    waivers: Vec<Spanned<RawTable>>,
}

fn line_at(text: &str, offset: usize) -> usize {
    text.get(..offset.min(text.len()))
        .map(|s| s.bytes().filter(|b| *b == b'\n').count() + 1)
        .unwrap_or(1)
}

fn type_name(v: &toml::Value) -> &'static str {
    match v {
        toml::Value::String(_) => "a string",
        toml::Value::Integer(_) => "an integer",
        toml::Value::Float(_) => "a number",
        toml::Value::Boolean(_) => "a boolean",
        toml::Value::Datetime(_) => "a date",
        toml::Value::Array(_) => "a list",
        toml::Value::Table(_) => "a table",
    }
}

/// Reads an `expires` value: a TOML date (through that day, UTC), a date-time (taken as UTC
/// when it has no offset) or the same as a string.
fn parse_expiry(v: &toml::Value) -> Result<Expiry, String> {
    let text = match v {
        toml::Value::Datetime(d) => d.to_string(),
        toml::Value::String(s) => s.trim().to_string(),
        other => {
            return Err(format!(
                "expected a date such as 2026-12-31, found {}",
                type_name(other)
            ))
        }
    };
    if let Ok(d) = chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d") {
        let next = d
            .succ_opt()
            .and_then(|n| n.and_hms_opt(0, 0, 0))
            .ok_or_else(|| format!("date {text:?} is out of range"))?;
        return Ok(Expiry {
            at: Timestamp(chrono::TimeZone::from_utc_datetime(&chrono::Utc, &next)),
            text,
        });
    }
    match Timestamp::parse(&text) {
        Some(at) => Ok(Expiry { text, at }),
        None => Err(format!(
            "expected a date such as 2026-12-31 or a date-time such as 2026-12-31T18:00:00Z, found {text:?}"
        )),
    }
}

/// Validates every `[[waivers]]` entry against the loaded control ids. All problems at once.
pub fn parse_waivers(
    config: &Config,
    known_controls: &BTreeSet<String>,
) -> Result<Vec<Waiver>, ConfigError> {
    let text = config.text();
    if text.is_empty() {
        return Ok(Vec::new());
    }
    let path = config.source.as_deref().unwrap_or(DEFAULT_CONFIG_FILE);
    let raw: RawFile = toml::from_str(text).map_err(|e| ConfigError {
        problems: vec![format!("{path}: {}", e.message())],
    })?;
    let mut problems = Vec::new();
    let mut waivers = Vec::new();
    // The global waivers, then those of the fleet org this configuration is for.
    let org_waivers = config
        .selected_org()
        .and_then(|org| raw.orgs.get(org.index).map(|o| (org.index, &o.waivers)));
    let tables = raw
        .waivers
        .iter()
        .enumerate()
        .map(|(i, t)| (format!("waivers[{i}]"), t))
        .chain(org_waivers.into_iter().flat_map(|(k, list)| {
            list.iter()
                .enumerate()
                .map(move |(i, t)| (format!("orgs[{k}].waivers[{i}]"), t))
        }));
    for (label, table) in tables {
        let table_line = line_at(text, table.span().start);
        let mut bad = false;
        let mut problem = |line: usize, field: &str, message: String| {
            problems.push(format!("{path}:{line}: {label}.{field}: {message}"));
        };
        let mut fields: BTreeMap<&str, (usize, &toml::Value)> = BTreeMap::new();
        for (key, value) in table.get_ref() {
            let line = line_at(text, key.span().start);
            if FIELDS.contains(&key.get_ref().as_str()) {
                fields.insert(
                    FIELDS
                        .iter()
                        .find(|f| **f == key.get_ref().as_str())
                        .copied()
                        .unwrap_or(""),
                    (line, value.get_ref()),
                );
            } else {
                problem(
                    line,
                    key.get_ref(),
                    format!("unknown field; expected one of {}", FIELDS.join(", ")),
                );
                bad = true;
            }
        }
        let mut string = |name: &str, required: bool, bad: &mut bool| -> Option<String> {
            match fields.get(name) {
                Some((line, toml::Value::String(s))) if !s.trim().is_empty() => Some(s.clone()),
                Some((line, toml::Value::String(_))) => {
                    problem(*line, name, "must not be empty".to_string());
                    *bad = true;
                    None
                }
                Some((line, other)) => {
                    problem(
                        *line,
                        name,
                        format!("expected a string, found {}", type_name(other)),
                    );
                    *bad = true;
                    None
                }
                None if required => {
                    problem(
                        table_line,
                        name,
                        "missing; every waiver needs one".to_string(),
                    );
                    *bad = true;
                    None
                }
                None => None,
            }
        };
        let control = string("control", true, &mut bad);
        let resource = string("resource", false, &mut bad);
        let resource_type = string("resource_type", false, &mut bad);
        let reason = string("reason", true, &mut bad);
        let owner = string("owner", false, &mut bad);
        let ticket = string("ticket", false, &mut bad);
        let status = string("status", false, &mut bad);
        let status_line = fields.get("status").map(|(l, _)| *l).unwrap_or(table_line);
        let control_line = fields.get("control").map(|(l, _)| *l).unwrap_or(table_line);
        let expires = fields.get("expires").map(|(l, v)| (*l, parse_expiry(v)));
        if let Some(status) = &status {
            if !STATUSES.contains(&status.as_str()) {
                problems.push(format!(
                    "{path}:{status_line}: {label}.status: expected one of {}, found {status:?}",
                    STATUSES.join(", ")
                ));
                bad = true;
            }
        }
        if let Some(control) = &control {
            if !known_controls.contains(control) {
                problems.push(format!(
                    "{path}:{control_line}: {label}.control: no control with id {control:?} in the loaded policies"
                ));
                bad = true;
            }
        }
        let expires = match expires {
            Some((line, Err(message))) => {
                problems.push(format!("{path}:{line}: {label}.expires: {message}"));
                bad = true;
                None
            }
            Some((_, Ok(e))) => Some(e),
            None => None,
        };
        if bad {
            continue;
        }
        if let (Some(control), Some(reason)) = (control, reason) {
            waivers.push(Waiver {
                control,
                resource,
                resource_type,
                status: status.unwrap_or_else(|| "risk_accepted".to_string()),
                reason,
                owner,
                ticket,
                expires,
                location: format!("{path}:{table_line}"),
            });
        }
    }
    if problems.is_empty() {
        Ok(waivers)
    } else {
        Err(ConfigError { problems })
    }
}

/// A waiver as configured, with its state at evaluation time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WaiverReport {
    pub control: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_type: Option<String>,
    pub status: String,
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    /// active | expiring | expired | orphan
    pub state: String,
    /// Findings it applies to (0 when expired or orphan).
    pub matched: usize,
    /// Where it is configured: `orgscan.toml:12`.
    pub location: String,
}

/// What applying the waivers produced: one entry per waiver, and the warnings.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WaiverOutcome {
    pub reports: Vec<WaiverReport>,
    pub warnings: Vec<String>,
}

/// Attaches the first active matching waiver to each finding, then settles each control's
/// status (`waived` when every finding is waived) and points (granted share of the findings).
pub fn apply_waivers(
    waivers: &[Waiver],
    controls: &mut [ControlResult],
    now: Timestamp,
) -> WaiverOutcome {
    let mut matched = vec![0usize; waivers.len()];
    let mut would_match = vec![0usize; waivers.len()];
    for control in controls.iter_mut() {
        let candidates: Vec<usize> = (0..waivers.len())
            .filter(|i| waivers[*i].control == control.info.id)
            .collect();
        if candidates.is_empty() || control.findings.is_empty() {
            continue;
        }
        for finding in control.findings.iter_mut() {
            if finding.waiver.is_some() {
                continue;
            }
            for &i in &candidates {
                let w = &waivers[i];
                if !w.matches(&finding.resource.kind, &finding.resource.id) {
                    continue;
                }
                if w.is_expired(now) {
                    would_match[i] += 1;
                    continue;
                }
                matched[i] += 1;
                finding.waiver = Some(w.applied());
                break;
            }
        }
        settle(control);
    }
    let status_of: BTreeMap<&str, Status> = controls
        .iter()
        .map(|c| (c.info.id.as_str(), c.status))
        .collect();
    let mut outcome = WaiverOutcome::default();
    for (i, w) in waivers.iter().enumerate() {
        let expired = w.is_expired(now);
        let days_left = w
            .expires
            .as_ref()
            .map(|e| (e.at.0 - now.0).num_seconds().div_euclid(86_400));
        let expiring = !expired && days_left.is_some_and(|d| d < EXPIRY_WARNING_DAYS);
        let orphan = !expired && matched[i] == 0;
        if expired {
            outcome.warnings.push(format!(
                "{}: {} expired on {}; it no longer applies ({} finding(s) it matched are open again)",
                w.location,
                w.describe(),
                w.expires.as_ref().map(|e| e.text.as_str()).unwrap_or(""),
                would_match[i]
            ));
        }
        if orphan {
            let why = match status_of.get(w.control.as_str()) {
                Some(Status::Pass) => " (the control passes)".to_string(),
                Some(s @ (Status::NotEvaluable | Status::NotApplicable | Status::Error)) => {
                    format!(" (the control is {})", s.as_str())
                }
                _ => String::new(),
            };
            outcome.warnings.push(format!(
                "{}: {} matches no finding{why}; remove it or correct its control or resource",
                w.location,
                w.describe()
            ));
        }
        if expiring {
            let d = days_left.unwrap_or(0);
            outcome.warnings.push(format!(
                "{}: {} expires on {} (in {d} day(s)); renew or resolve it",
                w.location,
                w.describe(),
                w.expires.as_ref().map(|e| e.text.as_str()).unwrap_or("")
            ));
        }
        let state = if expired {
            "expired"
        } else if orphan {
            "orphan"
        } else if expiring {
            "expiring"
        } else {
            "active"
        };
        outcome.reports.push(WaiverReport {
            control: w.control.clone(),
            resource: w.resource.clone(),
            resource_type: w.resource_type.clone(),
            status: w.status.clone(),
            reason: w.reason.clone(),
            owner: w.owner.clone(),
            ticket: w.ticket.clone(),
            expires: w.expires.as_ref().map(|e| e.text.clone()),
            state: state.to_string(),
            matched: matched[i],
            location: w.location.clone(),
        });
    }
    outcome
}

/// A failing control whose findings are all waived becomes `waived`; granted findings
/// (third party, alternate mitigation) earn their share of the points left.
fn settle(control: &mut ControlResult) {
    if control.status != Status::Fail || control.findings.is_empty() {
        return;
    }
    let n = control.findings.len();
    let suppressed = control
        .findings
        .iter()
        .filter(|f| f.waiver.as_ref().is_some_and(|w| w.suppresses()))
        .count();
    let granted = control
        .findings
        .iter()
        .filter(|f| f.waiver.as_ref().is_some_and(|w| w.grants_points()))
        .count();
    if suppressed == n {
        control.status = Status::Waived;
    }
    if control.info.kind == Kind::Posture && granted > 0 {
        let base = control.points_achieved;
        let points = control.info.points;
        control.points_achieved = round2(base + (points - base) * granted as f64 / n as f64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match("abc", "abc"));
        assert!(!glob_match("abc", "abcd"));
        assert!(glob_match("a*", "abcd"));
        assert!(glob_match("*d", "abcd"));
        assert!(glob_match("a*c*", "abxxcyy"));
        assert!(glob_match("a?c", "abc"));
        assert!(!glob_match("a?c", "ac"));
        assert!(glob_match("*", ""));
        assert!(glob_match("557058:*", "557058:0f3e"));
        assert!(!glob_match("[a]", "a"));
    }

    #[test]
    fn expiry_of_a_date_is_the_end_of_that_day() {
        let e = parse_expiry(&toml::Value::String("2026-12-31".into())).unwrap();
        assert_eq!(e.at.to_rfc3339(), "2027-01-01T00:00:00.000Z");
        let e = parse_expiry(&toml::Value::String("2026-12-31T18:00:00Z".into())).unwrap();
        assert_eq!(e.at.to_rfc3339(), "2026-12-31T18:00:00.000Z");
        assert!(parse_expiry(&toml::Value::Integer(3)).is_err());
        assert!(parse_expiry(&toml::Value::String("soon".into())).is_err());
    }
}
