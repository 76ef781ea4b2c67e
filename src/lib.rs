//! orgscan: snapshot an Atlassian Cloud organization, evaluate Rego policies over the snapshot,
//! and report posture findings and detections Secure-Score style.

// First, so its print macros replace the standard ones in every module below.
#[macro_use]
pub mod terminal;
pub mod cli;
pub mod cli_docs;
pub mod cmd;
pub mod collect;
pub mod config;
pub mod config_template;
pub mod demo;
pub mod fleet;
pub mod framework;
pub mod gate;
pub mod policy;
pub mod prepare;
pub mod redact;
pub mod report;
pub mod results;
pub mod safe_text;
pub mod scan;
pub mod schemas;
pub mod snapshot;
pub mod uri;
pub mod waiver;
pub mod xml;

/// The version printed in reports and manifests.
pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");
