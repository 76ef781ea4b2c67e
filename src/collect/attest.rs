//! `orgscan attest init`: a commented TOML template covering every console-only setting of
//! the `Attestation` type, and the checks `collect --attestation` runs before storing one.
//!
//! Every answer in the template is commented out: an unanswered setting stays "not
//! evaluable" in the report, never a silent pass. The admin uncomments what they verified.

use crate::snapshot::attestation::Attestation;
use crate::snapshot::Timestamp;

/// The `attested_by` value the template ships with; `collect` refuses it unchanged.
pub const PLACEHOLDER_BY: &str = "you@example.com";

/// The template text. `by` pre-fills `attested_by`; `now` fills `attested_at`.
pub fn template(by: Option<&str>, now: Timestamp) -> String {
    let by = by
        .map(|b| toml_string(b.trim()))
        .unwrap_or_else(|| toml_string(PLACEHOLDER_BY));
    let at = toml_string(&now.to_rfc3339());
    TEMPLATE
        .replace("{ATTESTED_BY}", &by)
        .replace("{ATTESTED_AT}", &at)
}

/// A TOML basic string (quotes, backslashes and control characters escaped).
fn toml_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

const TEMPLATE: &str = r#"# orgscan attestation: answers for the settings no Atlassian admin API exposes.
#
# Fill in what you verified in admin.atlassian.com, uncommenting each line you answer.
# Leave a line commented when you do not know: the controls that need it are then reported
# as "not evaluable" instead of passing silently. Pass this file to
#   orgscan collect --attestation attestation.toml …
# The scan cross-checks answers against audit events after `attested_at` (for example an
# attested "2SV enforced" followed by a `twosv_unenforced` event is a finding).

# Who verified these answers (email or name) and when they were true (RFC 3339, UTC).
attested_by = {ATTESTED_BY}
attested_at = {ATTESTED_AT}

# Security > Authentication policies: the policy that covers your managed users.
[authentication]
# two_step_enforced = true              # two-step verification required
# sso_enforced = true                   # single sign-on required
# idle_session_timeout_minutes = 480    # idle session duration
# password_min_length = 12
# password_expiry_days = 0              # 0 = passwords never expire
# password_strength = "strong"          # weak | fair | good | strong | very_strong
# exempt_accounts = ["breakglass@example.com"]   # users or groups deliberately on a policy without 2SV/SSO

# Security > Identity providers.
[sso]
# configured = true
# identity_provider = "okta"            # saml | google | azure-ad | okta | …
# scim_provisioning = true              # user provisioning from the identity provider

# Apps > Sites > Connected apps > Settings.
[oauth]
# block_user_installed_apps = true      # users cannot install OAuth (3LO) apps themselves
# approved_apps = ["Slack", "Atlassian MCP"]   # when user installs are limited to a list

# Apps > AI settings > Rovo MCP server.
[mcp]
# enabled = true
# allowed_domains = ["claude.ai"]       # domains allowed to connect
# allow_atlassian_supported_domains = false
# api_token_auth_enabled = false        # MCP clients may authenticate with API tokens
# api_token_auth_justification = ""     # why, when the line above is true

# Settings > User security > API tokens.
[api_tokens]
# users_can_create = false              # "Allow users to create API tokens"
# justification = ""

# Security > Audit log.
[audit_log]
# streaming_enabled = true              # audit log streamed to a SIEM
# streaming_destination = "splunk"
# user_created_activity_enabled = true  # "Store user-created activity" (needed for app and MCP activity)
# guard_tier = "standard"               # none | standard | premium | enterprise

# Security > Data security policies: rules the API does not return (it only returns export).
[data_security]
# app_access_rule = true                # an app access rule is set
# mcp_app_blocked_on_sensitive = true   # it blocks the Atlassian (Rovo) MCP app on sensitive content
# public_links_blocked = true
# anonymous_access_blocked = true
# attachment_download_blocked = true

# Connected apps per site (Apps > Sites > Connected apps). Repeat the block per app.
# [[connected_apps]]
# name = "Atlassian MCP"
# kind = "mcp"                          # oauth | marketplace | forge | connect | mcp | other
# site = "acme.atlassian.net"
# owner = "it@example.com"
# reviewed_at = "2026-11-01T00:00:00Z"
# approved = true
# access = "read:jira-work, read:confluence-content.all"
"#;

const PASSWORD_STRENGTHS: &[&str] = &["weak", "fair", "good", "strong", "very_strong"];
const GUARD_TIERS: &[&str] = &["none", "standard", "premium", "enterprise"];
const APP_KINDS: &[&str] = &["oauth", "marketplace", "forge", "connect", "mcp", "other"];

/// Everything wrong with an attestation that parsed, all at once.
pub fn validate(att: &Attestation, now: Timestamp) -> Vec<String> {
    let mut problems = Vec::new();
    let by = att.attested_by.trim();
    if by.is_empty() || by == PLACEHOLDER_BY {
        problems.push(format!(
            "attested_by: say who verified these answers (still {:?})",
            att.attested_by
        ));
    }
    if att.attested_at.0 > now.0 + chrono::Duration::days(1) {
        problems.push(format!("attested_at: {} is in the future", att.attested_at));
    }
    let one_of =
        |field: &str, value: &Option<String>, allowed: &[&str], problems: &mut Vec<String>| {
            if let Some(v) = value {
                if !allowed.contains(&v.as_str()) {
                    problems.push(format!(
                        "{field}: {v:?} is not one of {}",
                        allowed.join(", ")
                    ));
                }
            }
        };
    if let Some(auth) = &att.authentication {
        one_of(
            "authentication.password_strength",
            &auth.password_strength,
            PASSWORD_STRENGTHS,
            &mut problems,
        );
        if auth.idle_session_timeout_minutes == Some(0) {
            problems.push("authentication.idle_session_timeout_minutes: must be above 0".into());
        }
    }
    if let Some(audit) = &att.audit_log {
        one_of(
            "audit_log.guard_tier",
            &audit.guard_tier,
            GUARD_TIERS,
            &mut problems,
        );
    }
    if let Some(apps) = &att.connected_apps {
        for (i, app) in apps.iter().enumerate() {
            if app.name.trim().is_empty() {
                problems.push(format!("connected_apps[{i}].name: empty"));
            }
            one_of(
                &format!("connected_apps[{i}].kind"),
                &app.kind,
                APP_KINDS,
                &mut problems,
            );
        }
    }
    if let Some(mcp) = &att.mcp {
        if mcp.api_token_auth_enabled == Some(true)
            && mcp
                .api_token_auth_justification
                .as_deref()
                .is_none_or(|j| j.trim().is_empty())
        {
            problems.push(
                "mcp.api_token_auth_justification: say why API-token authentication is on".into(),
            );
        }
    }
    problems
}

/// Reads, parses and validates an attestation file.
pub fn load(path: &std::path::Path, now: Timestamp) -> Result<Attestation, super::CollectError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| super::CollectError::Attestation {
        path: shown.clone(),
        problems: vec![format!("cannot read: {e}")],
    })?;
    let att = Attestation::from_toml(&shown, &text).map_err(|e| {
        let message = match e {
            crate::snapshot::SnapshotError::Attestation { message, .. } => message,
            other => other.to_string(),
        };
        super::CollectError::Attestation {
            path: shown.clone(),
            problems: vec![message],
        }
    })?;
    let problems = validate(&att, now);
    if problems.is_empty() {
        Ok(att)
    } else {
        Err(super::CollectError::Attestation {
            path: shown,
            problems,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        Timestamp::parse("2026-11-21T10:00:00Z").unwrap()
    }

    #[test]
    fn template_parses_back_and_answers_nothing() {
        let text = template(None, now());
        let att = Attestation::from_toml("t.toml", &text).unwrap();
        assert_eq!(att.attested_by, PLACEHOLDER_BY);
        assert_eq!(att.attested_at, now());
        let auth = att.authentication.clone().unwrap();
        assert_eq!(auth.two_step_enforced, None);
        assert!(att.connected_apps.is_none());
        // The untouched placeholder is refused by collect.
        assert!(validate(&att, now())[0].contains("attested_by"));
    }

    #[test]
    fn every_commented_answer_is_a_valid_key() {
        // Uncommenting every example line (and the connected-app block) must still parse:
        // the template documents exactly the keys the type accepts.
        let text = template(Some("Jane \"Admin\""), now());
        let uncommented: String = text
            .lines()
            .map(|l| match l.strip_prefix("# ") {
                Some(rest)
                    if rest.starts_with("[[")
                        || rest.split_once(" = ").is_some_and(|(k, _)| {
                            k.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                        }) =>
                {
                    rest.to_string()
                }
                _ => l.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n");
        let att = Attestation::from_toml("t.toml", &uncommented).unwrap();
        assert_eq!(att.attested_by, "Jane \"Admin\"");
        assert_eq!(
            att.authentication.as_ref().unwrap().two_step_enforced,
            Some(true)
        );
        assert_eq!(att.mcp.as_ref().unwrap().allowed_domains, ["claude.ai"]);
        assert_eq!(
            att.connected_apps.as_ref().unwrap()[0].name,
            "Atlassian MCP"
        );
        assert!(att
            .data_security
            .unwrap()
            .mcp_app_blocked_on_sensitive
            .unwrap());
        assert!(att.sso.unwrap().configured.unwrap());
        assert!(att.oauth.unwrap().block_user_installed_apps.unwrap());
        assert!(!att.api_tokens.unwrap().users_can_create.unwrap());
        assert!(att.audit_log.unwrap().streaming_enabled.unwrap());
    }

    #[test]
    fn validation_reports_every_problem() {
        let text = "attested_by = \"\"\nattested_at = \"2030-01-01T00:00:00Z\"\n[authentication]\npassword_strength = \"meh\"\n[audit_log]\nguard_tier = \"gold\"\n[mcp]\napi_token_auth_enabled = true\n[[connected_apps]]\nname = \"\"\nkind = \"plugin\"\n";
        let att = Attestation::from_toml("a.toml", text).unwrap();
        let problems = validate(&att, now());
        assert_eq!(problems.len(), 7, "{problems:#?}");
    }
}
