//! orgscan: snapshot an Atlassian Cloud organization, evaluate Rego policies over the snapshot,
//! and report posture findings and detections Secure-Score style.

pub mod cli;
pub mod collect;
pub mod snapshot;

/// The version printed in reports and manifests.
pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");
