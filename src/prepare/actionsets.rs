//! Named sets of action keys resolved from the org's event-action catalogue, for the actions
//! Atlassian has not published (Rovo MCP tool calls, the OAuth/MCP app's first install, failed
//! logins) and for broad families (admin actions, third-party connections). A policy names a
//! set as `set:<name>` in a declared fact; the keys each set resolved to are written to
//! `input.facts.action_sets` and the report's `activity.action_sets`, so a reader sees which
//! keys were used. Matching is on the catalogue entry's id, display name and group names; when
//! the catalogue was not collected, action keys seen in the events are matched by id alone.

use regex::Regex;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// One catalogue entry, normalized (`id` lower case).
#[derive(Clone, Debug)]
pub struct CatalogueEntry {
    pub id: String,
    pub display_name: String,
    pub groups: Vec<String>,
}

struct SetRule {
    name: &'static str,
    description: &'static str,
    /// Must match the id, display name or a group name.
    any: &'static str,
    /// When set, must also match the id or the display name.
    also: Option<&'static str>,
    /// Excludes entries whose id or display name matches.
    not: Option<&'static str>,
    /// Excludes entries whose groups match (e.g. system provisioning).
    not_groups: Option<&'static str>,
}

const RULES: &[SetRule] = &[
    SetRule {
        name: "mcp",
        description: "Atlassian (Rovo) MCP server activity: id, name or group mentions MCP",
        any: r"(?i)(^|[^a-z])mcp([^a-z]|$)",
        also: None,
        not: None,
        not_groups: None,
    },
    SetRule {
        name: "mcp_tool",
        description: "Rovo MCP tool invocations: MCP actions whose id or name mentions a tool or an invocation",
        any: r"(?i)(^|[^a-z])mcp([^a-z]|$)",
        also: Some(r"(?i)tool|invoke|invocation|call"),
        not: None,
        not_groups: None,
    },
    SetRule {
        name: "oauth_install",
        description: "OAuth (3LO) / Atlassian MCP app installed or first authorized",
        any: r"(?i)oauth|3lo|connected app|(^|[^a-z])mcp([^a-z]|$)",
        also: Some(r"(?i)install|authori[sz]|consent"),
        not: Some(r"(?i)uninstall|remov|revok|delet|disabl|fail|viewed"),
        not_groups: None,
    },
    SetRule {
        name: "app_activity",
        description: "Third-party and MCP app API requests (`*_app_api_activity`)",
        any: r"(?i)_app_api_activity$|third-party app .*api request",
        also: None,
        not: None,
        not_groups: None,
    },
    SetRule {
        name: "failed_login",
        description: "Failed sign-ins: id or name mentions a failed / unsuccessful login or authentication",
        any: r"(?i)((fail|unsuccessful|invalid|denied|reject)\w*[ _-]*(login|log in|log-in|sign[ _-]?in|authenticat))|((login|log in|sign[ _-]?in|authenticat)\w*[ _-]*(fail|unsuccessful|denied|reject))",
        also: None,
        not: Some(r"(?i)polic|password_reset|saml_config"),
        not_groups: None,
    },
    SetRule {
        name: "third_party_connect",
        description: "Third-party integrations and connectors connected or created",
        any: r"(?i)third[_ -]?party|3p_connector|integration|connector|slack_connection|msteams_connection|zoom_connection|company_connection|gsync_connection",
        also: Some(r"(?i)connect|creat|install|enabl"),
        not: Some(r"(?i)disconnect|delet|remov|disabl|updat|fail|invites_"),
        not_groups: None,
    },
    // When an account stopped (or resumed) being active, for detections that only count what
    // happened after the change (ATL-DET-019). Group, role, policy and token removals are
    // about something else than the account itself.
    SetRule {
        name: "account_deactivation",
        description: "An account stopped being active: deactivated, suspended, closed, deleted, removed from the org or its product access revoked",
        any: r"(?i)(account|user)\w*[ _-].*(deactivat|suspend|clos|delet|remov|revoked_product_access)|(deactivat|suspend|clos|delet|remov)\w*[ _-].*(account|user)",
        also: None,
        not: Some(r"(?i)group|role|polic|token|api[ _-]?key|app|admin|domain|email|password|invit|reactivat|restor"),
        not_groups: None,
    },
    SetRule {
        name: "account_reactivation",
        description: "An account became active again: reactivated, restored or unsuspended",
        any: r"(?i)(account|user)\w*[ _-].*(reactivat|restor|unsuspend)|(reactivat|restor|unsuspend)\w*[ _-].*(account|user)",
        also: None,
        not: Some(r"(?i)group|role|polic|token|api[ _-]?key|app|domain|password"),
        not_groups: None,
    },
    SetRule {
        name: "admin",
        description: "Administrative actions: catalogue groups SETTINGS, SECURITY POLICIES, USER MANAGEMENT, USER ACCESS SETTINGS, IDENTITY PERMISSIONS, ORGANIZATIONS (or the documented admin key families), minus end-user self-service",
        any: r"(?i)^(settings|security policies|user management|user access settings|identity permissions|organizations)$|^(added_org_admin|removed_org_admin|group_(granted|revoked)_|user_(granted|revoked)_|policy_|auth_policy_|data_security_policy_|twosv_|saml_|api_token_|export_|domain_|user_(invite|removed|added)_|role_assignment_|org_settings_)",
        also: None,
        not: Some(r"(?i)^ts_api_token|^user_log(in|out)$|^password_reset|^email_change$|^user_detail_change$"),
        not_groups: None,
    },
];

#[derive(Clone, Debug, Default, Serialize)]
pub struct ResolvedSet {
    pub keys: BTreeSet<String>,
    pub description: String,
    /// `catalogue`, `events` (keys seen in events, matched by id: no catalogue) or `none`.
    pub source: String,
}

/// A rule with its patterns compiled: (rule, any, also, not, not_groups).
type CompiledRule = (
    &'static SetRule,
    Regex,
    Option<Regex>,
    Option<Regex>,
    Option<Regex>,
);

pub struct ActionSets {
    rules: Vec<CompiledRule>,
    pub resolved: BTreeMap<String, ResolvedSet>,
    catalogue_present: bool,
}

impl ActionSets {
    pub fn resolve(catalogue: Option<&[CatalogueEntry]>) -> ActionSets {
        let compile = |p: &str| Regex::new(p).ok();
        let rules: Vec<_> = RULES
            .iter()
            .filter_map(|r| {
                Some((
                    r,
                    Regex::new(r.any).ok()?,
                    r.also.and_then(compile),
                    r.not.and_then(compile),
                    r.not_groups.and_then(compile),
                ))
            })
            .collect();
        let mut resolved = BTreeMap::new();
        for (rule, ..) in &rules {
            resolved.insert(
                rule.name.to_string(),
                ResolvedSet {
                    keys: BTreeSet::new(),
                    description: rule.description.to_string(),
                    source: "none".to_string(),
                },
            );
        }
        let mut sets = ActionSets {
            rules,
            resolved,
            catalogue_present: catalogue.is_some(),
        };
        if let Some(entries) = catalogue {
            for e in entries {
                for name in sets.matching(&e.id, &e.display_name, &e.groups) {
                    if let Some(set) = sets.resolved.get_mut(&name) {
                        set.keys.insert(e.id.clone());
                        set.source = "catalogue".to_string();
                    }
                }
            }
        }
        sets
    }

    fn matching(&self, id: &str, display: &str, groups: &[String]) -> Vec<String> {
        let mut out = Vec::new();
        for (rule, any, also, not, not_groups) in &self.rules {
            let hit = any.is_match(id)
                || (!display.is_empty() && any.is_match(display))
                || groups.iter().any(|g| any.is_match(g));
            if !hit {
                continue;
            }
            if let Some(also) = also {
                if !(also.is_match(id) || also.is_match(display)) {
                    continue;
                }
            }
            if let Some(not) = not {
                if not.is_match(id) || (!display.is_empty() && not.is_match(display)) {
                    continue;
                }
            }
            if let Some(ng) = not_groups {
                if groups.iter().any(|g| ng.is_match(g)) {
                    continue;
                }
            }
            out.push(rule.name.to_string());
        }
        out
    }

    /// Without a catalogue, an action key seen in the events joins the sets its id matches.
    /// Returns the sets it joined.
    pub fn observe(&mut self, action: &str) -> Vec<String> {
        if self.catalogue_present {
            return self
                .resolved
                .iter()
                .filter(|(_, s)| s.keys.contains(action))
                .map(|(n, _)| n.clone())
                .collect();
        }
        let names = self.matching(action, "", &[]);
        for name in &names {
            if let Some(set) = self.resolved.get_mut(name) {
                set.keys.insert(action.to_string());
                set.source = "events".to_string();
            }
        }
        names
    }

    pub fn contains(&self, set: &str, action: &str) -> bool {
        self.resolved
            .get(set)
            .is_some_and(|s| s.keys.contains(action))
    }

    pub fn is_known(&self, set: &str) -> bool {
        self.resolved.contains_key(set)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: &str, name: &str, groups: &[&str]) -> CatalogueEntry {
        CatalogueEntry {
            id: id.into(),
            display_name: name.into(),
            groups: groups.iter().map(|g| g.to_string()).collect(),
        }
    }

    #[test]
    fn resolves_unpublished_keys_from_names_and_groups() {
        let cat = vec![
            entry(
                "rovo_mcp_tool_invoked",
                "Invoked Rovo MCP tool",
                &["Rovo MCP User Actions"],
            ),
            entry(
                "rovo_mcp_session_started",
                "Connected to Rovo MCP server",
                &["Rovo MCP User Actions"],
            ),
            entry(
                "oauth_app_first_installed",
                "Installed OAuth app (first authorization)",
                &["Connected apps"],
            ),
            entry(
                "oauth_app_uninstalled",
                "Removed OAuth app",
                &["Connected apps"],
            ),
            entry(
                "user_login",
                "Logged in to account",
                &["ATLASSIAN ACCOUNTS"],
            ),
            entry(
                "user_auth_policy_failed",
                "Failed to update authentication policy",
                &["SECURITY POLICIES"],
            ),
            entry(
                "third_party_integration_connected",
                "Connected to third party integrations",
                &["USER ACCESS SETTINGS"],
            ),
            entry(
                "third_party_integration_disconnected",
                "Disconnected",
                &["USER ACCESS SETTINGS"],
            ),
            entry("ts_api_token_creation", "Created API token", &["SETTINGS"]),
            entry(
                "added_org_admin",
                "Added user as organization admin",
                &["SETTINGS"],
            ),
        ];
        let s = ActionSets::resolve(Some(&cat));
        let keys = |n: &str| s.resolved[n].keys.iter().cloned().collect::<Vec<_>>();
        assert_eq!(
            keys("mcp"),
            vec!["rovo_mcp_session_started", "rovo_mcp_tool_invoked"]
        );
        assert_eq!(keys("mcp_tool"), vec!["rovo_mcp_tool_invoked"]);
        assert_eq!(keys("oauth_install"), vec!["oauth_app_first_installed"]);
        assert!(keys("failed_login").is_empty());
        assert_eq!(
            keys("third_party_connect"),
            vec!["third_party_integration_connected"]
        );
        assert!(keys("admin").contains(&"added_org_admin".to_string()));
        assert!(!keys("admin").contains(&"ts_api_token_creation".to_string()));
    }

    #[test]
    fn account_state_changes_resolve_without_group_or_policy_changes() {
        let cat = vec![
            entry(
                "managed_account_deactivated",
                "Deactivated account",
                &["ATLASSIAN ACCOUNTS"],
            ),
            entry(
                "managed_account_reactivated",
                "Reactivated account",
                &["ATLASSIAN ACCOUNTS"],
            ),
            entry(
                "managed_account_deleted",
                "Deleted account permanently",
                &["ATLASSIAN ACCOUNTS"],
            ),
            entry(
                "user_removed_from_org",
                "Removed user from organization",
                &["USER MANAGEMENT"],
            ),
            entry(
                "user_revoked_product_access",
                "Revoked product access from user",
                &["USER MANAGEMENT"],
            ),
            entry(
                "scim_user_delete",
                "Removed user from identity provider",
                &["USER PROVISIONING"],
            ),
            entry(
                "user_removed_from_group",
                "Removed user from group",
                &["USER MANAGEMENT"],
            ),
            entry(
                "user_revoked_role",
                "Revoked role from user for product",
                &["USER MANAGEMENT"],
            ),
            entry(
                "data_security_policy_deactivated",
                "Deactivated data security policy",
                &["SECURITY POLICIES"],
            ),
            entry("ts_api_token_revoked", "Revoked API token", &["SETTINGS"]),
        ];
        let s = ActionSets::resolve(Some(&cat));
        let keys = |n: &str| s.resolved[n].keys.iter().cloned().collect::<Vec<_>>();
        assert_eq!(
            keys("account_deactivation"),
            vec![
                "managed_account_deactivated",
                "managed_account_deleted",
                "scim_user_delete",
                "user_removed_from_org",
                "user_revoked_product_access",
            ]
        );
        assert_eq!(
            keys("account_reactivation"),
            vec!["managed_account_reactivated"]
        );
    }

    #[test]
    fn failed_login_key_is_found_when_present() {
        let cat = vec![entry(
            "user_login_failed",
            "Failed login attempt",
            &["ATLASSIAN ACCOUNTS"],
        )];
        let s = ActionSets::resolve(Some(&cat));
        assert!(s.contains("failed_login", "user_login_failed"));
    }

    #[test]
    fn without_catalogue_event_keys_join_by_id() {
        let mut s = ActionSets::resolve(None);
        assert_eq!(s.observe("rovo_mcp_tool_invoked"), vec!["mcp", "mcp_tool"]);
        assert_eq!(s.resolved["mcp"].source, "events");
    }
}
