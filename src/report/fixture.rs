//! Report fixtures for tests and benchmarks: a small org with one control in every status,
//! a hostile variant where every piece of org data tries to break out of its context, and a
//! large one with any number of findings. Not part of the public API.
#![doc(hidden)]

use super::model::{
    assemble_report, AttestationInfo, CollectionInfo, OrgInfo, Report, ReportHeader, SnapshotInfo,
};
use crate::gate::{decide, GateRules};
use crate::results::{
    fingerprint, points_for, ControlInfo, ControlResult, Evidence, Finding, Kind, Resource,
    Severity, Status,
};
use crate::snapshot::Timestamp;
use crate::waiver::{apply_waivers, Expiry, Waiver};
use serde_json::{json, Value};
use std::collections::BTreeMap;

pub fn ts(text: &str) -> Timestamp {
    Timestamp::parse(text).unwrap_or(Timestamp(chrono::DateTime::UNIX_EPOCH))
}

#[allow(clippy::too_many_arguments)]
fn info(
    id: &str,
    title: &str,
    category: &str,
    severity: Severity,
    points: f64,
    kind: Kind,
    cost: &str,
    impact: &str,
) -> ControlInfo {
    ControlInfo {
        id: id.into(),
        title: title.into(),
        description: format!("{title}. Checked over the snapshot's configuration and history."),
        severity,
        category: category.into(),
        points,
        kind,
        user_impact: impact.into(),
        implementation_cost: cost.into(),
        remediation: vec![
            "Open admin.atlassian.com and select the organization.".into(),
            format!("Fix: {title}."),
        ],
        references: vec!["https://support.atlassian.com/security-and-access-policies/".into()],
        source: format!("builtin:{}.rego", id.to_ascii_lowercase()),
        version: "1".into(),
        frameworks: [(
            "cis-controls-v8".to_string(),
            vec![format!("{}.1", points as u32)],
        )]
        .into(),
    }
}

pub fn finding(
    control: &ControlInfo,
    kind: &str,
    id: &str,
    name: Option<&str>,
    message: &str,
    evidence: Value,
) -> Finding {
    let resource = Resource {
        kind: kind.into(),
        id: id.into(),
        name: name.map(str::to_string),
    };
    let evidence = match evidence {
        Value::Object(mut m) => {
            let source = m
                .remove("source")
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_else(|| "api".into());
            Some(Evidence {
                source,
                details: m.into_iter().collect::<BTreeMap<_, _>>(),
            })
        }
        _ => None,
    };
    Finding {
        control_id: control.id.clone(),
        severity: control.severity,
        fingerprint: fingerprint(&control.id, &resource),
        resource,
        message: message.into(),
        evidence,
        waiver: None,
    }
}

fn result(
    info: ControlInfo,
    status: Status,
    partial: Option<f64>,
    reasons: &[&str],
    findings: Vec<Finding>,
) -> ControlResult {
    ControlResult {
        points_achieved: points_for(status, info.points, partial),
        info,
        status,
        score: partial,
        reasons: reasons.iter().map(|r| r.to_string()).collect(),
        findings,
        duration_ms: 0,
    }
}

/// One control in every status, findings with evidence from each source, waivers of each kind.
pub fn sample_controls() -> Vec<ControlResult> {
    use Severity::*;
    let idn1 = info(
        "ATL-IDN-001",
        "Organization admins use two-step verification",
        "Identity and authentication",
        High,
        10.0,
        Kind::Posture,
        "low",
        "low",
    );
    let idn1_findings = vec![
        finding(&idn1, "user", "557058:1a2b3c4d-0000-4000-8000-000000000001", Some("Dana Admin"),
            "Organization admin Dana Admin (dana@acme.example) has not enrolled in two-step verification",
            json!({"source": "api", "collection": "users", "endpoint": "/admin/v2/orgs/{orgId}/directories/-/users", "fetched_at": "2026-11-01T00:00:00.000Z", "field": "mfa_enabled", "observed": false, "expected": "mfa_enabled = true for every admin"})),
        finding(&idn1, "user", "557058:1a2b3c4d-0000-4000-8000-000000000002", Some("Lee Ops"),
            "Organization admin Lee Ops (lee@acme.example) has not enrolled in two-step verification",
            json!({"source": "api", "collection": "users", "endpoint": "/admin/v2/orgs/{orgId}/directories/-/users", "fetched_at": "2026-11-01T00:00:00.000Z", "field": "mfa_enabled", "observed": false, "expected": "mfa_enabled = true for every admin"})),
        finding(&idn1, "user", "557058:1a2b3c4d-0000-4000-8000-000000000003", Some("Break Glass"),
            "Organization admin Break Glass (breakglass@acme.example) has not enrolled in two-step verification",
            json!({"source": "api", "collection": "users", "endpoint": "/admin/v2/orgs/{orgId}/directories/-/users", "fetched_at": "2026-11-01T00:00:00.000Z", "field": "mfa_enabled", "observed": false, "expected": "mfa_enabled = true for every admin"})),
    ];
    let idn2 = info(
        "ATL-IDN-002",
        "Single sign-on is enforced for managed accounts",
        "Identity and authentication",
        Critical,
        15.0,
        Kind::Posture,
        "moderate",
        "moderate",
    );
    let key1 = info(
        "ATL-KEY-001",
        "Admin API keys expire within 90 days",
        "Keys and tokens",
        Medium,
        5.0,
        Kind::Posture,
        "low",
        "low",
    );
    let app1 = info(
        "ATL-APP-001",
        "User-installed OAuth apps are blocked",
        "Apps, OAuth and AI agents",
        High,
        8.0,
        Kind::Posture,
        "moderate",
        "high",
    );
    let app1_findings = vec![finding(
        &app1,
        "setting",
        "oauth.block_user_installed_apps",
        None,
        "Users can install OAuth apps without an admin's approval",
        json!({"source": "attestation", "file": "attestation.toml", "key": "apps.block_user_installed_oauth", "attested_by": "it-admin@acme.example", "attested_at": "2026-10-28T09:00:00.000Z", "observed": false}),
    )];
    let app2 = info(
        "ATL-APP-002",
        "Rovo MCP server access is limited to allowlisted domains",
        "Apps, OAuth and AI agents",
        High,
        10.0,
        Kind::Posture,
        "low",
        "moderate",
    );
    let app2_findings = vec![finding(
        &app2,
        "mcp_client",
        "claude.ai",
        Some("Claude"),
        "An AI agent outside the domain allowlist connected through the Rovo MCP server",
        json!({"source": "events", "action": "mcp_tool_invoked", "event_ids": ["evt-0001", "evt-0002", "evt-0003"], "window": {"from": "2026-10-02T00:00:00.000Z", "to": "2026-11-01T00:00:00.000Z"}, "count": 3}),
    )];
    let dat1 = info(
        "ATL-DAT-001",
        "Data residency is pinned for regulated products",
        "Data protection",
        Low,
        3.0,
        Kind::Posture,
        "high",
        "low",
    );
    let log1 = info(
        "ATL-LOG-001",
        "Audit log events are streamed to a SIEM",
        "Logging and monitoring",
        Medium,
        5.0,
        Kind::Posture,
        "moderate",
        "low",
    );
    let det1 = info(
        "ATL-DET-001",
        "Admin role granted to a user outside the identity provider",
        "Threat detection",
        High,
        0.0,
        Kind::Detection,
        "low",
        "low",
    );
    let det1_findings = vec![finding(
        &det1,
        "user",
        "557058:1a2b3c4d-0000-4000-8000-000000000009",
        Some("Sam Contractor"),
        "Sam Contractor (sam@contractor.example) was granted org admin by Lee Ops from 203.0.113.7",
        json!({"source": "events", "action": "org_admin_granted", "event_ids": ["evt-0042"], "ip": "203.0.113.7", "country": "Germany", "actor": "557058:1a2b3c4d-0000-4000-8000-000000000002", "time": "2026-10-20T13:14:15.000Z"}),
    )];
    vec![
        result(idn1, Status::Fail, None, &[], idn1_findings),
        result(
            idn2,
            Status::NotEvaluable,
            None,
            &["attestation answer authentication.sso_enforced is missing"],
            vec![],
        ),
        result(key1, Status::Pass, None, &[], vec![]),
        result(app1, Status::Fail, None, &[], app1_findings),
        result(app2, Status::Fail, Some(0.5), &[], app2_findings),
        result(
            dat1,
            Status::NotApplicable,
            None,
            &["no product with data residency in this org"],
            vec![],
        ),
        result(
            log1,
            Status::Error,
            None,
            &["policy evaluation exceeded the 30 s time limit"],
            vec![],
        ),
        result(det1, Status::Fail, None, &[], det1_findings),
    ]
}

pub fn sample_waivers() -> Vec<Waiver> {
    let w = |control: &str,
             resource: Option<&str>,
             status: &str,
             reason: &str,
             expires: Option<&str>,
             line: usize| Waiver {
        control: control.into(),
        resource: resource.map(str::to_string),
        resource_type: None,
        status: status.into(),
        reason: reason.into(),
        owner: Some("secops@acme.example".into()),
        ticket: Some(format!("SEC-{line}")),
        // A date applies through that whole day (as in orgscan.toml).
        expires: expires.map(|e| Expiry {
            text: e.into(),
            at: Timestamp(ts(&format!("{e}T00:00:00Z")).0 + chrono::Duration::days(1)),
        }),
        location: format!("orgscan.toml:{line}"),
    };
    vec![
        w(
            "ATL-IDN-001",
            Some("557058:*-000000000003"),
            "risk_accepted",
            "Break-glass account; hardware key kept in the safe",
            Some("2027-06-01"),
            1,
        ),
        w(
            "ATL-APP-001",
            None,
            "resolved_alternate_mitigation",
            "App installs are blocked by the IdP's consent policy",
            Some("2026-11-10"),
            8,
        ),
        w(
            "ATL-IDN-001",
            Some("557058:*-000000000001"),
            "risk_accepted",
            "Dana is leaving",
            Some("2026-10-01"),
            15,
        ),
        w(
            "ATL-KEY-001",
            None,
            "resolved_third_party",
            "Keys are rotated by the vault",
            None,
            22,
        ),
    ]
}

pub fn sample_activity() -> Value {
    let mut per_day = serde_json::Map::new();
    let start = ts("2026-10-02T00:00:00Z");
    for d in 0..31i64 {
        let day = start.0 + chrono::Duration::days(d);
        // A deterministic weekly rhythm with a gap on two days.
        if d == 12 || d == 13 {
            continue;
        }
        let weekend = matches!(d % 7, 2 | 3);
        let n = if weekend {
            40 + d
        } else {
            300 + (d * 37) % 120
        };
        per_day.insert(day.format("%Y-%m-%d").to_string(), json!(n));
    }
    json!({
        "available": true,
        "total": 8342,
        "duplicates_dropped": 2,
        "first_time": "2026-10-02T00:04:11.000Z",
        "last_time": "2026-10-31T23:58:02.000Z",
        "window": {"from": "2026-10-02T00:00:00.000Z", "to": "2026-11-01T00:00:00.000Z"},
        "per_day": per_day,
        "gap_days": ["2026-10-14", "2026-10-15"],
        "per_action": {"user_login": 5120, "mcp_tool_invoked": 1210, "api_token_created": 44, "org_admin_granted": 3, "group_membership_changed": 310},
        "per_action_group": {"User management": 720, "Authentication": 5120, "Apps and MCP": 1654, "Security": 47, "Other": 801},
        "per_country": {"Germany": 4200, "United States": 3100, "India": 900, "Brazil": 142},
        "top_actors": [
            {"id": "557058:1a2b3c4d-0000-4000-8000-000000000002", "name": "Lee Ops", "count": 2100},
            {"id": "557058:1a2b3c4d-0000-4000-8000-000000000001", "name": "Dana Admin", "count": 1500},
            {"id": "557058:1a2b3c4d-0000-4000-8000-000000000009", "name": "Sam Contractor", "count": 400}
        ],
        "mcp": {"tool_calls": 1210, "clients": {"Claude": 900, "Cursor": 310}, "users": 14}
    })
}

fn sample_header() -> ReportHeader {
    let mut collections = BTreeMap::new();
    let c = |available: bool, records: u64, reason: Option<&str>| CollectionInfo {
        available,
        source: if available {
            "api".into()
        } else {
            "none".into()
        },
        fetched_at: available.then(|| ts("2026-11-01T00:00:00Z")),
        records,
        reason: reason.map(str::to_string),
    };
    collections.insert("users".to_string(), c(true, 120, None));
    collections.insert("groups".to_string(), c(true, 14, None));
    collections.insert("events".to_string(), c(true, 8342, None));
    collections.insert(
        "api_tokens".to_string(),
        c(
            false,
            0,
            Some("403 Forbidden: the API key lacks the read:api-tokens scope"),
        ),
    );
    ReportHeader {
        org: OrgInfo {
            id: "0b7c1d2e-5f60-4a1b-9c3d-0123456789ab".into(),
            name: Some("Acme Corp".into()),
        },
        snapshot: SnapshotInfo {
            location: "snapshots/acme".into(),
            source: "api".into(),
            collected_at: ts("2026-11-01T00:00:00Z"),
            content_hash: "5b1f0c3e8d7a69e2c4b0a1f2e3d4c5b6a7980123456789abcdef0123456789ab".into(),
            event_window: Some(
                json!({"from": "2026-10-02T00:00:00.000Z", "to": "2026-11-01T00:00:00.000Z"}),
            ),
            collections,
            attestation: Some(AttestationInfo {
                attested_by: "it-admin@acme.example".into(),
                attested_at: ts("2026-10-28T09:00:00Z"),
            }),
        },
        evaluated_at: ts("2026-11-02T00:00:00Z"),
        pack_hash: "c0ffee0000000000000000000000000000000000000000000000000000000001".into(),
    }
}

/// Builds a report the way `scan` does: waivers applied, gate decided, everything assembled.
pub fn report_from(controls: Vec<ControlResult>, waivers: &[Waiver], activity: Value) -> Report {
    let mut controls = controls;
    let header = sample_header();
    let outcome = apply_waivers(waivers, &mut controls, header.evaluated_at);
    let gate = decide(&controls, GateRules::new(Severity::High), None);
    let mut report = assemble_report(header, controls, gate, activity);
    report.waivers = outcome.reports;
    report.warnings = outcome.warnings;
    report
}

pub fn sample_report() -> Report {
    report_from(sample_controls(), &sample_waivers(), sample_activity())
}

/// A string that tries every way out of its context: script tags, attribute and quote
/// breakers, template syntax, Markdown and CSV specials, control characters, and 10 KB length.
pub fn hostile_string(tag: &str) -> String {
    let mut s = format!(
        "=cmd|' /C calc'!A0 <script>document.title='PWNED-{tag}'</script>\"'><img src=x onerror=\"document.title='PWNED'\"> {{{{title}}}} {{{{{{raw}}}}}} {{{{#each x}}}} ]]> <!-- | *bold* [link](javascript:alert(1)) \u{0}\u{1}\u{7}\u{1b}[31m\u{8}\u{b}\u{c}\u{7f}\u{85}\u{2028}\u{202e}\r\n\t `code` ${{x}} <svg onload=alert(1)> </style></svg></title></textarea>"
    );
    while s.len() < 10 * 1024 {
        s.push_str("&lt;x&gt; <b>bold</b> ");
    }
    s
}

const ENUM_KEYS: [&str; 12] = [
    "severity",
    "status",
    "kind",
    "schema",
    "outcome",
    "fail_on",
    "state",
    "collected_at",
    "evaluated_at",
    "fetched_at",
    "attested_at",
    "fingerprint",
];

fn poison(v: &mut Value, key: Option<&str>, counter: &mut usize) {
    match v {
        Value::String(s) => {
            if key.is_some_and(|k| ENUM_KEYS.contains(&k)) {
                return;
            }
            *counter += 1;
            *s = format!("{}{}", hostile_string(&counter.to_string()), s);
        }
        Value::Array(items) => items.iter_mut().for_each(|i| poison(i, key, counter)),
        Value::Object(map) => {
            let entries: Vec<(String, Value)> = std::mem::take(map).into_iter().collect();
            for (k, mut value) in entries {
                poison(&mut value, Some(&k), counter);
                map.insert(k, value);
            }
        }
        _ => {}
    }
}

/// Every org-data string (and every activity key) made hostile; structure and enums intact.
pub fn hostile_report() -> Report {
    let mut controls = sample_controls();
    let mut counter = 0usize;
    for c in &mut controls {
        for f in &mut c.findings {
            let mut v = serde_json::to_value(&*f).unwrap_or(Value::Null);
            poison(&mut v, None, &mut counter);
            if let Ok(mut poisoned) = serde_json::from_value::<Finding>(v) {
                poisoned.fingerprint = fingerprint(&poisoned.control_id, &poisoned.resource);
                *f = poisoned;
            }
        }
        c.reasons = c
            .reasons
            .iter()
            .map(|r| format!("{}{r}", hostile_string("reason")))
            .collect();
    }
    let mut activity = sample_activity();
    let mut hostile_keys = serde_json::Map::new();
    if let Value::Object(map) = &activity {
        for (k, v) in map {
            let mut v = v.clone();
            if let Value::Object(inner) = &mut v {
                let renamed: serde_json::Map<String, Value> = std::mem::take(inner)
                    .into_iter()
                    .map(|(ik, iv)| (format!("<script>document.title='PWNED'</script>{ik}"), iv))
                    .collect();
                *inner = renamed;
            }
            hostile_keys.insert(k.clone(), v);
        }
    }
    activity = Value::Object(hostile_keys);
    poison(&mut activity, None, &mut counter);
    let mut report = report_from(controls, &[], activity);
    let mut header = serde_json::to_value(&report.org).unwrap_or(Value::Null);
    poison(&mut header, None, &mut counter);
    if let Ok(org) = serde_json::from_value(header) {
        report.org = org;
    }
    let mut snap = serde_json::to_value(&report.snapshot).unwrap_or(Value::Null);
    poison(&mut snap, None, &mut counter);
    if let Ok(s) = serde_json::from_value(snap) {
        report.snapshot = s;
    }
    report.warnings = vec![hostile_string("warning")];
    report
}

/// A report with `n` findings spread over a few failing controls (for the scale test).
pub fn large_report(n: usize) -> Report {
    let mut controls = sample_controls();
    let per = n / 4 + 1;
    let mut made = 0usize;
    for c in controls
        .iter_mut()
        .filter(|c| c.status == Status::Fail && c.info.kind == Kind::Posture)
    {
        let info = c.info.clone();
        c.findings.clear();
        for i in 0..per {
            if made >= n {
                break;
            }
            let id = format!("557058:{:08x}-0000-4000-8000-{:012x}", made, i);
            c.findings.push(finding(
                &info,
                "user",
                &id,
                Some(&format!("User {made}")),
                &format!("User {made} (user{made}@acme.example) is out of policy"),
                json!({"source": "api", "collection": "users", "endpoint": "/admin/v2/orgs/{orgId}/directories/-/users", "field": "mfa_enabled", "observed": false}),
            ));
            made += 1;
        }
    }
    if let Some(det) = controls.iter_mut().find(|c| c.info.kind == Kind::Detection) {
        let info = det.info.clone();
        while made < n {
            det.findings.push(finding(
                &info,
                "event",
                &format!("evt-{made:08}"),
                None,
                &format!("Suspicious event {made}"),
                json!({"source": "events", "event_ids": [format!("evt-{made:08}")]}),
            ));
            made += 1;
        }
    }
    report_from(controls, &sample_waivers(), sample_activity())
}

/// `n` findings spread over `controls` failing posture controls with long evidence: the worst
/// case for the HTML page budget.
pub fn wide_report(n: usize, controls: usize) -> Report {
    let mut results = sample_controls();
    let controls = controls.max(1);
    let per = n.div_ceil(controls);
    let mut made = 0usize;
    for k in 0..controls {
        let info = info(
            &format!("ATL-SYN-{k:03}"),
            &format!("Synthetic control number {k} with a reasonably long title"),
            "Identity and authentication",
            Severity::High,
            5.0,
            Kind::Posture,
            "low",
            "low",
        );
        let mut findings = Vec::with_capacity(per);
        for i in 0..per {
            if made >= n {
                break;
            }
            findings.push(finding(
                &info,
                "user",
                &format!("557058:{k:08x}-0000-4000-8000-{i:012x}"),
                Some(&format!("Person {k}-{i}")),
                &format!("Person {k}-{i} (person{k}x{i}@acme.example) breaks synthetic rule {k}"),
                json!({"source": "events", "action": "user_login", "event_ids": (0..30).map(|e| format!("evt-{k}-{i}-{e}")).collect::<Vec<_>>(),
                       "endpoint": "/admin/v1/orgs/{orgId}/events", "fetched_at": "2026-11-01T00:00:00.000Z", "ip": "203.0.113.7", "country": "Germany"}),
            ));
            made += 1;
        }
        results.push(result(info, Status::Fail, None, &[], findings));
    }
    report_from(results, &sample_waivers(), sample_activity())
}
