//! The demo org's `/event-actions` catalogue: entries copied from a real dump of the endpoint
//! (docs/atlassian-api.md, "The action catalogue": display names and groups as Atlassian spells
//! them, including the group-less `beacon_*` entries), plus the newer app-activity, OAuth and Rovo
//! MCP actions whose keys are not published (docs/atlassian-api.md): policies must discover those
//! by name or group, so the demo gives them plausible keys and the documented group names.

use crate::snapshot::{EventAction, EventActionAttributes};

const ACCOUNTS: &str = "ATLASSIAN ACCOUNTS";
const SETTINGS: &str = "SETTINGS";
const SECURITY: &str = "SECURITY POLICIES";
const USERS: &str = "USER MANAGEMENT";
const ACCESS: &str = "USER ACCESS SETTINGS";
const PROVISIONING: &str = "USER PROVISIONING";
const ORGS: &str = "ORGANIZATIONS";
const JIRA_USER: &str = "JIRA USER ACTIONS";
const CONFLUENCE_USER: &str = "CONFLUENCE USER ACTIONS";
const JIRA_APPS: &str = "JIRA APP ACTIONS";
const CONFLUENCE_APPS: &str = "CONFLUENCE APP ACTIONS";
const IDENTITY: &str = "IDENTITY PERMISSIONS";
const CONNECTED_APPS: &str = "Connected apps";
const MCP: &str = "Rovo MCP User Actions";
const THIRD_PARTY: &str = "Third-Party Connections";

/// (id, displayName, groupDisplayNames)
const ACTIONS: &[(&str, &str, &[&str])] = &[
    ("api_token_created", "Created admin API key", &[SETTINGS]),
    ("api_token_revoked", "Revoked admin API key", &[SETTINGS]),
    (
        "added_org_admin",
        "Added user as organization admin",
        &[SETTINGS],
    ),
    (
        "removed_org_admin",
        "Removed user as an organization admin",
        &[SETTINGS],
    ),
    (
        "third_party_integration_connected",
        "Connected to third party integrations",
        &[ACCESS],
    ),
    (
        "third_party_integration_disconnected",
        "Disconnected from third party integrations",
        &[ACCESS],
    ),
    (
        "audit_log_webhook_created",
        "Created audit log webhook registration",
        &[SETTINGS],
    ),
    (
        "audit_log_webhook_updated",
        "Updated audit log webhook registration",
        &[SETTINGS],
    ),
    (
        "audit_log_webhook_deleted",
        "Deleted audit log webhook registration",
        &[SETTINGS],
    ),
    ("site_created", "New site created", &[SETTINGS]),
    (
        "twosv_enabled_for_user",
        "Enforced two-step verification for user",
        &[SECURITY],
    ),
    (
        "twosv_enforced",
        "Enforced two-step verification for managed accounts",
        &[SECURITY],
    ),
    (
        "twosv_disabled_for_user",
        "Excluded user from two-step verification",
        &[SECURITY],
    ),
    (
        "twosv_unenforced",
        "Stopped enforcing two-step verification for managed accounts",
        &[SECURITY],
    ),
    (
        "set_session_policy",
        "Updated idle session duration",
        &[SECURITY],
    ),
    (
        "reset_all_managed_account_passwords",
        "Reset passwords for managed accounts",
        &[SECURITY],
    ),
    (
        "export_audit_log",
        "Exported organization audit log",
        &[SETTINGS],
    ),
    ("export_api_tokens", "Exported API tokens", &[SETTINGS]),
    (
        "export_managed_account",
        "Exported managed accounts",
        &[SETTINGS],
    ),
    ("domain_added", "Added domain to verify", &[SETTINGS]),
    (
        "domain_verification_started",
        "Started to verify domain",
        &[SETTINGS],
    ),
    (
        "domain_verification_completed",
        "Verified domain",
        &[SETTINGS],
    ),
    (
        "domain_verification_removed",
        "Unverified domain",
        &[SETTINGS],
    ),
    ("domain_deleted", "Removed domain", &[SETTINGS]),
    (
        "autoclaim_config_updated",
        "Updated automatic account claim",
        &[SETTINGS],
    ),
    (
        "updated_users_claim",
        "Claimed accounts for domain",
        &[SETTINGS],
    ),
    (
        "organization_policy_validated",
        "Validated organization policy",
        &[SECURITY],
    ),
    (
        "organization_domains_viewed",
        "Viewed organization domains",
        &[ORGS],
    ),
    (
        "organization_policies_viewed",
        "Viewed organization policies",
        &[SECURITY],
    ),
    (
        "organization_information_viewed",
        "Viewed organization information",
        &[ORGS],
    ),
    (
        "organization_users_viewed",
        "Viewed organization users",
        &[ORGS],
    ),
    (
        "user_last_active_dates_viewed",
        "Viewed last active dates",
        &[USERS],
    ),
    (
        "data_security_policy_created",
        "Created data security policy",
        &[SECURITY],
    ),
    (
        "data_security_policy_activated",
        "Activated data security policy",
        &[SECURITY],
    ),
    (
        "data_security_policy_deactivated",
        "Deactivated data security policy",
        &[SECURITY],
    ),
    (
        "data_security_policy_deleted",
        "Deleted data security policy",
        &[SECURITY],
    ),
    (
        "data_security_policy_rule_added",
        "Added rule to data security policy",
        &[SECURITY],
    ),
    (
        "data_security_policy_rule_removed",
        "Removed rule from data security policy",
        &[SECURITY],
    ),
    (
        "data_security_policy_app_added",
        "Added apps to data security policy",
        &[SECURITY],
    ),
    (
        "data_security_policy_app_removed",
        "Removed apps from data security policy",
        &[SECURITY],
    ),
    (
        "data_security_policy_coverage_updated",
        "Updated coverage for data security policy",
        &[SECURITY],
    ),
    (
        "data_security_policy_all_coverage_removed",
        "Removed coverage from data security policy",
        &[SECURITY],
    ),
    (
        "classification_level_created",
        "Created classification level",
        &[SECURITY],
    ),
    (
        "classification_level_published",
        "Published classification level",
        &[SECURITY],
    ),
    (
        "auth_policy_created",
        "Added authentication policy",
        &[SECURITY],
    ),
    (
        "auth_policy_updated",
        "Updated authentication policy",
        &[SECURITY],
    ),
    (
        "auth_policy_deleted",
        "Deleted authentication policy",
        &[SECURITY],
    ),
    (
        "auth_policy_reset_sessions",
        "Reset sessions for users in authentication policy",
        &[SECURITY],
    ),
    (
        "default_auth_policy_updated",
        "Changed default authentication policy",
        &[SECURITY],
    ),
    (
        "password_policy_changed",
        "Updated password policy",
        &[SECURITY],
    ),
    (
        "saml_config_created",
        "Added SAML configuration",
        &[SECURITY],
    ),
    (
        "saml_config_updated",
        "Updated SAML configuration",
        &[SECURITY],
    ),
    (
        "saml_config_deleted",
        "Deleted SAML configuration",
        &[SECURITY],
    ),
    ("policy_created", "Created policy", &[SECURITY]),
    ("policy_updated", "Edited policy", &[SECURITY]),
    ("policy_deleted", "Deleted policy", &[SECURITY]),
    ("policy_enforced", "Enabled policy", &[SECURITY]),
    ("policy_disabled", "Disabled policy", &[SECURITY]),
    (
        "migration_scheduled",
        "Scheduled product move to realm",
        &[SECURITY],
    ),
    (
        "user_created_activity_enabled",
        "Started storing user-created activity",
        &[SECURITY],
    ),
    (
        "user_created_activity_disabled",
        "Stopped storing user-created activity",
        &[SECURITY],
    ),
    (
        "identity_provider_create",
        "Created identity provider directory",
        &[SETTINGS],
    ),
    ("api_keys_searched", "API keys searched", &[SETTINGS]),
    ("api_tokens_searched", "API tokens searched", &[SETTINGS]),
    ("ts_api_token_creation", "Created API token", &[SETTINGS]),
    ("ts_api_token_deletion", "Revoked API token", &[SETTINGS]),
    ("ts_api_token_viewed", "Viewed API token", &[SETTINGS]),
    (
        "scim_directory_token_rotated",
        "Regenerated API key for user provisioning directory",
        &[PROVISIONING],
    ),
    (
        "scim_user_create",
        "Added user from identity provider",
        &[PROVISIONING],
    ),
    (
        "scim_user_update",
        "Updated account profile for user",
        &[PROVISIONING],
    ),
    (
        "scim_user_delete",
        "Removed user from identity provider",
        &[PROVISIONING],
    ),
    (
        "scim_group_add_member",
        "Added user to group",
        &[PROVISIONING],
    ),
    (
        "scim_group_remove_member",
        "Removed user from group",
        &[PROVISIONING],
    ),
    (
        "scim_auto_sync_complete",
        "Completed automatic sync from external directory",
        &[PROVISIONING],
    ),
    (
        "group_added_to_site",
        "Synced group to site",
        &[PROVISIONING],
    ),
    ("user_added_to_site", "Synced user to site", &[PROVISIONING]),
    ("user_added_to_group", "Added user to group", &[USERS]),
    (
        "user_removed_from_group",
        "Removed user from group",
        &[USERS],
    ),
    ("group_created", "Created group", &[USERS]),
    ("group_deleted", "Deleted group", &[USERS]),
    (
        "group_granted_admin_access",
        "Granted product admin access to group",
        &[USERS],
    ),
    (
        "group_revoked_admin_access",
        "Removed product admin access from group",
        &[USERS],
    ),
    (
        "group_granted_product_access",
        "Granted product access to group",
        &[USERS],
    ),
    (
        "group_revoked_product_access",
        "Removed product access from group",
        &[USERS],
    ),
    (
        "role_assignment_added_to_group",
        "Role assignment added to group",
        &[IDENTITY],
    ),
    (
        "role_assignment_removed_from_group",
        "Role assignment removed from group",
        &[IDENTITY],
    ),
    (
        "api_admin_groups_search",
        "Admin groups search within organization",
        &[USERS],
    ),
    (
        "api_admin_users_search",
        "Admin users search within organization",
        &[USERS],
    ),
    (
        "user_granted_product_access",
        "Granted product access to user",
        &[USERS],
    ),
    (
        "user_revoked_product_access",
        "Revoked product access from user",
        &[USERS],
    ),
    (
        "user_granted_role",
        "Granted role to user for product",
        &[USERS],
    ),
    (
        "user_revoked_role",
        "Revoked role from user for product",
        &[USERS],
    ),
    (
        "user_invite_to_org",
        "Invited user to organization",
        &[USERS],
    ),
    ("user_invited", "Invited user to site", &[USERS]),
    (
        "user_removed_from_org",
        "Removed user from organization",
        &[USERS],
    ),
    ("user_logged_in_as_user", "Logged in as user", &[USERS]),
    (
        "user_password_reset_requested",
        "Prompted user to reset password",
        &[USERS],
    ),
    (
        "user_created",
        "Created account for user",
        &[USERS, ACCOUNTS],
    ),
    (
        "user_detail_change",
        "Updated account profile for user",
        &[SETTINGS, ACCOUNTS],
    ),
    (
        "managed_account_deactivated",
        "Deactivated account",
        &[ACCOUNTS],
    ),
    (
        "managed_account_reactivated",
        "Reactivated account",
        &[ACCOUNTS],
    ),
    (
        "managed_account_deleted",
        "Deleted account permanently",
        &[ACCOUNTS],
    ),
    ("email_change", "Changed email address", &[ACCOUNTS]),
    ("user_login", "Logged in to account", &[ACCOUNTS]),
    ("user_logout", "Logged out of account", &[ACCOUNTS]),
    ("password_change", "Reset password for user", &[SECURITY]),
    (
        "password_reset_complete",
        "Reset password with recovery link",
        &[ACCOUNTS],
    ),
    (
        "password_reset_request",
        "Requested password recovery link",
        &[ACCOUNTS],
    ),
    ("jira_accessed_api", "Made request to API", &[JIRA_USER]),
    (
        "confluence_accessed_api",
        "Made request to API",
        &[CONFLUENCE_USER],
    ),
    (
        "jira_upm_app_install_success",
        "Jira app successful installation",
        &[JIRA_APPS],
    ),
    (
        "jira_upm_app_uninstall_success",
        "Jira app successful uninstallation",
        &[JIRA_APPS],
    ),
    (
        "jira_upm_app_auto_update_attempt",
        "Jira app auto update attempt",
        &[JIRA_APPS],
    ),
    (
        "confluence_upm_app_install_success",
        "Confluence app successful installation",
        &[CONFLUENCE_APPS],
    ),
    (
        "confluence_upm_app_auto_update_attempt",
        "Confluence app auto update attempt",
        &[CONFLUENCE_APPS],
    ),
    (
        "upp_confluence_page_export_deny",
        "Denied Confluence page export",
        &[CONFLUENCE_USER],
    ),
    ("org_settings_update", "Settings update", &[SETTINGS]),
    // Guard Detect entries carry no group in the real catalogue.
    ("beacon_alert_viewed", "Viewed alert", &[]),
    ("beacon_detection_disabled", "Disabled detection", &[]),
    ("beacon_siem_added", "Added SIEM webhook", &[]),
    ("dc_connectivity_link_created", "Link created", &[]),
    // Newer actions (keys not published; docs/atlassian-api.md).
    (
        "jira_app_api_activity",
        "Third-party app made a Jira API request",
        &[JIRA_APPS],
    ),
    (
        "confluence_app_api_activity",
        "Third-party app made a Confluence API request",
        &[CONFLUENCE_APPS],
    ),
    (
        "oauth_app_first_installed",
        "Installed OAuth app (first authorization)",
        &[CONNECTED_APPS],
    ),
    (
        "oauth_app_uninstalled",
        "Removed OAuth app",
        &[CONNECTED_APPS],
    ),
    ("rovo_mcp_tool_invoked", "Invoked Rovo MCP tool", &[MCP]),
    (
        "rovo_mcp_session_started",
        "Connected to Rovo MCP server",
        &[MCP],
    ),
    (
        "rovo_ai_3p_connector_connection_created",
        "Created third-party connector connection",
        &[THIRD_PARTY],
    ),
    (
        "rovo_ai_3p_connector_connection_deleted",
        "Deleted third-party connector connection",
        &[THIRD_PARTY],
    ),
];

/// The catalogue in the real endpoint's item shape (`type: eventActions`, `links`/`message` null).
pub fn event_actions() -> Vec<EventAction> {
    ACTIONS
        .iter()
        .map(|(id, name, groups)| {
            let mut extra = crate::snapshot::Extra::new();
            extra.insert("links".to_string(), serde_json::Value::Null);
            extra.insert("message".to_string(), serde_json::Value::Null);
            EventAction {
                id: (*id).to_string(),
                kind: Some("eventActions".to_string()),
                attributes: EventActionAttributes {
                    display_name: Some((*name).to_string()),
                    group_display_names: Some(groups.iter().map(|g| (*g).to_string()).collect()),
                    group_display_name: None,
                    extra: Default::default(),
                },
                extra,
            }
        })
        .collect()
}

/// The display name of an action, used as the event's `message.content`.
pub fn display_name(action: &str) -> &'static str {
    ACTIONS
        .iter()
        .find(|(id, _, _)| *id == action)
        .map(|(_, name, _)| *name)
        .unwrap_or("")
}

/// Every action id in the catalogue.
pub fn ids() -> impl Iterator<Item = &'static str> {
    ACTIONS.iter().map(|(id, _, _)| *id)
}
