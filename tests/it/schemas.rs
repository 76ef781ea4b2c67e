//! The published JSON Schemas (schemas/, `orgscan schema NAME`) against the reports orgscan
//! writes: every golden report, the demo org scanned plainly, redacted and against a baseline
//! with history, and the fixture reports are validated with a real draft 2020-12 validator
//! (the `jsonschema` package in .tools/lint, installed by scripts/install-test-deps.sh); a drift
//! test checks that every property the report schema declares is written by the serde types.

use crate::support::report as report_support;

// (The hostile fixture is left out: every string and activity key in it is an attack
// payload, dates included, so it is not a report orgscan writes.)
use orgscan::report::fixture::{large_report, sample_report};
use orgscan::report::{render, Format};
use report_support::*;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn orgscan(dir: &Path, args: &[&str]) {
    let out = Command::new(env!("CARGO_BIN_EXE_orgscan"))
        .args(args)
        .current_dir(dir)
        .env("ORGSCAN_REDACT_KEY", "schema-test-key")
        .output()
        .unwrap();
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "orgscan {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Every report.json this test can make: goldens, demo scans, fixtures.
fn reports(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = Vec::new();
    for golden in [
        "tests/golden/sample.report.json",
        "tests/golden/cli/report.json",
    ] {
        files.push(root().join(golden));
    }
    let demo = [
        "scan",
        "--format",
        "json",
        "--exit-zero",
        "--quiet",
        "--out",
    ];
    orgscan(dir, &[&demo[..], &["plain"]].concat());
    orgscan(dir, &[&demo[..], &["redacted", "--redact"]].concat());
    // The last scan reads ./orgscan.toml implicitly: the report records it.
    std::fs::write(dir.join("orgscan.toml"), "[org]\n").unwrap();
    std::fs::create_dir_all(dir.join("history")).unwrap();
    std::fs::copy(
        dir.join("plain/report.json"),
        dir.join("history/report.json"),
    )
    .unwrap();
    // Not a report: skipped with a warning that report.json's warnings[] carries too.
    std::fs::write(dir.join("history/notes.json"), "{}").unwrap();
    orgscan(
        dir,
        &[
            &demo[..],
            &[
                "again",
                "--baseline",
                "plain/report.json",
                "--history",
                "history",
                // Any case, and `none` (written as gate.fail_on_none).
                "--fail-on",
                "NONE",
            ],
        ]
        .concat(),
    );
    for out in ["plain", "redacted", "again"] {
        files.push(dir.join(out).join("report.json"));
    }
    for (name, report) in [
        ("sample.json", sample_report()),
        ("large.json", large_report(500)),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, render(&report, Format::Json).unwrap()).unwrap();
        files.push(path);
    }
    files
}

#[test]
fn every_report_validates_against_the_published_schema() {
    let Some(lint) = jsonschema_path() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let files = reports(dir.path());
    assert_valid(&lint, "report.v1.schema.json", &files);

    // The validator is not a rubber stamp: a report with a wrong type, an unknown status or
    // an undeclared field fails.
    let mut broken: Value =
        serde_json::from_str(&std::fs::read_to_string(&files[0]).unwrap()).unwrap();
    broken["controls"][0]["status"] = "maybe".into();
    broken["gate"]["surprise"] = true.into();
    broken["summary"]["findings"] = "six".into();
    assert_invalid(&lint, "report.v1.schema.json", dir.path(), &broken, 3);
}

/// Every property name the schema declares in its closed objects (evidence and activity are
/// open by design and left out).
fn declared(schema: &Value, out: &mut BTreeSet<String>) {
    match schema {
        Value::Object(map) => {
            if let Some(Value::Object(props)) = map.get("properties") {
                for (name, sub) in props {
                    out.insert(name.clone());
                    if name != "evidence" && name != "activity" {
                        declared(sub, out);
                    }
                }
            }
            for (key, sub) in map {
                if key != "properties" {
                    declared(sub, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| declared(i, out)),
        _ => {}
    }
}

/// Every object key of a document, except inside maps keyed by data (collections, categories,
/// statuses, frameworks) and the open evidence and activity blocks.
fn written(doc: &Value, out: &mut BTreeSet<String>) {
    match doc {
        Value::Object(map) => {
            for (k, v) in map {
                out.insert(k.clone());
                let keyed_by_data = matches!(
                    k.as_str(),
                    "collections"
                        | "by_category"
                        | "by_status"
                        | "failed_by_severity"
                        | "frameworks"
                );
                if k == "evidence" || k == "activity" {
                    continue;
                }
                if keyed_by_data {
                    if let Value::Object(m) = v {
                        m.values().for_each(|x| written(x, out));
                    }
                } else {
                    written(v, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| written(i, out)),
        _ => {}
    }
}

/// The schema and the serde types stay in step: what the schema declares is what the reports
/// write (the validation above checks the other direction: nothing undeclared is written).
#[test]
fn the_report_schema_declares_what_the_serde_types_write() {
    let schema: Value = serde_json::from_str(orgscan::schemas::schema("report").unwrap()).unwrap();
    let mut names = BTreeSet::new();
    declared(&schema, &mut names);
    let dir = tempfile::tempdir().unwrap();
    let mut seen = BTreeSet::new();
    for file in reports(dir.path()) {
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        written(&doc, &mut seen);
    }
    // Written only in situations these reports do not reach (documented in the schema).
    let rarely = ["would_be", "resource_type"];
    let missing: Vec<&String> = names
        .iter()
        .filter(|n| !seen.contains(*n) && !rarely.contains(&n.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "declared but never written: {missing:?}"
    );
    let undeclared: Vec<&String> = seen.iter().filter(|n| !names.contains(*n)).collect();
    assert!(
        undeclared.is_empty(),
        "written but not declared: {undeclared:?}"
    );
}

/// An implicitly read ./orgscan.toml is recorded (path, sha256) and noted on stderr; a
/// skipped --history file is a warning in report.json as well as on stderr.
#[test]
fn the_report_records_its_config_file_and_history_warnings() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("orgscan.toml"), "[org]\n").unwrap();
    std::fs::create_dir_all(dir.path().join("history")).unwrap();
    std::fs::write(dir.path().join("history/notes.json"), "{}").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_orgscan"))
        .args([
            "scan",
            "--format",
            "json",
            "--exit-zero",
            "--quiet",
            "--out",
            "o",
        ])
        .args(["--history", "history"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("note: using orgscan.toml from the current directory"),
        "{stderr}"
    );
    assert!(stderr.contains("--history: skipped"), "{stderr}");
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("o/report.json")).unwrap())
            .unwrap();
    assert_eq!(report["config"]["path"], "orgscan.toml");
    assert_eq!(report["config"]["implicit"], true);
    // sha256 of "[org]\n".
    use sha2::Digest;
    let want: String = sha2::Sha256::digest(b"[org]\n")
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(report["config"]["sha256"], want.as_str());
    let warnings: Vec<&str> = report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        warnings.iter().any(|w| w.starts_with("--history: skipped")),
        "{warnings:?}"
    );
    // Named with --config: not implicit, no note.
    let out = Command::new(env!("CARGO_BIN_EXE_orgscan"))
        .args([
            "scan",
            "--format",
            "json",
            "--exit-zero",
            "--quiet",
            "--out",
            "p",
        ])
        .args(["--config", "orgscan.toml"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("note: using"));
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("p/report.json")).unwrap())
            .unwrap();
    assert_eq!(report["config"]["implicit"], false);
}

#[test]
fn orgscan_schema_prints_each_schema_and_refuses_an_unknown_name() {
    for (name, _, text) in orgscan::schemas::SCHEMAS {
        let out = Command::new(env!("CARGO_BIN_EXE_orgscan"))
            .args(["schema", name])
            .output()
            .unwrap();
        assert!(out.status.success());
        assert_eq!(String::from_utf8_lossy(&out.stdout), text);
    }
    let out = Command::new(env!("CARGO_BIN_EXE_orgscan"))
        .args(["schema", "nope"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("expected one of report, activity"));
}

// ---------------------------------------------------------------------------------------------
// The snapshot manifest, the attestation and orgscan.toml (issue 14 item 9).

use orgscan::snapshot::manifest::{
    EventWindow, LatenessHorizon, OrgIdentity, FORMAT_NAME, FORMAT_VERSION,
};
use orgscan::snapshot::{
    Collection, CollectionStatus, FileEntry, Manifest, Provenance, SnapshotSource,
};

fn schema_value(name: &str) -> Value {
    serde_json::from_str(orgscan::schemas::schema(name).unwrap()).unwrap()
}

/// Runs validate_schema.py: (success, what it printed).
fn validate_files(lint: &Path, schema_file: &str, files: &[PathBuf]) -> (bool, String) {
    let schemas = root().join("schemas");
    let mut args = vec![schemas.as_os_str(), std::ffi::OsStr::new(schema_file)];
    args.extend(files.iter().map(|f| f.as_os_str()));
    run_validator(lint, "validate_schema.py", &args)
}

fn assert_valid(lint: &Path, schema_file: &str, files: &[PathBuf]) {
    let (ok, said) = validate_files(lint, schema_file, files);
    assert!(ok, "{said}");
    assert!(
        said.contains(&format!("{} file(s) checked, 0 error(s)", files.len())),
        "{said}"
    );
}

fn assert_invalid(lint: &Path, schema_file: &str, dir: &Path, doc: &Value, errors: usize) {
    let bad = dir.join(format!("broken-{schema_file}"));
    std::fs::write(&bad, doc.to_string()).unwrap();
    let (ok, said) = validate_files(lint, schema_file, &[bad]);
    assert!(!ok, "{said}");
    assert!(said.contains(&format!(" {errors} error(s)")), "{said}");
}

/// A document with every property the schema declares, each with a value of its type (the
/// first of a `oneOf`/`enum`, one entry in a map): what the drift tests feed the serde types.
fn example(schema: &Value, root_schema: &Value) -> Value {
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.trim_start_matches("#/$defs/");
        return example(&root_schema["$defs"][name], root_schema);
    }
    if let Some(c) = schema.get("const") {
        return c.clone();
    }
    if let Some(e) = schema["enum"].as_array() {
        return e[0].clone();
    }
    if let Some(first) = schema["oneOf"].as_array().and_then(|o| o.first()) {
        return example(first, root_schema);
    }
    match schema["type"].as_str() {
        Some("object") => {
            let mut out = serde_json::Map::new();
            if let Some(props) = schema["properties"].as_object() {
                // `"not": {"required": [a, b]}` (one or the other): the last is left out.
                let exclusive = schema["not"]["required"].as_array();
                let left_out = exclusive.and_then(|names| names.last()?.as_str());
                for (k, v) in props {
                    if Some(k.as_str()) != left_out {
                        out.insert(k.clone(), example(v, root_schema));
                    }
                }
            } else if schema["additionalProperties"].is_object() {
                let key = schema["propertyNames"]["enum"][0]
                    .as_str()
                    .unwrap_or("x")
                    .to_string();
                out.insert(key, example(&schema["additionalProperties"], root_schema));
            }
            Value::Object(out)
        }
        Some("array") => Value::Array(vec![example(&schema["items"], root_schema)]),
        Some("integer") => 1.into(),
        Some("boolean") => true.into(),
        Some("string") if schema["format"] == "date-time" => "2026-11-21T00:00:00.000Z".into(),
        Some("string") if schema["pattern"] == "^[0-9a-f]{64}$" => "0".repeat(64).into(),
        Some("string") if schema.get("anyOf").is_some() => "2026-12-31".into(),
        Some("string") if schema["pattern"] == "^https?://\\S+$" => {
            "https://docs.example/orgscan".into()
        }
        Some("string") => "x".into(),
        // A free TOML value.
        _ => "x".into(),
    }
}

/// Every object key of a document, except inside the maps keyed by data.
fn keys_of(doc: &Value, keyed_by_data: &[&str], out: &mut BTreeSet<String>) {
    match doc {
        Value::Object(map) => {
            for (k, v) in map {
                out.insert(k.clone());
                match (keyed_by_data.contains(&k.as_str()), v) {
                    (true, Value::Object(m)) => {
                        m.values().for_each(|x| keys_of(x, keyed_by_data, out))
                    }
                    _ => keys_of(v, keyed_by_data, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| keys_of(i, keyed_by_data, out)),
        _ => {}
    }
}

fn declared_names(schema: &Value) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    declared(schema, &mut names);
    names
}

/// A manifest with every optional part present: what `Manifest` writes at most.
fn full_manifest() -> Manifest {
    let at = orgscan::report::fixture::ts("2026-11-21T00:00:00Z");
    let mut collected = Provenance::collected("/admin/v1/orgs/o/events-stream", at, 2, 10);
    collected.warnings.push("late page".into());
    collected.lateness_horizon = Some(LatenessHorizon {
        overlap_seconds: 900,
        requeried_from: Some(at),
    });
    collected
        .shape_warnings
        .push(orgscan::snapshot::ShapeWarning {
            item: "u1".into(),
            field: "mfaEnabled".into(),
            expected: "a boolean".into(),
            found: "a string".into(),
        });
    let refused = Provenance::unavailable("/admin/v1/orgs/o/policies", "403 Forbidden", Some(403));
    Manifest {
        format: FORMAT_NAME.into(),
        format_version: FORMAT_VERSION,
        tool_version: "0.1.0".into(),
        org: OrgIdentity {
            id: "o".into(),
            name: Some("Org".into()),
        },
        collected_at: at,
        source: SnapshotSource::Api,
        event_window: Some(EventWindow { from: at, to: at }),
        stream_cursor: Some("cursor".into()),
        files: [(
            "events.ndjson.zst".to_string(),
            FileEntry {
                sha256: "a".repeat(64),
                records: 10,
                compression: Some("zstd".into()),
                content_sha256: Some("b".repeat(64)),
            },
        )]
        .into(),
        collections: [
            (Collection::Events, collected),
            (Collection::OrgPolicies, refused),
        ]
        .into(),
    }
}

/// Manifests and attestations the suite makes: the demo, a small snapshot, the demo's events
/// recompressed by import-events, and the fullest manifest the types can write.
fn snapshot_documents(dir: &Path) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let demo = orgscan::demo::write_demo(&dir.join("demo")).unwrap();
    let small = crate::support::write_snapshot(
        &dir.join("small"),
        &crate::support::small_org(),
        Some(&[crate::support::event_line(
            "e1",
            "2026-11-19T10:00:00Z",
            "user_login",
            "a-user",
        )]),
    );
    let zstd = dir.join("zstd");
    std::fs::create_dir(&zstd).unwrap();
    for entry in std::fs::read_dir(&demo).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), zstd.join(entry.file_name())).unwrap();
    }
    std::fs::write(dir.join("none.ndjson"), "").unwrap();
    let o = crate::support::orgscan(
        &[
            "import-events",
            "none.ndjson",
            "--into",
            "zstd",
            "--events-format",
            "zstd",
        ],
        dir,
    );
    assert_eq!(o.status.code(), Some(0), "{}", crate::support::stderr(&o));
    let full = dir.join("full-manifest.json");
    std::fs::write(&full, serde_json::to_string(&full_manifest()).unwrap()).unwrap();
    let manifests = vec![
        demo.join("manifest.json"),
        small.join("manifest.json"),
        zstd.join("manifest.json"),
        full,
    ];
    let attestations = vec![demo.join("attestation.json")];
    (manifests, attestations)
}

#[test]
fn manifests_and_attestations_validate_against_their_schemas() {
    let Some(lint) = jsonschema_path() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (manifests, mut attestations) = snapshot_documents(dir.path());
    let zstd: Value =
        serde_json::from_str(&std::fs::read_to_string(&manifests[2]).unwrap()).unwrap();
    assert_eq!(
        zstd["files"]["events.ndjson.zst"]["compression"], "zstd",
        "the recompressed demo is a zstd snapshot"
    );
    assert_valid(&lint, "manifest.v1.schema.json", &manifests);

    // The template `attest init` writes, stored as a snapshot would store it, and the fullest.
    let template = Command::new(env!("CARGO_BIN_EXE_orgscan"))
        .args(["attest", "init", "--by", "jane@acme.example"])
        .output()
        .unwrap();
    let text = String::from_utf8(template.stdout).unwrap();
    let parsed = orgscan::snapshot::Attestation::from_toml("template", &text).unwrap();
    let path = dir.path().join("template.json");
    std::fs::write(&path, serde_json::to_string(&parsed).unwrap()).unwrap();
    attestations.push(path);
    let schema = schema_value("attestation");
    let full = dir.path().join("full-attestation.json");
    std::fs::write(&full, example(&schema, &schema).to_string()).unwrap();
    attestations.push(full);
    assert_valid(&lint, "attestation.v1.schema.json", &attestations);

    // Not rubber stamps.
    let mut broken: Value =
        serde_json::from_str(&std::fs::read_to_string(&manifests[0]).unwrap()).unwrap();
    broken["format_version"] = 2.into();
    broken["collections"]["passwords"] = broken["collections"]["users"].clone();
    broken["files"]["users.json"]["sha256"] = "not-hex".into();
    assert_invalid(&lint, "manifest.v1.schema.json", dir.path(), &broken, 3);
    let mut broken = example(&schema, &schema);
    broken["authentication"]["two_step_enforced"] = "yes".into();
    broken["typo"] = 1.into();
    broken.as_object_mut().unwrap().remove("attested_by");
    assert_invalid(&lint, "attestation.v1.schema.json", dir.path(), &broken, 3);
}

/// The manifest schema declares what `Manifest` writes, no more and no less, and its enums are
/// the types' variants.
#[test]
fn the_manifest_schema_declares_what_the_manifest_type_writes() {
    let schema = schema_value("manifest");
    let mut written = BTreeSet::new();
    keys_of(
        &serde_json::to_value(full_manifest()).unwrap(),
        &["files", "collections"],
        &mut written,
    );
    assert_eq!(declared_names(&schema), written);
    let names = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap().to_string())
            .collect()
    };
    let collections: Vec<String> = Collection::ALL
        .iter()
        .map(|c| c.name().to_string())
        .collect();
    assert_eq!(
        names(&schema["properties"]["collections"]["propertyNames"]["enum"]),
        collections
    );
    let sources: Vec<String> = [
        SnapshotSource::Api,
        SnapshotSource::Import,
        SnapshotSource::Demo,
    ]
    .iter()
    .map(|s| {
        serde_json::to_value(s)
            .unwrap()
            .as_str()
            .unwrap()
            .to_string()
    })
    .collect();
    assert_eq!(names(&schema["properties"]["source"]["enum"]), sources);
    let statuses: Vec<String> = [CollectionStatus::Collected, CollectionStatus::Unavailable]
        .iter()
        .map(|s| {
            serde_json::to_value(s)
                .unwrap()
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        names(&schema["$defs"]["provenance"]["properties"]["status"]["enum"]),
        statuses
    );
}

/// Every property the attestation schema declares is a field of `Attestation` (which refuses
/// unknown fields), and every field it writes is declared.
#[test]
fn the_attestation_schema_declares_the_attestation_type_s_fields() {
    let schema = schema_value("attestation");
    let doc = example(&schema, &schema);
    let parsed: orgscan::snapshot::Attestation = serde_json::from_value(doc.clone())
        .unwrap_or_else(|e| panic!("the schema declares what the type refuses: {e}"));
    let mut written = BTreeSet::new();
    keys_of(&serde_json::to_value(parsed).unwrap(), &[], &mut written);
    assert_eq!(declared_names(&schema), written);
}

/// The names a serde "unknown field" error says it expected (`expected one of `a`, `b``).
fn expected_fields(error: &str) -> BTreeSet<String> {
    let list = error
        .split("expected one of")
        .nth(1)
        .or_else(|| error.split("expected").nth(1))
        .unwrap_or_else(|| panic!("no expected fields in {error:?}"));
    list.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// orgscan.toml: the schema's top-level and [compliance] properties are the fields `Config`
/// accepts (its unknown-field error lists them), its waiver properties and statuses are the
/// waiver module's, and a document with every declared property parses and validates.
#[test]
fn the_config_schema_declares_what_orgscan_toml_accepts() {
    use orgscan::config::Config;
    let schema = schema_value("config");
    let props =
        |v: &Value| -> BTreeSet<String> { v.as_object().unwrap().keys().cloned().collect() };
    let top = Config::parse("c.toml", "zz_unknown = 1\n")
        .unwrap_err()
        .to_string();
    assert_eq!(props(&schema["properties"]), expected_fields(&top), "{top}");
    let compliance = Config::parse("c.toml", "[compliance]\nzz_unknown = 1\n")
        .unwrap_err()
        .to_string();
    assert_eq!(
        props(&schema["properties"]["compliance"]["properties"]),
        expected_fields(&compliance),
        "{compliance}"
    );
    let waiver = &schema["$defs"]["waiver"];
    let fields: BTreeSet<String> = orgscan::waiver::FIELDS
        .iter()
        .map(|f| f.to_string())
        .collect();
    assert_eq!(props(&waiver["properties"]), fields);
    let statuses: Vec<&str> = waiver["properties"]["status"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert_eq!(statuses, orgscan::waiver::STATUSES);

    // The fullest document the schema allows is a configuration orgscan reads.
    let doc = example(&schema, &schema);
    let text = toml::to_string(&doc).unwrap();
    let config = Config::parse("full.toml", &text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    let known: BTreeSet<String> = ["x".to_string()].into();
    let waivers =
        orgscan::waiver::parse_waivers(&config, &known).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(waivers.len(), 1);
}

/// Configurations the suite and the docs use, converted to the JSON their TOML maps to,
/// validate; a broken one does not.
#[test]
fn configurations_validate_against_the_config_schema() {
    let Some(lint) = jsonschema_path() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let schema = schema_value("config");
    let mut texts: Vec<String> = vec![
        "[org]\n".into(),
        toml::to_string(&example(&schema, &schema)).unwrap(),
        r#"[org]
name = "Acme"
sso_accounts_exempt = ["break-glass@acme.example"]

[controls.ATL-IDN-001]
max_admins = 4

[compliance]
frameworks = ["cis-controls-v8"]

[report]
information_uri = "https://wiki.example/security/orgscan"

[[waivers]]
control = "TEST-001"
resource = "a-user"
reason = "Contractor; SSO enforces MFA"
status = "resolved_third_party"
owner = "secops"
ticket = "SEC-9"
expires = 2026-11-30

[[waivers]]
control = "TEST-001"
resource_type = "user"
reason = "until the IdP migration"
expires = 2026-12-31T18:00:00Z
"#
        .into(),
        // A fleet, as README's "Many organizations" writes one.
        r#"[[orgs]]
id = "5a1b2c3d-eu"
name = "Acme EU"
api_key_env = "ACME_EU_KEY"
attestation = "attest/eu.toml"
fail_on = "critical"

[orgs.controls.ATL-IDN-001]
max_admins = 6

[[orgs.waivers]]
control = "ATL-IDN-002"
reason = "SSO rollout in the EU org ends in January"

[[orgs]]
id = "9f8e7d6c-us"
api_key_file = "keys/us.key"
"#
        .into(),
    ];
    texts.extend(config_templates());
    let mut files = Vec::new();
    for (i, text) in texts.iter().enumerate() {
        let value: toml::Value = toml::from_str(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        let path = dir.path().join(format!("config-{i}.json"));
        std::fs::write(&path, orgscan::config::toml_to_json(&value).to_string()).unwrap();
        files.push(path);
    }
    assert_valid(&lint, "config.v1.schema.json", &files);
    let broken = serde_json::json!({
        "thresholds": 3,
        "waivers": [{"control": "X", "status": "forever"}],
        "compliance": {"frameworks": "cis"},
        "orgs": [{"id": "../x", "api_key_env": "K", "api_key_file": "k"}]
    });
    // thresholds undeclared; waiver without reason and with an unknown status; not a list;
    // an org id that is a path, an org with both key sources.
    assert_invalid(&lint, "config.v1.schema.json", dir.path(), &broken, 6);
}

/// The commented orgscan.toml `orgscan config init` prints, as printed and uncommented.
fn config_templates() -> Vec<String> {
    crate::config_template::templates()
}
