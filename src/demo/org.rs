//! The demo org's configuration collections other than people: the org record, domains,
//! sites and products, org and Control API policies, admin API keys, user API tokens and the
//! attestation. Each record is in the API's own shape (docs/atlassian-api.md) and several are
//! deliberately wrong in the ways the policies look for; `DemoFacts` lists which.

use super::json::{timestamp, utc_ms, MS_PER_DAY, MS_PER_HOUR};
use super::people::DemoPerson;
use super::rng::uuid_for;
use super::{ATTESTED_AT_MS, COLLECTED_AT_MS, ORG_ID, ORG_NAME, SEED};
use crate::snapshot::attestation::{
    ApiTokenAttestation, AuditLogAttestation, AuthenticationAttestation, ConnectedApp,
    McpAttestation, OAuthAttestation, SsoAttestation,
};
use crate::snapshot::{
    ApiKey, ApiToken, Attestation, Domain, DomainAttributes, DomainClaim, Extra, Org,
    OrgAttributes, OrgPolicy, Person, PolicyAttributes, PolicyResource, Relationship,
    RelationshipLinks, Workspace, WorkspaceAttributes,
};
use serde_json::json;
use std::collections::BTreeMap;

/// A site of the demo org.
pub(super) struct DemoSite {
    pub key: &'static str,
    pub id: String,
    pub host: &'static str,
    pub realm: &'static str,
    pub products: &'static [&'static str],
}

pub(super) fn sites() -> Vec<DemoSite> {
    vec![
        DemoSite {
            key: "acme-robotics",
            id: uuid_for(SEED, "site/acme-robotics"),
            host: "acme-robotics.atlassian.net",
            realm: "eu",
            products: &["jira", "confluence"],
        },
        DemoSite {
            key: "acme-labs",
            id: uuid_for(SEED, "site/acme-labs"),
            host: "acme-labs.atlassian.net",
            realm: "us",
            products: &["jira"],
        },
    ]
}

/// The resource id (ARI) of a product on a site.
pub(super) fn product_ari(product: &str, site: &DemoSite) -> String {
    format!("ari:cloud:{product}::site/{}", site.id)
}

fn days_before_collection(days: i64) -> i64 {
    COLLECTED_AT_MS - days * MS_PER_DAY
}

pub(super) fn org() -> Org {
    let api = format!("https://api.atlassian.com/admin/v1/orgs/{ORG_ID}");
    let mut relationships = BTreeMap::new();
    for name in ["domains", "users"] {
        relationships.insert(
            name.to_string(),
            Relationship::Nested {
                links: RelationshipLinks {
                    related: Some(format!("{api}/{name}")),
                },
            },
        );
    }
    let mut extra = Extra::new();
    extra.insert("links".into(), json!({ "self": api }));
    Org {
        id: ORG_ID.to_string(),
        kind: Some("orgs".to_string()),
        attributes: OrgAttributes {
            name: Some(ORG_NAME.to_string()),
            extra: Extra::new(),
        },
        relationships: Some(relationships),
        extra,
    }
}

pub(super) fn domains() -> Vec<Domain> {
    [
        ("acme-robotics.com", "dns", "verified"),
        ("acme-labs.io", "http", "unverified"),
        ("acmerobotics.dev", "dns", "missing_token"),
    ]
    .iter()
    .map(|(name, kind, status)| {
        let mut extra = Extra::new();
        extra.insert(
            "links".into(),
            json!({ "self": format!("https://api.atlassian.com/admin/v1/orgs/{ORG_ID}/domains/{name}") }),
        );
        Domain {
            id: (*name).to_string(),
            kind: Some("domains".to_string()),
            attributes: DomainAttributes {
                name: Some((*name).to_string()),
                claim: Some(DomainClaim {
                    kind: Some((*kind).to_string()),
                    status: Some((*status).to_string()),
                }),
                extra: Extra::new(),
            },
            extra,
        }
    })
    .collect()
}

pub(super) fn workspaces() -> Vec<Workspace> {
    let mut out = Vec::new();
    for site in sites() {
        for product in site.products {
            let mut extra = Extra::new();
            extra.insert("links".into(), json!({ "self": format!("https://api.atlassian.com/admin/v2/orgs/{ORG_ID}/workspaces/{}", product_ari(product, &site)) }));
            let mut attributes = Extra::new();
            attributes.insert("type".into(), json!(product));
            attributes.insert("owner".into(), json!(ORG_ID));
            attributes.insert("regions".into(), json!([site.realm]));
            attributes.insert(
                "createdAt".into(),
                json!(if site.key == "acme-labs" {
                    "2024-04-22T08:30:00.000Z"
                } else {
                    "2018-04-16T09:00:00.000Z"
                }),
            );
            out.push(Workspace {
                id: product_ari(product, &site),
                kind: Some("workspaces".to_string()),
                attributes: WorkspaceAttributes {
                    name: Some(site.key.to_string()),
                    type_key: Some(product.to_string()),
                    status: Some("online".to_string()),
                    host_url: Some(format!("https://{}", site.host)),
                    realm: Some(site.realm.to_string()),
                    sandbox: Some(json!(false)),
                    extra: attributes,
                },
                extra,
            });
        }
    }
    out
}

/// Ids of the policies, for events that reference them.
pub(super) fn policy_id(key: &str) -> String {
    uuid_for(SEED, &format!("policy/{key}"))
}

pub(super) const IP_ALLOWLIST_NAME: &str = "Office and VPN egress";
pub(super) const IP_ALLOWLIST_UPDATED_MS: i64 = utc_ms(2026, 11, 16, 14, 20, 33);

/// Org policies (`/admin/v1/orgs/{id}/policies`): an enabled IP allowlist on one site and the
/// EU data-residency policy.
pub(super) fn org_policies() -> Vec<OrgPolicy> {
    let sites = sites();
    let main = &sites[0];
    let policy = |key: &str, attributes: PolicyAttributes| {
        let mut extra = Extra::new();
        extra.insert("links".into(), json!(null));
        extra.insert("relations".into(), json!(null));
        OrgPolicy {
            id: policy_id(key),
            kind: Some("policy".to_string()),
            attributes,
            extra,
        }
    };
    let resource = |id: String| PolicyResource {
        id,
        application_status: Some("applied".to_string()),
        extra: [
            ("meta".to_string(), json!({})),
            ("links".to_string(), json!({})),
        ]
        .into_iter()
        .collect(),
    };
    vec![
        policy(
            "ip-allowlist",
            PolicyAttributes {
                policy_type: Some("ip-allowlist".to_string()),
                name: Some(IP_ALLOWLIST_NAME.to_string()),
                status: Some("enabled".to_string()),
                rule: Some(json!({ "in": ["203.0.113.0/24", "198.51.100.16/28"] })),
                metadata: None,
                resources: vec![resource(format!("ari:cloud:platform::site/{}", main.id))],
                created_at: Some(timestamp(utc_ms(2025, 3, 14, 10, 12, 0))),
                updated_at: Some(timestamp(IP_ALLOWLIST_UPDATED_MS)),
                extra: Extra::new(),
            },
        ),
        policy(
            "data-residency",
            PolicyAttributes {
                policy_type: Some("data-residency".to_string()),
                name: Some("EU data residency".to_string()),
                status: Some("enabled".to_string()),
                rule: Some(json!({ "in": ["eu"] })),
                metadata: None,
                resources: vec![
                    resource(product_ari("jira", main)),
                    resource(product_ari("confluence", main)),
                ],
                created_at: Some(timestamp(utc_ms(2023, 6, 5, 7, 45, 0))),
                updated_at: None,
                extra: Extra::new(),
            },
        ),
    ]
}

pub(super) const DATA_SECURITY_DELETED_NAME: &str = "Block public links - Finance";

/// Control API data-security policies: one active with coverage and an export rule, one
/// draft that was never published.
pub(super) fn control_policies() -> Vec<OrgPolicy> {
    let sites = sites();
    let main = &sites[0];
    let policy = |key: &str, attributes: PolicyAttributes| OrgPolicy {
        id: policy_id(key),
        kind: Some("policy".to_string()),
        attributes,
        extra: Extra::new(),
    };
    vec![
        policy(
            "dsp-confidential",
            PolicyAttributes {
                policy_type: Some("data-security".to_string()),
                name: Some("Protect confidential content".to_string()),
                status: Some("active".to_string()),
                rule: Some(json!({ "export": { "effect": "block" } })),
                metadata: Some(json!({
                    "policyCoverageLevel": "CLASSIFICATION_LEVEL",
                    "classificationLevels": ["Confidential", "Restricted"]
                })),
                resources: vec![PolicyResource {
                    id: product_ari("confluence", main),
                    application_status: Some("applied".to_string()),
                    extra: Extra::new(),
                }],
                created_at: Some(timestamp(utc_ms(2025, 11, 3, 13, 0, 0))),
                updated_at: Some(timestamp(utc_ms(2026, 2, 17, 9, 40, 0))),
                extra: Extra::new(),
            },
        ),
        policy(
            "dsp-draft",
            PolicyAttributes {
                policy_type: Some("data-security".to_string()),
                name: Some("Restrict exports for contractors (draft)".to_string()),
                status: Some("draft".to_string()),
                rule: Some(json!({ "export": { "effect": "block" } })),
                metadata: Some(json!({ "policyCoverageLevel": "UNASSIGNED" })),
                resources: Vec::new(),
                created_at: Some(timestamp(utc_ms(2026, 4, 8, 15, 22, 0))),
                updated_at: None,
                extra: Extra::new(),
            },
        ),
    ]
}

fn person_ref(p: &DemoPerson) -> Person {
    Person {
        id: Some(p.id.clone()),
        name: Some(p.name.clone()),
        email: Some(p.email.clone()),
        extra: Extra::new(),
    }
}

fn find<'a>(people: &'a [DemoPerson], key: &str) -> Option<&'a DemoPerson> {
    people.iter().find(|p| p.key == key)
}

/// (key, label, created days ago, expires days from collection, last used days ago, scopes, creator)
type KeyRow = (
    &'static str,
    &'static str,
    i64,
    i64,
    Option<i64>,
    &'static [&'static str],
    &'static str,
);

const READ_SCOPES: &[&str] = &[
    "read:orgs:admin",
    "read:directories:admin",
    "read:groups:admin",
    "read:domains:admin",
    "read:events:admin",
    "read:policies:admin",
    "read:tokens:admin",
    "read:workspaces:admin",
];

const KEYS: &[KeyRow] = &[
    (
        "healthy",
        "orgscan-readonly",
        60,
        300,
        Some(1),
        READ_SCOPES,
        "dana",
    ),
    (
        "expiring",
        "siem-export",
        150,
        15,
        Some(0),
        &["read:events:admin"],
        "dana",
    ),
    (
        "expired",
        "okta-sync-legacy",
        415,
        -50,
        Some(52),
        &["read:directories:admin", "read:groups:admin"],
        "marcus",
    ),
    (
        "rotation-due",
        "terraform-admin",
        264,
        100,
        Some(2),
        &[
            "read:policies:admin",
            "write:policies:admin",
            "read:directories:admin",
        ],
        "marcus",
    ),
    (
        "no-scopes",
        "temp-migration",
        12,
        353,
        Some(3),
        &[],
        "marcus",
    ),
    (
        "unused",
        "backup-tool",
        232,
        133,
        Some(142),
        &["read:directories:admin"],
        "priya",
    ),
];

/// When the no-scopes key was created (the planted `api_token_created` event).
pub(super) const NO_SCOPES_KEY_CREATED_MS: i64 = utc_ms(2026, 11, 8, 11, 15, 9);

pub(super) fn api_key_id(key: &str) -> String {
    uuid_for(SEED, &format!("api-key/{key}"))
}

/// Admin API keys in every state the key policies care about.
pub(super) fn api_keys(people: &[DemoPerson]) -> Vec<ApiKey> {
    KEYS.iter()
        .map(|&(key, label, created, expires, used, scopes, creator)| {
            let created_ms = if key == "no-scopes" {
                NO_SCOPES_KEY_CREATED_MS
            } else {
                days_before_collection(created) - 7 * MS_PER_HOUR
            };
            let mut extra = Extra::new();
            extra.insert("orgId".into(), json!(ORG_ID));
            extra.insert(
                "systemAccountId".into(),
                json!(uuid_for(SEED, &format!("api-key-account/{key}"))),
            );
            extra.insert(
                "resource".into(),
                json!(format!("ari:cloud:platform::org/{ORG_ID}")),
            );
            ApiKey {
                id: api_key_id(key),
                label: Some(label.to_string()),
                created_at: Some(timestamp(created_ms)),
                expires_at: Some(timestamp(
                    days_before_collection(-expires) - 7 * MS_PER_HOUR,
                )),
                last_active_at: used
                    .map(|d| timestamp(days_before_collection(d) - 5 * MS_PER_HOUR)),
                created_by: find(people, creator).map(person_ref),
                scopes: Some(scopes.iter().map(|s| (*s).to_string()).collect()),
                revocation_date: None,
                extra,
            }
        })
        .collect()
}

/// (key, owner, label, created days ago, expires days from collection (None = legacy, no
/// expiry), last used days ago)
type TokenRow = (
    &'static str,
    &'static str,
    &'static str,
    i64,
    Option<i64>,
    Option<i64>,
);

const TOKENS: &[TokenRow] = &[
    ("marcus-cli", "marcus", "laptop-cli", 1_319, None, Some(1)),
    (
        "kevin-mcp",
        "kevin",
        "mcp-claude-desktop",
        9,
        Some(356),
        Some(0),
    ),
    (
        "kevin-jira-cli",
        "kevin",
        "jira-cli",
        201,
        Some(164),
        Some(3),
    ),
    (
        "kevin-scripts",
        "kevin",
        "scripts-old",
        903,
        None,
        Some(202),
    ),
    (
        "kevin-vscode",
        "kevin",
        "vscode-extension",
        77,
        Some(288),
        Some(6),
    ),
    ("paul-ci", "paul", "ci-pipeline", 320, Some(56), Some(98)),
    ("noah-mcp", "noah", "mcp-cli", 40, Some(325), Some(3)),
    (
        "ava-export",
        "ava",
        "confluence-export",
        130,
        Some(235),
        Some(11),
    ),
    (
        "jonas-legacy",
        "jonas",
        "legacy-import",
        1_010,
        None,
        Some(340),
    ),
    (
        "pavel-grafana",
        "pavel",
        "grafana-datasource",
        61,
        Some(304),
        Some(0),
    ),
];

/// When Kevin created `mcp-claude-desktop` (the planted `ts_api_token_creation` event).
pub(super) const KEVIN_TOKEN_CREATED_MS: i64 = utc_ms(2026, 11, 11, 13, 30, 27);

pub(super) fn api_token_id(key: &str) -> String {
    // User API token ids look like `asp_…` in the per-user API; the org-wide list uses uuids.
    uuid_for(SEED, &format!("api-token/{key}"))
}

/// User API tokens, org-wide list shape.
pub(super) fn api_tokens(people: &[DemoPerson]) -> Vec<ApiToken> {
    TOKENS
        .iter()
        .map(|&(key, owner, label, created, expires, used)| {
            let created_ms = if key == "kevin-mcp" {
                KEVIN_TOKEN_CREATED_MS
            } else {
                days_before_collection(created) - 3 * MS_PER_HOUR
            };
            let user = find(people, owner).map(|p| {
                let mut person = person_ref(p);
                person.extra.insert("orgId".into(), json!(ORG_ID));
                person
            });
            ApiToken {
                id: api_token_id(key),
                label: Some(label.to_string()),
                status: Some("ALLOWED".to_string()),
                created_at: Some(timestamp(created_ms)),
                expires_at: expires.map(|d| timestamp(days_before_collection(-d))),
                last_active_at: used
                    .map(|d| timestamp(days_before_collection(d) - 2 * MS_PER_HOUR)),
                user,
                scopes: None,
                extra: Extra::new(),
            }
        })
        .collect()
}

/// The security lead's answers, ten days before collection, with the misconfigurations the
/// attestation-fed controls look for; `data_security` is left unanswered.
pub(super) fn attestation() -> Attestation {
    let reviewed = Some(timestamp(utc_ms(2026, 9, 15, 10, 0, 0)));
    let app = |name: &str, kind: &str, owner: Option<&str>, access: &str| ConnectedApp {
        name: name.to_string(),
        kind: Some(kind.to_string()),
        site: Some("acme-robotics.atlassian.net".to_string()),
        owner: owner.map(str::to_string),
        reviewed_at: reviewed,
        approved: Some(true),
        access: Some(access.to_string()),
    };
    Attestation {
        attested_by: "dana.whitfield@acme-robotics.com".to_string(),
        attested_at: timestamp(ATTESTED_AT_MS),
        authentication: Some(AuthenticationAttestation {
            two_step_enforced: Some(true),
            sso_enforced: Some(false),
            idle_session_timeout_minutes: Some(720),
            password_min_length: Some(8),
            password_expiry_days: Some(0),
            password_strength: Some("fair".to_string()),
            exempt_accounts: vec!["svc-breakglass@acme-robotics.com".to_string()],
        }),
        sso: Some(SsoAttestation {
            configured: Some(true),
            identity_provider: Some("okta".to_string()),
            scim_provisioning: Some(true),
        }),
        oauth: Some(OAuthAttestation {
            block_user_installed_apps: Some(false),
            approved_apps: vec!["Slack".to_string(), "GitHub for Jira".to_string()],
        }),
        connected_apps: Some(vec![
            app(
                "Slack",
                "oauth",
                Some("it-ops@acme-robotics.com"),
                "read/write Jira issues, read Confluence pages",
            ),
            app(
                "GitHub for Jira",
                "connect",
                Some("anna.weber@acme-robotics.com"),
                "read/write development information",
            ),
            app(
                "Tempo Timesheets",
                "connect",
                None,
                "read/write worklogs, read issues",
            ),
            app(
                "Atlassian MCP",
                "mcp",
                Some("dana.whitfield@acme-robotics.com"),
                "Jira and Confluence on behalf of the user",
            ),
        ]),
        mcp: Some(McpAttestation {
            enabled: Some(true),
            allowed_domains: vec!["claude.ai".to_string(), "*.acme-robotics.com".to_string()],
            allow_atlassian_supported_domains: Some(true),
            api_token_auth_enabled: Some(true),
            api_token_auth_justification: None,
        }),
        api_tokens: Some(ApiTokenAttestation {
            users_can_create: Some(true),
            justification: Some("Engineering automation and CLI tools".to_string()),
        }),
        audit_log: Some(AuditLogAttestation {
            streaming_enabled: Some(false),
            streaming_destination: None,
            user_created_activity_enabled: Some(true),
            guard_tier: Some("premium".to_string()),
        }),
        data_security: None,
    }
}
