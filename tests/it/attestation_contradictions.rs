//! Attested answers the audit log contradicts (issue 13 item 6), end to end: a small snapshot
//! with an attestation and audit events, scanned by the real binary with the shipped pack. The
//! Rust side selects the events strictly after `attested_at` (the declared facts of ATL-LOG-004,
//! ATL-DAT-005, ATL-DAT-006 and ATL-APP-002); the controls fail with those events as evidence, and pass on
//! the near misses (a change before the attestation, a deletion undone later).

use crate::support;

use orgscan::snapshot::Collection;
use serde_json::{json, Value};
use support::*;

const ATTESTED_AT: &str = "2026-11-10T09:00:00.000Z";

/// One served event line: `n` numbers the id, `policy` names a data security policy.
fn event(n: usize, time: &str, action: &str, policy: Option<&str>) -> String {
    let context = match policy {
        Some(id) => {
            json!([{"id": id, "type": "data-security-policy", "attributes": {"name": format!("Policy {id}")}}])
        }
        None => json!([]),
    };
    json!({"id": format!("00000000-0000-4000-8000-{n:012}"), "type": "events",
           "attributes": {"time": time, "action": action,
                          "actor": {"id": "a-admin", "name": "Ada Admin"},
                          "context": context, "container": [{"id": "org-small", "type": "orgs"}]}})
    .to_string()
}

fn id(n: usize) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

/// Scans a snapshot holding `events` with streaming and every data-security rule attested on
/// (and the MCP server on, for ATL-APP-002); returns the report.
fn scan(events: &[String]) -> Value {
    let tmp = tempfile::tempdir().unwrap();
    let snap = tmp.path().join("snap");
    let mut c = small_org();
    c.insert(
        Collection::Attestation,
        json!({"attested_by": "sec@small.example", "attested_at": ATTESTED_AT,
               "audit_log": {"streaming_enabled": true, "streaming_destination": "splunk"},
               "mcp": {"enabled": true},
               "data_security": {"app_access_rule": true, "public_links_blocked": true, "anonymous_access_blocked": true,
                                 "mcp_app_blocked_on_sensitive": true}}),
    );
    write_snapshot(&snap, &c, Some(events));
    scan_json_report(&snap, tmp.path(), &[])
}

fn event_ids(finding: &Value) -> Vec<&str> {
    finding["evidence"]["event_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect()
}

#[test]
fn changes_after_the_attestation_fail_the_controls_that_read_the_answers() {
    let report = scan(&[
        // Before the attestation: the attestation describes the state after these.
        event(
            1,
            "2026-11-09T10:00:00.000Z",
            "audit_log_webhook_deleted",
            None,
        ),
        event(
            2,
            "2026-11-09T10:05:00.000Z",
            "data_security_policy_rule_removed",
            Some("dsp-a"),
        ),
        // After it: a deletion undone by a new registration (near miss), then one that is not.
        event(
            3,
            "2026-11-12T10:00:00.000Z",
            "audit_log_webhook_deleted",
            None,
        ),
        event(
            4,
            "2026-11-12T10:30:00.000Z",
            "audit_log_webhook_created",
            None,
        ),
        event(
            5,
            "2026-11-17T18:00:00.000Z",
            "audit_log_webhook_deleted",
            None,
        ),
        // A policy deactivated and then deleted; an app-list edit, which is not a removal.
        event(
            6,
            "2026-11-17T18:05:12.000Z",
            "data_security_policy_deactivated",
            Some("dsp-b"),
        ),
        event(
            7,
            "2026-11-17T18:06:00.000Z",
            "data_security_policy_app_added",
            Some("dsp-b"),
        ),
        event(
            8,
            "2026-11-17T18:07:40.000Z",
            "data_security_policy_deleted",
            Some("dsp-b"),
        ),
    ]);

    let streaming = report_control(&report, "ATL-LOG-004");
    assert_eq!(streaming["status"], "fail", "{streaming:#}");
    let findings = streaming["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{streaming:#}");
    assert_eq!(findings[0]["evidence"]["source"], "events");
    assert_eq!(event_ids(&findings[0]), [id(5)]);
    assert_eq!(
        findings[0]["evidence"]["restored_later"],
        json!([{"deleted": id(3), "at": "2026-11-12T10:00:00.000Z", "registered_again": [id(4)]}])
    );

    for (control_id, settings) in [
        ("ATL-DAT-005", vec!["data_security.app_access_rule"]),
        (
            "ATL-DAT-006",
            vec![
                "data_security.anonymous_access_blocked",
                "data_security.public_links_blocked",
            ],
        ),
        (
            "ATL-APP-002",
            vec!["data_security.mcp_app_blocked_on_sensitive"],
        ),
    ] {
        let c = report_control(&report, control_id);
        assert_eq!(c["status"], "fail", "{c:#}");
        let findings = c["findings"].as_array().unwrap();
        let mut resources: Vec<&str> = findings
            .iter()
            .map(|f| f["resource"]["id"].as_str().unwrap())
            .collect();
        resources.sort();
        assert_eq!(resources, settings, "{c:#}");
        for f in findings {
            assert_eq!(event_ids(f), [id(6), id(8)], "{f:#}");
            assert!(
                f["message"].as_str().unwrap().contains(
                    "Ada Admin (a-admin) deactivated data security policy \"Policy dsp-b\" on 2026-11-17T18:05:12.000Z"
                ),
                "{f:#}"
            );
        }
    }
}

#[test]
fn near_misses_leave_the_attested_answers_passing() {
    let report = scan(&[
        event(
            1,
            "2026-11-09T10:00:00.000Z",
            "audit_log_webhook_deleted",
            None,
        ),
        event(
            2,
            "2026-11-09T10:05:00.000Z",
            "data_security_policy_deleted",
            Some("dsp-a"),
        ),
        // At the attestation's own instant: not after it.
        event(
            3,
            ATTESTED_AT,
            "data_security_policy_rule_removed",
            Some("dsp-c"),
        ),
        event(
            4,
            "2026-11-12T10:00:00.000Z",
            "audit_log_webhook_deleted",
            None,
        ),
        event(
            5,
            "2026-11-12T10:30:00.000Z",
            "audit_log_webhook_created",
            None,
        ),
        event(
            6,
            "2026-11-13T09:00:00.000Z",
            "audit_log_webhook_updated",
            None,
        ),
        event(
            7,
            "2026-11-17T18:05:12.000Z",
            "data_security_policy_deactivated",
            Some("dsp-b"),
        ),
        event(
            8,
            "2026-11-17T18:20:00.000Z",
            "data_security_policy_activated",
            Some("dsp-b"),
        ),
        event(
            9,
            "2026-11-18T09:00:00.000Z",
            "data_security_policy_coverage_updated",
            Some("dsp-b"),
        ),
    ]);
    for control_id in ["ATL-LOG-004", "ATL-DAT-005", "ATL-DAT-006", "ATL-APP-002"] {
        let c = report_control(&report, control_id);
        assert_eq!(c["status"], "pass", "{c:#}");
    }
    // The audit-log change report still lists what happened after the attestation.
    assert_eq!(report_control(&report, "ATL-LOG-006")["status"], "fail");
}
