//! Errors that stop `collect`, `attest` or `import-events` before a snapshot is written, each
//! naming the flag or file at fault. Per-collection API failures are not here: they become
//! "unavailable" entries in the manifest (see `CollectOutcome`).

use super::client::ApiError;
use super::client::API_KEY_ENV;
use crate::snapshot::SnapshotError;

#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    #[error("no API key: set {API_KEY_ENV} or pass --api-key-file PATH")]
    MissingKey,
    #[error("--api-key-file {path}: {message}")]
    KeyFile { path: String, message: String },
    #[error("--api-url {url}: {message}")]
    ApiUrl { url: String, message: String },
    #[error("--org {org:?}: {message}")]
    Org { org: String, message: String },
    #[error("--since {value:?}: {message}")]
    Since { value: String, message: String },
    #[error("--resume-from {path}: {message}")]
    Resume { path: String, message: String },
    #[error("{path}: {}", problems.join("; "))]
    Attestation { path: String, problems: Vec<String> },
    #[error("the API key was refused: {source}. Check that it is an org admin API key for this org and has not expired")]
    Unauthorized { source: Box<ApiError> },
    #[error("organization {org:?} not found: {source}. Check --org")]
    OrgNotFound { org: String, source: Box<ApiError> },
    #[error("{path}: {message}")]
    Input { path: String, message: String },
    #[error("cannot write the snapshot: {0}")]
    Write(#[source] SnapshotError),
    #[error("{0}")]
    Setup(String),
    #[error("interrupted by {signal}: the checkpoint {checkpoint} keeps {holds}; run the same command again to resume")]
    Interrupted {
        signal: &'static str,
        /// 128 + the signal number, as a shell reports a process the signal ended.
        code: i32,
        checkpoint: String,
        holds: String,
    },
}

impl CollectError {
    /// docs/architecture.md (exit codes): 2 for usage, configuration and input errors; 3 when the
    /// collection could not be completed for other reasons (nothing written).
    pub fn exit_code(&self) -> i32 {
        match self {
            CollectError::Write(_) | CollectError::Setup(_) => 3,
            CollectError::Interrupted { code, .. } => *code,
            _ => 2,
        }
    }
}
