//! orgscan's integration tests: one test binary (linking the crate once instead of once per
//! file is most of CI's build time on 2 cores). Each module is one area; shared helpers live in
//! `support/`. Run one area with `cargo test --test it <module>::`.

// The library's lints (Cargo.toml) are about its API and its input; a test's helpers are
// `pub` for its own modules, and a test may unwrap (a panic is a failed test).
#![allow(unreachable_pub, clippy::unwrap_used)]

mod support;

mod accuracy;
mod admin_role_grants;
mod api_shapes;
mod architecture;
mod attestation_contradictions;
mod catalogue;
mod cli_docs;
mod closed_pipe_cli;
mod collect;
mod collect_cli;
mod collect_durable;
mod collect_shapes;
mod compliance_cli;
mod compliance_drift;
mod compressed_snapshot;
mod config_template;
mod control_chars_cli;
mod coverage_gate;
mod detect;
mod distribution;
mod fleet_cli;
mod hostile_events;
mod import_cli;
mod ocsf;
mod opa_parity;
mod policy_cli;
mod readme_example;
mod redact_cli;
mod rego_unit_tests;
mod report_cli;
mod report_golden;
mod report_hostile;
mod report_html;
mod report_tools;
mod report_waivers;
mod run_cli;
mod scan_cli;
mod schemas;
mod verify_cli;
