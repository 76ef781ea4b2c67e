//! `--redact` through the binary: no string of the snapshot that identifies a person, an IP
//! address, a credential or an event appears in any redacted output (report files,
//! `--dump-input`, stdout, stderr), neither raw nor as its unkeyed sha256 / md5 / base64, and
//! no unkeyed finding fingerprint does either; fingerprints are HMACs, so two redacted runs
//! with the same `ORGSCAN_REDACT_KEY` still work as each other's `--baseline`. Checked on the
//! demo org and on a hostile fixture (odd id shapes, IPv6, actors outside the directory).

use crate::support;

use md5::Md5;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::path::Path;
use support::*;

const KEY: &str = "correct horse battery staple";
const FORMATS: &str = "json,html,sarif,junit,md,csv,ocsf";

fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out // unpadded: a prefix of the padded form too
}

/// The forms a reader could search a redacted report for, given a guessed value.
fn derived_forms(value: &str) -> Vec<String> {
    let mut forms = Vec::new();
    for v in [value.to_string(), value.to_lowercase()] {
        let sha = Sha256::digest(v.as_bytes());
        let md5 = Md5::digest(v.as_bytes());
        forms.push(hex::encode(sha));
        forms.push(hex::encode(&sha[..16])); // the old fingerprint length
        forms.push(base64(&sha));
        forms.push(hex::encode(md5));
        forms.push(base64(&md5));
        if v.len() >= 3 {
            forms.push(base64(v.as_bytes()));
        }
    }
    forms
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("json")
}

/// A collection file of the snapshot, or an empty list when it was not written.
fn collection(snap: &Path, file: &str) -> Vec<Value> {
    let path = snap.join(file);
    if !path.exists() {
        return Vec::new();
    }
    read_json(&path).as_array().cloned().unwrap_or_default()
}

/// Atlassian's own system actor names no person.
const SYSTEM_ACTOR: &str = "atlassian-internal-system";

fn strs<'a>(v: &'a Value, keys: &[&str]) -> Vec<&'a str> {
    keys.iter()
        .filter_map(|k| v.pointer(k).and_then(Value::as_str))
        .collect()
}

/// Every string of the snapshot that identifies a person, an IP, a credential or an event.
fn identifying_strings(snap: &Path) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut apps = BTreeSet::new();
    let mut add = |s: &str| {
        if !s.trim().is_empty() {
            found.insert(s.to_string());
        }
    };
    for u in &collection(snap, "users.json") {
        if u["accountType"] == "app" {
            apps.insert(u["accountId"].as_str().unwrap_or_default().to_string());
            continue;
        }
        strs(u, &["/accountId", "/email", "/name", "/nickname"])
            .into_iter()
            .for_each(&mut add);
    }
    for t in &collection(snap, "api_tokens.json") {
        strs(
            t,
            &["/id", "/label", "/user/id", "/user/name", "/user/email"],
        )
        .into_iter()
        .for_each(&mut add);
    }
    for k in &collection(snap, "api_keys.json") {
        strs(
            k,
            &[
                "/id",
                "/label",
                "/createdBy/id",
                "/createdBy/name",
                "/createdBy/email",
            ],
        )
        .into_iter()
        .for_each(&mut add);
    }
    if snap.join("attestation.json").exists() {
        let a = read_json(&snap.join("attestation.json"));
        strs(&a, &["/attested_by"]).into_iter().for_each(&mut add);
    }
    // Every event of the snapshot, whatever form it is stored in.
    for line in crate::support::stored_events(snap).lines() {
        let e: Value = serde_json::from_str(line).expect("event line");
        strs(&e, &["/id", "/attributes/location/ip"])
            .into_iter()
            .for_each(&mut add);
        let actor = &e["attributes"]["actor"];
        let actor_id = actor["id"].as_str().unwrap_or_default();
        if !apps.contains(actor_id) && actor_id != SYSTEM_ACTOR {
            strs(actor, &["/id", "/name", "/email"])
                .into_iter()
                .for_each(&mut add);
        }
    }
    found
}

/// Whether `needle` occurs in `text` (lower-cased) as a whole word.
fn occurs(text_lower: &str, needle: &str) -> bool {
    let needle = needle.to_lowercase();
    text_lower.match_indices(&needle).any(|(i, m)| {
        let before = text_lower[..i].chars().next_back();
        let after = text_lower[i + m.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// orgscan's own words (control metadata, the HTML template): a nickname such as "break"
/// that is also a word of these is printed for every org and identifies no one.
fn tool_text(report: &Value) -> String {
    let mut text = String::new();
    for c in report["controls"].as_array().into_iter().flatten() {
        let mut c = c.clone();
        if let Some(map) = c.as_object_mut() {
            for org_data in ["findings", "reasons", "to_pass"] {
                map.remove(org_data);
            }
        }
        text.push_str(&c.to_string());
    }
    for file in [
        "reports/report.html.hbs",
        "reports/report.js",
        "reports/report.css",
        "reports/partials/summary.html.hbs",
        "reports/partials/findings_table.html.hbs",
        "reports/partials/all_findings.html.hbs",
    ] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
        text.push_str(&std::fs::read_to_string(path).expect("template"));
    }
    text.to_lowercase()
}

fn fingerprints(report: &Value) -> BTreeSet<String> {
    report["controls"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|c| c["findings"].as_array().into_iter().flatten())
        .filter_map(|f| f["fingerprint"].as_str().map(str::to_string))
        .collect()
}

/// Scans `snap` redacted and unredacted and checks every redacted output.
fn assert_nothing_identifying_survives(dir: &Path, snap: &str, extra: &[&str]) {
    let plain = orgscan_env(
        &[
            &[
                "scan",
                snap,
                "--out",
                "plain",
                "--format",
                "json",
                "--exit-zero",
                // The hostile fixture has no attestation: below the coverage gate, which is
                // not what this test is about.
                "--min-coverage",
                "0",
            ],
            extra,
        ]
        .concat(),
        dir,
        &[],
    );
    assert_eq!(plain.status.code(), Some(0), "{}", stderr(&plain));
    let unkeyed = fingerprints(&read_json(&dir.join("plain/report.json")));
    assert!(!unkeyed.is_empty(), "the fixture must produce findings");

    let args = [
        &[
            "scan",
            snap,
            "--out",
            "red",
            "--format",
            FORMATS,
            "--redact",
            "--exit-zero",
            "--min-coverage",
            "0",
        ][..],
        &["--dump-input", "red-input.json"],
        extra,
    ]
    .concat();
    let red = orgscan_env(&args, dir, &[("ORGSCAN_REDACT_KEY", KEY)]);
    assert_eq!(red.status.code(), Some(0), "{}", stderr(&red));

    // The tool's own words include the control parameters' names (`draft_grace_days`), which
    // the dumped input carries as config keys and the report's texts now show as values.
    let mut own_text = tool_text(&read_json(&dir.join("red/report.json")));
    let input = read_json(&dir.join("red-input.json"));
    for params in input["config"]["controls"]
        .as_object()
        .into_iter()
        .flat_map(|m| m.values())
    {
        for name in params.as_object().into_iter().flat_map(|m| m.keys()) {
            own_text.push(' ');
            own_text.push_str(&name.to_lowercase());
        }
    }
    let identifying: BTreeSet<String> = identifying_strings(&dir.join(snap))
        .into_iter()
        .filter(|v| !occurs(&own_text, v))
        .collect();
    assert!(identifying.len() > 10, "{identifying:?}");
    let mut outputs: Vec<(String, String)> = std::fs::read_dir(dir.join("red"))
        .expect("out dir")
        .map(|e| {
            let p = e.expect("entry").path();
            (
                p.display().to_string(),
                std::fs::read_to_string(&p).expect("utf-8 output"),
            )
        })
        .collect();
    assert_eq!(outputs.len(), 8, "seven reports and orgscan-run.json");
    let dumped = std::fs::read_to_string(dir.join("red-input.json")).expect("dumped input");
    outputs.push(("red-input.json".into(), dumped));
    outputs.push(("stdout".into(), stdout(&red)));
    outputs.push(("stderr".into(), stderr(&red)));
    // One automaton over every value and every form of it (thousands of event ids, IPs,
    // people). Values match as whole words ("olivia" is not in "bolivia"); hashes and
    // encodings match anywhere.
    let mut needles: Vec<(String, bool, String)> = Vec::new();
    for value in &identifying {
        needles.push((value.to_lowercase(), true, format!("{value:?}")));
        for form in derived_forms(value) {
            needles.push((
                form.to_lowercase(),
                false,
                format!("{form} (derived from {value:?})"),
            ));
        }
    }
    for fp in &unkeyed {
        needles.push((fp.clone(), false, format!("the unkeyed fingerprint {fp}")));
    }
    let finder =
        aho_corasick::AhoCorasick::new(needles.iter().map(|(n, _, _)| n)).expect("automaton");
    for (name, text) in &outputs {
        let lower = text.to_lowercase();
        for m in finder.find_overlapping_iter(&lower) {
            let (_, whole_word, what) = &needles[m.pattern().as_usize()];
            let before = lower[..m.start()].chars().next_back();
            let after = lower[m.end()..].chars().next();
            let bounded = !before.is_some_and(char::is_alphanumeric)
                && !after.is_some_and(char::is_alphanumeric);
            assert!(*whole_word && !bounded, "{name} holds {what}");
        }
    }

    // Same key: same fingerprints, so the redacted report is a working baseline.
    let again = orgscan_env(
        &[
            &[
                "scan", snap, "--out", "again", "--format", "json", "--redact",
            ][..],
            &["--baseline", "red/report.json", "--fail-on-new"],
            extra,
        ]
        .concat(),
        dir,
        &[("ORGSCAN_REDACT_KEY", KEY)],
    );
    let first = read_json(&dir.join("red/report.json"));
    let second = read_json(&dir.join("again/report.json"));
    assert_eq!(fingerprints(&first), fingerprints(&second));
    assert_eq!(
        second["baseline"]["new_findings"],
        json!([]),
        "{}",
        stderr(&again)
    );
    assert_eq!(second["redaction"]["comparable_across_runs"], true);
    assert!(
        !stderr(&again).contains("--baseline:"),
        "{}",
        stderr(&again)
    );
}

#[test]
fn the_demo_org_redacted_names_no_one() {
    let tmp = tempfile::tempdir().expect("tempdir");
    orgscan::demo::write_demo(&tmp.path().join("demo")).expect("demo snapshot");
    assert_nothing_identifying_survives(tmp.path(), "demo", &[]);

    // Without a key: a random one, said in the report, and a baseline cannot match.
    let o = orgscan_env(
        &[
            "scan",
            "demo",
            "--out",
            "nokey",
            "--format",
            "json",
            "--redact",
            "--exit-zero",
        ],
        tmp.path(),
        &[],
    );
    let nokey = read_json(&tmp.path().join("nokey/report.json"));
    assert_eq!(nokey["redaction"]["key"], "per-run", "{}", stderr(&o));
    assert_eq!(nokey["redaction"]["comparable_across_runs"], false);
    let keyed = read_json(&tmp.path().join("red/report.json"));
    assert!(fingerprints(&nokey).is_disjoint(&fingerprints(&keyed)));
    let o = orgscan_env(
        &[
            "scan",
            "demo",
            "--out",
            "nokey2",
            "--format",
            "json",
            "--redact",
            "--exit-zero",
            "--baseline",
            "red/report.json",
        ],
        tmp.path(),
        &[],
    );
    assert!(
        stderr(&o).contains("--baseline: this run's redaction key is drawn for this run only"),
        "{}",
        stderr(&o)
    );
}

/// Echoes everything identifying into messages, resource names and evidence.
const ECHO_POLICY: &str = r#"# METADATA
# title: Echo
# description: Quotes every person, token and event it sees.
# custom:
#   id: TEST-ECHO
#   severity: high
#   category: Identity and authentication
#   points: 5
#   user_impact: low
#   implementation_cost: low
#   remediation: [None]
#   data:
#     api: [users, api_tokens]
#     events: [user_login]
package custom.echo

import rego.v1

deny contains {"resource": {"type": "user", "id": u.accountId, "name": u.name}, "message": sprintf("%s <%s> aka %s", [u.name, u.email, object.get(u, "nickname", "")]), "evidence": {"source": "api", "observed": {"email": u.email, "who": u.name}}} if {
	some u in input.users
}

deny contains {"resource": {"type": "api_token", "id": t.id, "name": t.label}, "message": sprintf("token %s (%s) of %s <%s>", [t.label, t.id, t.user.name, t.user.email]), "evidence": {"source": "api", "tokens": [t.label], "token_ids": [t.id]}} if {
	some t in input.api_tokens
}

deny contains {"resource": {"type": "event", "id": e.id}, "message": sprintf("event %s by %s (%s) from %s", [e.id, e.actor.name, e.actor.id, e.ip]), "evidence": {"source": "events", "event_ids": [e.id], "ip": e.ip, "actor_id": e.actor.id, "event": e}} if {
	some e in input.events_by_action.user_login
}
"#;

fn hostile_event(id: &str, time: &str, actor: (&str, &str, &str), ip: &str) -> String {
    json!({"id": id, "type": "events", "attributes": {"time": time, "action": "user_login",
        "actor": {"id": actor.0, "name": actor.1, "email": actor.2},
        "context": [], "container": [],
        "location": {"ip": ip, "countryName": "Germany", "city": "Berlin"}},
        "message": {"content": "user_login", "format": "simple"}})
    .to_string()
}

#[test]
fn a_hostile_org_redacted_names_no_one() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut org = small_org();
    org.insert(
        orgscan::snapshot::Collection::Users,
        json!([
            {"accountId": "acct:Ünïcode/42", "name": "Zoë O'Brien-Søndergaard", "nickname": "zobs",
             "email": "zoe+audit@xn--sndergaard-5cb.example", "status": "active", "accountStatus": "active",
             "accountType": "atlassian", "platformRoles": ["atlassian/org-admin"], "mfaEnabled": false, "groups": []},
            {"accountId": "0123456789abcdef01234567", "name": "<b>Mallory</b> \"Root\"", "email": "MALLORY@Evil.Example",
             "status": "active", "accountStatus": "active", "accountType": "atlassian", "platformRoles": [],
             "mfaEnabled": false, "groups": []},
            {"accountId": "557058:aaaaaaaa-0000-4000-8000-00000000c0de", "name": "Build Bot", "accountType": "app",
             "status": "active", "accountStatus": "active", "platformRoles": [], "groups": []}
        ]),
    );
    org.insert(
        orgscan::snapshot::Collection::ApiTokens,
        json!([
            {"id": "tok_hostile_0001", "label": "prod deploy ✓ (do-not-revoke)", "status": "ALLOWED",
             "createdAt": "2025-01-01T00:00:00Z",
             "user": {"id": "acct:Ünïcode/42", "name": "Zoë O'Brien-Søndergaard", "email": "zoe+audit@xn--sndergaard-5cb.example"}}
        ]),
    );
    let events = vec![
        hostile_event(
            "evt:hostile:0001",
            "2026-11-19T10:00:00Z",
            ("ext-eve-0042", "Eve Outsider", "eve@outside.example"),
            "2001:db8:85a3::8a2e:370:7334",
        ),
        hostile_event(
            "evt:hostile:0002",
            "2026-11-19T11:00:00Z",
            (
                "0123456789abcdef01234567",
                "<b>Mallory</b> \"Root\"",
                "mallory@evil.example",
            ),
            "198.51.100.23",
        ),
    ];
    write_snapshot(&tmp.path().join("snap"), &org, Some(&events));
    let pol = tmp.path().join("pol");
    std::fs::create_dir_all(&pol).expect("mkdir");
    std::fs::write(pol.join("echo.rego"), ECHO_POLICY).expect("write policy");
    assert_nothing_identifying_survives(tmp.path(), "snap", &["--policies", "pol"]);
}
