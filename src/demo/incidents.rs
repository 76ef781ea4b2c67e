//! The planted incidents: hand-placed events the detections must flag, merged into the
//! generated baseline. Built as typed `schema::Event`s and serialised by serde, which renders
//! them exactly as the generator's fast path does (a test checks every line re-serialises to
//! itself). Ids derive from each event's label, so they stay put when the baseline changes.

use super::catalogue;
use super::geo::{self, City};
use super::json::{timestamp, utc_ms, MS_PER_MINUTE, MS_PER_SECOND};
use super::org::{self, DemoSite};
use super::people::{group_id, DemoPerson};
use super::rng::{hash_label, uuid_for, SplitMix64};
use super::{PlantedEvent, ORG_ID, ORG_NAME, SEED};
use crate::snapshot::{
    Event, EventActor, EventAttributes, EventAuth, EventLocation, EventMessage, EventObject, Extra,
    Person,
};
use serde_json::{json, Value};

/// The actor id Atlassian's own system events carry (docs/atlassian-api.md).
pub(super) const SYSTEM_ACTOR_ID: &str = "atlassian-internal-system";

/// One planted event, rendered.
pub(super) struct Planted {
    pub fact: PlantedEvent,
    pub time_ms: i64,
    pub line: String,
}

struct Builder<'a> {
    people: &'a [DemoPerson],
    sites: Vec<DemoSite>,
    out: Vec<Planted>,
}

/// Who acted, in the event's actor shape.
enum Actor<'a> {
    Person(&'a DemoPerson),
    /// A person acting with a given authentication (API token, 3LO…) through an app.
    PersonVia(&'a DemoPerson, EventAuth, Option<&'a DemoPerson>),
    /// An app acting on a person's behalf.
    App(&'a DemoPerson, &'a DemoPerson, EventAuth),
    /// Atlassian's internal system actor (IdP sync, org bootstrap).
    System,
}

fn auth(kind: &str) -> EventAuth {
    EventAuth {
        auth_type: Some(kind.to_string()),
        token_id: None,
        token_label: None,
    }
}

fn links(id: &str) -> Value {
    json!({
        "self": format!("https://api.atlassian.com/users/{id}/manage/profile"),
        "alt": format!("https://admin.atlassian.com/o/{ORG_ID}/users/{id}"),
    })
}

fn app_value(app: &DemoPerson) -> Value {
    let a = super::events::app(SEED, &app.name, app_vendor(app), app.mcp);
    json!({ "id": a.app_id, "type": "apps", "attributes": { "name": a.name, "vendor": a.vendor } })
}

fn app_vendor(app: &DemoPerson) -> &'static str {
    super::people::APPS
        .iter()
        .find(|row| row.0 == app.key)
        .map(|row| row.2)
        .unwrap_or("")
}

fn on_behalf(p: &DemoPerson) -> Person {
    Person {
        id: Some(p.id.clone()),
        name: Some(p.name.clone()),
        email: Some(p.email.clone()),
        extra: Extra::new(),
    }
}

fn user_object(p: &DemoPerson) -> EventObject {
    EventObject {
        id: Some(p.id.clone()),
        kind: Some("users".to_string()),
        attributes: Some(json!({ "name": p.name, "email": p.email, "accountType": "atlassian" })),
        links: Some(links(&p.id)),
    }
}

fn object(id: &str, kind: &str, attributes: Value) -> EventObject {
    EventObject {
        id: Some(id.to_string()),
        kind: Some(kind.to_string()),
        attributes: Some(attributes),
        links: None,
    }
}

fn group_object(name: &str) -> EventObject {
    object(
        &group_id(name),
        "groups",
        json!({ "name": name, "groupName": name }),
    )
}

fn location(ip: &str, city: &City) -> Option<EventLocation> {
    Some(EventLocation {
        ip: Some(ip.to_string()),
        geo: Some(city.geo.to_string()),
        country_name: Some(city.country.to_string()),
        region_name: Some(city.region.to_string()),
        city: Some(city.city.to_string()),
    })
}

fn home(p: &DemoPerson) -> Option<EventLocation> {
    location(&p.ip, &p.city)
}

fn app_location() -> Option<EventLocation> {
    location("52.4.193.27", &geo::ASHBURN)
}

impl<'a> Builder<'a> {
    fn person(&self, key: &str) -> &'a DemoPerson {
        let people: &'a [DemoPerson] = self.people;
        let found = people.iter().find(|p| p.key == key);
        // The keys are this file's own constants; a typo fails every debug build's tests.
        debug_assert!(found.is_some(), "no demo person {key:?}");
        // `planted` returns early on an empty table, so index 0 exists.
        found.unwrap_or(&people[0])
    }

    fn org_container(&self) -> EventObject {
        EventObject {
            id: Some(ORG_ID.to_string()),
            kind: Some("orgs".to_string()),
            attributes: Some(json!({ "name": ORG_NAME })),
            links: Some(json!({
                "self": format!("https://api.atlassian.com/admin/v1/orgs/{ORG_ID}"),
                "alt": format!("https://admin.atlassian.com/o/{ORG_ID}"),
            })),
        }
    }

    fn site_container(&self, index: usize) -> Vec<EventObject> {
        let site = &self.sites[index.min(self.sites.len() - 1)];
        let name = site.host.split('.').next().unwrap_or(site.host);
        vec![
            self.org_container(),
            EventObject {
                id: Some(site.id.clone()),
                kind: Some("sites".to_string()),
                attributes: Some(json!({ "siteHostName": site.host, "siteName": name })),
                links: Some(json!({ "alt": format!("https://{}", site.host) })),
            },
        ]
    }

    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        label: &'static str,
        time_ms: i64,
        action: &'static str,
        actor: Actor,
        context: Vec<EventObject>,
        container: Vec<EventObject>,
        location: Option<EventLocation>,
    ) {
        let id = uuid_for(SEED, &format!("planted/{label}/{time_ms}"));
        let (actor, actor_id) = match actor {
            Actor::Person(p) => (
                EventActor {
                    id: p.id.clone(),
                    name: Some(p.name.clone()),
                    email: Some(p.email.clone()),
                    auth: None,
                    on_behalf_of: None,
                    app: None,
                    links: Some(links(&p.id)),
                    extra: Extra::new(),
                },
                p.id.clone(),
            ),
            Actor::PersonVia(p, auth, app) => (
                EventActor {
                    id: p.id.clone(),
                    name: Some(p.name.clone()),
                    email: Some(p.email.clone()),
                    auth: Some(auth),
                    on_behalf_of: None,
                    app: app.map(app_value),
                    links: Some(links(&p.id)),
                    extra: Extra::new(),
                },
                p.id.clone(),
            ),
            Actor::System => (
                EventActor {
                    id: SYSTEM_ACTOR_ID.to_string(),
                    name: Some("Atlassian".to_string()),
                    email: None,
                    auth: None,
                    on_behalf_of: None,
                    app: None,
                    links: None,
                    extra: Extra::new(),
                },
                SYSTEM_ACTOR_ID.to_string(),
            ),
            Actor::App(app, p, auth) => (
                EventActor {
                    id: app.id.clone(),
                    name: Some(app.name.clone()),
                    email: None,
                    auth: Some(auth),
                    on_behalf_of: Some(on_behalf(p)),
                    app: Some(app_value(app)),
                    links: Some(links(&app.id)),
                    extra: Extra::new(),
                },
                app.id.clone(),
            ),
        };
        let processed = time_ms + 1_500 + (hash_label(SEED, &id) % 4_000) as i64;
        let event = Event {
            id: id.clone(),
            kind: Some("events".to_string()),
            attributes: EventAttributes {
                time: timestamp(time_ms),
                processed_at: Some(timestamp(processed)),
                action: action.to_string(),
                actor,
                context,
                container,
                location,
                extra: Extra::new(),
            },
            links: Some(json!({
                "self": format!("https://api.atlassian.com/admin/v1/orgs/{ORG_ID}/events/{id}")
            })),
            message: Some(EventMessage {
                content: Some(catalogue::display_name(action).to_string()),
                format: Some("simple".to_string()),
            }),
            extra: Extra::new(),
        };
        // Serialising plain data with string keys cannot fail; an empty line would be caught
        // by the tests that parse every event.
        let line = serde_json::to_string(&event).unwrap_or_default();
        self.out.push(Planted {
            fact: PlantedEvent {
                label,
                id,
                action,
                actor_id,
                time: timestamp(time_ms),
            },
            time_ms,
            line,
        });
    }
}

/// Every planted event, in no particular order.
pub(super) fn planted(people: &[DemoPerson]) -> Vec<Planted> {
    if people.is_empty() {
        return Vec::new();
    }
    let mut b = Builder {
        people,
        sites: org::sites(),
        out: Vec::new(),
    };
    let login = |b: &mut Builder, label, key: &str, t, ip: &str, city: &City| {
        let p = b.person(key);
        b.add(
            label,
            t,
            "user_login",
            Actor::Person(p),
            vec![],
            vec![b.org_container()],
            location(ip, city),
        );
    };

    // Sign-ins from sanctioned countries (no Acme staff lives there).
    login(
        &mut b,
        "risky_country_login",
        "lucas",
        utc_ms(2026, 10, 29, 3, 12, 44),
        "5.160.27.91",
        &geo::TEHRAN,
    );
    login(
        &mut b,
        "risky_country_login",
        "hannah",
        utc_ms(2026, 11, 9, 22, 47, 5),
        "175.45.176.68",
        &geo::PYONGYANG,
    );

    // Impossible travel: Berlin, then Sydney 40 minutes later.
    let t = utc_ms(2026, 11, 5, 8, 10, 31);
    login(
        &mut b,
        "impossible_travel",
        "jonas",
        t,
        "203.0.113.77",
        &geo::CITIES[geo::HQ],
    );
    login(
        &mut b,
        "impossible_travel",
        "jonas",
        t + 40 * MS_PER_MINUTE - 29 * MS_PER_SECOND,
        "101.181.64.23",
        &geo::CITIES[geo::SYDNEY],
    );

    // Eight product grants by one admin inside 40 minutes.
    let elena = b.person("elena");
    let targets = [
        "ahmed", "lisa", "tom", "sofia", "rachel", "mia", "leo", "tara",
    ];
    let main = b.sites[0].id.clone();
    for (n, key) in targets.iter().enumerate() {
        let target = b.person(key);
        let product = if n % 3 == 2 { "confluence" } else { "jira" };
        let product_object = object(
            &format!("ari:cloud:{product}::site/{main}"),
            "products",
            json!({ "productKey": product, "productName": if product == "jira" { "Jira" } else { "Confluence" } }),
        );
        let t = utc_ms(2026, 11, 18, 15, 2, 10)
            + n as i64 * 5 * MS_PER_MINUTE
            + (n as i64 * 7_919) % 60_000;
        b.add(
            "product_access_burst",
            t,
            "user_granted_product_access",
            Actor::Person(elena),
            vec![user_object(target), product_object],
            b.site_container(0),
            home(elena),
        );
    }

    // Saturday 02:30 Berlin time: Marcus (no 2SV) adds Oliver to org-admins and makes him org admin.
    let marcus = b.person("marcus");
    let oliver = b.person("oliver");
    b.add(
        "admin_group_add",
        utc_ms(2026, 11, 14, 1, 30, 12),
        "user_added_to_group",
        Actor::Person(marcus),
        vec![user_object(oliver), group_object("org-admins")],
        vec![b.org_container()],
        home(marcus),
    );
    b.add(
        "org_admin_added",
        utc_ms(2026, 11, 14, 1, 31, 40),
        "added_org_admin",
        Actor::Person(marcus),
        vec![user_object(oliver)],
        vec![b.org_container()],
        home(marcus),
    );

    // A new admin API key (the no-scopes `temp-migration` key) and a new user API token.
    b.add(
        "admin_key_created",
        org::NO_SCOPES_KEY_CREATED_MS,
        "api_token_created",
        Actor::Person(marcus),
        vec![],
        vec![b.org_container()],
        home(marcus),
    );
    let kevin = b.person("kevin");
    b.add(
        "user_token_created",
        org::KEVIN_TOKEN_CREATED_MS,
        "ts_api_token_creation",
        Actor::Person(kevin),
        vec![object(
            &org::api_token_id("kevin-mcp"),
            "api-tokens",
            json!({ "label": "mcp-claude-desktop" }),
        )],
        vec![b.org_container()],
        home(kevin),
    );

    // Impersonation.
    let sam = b.person("sam");
    let hannah = b.person("hannah");
    b.add(
        "impersonation",
        utc_ms(2026, 11, 6, 15, 20, 45),
        "user_logged_in_as_user",
        Actor::Person(sam),
        vec![user_object(hannah)],
        b.site_container(0),
        home(sam),
    );

    // Policy changes; the 2SV and session ones contradict the attestation of 2026-11-10.
    b.add(
        "ip_allowlist_updated",
        org::IP_ALLOWLIST_UPDATED_MS,
        "policy_updated",
        Actor::Person(marcus),
        vec![object(
            &org::policy_id("ip-allowlist"),
            "org-policy",
            json!({ "name": org::IP_ALLOWLIST_NAME, "type": "ip-allowlist", "status": "enabled" }),
        )],
        vec![b.org_container()],
        home(marcus),
    );
    let auth_policy = object(
        &uuid_for(SEED, "auth-policy/default"),
        "auth-policy",
        json!({ "name": "Default policy", "domain": "acme-robotics.com" }),
    );
    b.add(
        "twosv_unenforced",
        utc_ms(2026, 11, 12, 16, 42, 18),
        "twosv_unenforced",
        Actor::Person(marcus),
        vec![auth_policy.clone()],
        vec![b.org_container()],
        home(marcus),
    );
    let mut session_policy = auth_policy;
    session_policy.attributes = Some(json!({
        "name": "Default policy", "domain": "acme-robotics.com",
        "previousIdleSessionDurationMinutes": 720, "idleSessionDurationMinutes": 10080
    }));
    b.add(
        "session_policy_changed",
        utc_ms(2026, 11, 13, 10, 5, 51),
        "set_session_policy",
        Actor::Person(marcus),
        vec![session_policy],
        vec![b.org_container()],
        home(marcus),
    );
    let priya = b.person("priya");
    let dsp = object(
        &org::policy_id("dsp-finance-links"),
        "data-security-policy",
        json!({ "name": org::DATA_SECURITY_DELETED_NAME, "status": "inactive" }),
    );
    b.add(
        "data_security_deactivated",
        utc_ms(2026, 11, 17, 18, 5, 12),
        "data_security_policy_deactivated",
        Actor::Person(priya),
        vec![dsp.clone()],
        vec![b.org_container()],
        home(priya),
    );
    b.add(
        "data_security_deleted",
        utc_ms(2026, 11, 17, 18, 7, 40),
        "data_security_policy_deleted",
        Actor::Person(priya),
        vec![dsp],
        vec![b.org_container()],
        home(priya),
    );

    // Kevin's MCP spike: 64 tool calls in one evening hour (his baseline is about one a day).
    let mcp_app = b.person("app-mcp");
    let tools = [
        "searchJiraIssuesUsingJql",
        "getJiraIssue",
        "getConfluencePage",
        "searchConfluenceUsingCql",
    ];
    let mut rng = SplitMix64::new(hash_label(SEED, "mcp-spike"));
    for n in 0..64i64 {
        let tool = tools[rng.index(tools.len())];
        let t = utc_ms(2026, 11, 19, 21, 0, 4) + n * 55 * MS_PER_SECOND + rng.below(20_000) as i64;
        b.add(
            "mcp_spike",
            t,
            "rovo_mcp_tool_invoked",
            Actor::PersonVia(kevin, auth("auth-token-for-3LO"), Some(mcp_app)),
            vec![mcp_tool(tool)],
            b.site_container(0),
            home(kevin),
        );
    }

    // MCP and app activity authenticated with Noah's API token instead of OAuth.
    let noah = b.person("noah");
    let token_auth = || EventAuth {
        auth_type: Some("api-token".to_string()),
        token_id: Some(org::api_token_id("noah-mcp")),
        token_label: Some("mcp-cli".to_string()),
    };
    for (n, tool) in ["searchJiraIssuesUsingJql", "getJiraIssue", "editJiraIssue"]
        .iter()
        .enumerate()
    {
        b.add(
            "api_token_auth",
            utc_ms(2026, 11, 17, 10, 12, 3) + n as i64 * 41 * MS_PER_SECOND,
            "rovo_mcp_tool_invoked",
            Actor::PersonVia(noah, token_auth(), Some(mcp_app)),
            vec![mcp_tool(tool)],
            b.site_container(0),
            home(noah),
        );
    }
    b.add(
        "api_token_auth",
        utc_ms(2026, 11, 17, 10, 14, 5),
        "jira_app_api_activity",
        Actor::App(mcp_app, noah, token_auth()),
        vec![endpoint(mcp_app, "GET /rest/api/3/search/jql")],
        b.site_container(0),
        app_location(),
    );

    // Greta's last sign-ins, her deactivation, and Slack still acting for her afterwards.
    let greta = b.person("greta");
    for (day, hour) in [(22, 8), (26, 9), (29, 14)] {
        b.add(
            "greta_login",
            utc_ms(2026, 10, day, hour, 3, 17),
            "user_login",
            Actor::Person(greta),
            vec![],
            vec![b.org_container()],
            home(greta),
        );
    }
    // Near miss for ATL-DET-019: Slack acting for Greta two days before she left (legitimate
    // then), with the same action as its activity after her deactivation.
    let slack_app = b.person("app-slack");
    b.add(
        "app_activity_before_deactivation",
        utc_ms(2026, 10, 28, 11, 15, 40),
        "confluence_app_api_activity",
        Actor::App(slack_app, greta, auth("auth-token-for-3LO")),
        vec![endpoint(slack_app, "GET /wiki/api/v2/pages")],
        b.site_container(0),
        app_location(),
    );
    b.add(
        "greta_deactivated",
        utc_ms(2026, 10, 30, 16, 0, 0),
        "managed_account_deactivated",
        Actor::Person(elena),
        vec![user_object(greta)],
        vec![b.org_container()],
        home(elena),
    );
    let slack = b.person("app-slack");
    for (month, day, hour) in [(11, 2, 9), (11, 12, 7), (11, 19, 7)] {
        b.add(
            "on_behalf_of_deactivated",
            utc_ms(2026, month, day, hour, 45, 10),
            "confluence_app_api_activity",
            Actor::App(slack, greta, auth("auth-token-for-3LO")),
            vec![endpoint(slack, "GET /wiki/api/v2/pages")],
            b.site_container(0),
            app_location(),
        );
    }

    // New connections: an org-wide integration, and Zapier authorised by a user (not attested).
    let dana = b.person("dana");
    b.add(
        "integration_connected",
        utc_ms(2026, 10, 27, 13, 2, 11),
        "third_party_integration_connected",
        Actor::Person(dana),
        vec![object(
            "microsoft-teams",
            "third-party-integration",
            json!({ "name": "Microsoft Teams" }),
        )],
        vec![b.org_container()],
        home(dana),
    );
    let rachel = b.person("rachel");
    let zapier = b.person("app-zapier");
    let zapier_app = super::events::app(SEED, &zapier.name, app_vendor(zapier), false);
    b.add("oauth_first_install", utc_ms(2026, 11, 3, 16, 20, 40), "oauth_app_first_installed", Actor::Person(rachel),
        vec![object(&zapier_app.app_id, "apps", json!({
            "name": "Zapier", "vendor": "Zapier Inc.", "scopes": "read:jira-work write:jira-work read:jira-user offline_access"
        }))],
        b.site_container(0), home(rachel));
    for n in 0..12i64 {
        // Every ~30 hours from 2026-11-05 (after the gap day), during US working hours.
        let t = utc_ms(2026, 11, 5, 15, 11, 0) + n * 30 * 60 * MS_PER_MINUTE + n * 7_777;
        b.add(
            "unattested_app_activity",
            t,
            "jira_app_api_activity",
            Actor::App(zapier, rachel, auth("auth-token-for-3LO")),
            vec![endpoint(
                zapier,
                if n % 3 == 0 {
                    "POST /rest/api/3/issue"
                } else {
                    "GET /rest/api/3/search/jql"
                },
            )],
            b.site_container(0),
            app_location(),
        );
    }

    // Privilege spread: Sam adds three people to groups within ten minutes, each once
    // (ATL-DET-002 per actor). Near miss: the IdP sync (Atlassian's system actor) adds six
    // people to a group within a minute, by design.
    let sam_admin = b.person("sam");
    for (n, (key, group)) in [
        ("ava", "engineering"),
        ("mia", "operations"),
        ("leo", "product"),
    ]
    .iter()
    .enumerate()
    {
        let target = b.person(key);
        b.add(
            "privilege_spread",
            utc_ms(2026, 11, 16, 14, 3, 20) + n as i64 * 4 * MS_PER_MINUTE,
            "user_added_to_group",
            Actor::Person(sam_admin),
            vec![user_object(target), group_object(group)],
            vec![b.org_container()],
            home(sam_admin),
        );
    }
    for (n, key) in ["ahmed", "lisa", "tom", "sofia", "rachel", "tara"]
        .iter()
        .enumerate()
    {
        let target = b.person(key);
        b.add(
            "provisioning_group_sync",
            utc_ms(2026, 11, 16, 3, 0, 5) + n as i64 * 7 * MS_PER_SECOND,
            "scim_group_add_member",
            Actor::System,
            vec![user_object(target), group_object("jira-users")],
            vec![b.org_container()],
            None,
        );
    }

    // A sign-in burst: Karin, who signs in a few times a day, signs in twelve times within one
    // hour (ATL-DET-009). Near miss: Tom signs in five times within one hour (the floor).
    let karin = b.person("karin");
    for n in 0..12i64 {
        login(
            &mut b,
            "login_burst",
            "karin",
            utc_ms(2026, 11, 18, 9, 2, 11) + n * 4 * MS_PER_MINUTE + n * 1_337,
            &karin.ip,
            &karin.city,
        );
    }
    let tom = b.person("tom");
    for n in 0..5i64 {
        login(
            &mut b,
            "login_at_floor",
            "tom",
            utc_ms(2026, 11, 18, 13, 5, 42) + n * 9 * MS_PER_MINUTE,
            &tom.ip,
            &tom.city,
        );
    }
    near_misses(&mut b);
    b.out
}

/// Seoul, for the sign-in from a country that borders a listed one without being listed.
const SEOUL: City = City {
    city: "Seoul",
    region: "Seoul",
    country: "South Korea",
    geo: "37.5665,126.9780",
    ip_prefix: [211, 45],
    weight: 0,
    tz: "Asia/Seoul",
};

/// Near-miss control cases (issue 13): events one step short of a detection, which the labeled
/// accuracy test requires to stay silent. Each sits next to the rule's boundary: at the
/// threshold, just inside working hours, the neighbouring action or country.
fn near_misses(b: &mut Builder) {
    let org = |b: &Builder| vec![b.org_container()];
    // ATL-DET-001: Uma (Tokyo) signs in from South Korea, which borders North Korea but is not
    // on the list. She signs in rarely, so she has no baseline for ATL-DET-012 either.
    let uma = b.person("uma");
    b.add(
        "neighbour_country_login",
        utc_ms(2026, 11, 15, 6, 20, 13),
        "user_login",
        Actor::Person(uma),
        vec![],
        org(b),
        location("211.45.62.18", &SEOUL),
    );
    // ATL-DET-013: Jakob signs in at home in Munich, then from the Berlin office 95 minutes
    // later: about 500 km, a domestic flight, and less than 500 km once the places' precision
    // is taken off.
    let jakob = b.person("jakob");
    let t = utc_ms(2026, 11, 10, 6, 5, 27);
    b.add(
        "domestic_trip",
        t,
        "user_login",
        Actor::Person(jakob),
        vec![],
        org(b),
        home(jakob),
    );
    b.add(
        "domestic_trip",
        t + 95 * MS_PER_MINUTE,
        "user_login",
        Actor::Person(jakob),
        vec![],
        org(b),
        location("203.0.113.41", &geo::CITIES[geo::HQ]),
    );
    // ATL-DET-004 and ATL-DET-005: revoking a key or a token is the neighbouring action.
    let marcus = b.person("marcus");
    b.add(
        "admin_key_revoked",
        utc_ms(2026, 11, 9, 10, 14, 33),
        "api_token_revoked",
        Actor::Person(marcus),
        vec![],
        org(b),
        home(marcus),
    );
    let kevin = b.person("kevin");
    b.add(
        "user_token_deleted",
        utc_ms(2026, 11, 13, 12, 0, 5),
        "ts_api_token_deletion",
        Actor::Person(kevin),
        vec![],
        org(b),
        home(kevin),
    );
    // ATL-DET-006 at the threshold: Sam grants product access five times within 50 minutes.
    let sam = b.person("sam");
    let main = b.sites[0].id.clone();
    for (n, key) in ["ava", "noah", "mia", "leo", "tara"].iter().enumerate() {
        let target = b.person(key);
        let product = object(
            &format!("ari:cloud:jira::site/{main}"),
            "products",
            json!({ "productKey": "jira", "productName": "Jira" }),
        );
        b.add(
            "product_access_at_threshold",
            utc_ms(2026, 11, 10, 14, 5, 9) + n as i64 * 10 * MS_PER_MINUTE,
            "user_granted_product_access",
            Actor::Person(sam),
            vec![user_object(target), product],
            b.site_container(0),
            home(sam),
        );
    }
    // ATL-DET-010: viewing the org's policies on the day Marcus unenforced 2SV is not a change.
    b.add(
        "policies_viewed",
        utc_ms(2026, 11, 12, 16, 50, 2),
        "organization_policies_viewed",
        Actor::Person(marcus),
        vec![],
        org(b),
        home(marcus),
    );
    // ATL-DET-014: Dana, who does a few admin actions a day, lists and searches the directory
    // thirty times in one evening. Near miss: Priya does nineteen in a day, one short of the
    // floor of twenty.
    let dana = b.person("dana");
    for n in 0..30i64 {
        let action = if n % 5 == 4 {
            "api_admin_users_search"
        } else {
            "organization_users_viewed"
        };
        b.add(
            "admin_spike",
            utc_ms(2026, 11, 19, 19, 2, 40) + n * 70 * MS_PER_SECOND,
            action,
            Actor::Person(dana),
            vec![],
            org(b),
            home(dana),
        );
    }
    let priya = b.person("priya");
    for n in 0..19i64 {
        b.add(
            "admin_day_below_floor",
            utc_ms(2026, 11, 15, 10, 0, 31) + n * 3 * MS_PER_MINUTE,
            "organization_users_viewed",
            Actor::Person(priya),
            vec![],
            org(b),
            home(priya),
        );
    }
    // ATL-DET-016: Rachel uninstalls Zapier: the neighbouring action of a first install.
    let rachel = b.person("rachel");
    let zapier = b.person("app-zapier");
    let zapier_app = super::events::app(SEED, &zapier.name, app_vendor(zapier), false);
    b.add(
        "oauth_app_uninstalled",
        utc_ms(2026, 11, 20, 8, 15, 0),
        "oauth_app_uninstalled",
        Actor::Person(rachel),
        vec![object(
            &zapier_app.app_id,
            "apps",
            json!({ "name": "Zapier", "vendor": "Zapier Inc." }),
        )],
        b.site_container(0),
        home(rachel),
    );
    // ATL-DET-017 one short of the floor: Ava's agent makes 29 tool calls in one hour.
    let ava = b.person("ava");
    let mcp_app = b.person("app-mcp");
    for n in 0..29i64 {
        b.add(
            "mcp_hour_below_floor",
            utc_ms(2026, 11, 18, 20, 1, 15) + n * 2 * MS_PER_MINUTE,
            "rovo_mcp_tool_invoked",
            Actor::PersonVia(ava, auth("auth-token-for-3LO"), Some(mcp_app)),
            vec![mcp_tool("getJiraIssue")],
            b.site_container(0),
            home(ava),
        );
    }
    // ATL-DET-020: disconnecting an integration is not a connection.
    b.add(
        "integration_disconnected",
        utc_ms(2026, 11, 2, 10, 0, 44),
        "third_party_integration_disconnected",
        Actor::Person(dana),
        vec![object(
            "slack",
            "third-party-integration",
            json!({ "name": "Slack" }),
        )],
        org(b),
        home(dana),
    );
    // ATL-DET-021 just inside working hours: a Wednesday, 17:59 UTC.
    b.add(
        "admin_grant_in_hours",
        utc_ms(2026, 11, 18, 17, 59, 20),
        "group_granted_admin_access",
        Actor::Person(dana),
        vec![group_object("confluence-admins")],
        org(b),
        home(dana),
    );
}

fn mcp_tool(tool: &str) -> EventObject {
    object(
        &format!("mcp-tool/{tool}"),
        "mcp-tools",
        json!({ "toolName": tool, "server": "Atlassian Rovo MCP" }),
    )
}

fn endpoint(app: &DemoPerson, endpoint: &str) -> EventObject {
    let a = super::events::app(SEED, &app.name, app_vendor(app), app.mcp);
    object(
        &a.app_id,
        "apps",
        json!({ "name": a.name, "endpoint": endpoint }),
    )
}
