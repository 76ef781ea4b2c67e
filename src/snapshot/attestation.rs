//! The attestation: an admin's signed-off answers for the settings no Atlassian API exposes
//! (docs/atlassian-api.md, "Settings no API exposes"). Written by hand as TOML (`orgscan attest
//! init` makes the template), validated, and stored in the snapshot as `attestation.json`. Every
//! answer is optional: an unanswered setting makes the controls that need it `not_evaluable`, never
//! a silent pass.

use super::timestamp::Timestamp;
use super::toml_error::describe_toml_error;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attestation {
    /// Who answered (email or name) — required so the report can say who vouched for what.
    pub attested_by: String,
    /// When the answers were true; events after this instant can contradict them.
    pub attested_at: Timestamp,
    #[serde(default)]
    pub authentication: Option<AuthenticationAttestation>,
    #[serde(default)]
    pub sso: Option<SsoAttestation>,
    #[serde(default)]
    pub oauth: Option<OAuthAttestation>,
    #[serde(default)]
    pub connected_apps: Option<Vec<ConnectedApp>>,
    #[serde(default)]
    pub mcp: Option<McpAttestation>,
    #[serde(default)]
    pub api_tokens: Option<ApiTokenAttestation>,
    #[serde(default)]
    pub audit_log: Option<AuditLogAttestation>,
    #[serde(default)]
    pub data_security: Option<DataSecurityAttestation>,
}

/// Security > Authentication policies (the policy that covers managed users).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthenticationAttestation {
    pub two_step_enforced: Option<bool>,
    pub sso_enforced: Option<bool>,
    pub idle_session_timeout_minutes: Option<u32>,
    pub password_min_length: Option<u32>,
    /// Days before a password expires; 0 = never.
    pub password_expiry_days: Option<u32>,
    /// Strength required by the policy: weak|fair|good|strong|very_strong.
    pub password_strength: Option<String>,
    /// Names of managed users or groups deliberately on a policy without 2SV/SSO (break-glass).
    #[serde(default)]
    pub exempt_accounts: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SsoAttestation {
    pub configured: Option<bool>,
    /// saml|google|azure-ad|okta|…
    pub identity_provider: Option<String>,
    pub scim_provisioning: Option<bool>,
}

/// Apps > Sites > Connected apps > Settings.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OAuthAttestation {
    pub block_user_installed_apps: Option<bool>,
    /// When user installs are allowed only for an approved list.
    #[serde(default)]
    pub approved_apps: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConnectedApp {
    pub name: String,
    /// oauth|marketplace|forge|connect|mcp|other
    pub kind: Option<String>,
    pub site: Option<String>,
    pub owner: Option<String>,
    pub reviewed_at: Option<Timestamp>,
    pub approved: Option<bool>,
    /// Scopes or data the app can reach, free text.
    pub access: Option<String>,
}

/// Apps > AI settings > Rovo MCP server.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct McpAttestation {
    pub enabled: Option<bool>,
    #[serde(default)]
    pub allowed_domains: Vec<String>,
    pub allow_atlassian_supported_domains: Option<bool>,
    pub api_token_auth_enabled: Option<bool>,
    /// Why API-token authentication for MCP is on, when it is.
    pub api_token_auth_justification: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiTokenAttestation {
    /// Settings > User security > "Allow users to create API tokens".
    pub users_can_create: Option<bool>,
    pub justification: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditLogAttestation {
    pub streaming_enabled: Option<bool>,
    pub streaming_destination: Option<String>,
    /// Security > Audit log > Settings > "Store user-created activity".
    pub user_created_activity_enabled: Option<bool>,
    /// Atlassian Guard tier: none|standard|premium|enterprise.
    pub guard_tier: Option<String>,
}

/// Data security policy rules other than export, which the API does not return.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataSecurityAttestation {
    pub app_access_rule: Option<bool>,
    /// The app-access rule blocks the Atlassian (Rovo) MCP app on sensitive content.
    pub mcp_app_blocked_on_sensitive: Option<bool>,
    pub public_links_blocked: Option<bool>,
    pub anonymous_access_blocked: Option<bool>,
    pub attachment_download_blocked: Option<bool>,
}

impl Attestation {
    /// Reads the TOML an admin wrote, naming the file, line and field on any mistake.
    pub fn from_toml(
        path_for_messages: &str,
        text: &str,
    ) -> Result<Attestation, crate::snapshot::SnapshotError> {
        toml::from_str(text).map_err(|e| crate::snapshot::SnapshotError::Attestation {
            path: path_for_messages.to_string(),
            message: describe_toml_error(text, &e),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_partial_attestation() {
        let a = Attestation::from_toml(
            "a.toml",
            "attested_by = \"jane@acme.com\"\nattested_at = \"2026-11-01T00:00:00Z\"\n[authentication]\ntwo_step_enforced = true\n",
        )
        .unwrap();
        assert_eq!(a.authentication.unwrap().two_step_enforced, Some(true));
        assert!(a.mcp.is_none());
    }

    #[test]
    fn names_the_line_of_a_wrong_type() {
        let err = Attestation::from_toml(
            "a.toml",
            "attested_by = \"j\"\nattested_at = \"2026-11-01T00:00:00Z\"\n[authentication]\ntwo_step_enforced = \"yes\"\n",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("a.toml") && err.contains("line 4"), "{err}");
    }

    #[test]
    fn rejects_unknown_keys() {
        let err = Attestation::from_toml(
            "a.toml",
            "attested_by = \"j\"\nattested_at = \"2026-11-01T00:00:00Z\"\ntypo = 1\n",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("typo"), "{err}");
    }
}
