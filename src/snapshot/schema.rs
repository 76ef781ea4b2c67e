//! Typed views of the records a snapshot holds, in the Atlassian admin APIs' own names
//! (docs/atlassian-api.md). The snapshot stores every item exactly as served; these views type
//! only the fields orgscan reads (`READ_FIELDS`), and are built through `shape::type_items`, so
//! a read field in an unexpected shape is set aside with a warning instead of failing anything.
//! Fields orgscan does not read are `Option<Value>` or fall into `extra`: any JSON fits them.
//! Every optional field the API may omit or send as `null` is an `Option`.

use super::manifest::Collection;
use super::timestamp::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// Fields the API sent that this version of orgscan does not model.
pub type Extra = BTreeMap<String, Value>;

/// `GET /admin/v1/orgs/{orgId}` → `data`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Org {
    pub id: String,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default)]
    pub attributes: OrgAttributes,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relationships: Option<BTreeMap<String, Relationship>>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct OrgAttributes {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// Both documented shapes: `{"links":{"related":…}}` (current docs) and `{"related":…}` (2021 capture).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum Relationship {
    Nested { links: RelationshipLinks },
    Flat { related: Option<String> },
    Other(Value),
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct RelationshipLinks {
    #[serde(default)]
    pub related: Option<String>,
}

impl Relationship {
    pub fn related(&self) -> Option<&str> {
        match self {
            Relationship::Nested { links } => links.related.as_deref(),
            Relationship::Flat { related } => related.as_deref(),
            Relationship::Other(_) => None,
        }
    }
}

/// `GET /admin/v2/orgs/{orgId}/directories` item.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Directory {
    pub directory_id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// `POST /admin/v2/orgs/{orgId}/directories/{dir}/users/search` item with every `expand`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct DirectoryUser {
    pub account_id: String,
    #[serde(default)]
    pub account_type: Option<String>,
    /// Directory membership lifecycle: active|suspended|not_invited|deactivated|for_deletion.
    #[serde(default)]
    pub status: Option<String>,
    /// Atlassian account status: active|inactive|closed.
    #[serde(default)]
    pub account_status: Option<String>,
    #[serde(default)]
    pub membership_status: Option<String>,
    #[serde(default)]
    pub added_to_org: Option<Timestamp>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub nickname: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    /// Not read: kept as served.
    #[serde(default)]
    pub email_verified: Option<Value>,
    /// managed|unmanaged
    #[serde(default)]
    pub claim_status: Option<String>,
    #[serde(default)]
    pub platform_roles: Vec<String>,
    /// Not read: kept as served.
    #[serde(default)]
    pub management_source: Option<Value>,
    /// Atlassian 2SV. Users who log in through SSO can legitimately be `false`.
    #[serde(default)]
    pub mfa_enabled: Option<bool>,
    #[serde(default)]
    pub deactivated_on: Option<Timestamp>,
    #[serde(default)]
    pub for_deletion: Option<bool>,
    #[serde(default)]
    pub product_access: Vec<ProductAccess>,
    #[serde(default)]
    pub groups: Vec<GroupRef>,
    /// Account-level last activity when the collector could read it (v1 users or last-active-dates).
    #[serde(default)]
    pub last_active: Option<Timestamp>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ProductAccess {
    #[serde(default)]
    pub key: Option<String>,
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub last_active_timestamp: Option<Timestamp>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct GroupRef {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// `POST /admin/v2/orgs/{orgId}/directories/{dir}/groups/search` item.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Group {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    // Not read (no control reads groups beyond id, name and description): kept as served.
    #[serde(default)]
    pub directory_id: Option<Value>,
    /// external|admins|team-members|open
    #[serde(default)]
    pub managed_by: Option<Value>,
    #[serde(default)]
    pub external_synced: Option<Value>,
    #[serde(default)]
    pub counts: Option<Value>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// `GET /admin/v1/orgs/{orgId}/domains` item.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Domain {
    pub id: String,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default)]
    pub attributes: DomainAttributes,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct DomainAttributes {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub claim: Option<DomainClaim>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct DomainClaim {
    /// http|dns
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// verified|deleted|unverified|superseded|missing_token
    #[serde(default)]
    pub status: Option<String>,
}

/// An org policy (`/admin/v1/orgs/{id}/policies`) or a Control API policy
/// (`/admin/control/v1|v2/orgs/{id}/policies`), with its resources folded in.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct OrgPolicy {
    pub id: String,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default)]
    pub attributes: PolicyAttributes,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PolicyAttributes {
    /// ip-allowlist|data-residency|data-security|generative-ai|…
    #[serde(rename = "type", default)]
    pub policy_type: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    /// enabled|disabled for org policies; draft|active for data-security policies.
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub rule: Option<Value>,
    #[serde(default)]
    pub metadata: Option<Value>,
    #[serde(default)]
    pub resources: Vec<PolicyResource>,
    #[serde(default)]
    pub created_at: Option<Timestamp>,
    #[serde(default)]
    pub updated_at: Option<Timestamp>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PolicyResource {
    pub id: String,
    /// applying|removing|applied|failed|scheduled|validating
    #[serde(default)]
    pub application_status: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// `GET /admin/api-access/v1/orgs/{orgId}/api-keys` item (admin API keys).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ApiKey {
    pub id: String,
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub created_at: Option<Timestamp>,
    #[serde(default)]
    pub expires_at: Option<Timestamp>,
    #[serde(default)]
    pub last_active_at: Option<Timestamp>,
    #[serde(default)]
    pub created_by: Option<Person>,
    #[serde(default)]
    pub scopes: Option<Vec<String>>,
    #[serde(default)]
    pub revocation_date: Option<Timestamp>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// `GET /admin/api-access/v1/orgs/{orgId}/api-tokens` item (user API tokens).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ApiToken {
    pub id: String,
    #[serde(default)]
    pub label: Option<String>,
    /// ALLOWED|BLOCKED
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub created_at: Option<Timestamp>,
    /// Absent on legacy tokens: no expiry.
    #[serde(default)]
    pub expires_at: Option<Timestamp>,
    #[serde(default)]
    pub last_active_at: Option<Timestamp>,
    #[serde(default)]
    pub user: Option<Person>,
    #[serde(default)]
    pub scopes: Option<Vec<String>>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Person {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// `GET /admin/v1/orgs/{orgId}/event-actions` item.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct EventAction {
    pub id: String,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default)]
    pub attributes: EventActionAttributes,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct EventActionAttributes {
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub group_display_names: Option<Vec<String>>,
    /// The spec also allows a single group name.
    #[serde(default)]
    pub group_display_name: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

impl EventAction {
    /// Action ids were UPPER_SNAKE in 2021 and lower_snake since; events use lower case.
    pub fn key(&self) -> String {
        self.id.to_ascii_lowercase()
    }

    pub fn groups(&self) -> Vec<String> {
        let mut groups = self
            .attributes
            .group_display_names
            .clone()
            .unwrap_or_default();
        if let Some(single) = &self.attributes.group_display_name {
            if !groups.contains(single) {
                groups.push(single.clone());
            }
        }
        groups
    }
}

/// `POST /admin/v2/orgs/{orgId}/workspaces` item (sites and products).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Workspace {
    pub id: String,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default)]
    pub attributes: WorkspaceAttributes,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceAttributes {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub type_key: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub host_url: Option<String>,
    #[serde(default)]
    pub realm: Option<String>,
    /// Not read. The Org Workspaces reference documents an object (`{"type": "CHILD"}`); older
    /// captures and the demo have a boolean. Kept as served, whatever its shape.
    #[serde(default)]
    pub sandbox: Option<Value>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// One audit event in the API's shape (`/events` and `/events-stream` items).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Event {
    pub id: String,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    pub attributes: EventAttributes,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub links: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<EventMessage>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct EventAttributes {
    pub time: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processed_at: Option<Timestamp>,
    pub action: String,
    pub actor: EventActor,
    #[serde(default)]
    pub context: Vec<EventObject>,
    #[serde(default)]
    pub container: Vec<EventObject>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<EventLocation>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct EventActor {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth: Option<EventAuth>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_behalf_of: Option<Person>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub links: Option<Value>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct EventAuth {
    /// container-token|api-token|connect-token|auth-token-for-2LO|auth-token-for-3LO
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_label: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct EventObject {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub attributes: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub links: Option<Value>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct EventLocation {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geo: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct EventMessage {
    #[serde(default)]
    pub content: Option<String>,
    #[serde(default)]
    pub format: Option<String>,
}

/// The fields orgscan reads from each collection, in the API's names with dots for nesting
/// (positions in arrays dropped): exactly the fields the typed views above give a type to, so
/// exactly the fields whose shape can produce a `ShapeWarning`. Policies name these in
/// `custom.data.fields` (`users.mfaEnabled`); `orgscan policy check` validates against this list
/// and a test checks it against the types both ways.
pub fn read_fields(collection: Collection) -> &'static [&'static str] {
    match collection {
        Collection::Org => &[
            "id",
            "type",
            "attributes",
            "attributes.name",
            "relationships",
        ],
        Collection::Directories => &["directoryId", "name"],
        Collection::Users => &[
            "accountId",
            "accountType",
            "status",
            "accountStatus",
            "membershipStatus",
            "addedToOrg",
            "name",
            "nickname",
            "email",
            "claimStatus",
            "platformRoles",
            "mfaEnabled",
            "deactivatedOn",
            "forDeletion",
            "productAccess",
            "productAccess.key",
            "productAccess.id",
            "productAccess.lastActiveTimestamp",
            "groups",
            "groups.id",
            "groups.name",
            "groups.description",
            "lastActive",
        ],
        Collection::Groups => &["id", "name", "description"],
        Collection::Domains => &[
            "id",
            "type",
            "attributes",
            "attributes.name",
            "attributes.claim",
            "attributes.claim.type",
            "attributes.claim.status",
        ],
        Collection::OrgPolicies | Collection::ControlPolicies => &[
            "id",
            "type",
            "attributes",
            "attributes.type",
            "attributes.name",
            "attributes.status",
            "attributes.rule",
            "attributes.metadata",
            "attributes.resources",
            "attributes.resources.id",
            "attributes.resources.applicationStatus",
            "attributes.createdAt",
            "attributes.updatedAt",
        ],
        Collection::ApiKeys => &[
            "id",
            "label",
            "createdAt",
            "expiresAt",
            "lastActiveAt",
            "createdBy",
            "createdBy.id",
            "createdBy.name",
            "createdBy.email",
            "scopes",
            "revocationDate",
        ],
        Collection::ApiTokens => &[
            "id",
            "label",
            "status",
            "createdAt",
            "expiresAt",
            "lastActiveAt",
            "user",
            "user.id",
            "user.name",
            "user.email",
            "scopes",
        ],
        Collection::EventActions => &[
            "id",
            "type",
            "attributes",
            "attributes.displayName",
            "attributes.groupDisplayNames",
            "attributes.groupDisplayName",
        ],
        Collection::Workspaces => &[
            "id",
            "type",
            "attributes",
            "attributes.name",
            "attributes.typeKey",
            "attributes.status",
            "attributes.hostUrl",
            "attributes.realm",
        ],
        Collection::Events | Collection::Attestation => &[],
    }
}

/// Read fields typed as free-form JSON: any shape fits them, so they never warn.
pub const FREE_FORM_FIELDS: [&str; 2] = ["attributes.rule", "attributes.metadata"];

/// True when `path` (no positions) is a field orgscan reads in `collection`, or an object that
/// holds one.
pub fn is_read_field(collection: Collection, path: &str) -> bool {
    read_fields(collection).iter().any(|r| {
        *r == path
            || r.strip_prefix(path)
                .is_some_and(|rest| rest.starts_with('.'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn org_accepts_both_relationship_shapes() {
        let docs: Org = serde_json::from_str(
            r#"{"id":"o1","type":"orgs","attributes":{"name":"Acme"},
                "relationships":{"domains":{"links":{"related":"https://x/domains"}}}}"#,
        )
        .unwrap();
        let capture: Org = serde_json::from_str(
            r#"{"id":"o1","attributes":{"name":"Acme"},"relationships":{"domains":{"related":"https://x/domains"}},"meta":null}"#,
        )
        .unwrap();
        let related = |o: &Org| {
            o.relationships
                .as_ref()
                .and_then(|r| r.get("domains"))
                .and_then(|r| r.related().map(str::to_string))
        };
        assert_eq!(related(&docs).as_deref(), Some("https://x/domains"));
        assert_eq!(related(&capture).as_deref(), Some("https://x/domains"));
        assert!(
            capture.extra.contains_key("meta"),
            "unknown fields are kept"
        );
    }

    #[test]
    fn event_tolerates_missing_location_and_unknown_fields() {
        let event: Event = serde_json::from_str(
            r#"{"id":"e1","type":"events","attributes":{"time":"2021-04-01T23:20:17.230060Z","action":"api_token_created",
                "actor":{"id":"atlassian-internal-system"},"context":[],"container":[],"brandNew":1},
                "message":{"content":"Created admin API key","format":"simple"}}"#,
        )
        .unwrap();
        assert!(event.attributes.location.is_none());
        assert_eq!(
            event.attributes.extra.get("brandNew"),
            Some(&serde_json::json!(1))
        );
    }

    #[test]
    fn event_action_ids_compare_case_insensitively_and_groups_merge() {
        let action: EventAction = serde_json::from_str(
            r#"{"type":"eventActions","id":"API_TOKEN_CREATED","attributes":{"displayName":"Created admin API key","groupDisplayName":"SETTINGS"},"links":null,"message":null}"#,
        )
        .unwrap();
        assert_eq!(action.key(), "api_token_created");
        assert_eq!(action.groups(), vec!["SETTINGS".to_string()]);
    }

    #[test]
    fn api_token_without_expiry_reads_as_none() {
        let token: ApiToken = serde_json::from_str(
            r#"{"id":"t1","label":"legacy","status":"ALLOWED","createdAt":"2020-01-01T00:00:00Z"}"#,
        )
        .unwrap();
        assert!(token.expires_at.is_none());
    }
}
