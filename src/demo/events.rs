//! The seeded audit-event generator: realistic `/events-stream` items (≈1 KB each, the API's
//! own shape) for the demo org and for benchmarks at 10^7 events.
//!
//! Design, for speed and constant memory: every per-person, per-site and per-action JSON
//! fragment is rendered once when the generator is built; producing an event is then a few
//! PRNG draws and `memcpy`s into a reused buffer. Events come out in time order without
//! sorting: event `i` of `n` takes the `i/n`-th position of the window's activity curve
//! (working hours and weekdays weigh more, quiet ranges weigh nothing), jittered inside its
//! own slot and kept strictly increasing, so ties never need an id order. Integer arithmetic
//! only: the same seed gives the same bytes on every platform.

use super::catalogue;
use super::geo::{self, City};
use super::json::{push_str, push_time, quoted, weekday, MS_PER_DAY, MS_PER_HOUR};
use super::rng::{hash_label, push_uuid, uuid_for, SplitMix64};
use std::io::{self, Write};

/// A person the generator acts as.
#[derive(Clone, Debug)]
pub struct Persona {
    pub id: String,
    pub name: String,
    pub email: String,
    /// Home city; logins come from here (occasionally elsewhere, see `travel_per_mille`).
    pub city: City,
    /// The address this person usually connects from.
    pub ip: String,
    /// Relative share of activity.
    pub activity: u32,
    /// Performs admin actions (product access, groups, invites, admin views).
    pub admin: bool,
    /// Uses the Rovo MCP server (tool invocations, MCP app API calls on their behalf).
    pub mcp: bool,
}

/// A site (cloud instance) events happen on.
#[derive(Clone, Debug)]
pub struct Site {
    /// Cloud id.
    pub id: String,
    /// e.g. `acme-robotics.atlassian.net`
    pub host: String,
}

/// A third-party (3LO) app acting on behalf of people.
#[derive(Clone, Debug)]
pub struct App {
    /// The app's system account (the event's actor).
    pub account_id: String,
    /// The app's id (`actor.app.id`).
    pub app_id: String,
    pub name: String,
    pub vendor: String,
    /// Acts only for MCP users (the Atlassian MCP app).
    pub mcp: bool,
}

/// A group ordinary membership changes target.
#[derive(Clone, Debug)]
pub struct GroupTarget {
    pub id: String,
    pub name: String,
}

#[derive(Clone, Debug)]
pub struct GeneratorConfig {
    pub seed: u64,
    pub org_id: String,
    pub org_name: String,
    /// Window start and end, epoch milliseconds (end exclusive).
    pub start_ms: i64,
    pub end_ms: i64,
    pub people: Vec<Persona>,
    pub sites: Vec<Site>,
    pub apps: Vec<App>,
    pub groups: Vec<GroupTarget>,
    /// Ranges `[from, to)` (epoch ms) with no events at all, at hour granularity: an hour is
    /// quiet when it starts inside a range.
    pub quiet: Vec<(i64, i64)>,
    /// Share of logins from somewhere other than home, per mille.
    pub travel_per_mille: u64,
}

/// The demo org's id (not a real org: "demo" is not hex).
pub const DEFAULT_ORG_ID: &str = "7c1a5b2e-demo-4a1c-8e2f-5d9b3c7a1e04";
pub const DEFAULT_ORG_NAME: &str = "Acme Robotics";

const FIRST: [&str; 40] = [
    "Anna", "Ben", "Chloe", "David", "Emma", "Felix", "Grace", "Henry", "Isla", "Jakob", "Karin",
    "Liam", "Maya", "Nils", "Olivia", "Pavel", "Quinn", "Rosa", "Stefan", "Tara", "Uma", "Vince",
    "Wendy", "Xavier", "Yara", "Zoe", "Aaron", "Bianca", "Carlos", "Dara", "Eric", "Fatima",
    "Gustav", "Helena", "Ivan", "Julia", "Kai", "Lena", "Marco", "Nadia",
];
const LAST: [&str; 40] = [
    "Adler",
    "Brandt",
    "Carter",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Hoffmann",
    "Iyer",
    "Jansen",
    "Kowalski",
    "Larsen",
    "Meyer",
    "Nakamura",
    "Olsen",
    "Patel",
    "Quinteros",
    "Richter",
    "Schulz",
    "Turner",
    "Ueda",
    "Vogel",
    "Weber",
    "Xu",
    "Young",
    "Zimmer",
    "Alvarez",
    "Bauer",
    "Chen",
    "Dietrich",
    "Evans",
    "Ferreira",
    "Gupta",
    "Huber",
    "Ito",
    "Jones",
    "Klein",
    "Lopez",
    "Morgan",
    "Novak",
];

impl GeneratorConfig {
    /// A synthetic org of `actors` people (at least one) over `[start_ms, end_ms)`: ~3% admins,
    /// ~8% MCP users, homes spread over the city table's skew, the office in Berlin.
    pub fn synthetic(seed: u64, actors: usize, start_ms: i64, end_ms: i64) -> GeneratorConfig {
        let actors = actors.max(1);
        let mut rng = SplitMix64::new(hash_label(seed, "people"));
        let total_weight: u64 = geo::CITIES.iter().map(|c| u64::from(c.weight)).sum();
        let people = (0..actors)
            .map(|i| {
                let first = FIRST[i % FIRST.len()];
                let last = LAST[(i / FIRST.len() + i * 7) % LAST.len()];
                let n = i / (FIRST.len() * LAST.len());
                let suffix = if n == 0 { String::new() } else { n.to_string() };
                let mut pick = rng.below(total_weight);
                let mut city = geo::CITIES[geo::HQ];
                for c in geo::CITIES {
                    if pick < u64::from(c.weight) {
                        city = c;
                        break;
                    }
                    pick -= u64::from(c.weight);
                }
                let ip = home_ip(&mut rng, &city);
                Persona {
                    id: format!("712020:{}", uuid_for(seed, &format!("person/{i}"))),
                    name: format!("{first} {last}"),
                    email: format!(
                        "{}.{}{suffix}@acme-robotics.com",
                        first.to_ascii_lowercase(),
                        last.to_ascii_lowercase()
                    ),
                    city,
                    ip,
                    // A long tail: a few people do most of the clicking.
                    activity: 20 + 2_000 / (1 + (i % 97) as u32),
                    admin: i % 33 == 0,
                    mcp: i % 12 == 3,
                }
            })
            .collect();
        GeneratorConfig {
            seed,
            org_id: DEFAULT_ORG_ID.to_string(),
            org_name: DEFAULT_ORG_NAME.to_string(),
            start_ms,
            end_ms,
            people,
            sites: vec![
                Site {
                    id: uuid_for(seed, "site/acme-robotics"),
                    host: "acme-robotics.atlassian.net".to_string(),
                },
                Site {
                    id: uuid_for(seed, "site/acme-labs"),
                    host: "acme-labs.atlassian.net".to_string(),
                },
            ],
            apps: default_apps(seed),
            groups: [
                "engineering",
                "product",
                "operations",
                "jira-users",
                "confluence-users",
            ]
            .iter()
            .map(|name| GroupTarget {
                id: uuid_for(seed, &format!("group/{name}")),
                name: (*name).to_string(),
            })
            .collect(),
            quiet: Vec::new(),
            travel_per_mille: 15,
        }
    }
}

/// The apps of the synthetic org (Zapier included: it is one of the commonest 3LO apps).
pub fn default_apps(seed: u64) -> Vec<App> {
    [
        ("Atlassian MCP", "Atlassian", true),
        ("Slack", "Slack Technologies", false),
        ("GitHub for Jira", "GitHub", false),
        ("Tempo Timesheets", "Tempo Software", false),
        ("Zapier", "Zapier Inc.", false),
    ]
    .iter()
    .map(|(name, vendor, mcp)| app(seed, name, vendor, *mcp))
    .collect()
}

/// An app with ids derived from its name.
pub fn app(seed: u64, name: &str, vendor: &str, mcp: bool) -> App {
    App {
        account_id: format!("557058:{}", uuid_for(seed, &format!("app-account/{name}"))),
        app_id: format!(
            "ari:cloud:ecosystem::app/{}",
            uuid_for(seed, &format!("app/{name}"))
        ),
        name: name.to_string(),
        vendor: vendor.to_string(),
        mcp,
    }
}

/// A public-looking address in a city's range; the HQ people sit behind the office egress.
pub fn home_ip(rng: &mut SplitMix64, city: &City) -> String {
    if *city == geo::CITIES[geo::HQ] && rng.chance(700) {
        let p = geo::OFFICE_IP_PREFIX;
        return format!("{}.{}.{}.{}", p[0], p[1], p[2], 2 + rng.below(250));
    }
    format!(
        "{}.{}.{}.{}",
        city.ip_prefix[0],
        city.ip_prefix[1],
        rng.below(256),
        1 + rng.below(254)
    )
}

/// What kind of event, which decides actor, context, container and location.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    /// A person signing in or out: no context, person's location.
    Session,
    /// A person changing their own account: context = themselves.
    SelfService,
    /// An app calling a product API on a person's behalf (3LO).
    AppApi(Product),
    /// A person invoking a Rovo MCP tool through the Atlassian MCP app.
    McpTool,
    /// An admin acting on a person.
    AdminOnUser,
    /// An admin changing a person's group membership.
    AdminGroup,
    /// An admin granting or revoking product access.
    AdminProduct,
    /// An admin viewing or exporting org data: no context.
    AdminOrg,
    /// Atlassian's own automation acting on a person: no location.
    SystemOnUser,
    /// Atlassian's own automation, org-wide: no location.
    System,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Product {
    Jira,
    Confluence,
}

/// The baseline action mix, weights per ~10,000 events.
const MIX: &[(&str, Shape, u64)] = &[
    ("user_login", Shape::Session, 4_100),
    ("user_logout", Shape::Session, 650),
    ("jira_app_api_activity", Shape::AppApi(Product::Jira), 1_250),
    (
        "confluence_app_api_activity",
        Shape::AppApi(Product::Confluence),
        600,
    ),
    ("rovo_mcp_tool_invoked", Shape::McpTool, 450),
    ("scim_user_update", Shape::SystemOnUser, 380),
    ("scim_auto_sync_complete", Shape::System, 60),
    ("jira_upm_app_auto_update_attempt", Shape::System, 15),
    ("user_granted_product_access", Shape::AdminProduct, 170),
    ("user_revoked_product_access", Shape::AdminProduct, 70),
    ("user_added_to_group", Shape::AdminGroup, 190),
    ("user_removed_from_group", Shape::AdminGroup, 90),
    ("user_invite_to_org", Shape::AdminOnUser, 45),
    ("user_granted_role", Shape::AdminOnUser, 30),
    ("twosv_enabled_for_user", Shape::AdminOnUser, 20),
    ("user_password_reset_requested", Shape::AdminOnUser, 15),
    ("user_detail_change", Shape::SelfService, 110),
    ("password_reset_request", Shape::SelfService, 70),
    ("password_reset_complete", Shape::SelfService, 60),
    ("ts_api_token_viewed", Shape::SelfService, 40),
    ("api_admin_users_search", Shape::AdminOrg, 110),
    ("organization_users_viewed", Shape::AdminOrg, 60),
    ("organization_policies_viewed", Shape::AdminOrg, 50),
    ("user_last_active_dates_viewed", Shape::AdminOrg, 35),
    ("api_keys_searched", Shape::AdminOrg, 15),
    ("export_audit_log", Shape::AdminOrg, 8),
];

/// The actions the generator can emit (all present in the demo catalogue).
pub fn baseline_actions() -> impl Iterator<Item = &'static str> {
    MIX.iter().map(|(action, _, _)| *action)
}

/// Real Atlassian (Rovo) MCP server tool names.
const MCP_TOOLS: [&str; 10] = [
    "searchJiraIssuesUsingJql",
    "getJiraIssue",
    "createJiraIssue",
    "editJiraIssue",
    "addCommentToJiraIssue",
    "lookupJiraAccountId",
    "getConfluencePage",
    "searchConfluenceUsingCql",
    "createConfluencePage",
    "getAccessibleAtlassianResources",
];
const JIRA_ENDPOINTS: [&str; 5] = [
    "GET /rest/api/3/search/jql",
    "GET /rest/api/3/issue/{issueIdOrKey}",
    "POST /rest/api/3/issue",
    "GET /rest/api/3/myself",
    "GET /rest/api/3/project/search",
];
const CONFLUENCE_ENDPOINTS: [&str; 4] = [
    "GET /wiki/api/v2/pages",
    "GET /wiki/api/v2/spaces",
    "GET /wiki/rest/api/search",
    "PUT /wiki/api/v2/pages/{id}",
];
/// Relative activity per UTC hour of day (a Europe-centred working day with US overlap).
const HOUR_WEIGHT: [u64; 24] = [
    2, 1, 1, 1, 2, 4, 9, 15, 19, 20, 20, 18, 16, 18, 20, 20, 17, 14, 11, 8, 6, 5, 4, 3,
];

/// Pre-rendered JSON fragments of one person.
struct PersonJson {
    /// `{"id":…,"name":…,"email":…` (the actor object, open).
    head: Vec<u8>,
    /// `,"links":{…}}` (closes the actor object).
    links: Vec<u8>,
    /// `{"id":…,"name":…,"email":…}` for `onBehalfOf`.
    on_behalf: Vec<u8>,
    /// The person as a `users` context object.
    context: Vec<u8>,
    /// `{"ip":…,…}` at home.
    location: Vec<u8>,
}

struct AppJson {
    /// The app's actor object up to (not including) `onBehalfOf`.
    head: Vec<u8>,
    /// `,"app":{…},"links":{…}}`
    tail: Vec<u8>,
    /// `,"app":{…}` alone, for MCP tool events where a person is the actor.
    object: Vec<u8>,
    /// The app as a context object's opening: `{"id":…,"type":"apps","attributes":{"name":…,"endpoint":`
    context_open: Vec<u8>,
    mcp: bool,
}

/// A generator built from a config; cheap to stream from any number of times.
pub struct EventGenerator {
    seed: u64,
    people: Vec<PersonJson>,
    /// Cumulative activity weights over all people / admins / MCP users, for weighted picks.
    everyone: Picker,
    admins: Picker,
    mcp_users: Picker,
    apps: Vec<AppJson>,
    mcp_app: Option<usize>,
    app_location: Vec<u8>,
    mcp_tools: Vec<Vec<u8>>,
    sites: Vec<Vec<u8>>,
    /// `,"container":[<org>` (a site may follow).
    org_container: Vec<u8>,
    groups: Vec<Vec<u8>>,
    products: [Vec<u8>; 2],
    /// Per MIX entry: `,"message":{"content":…,"format":"simple"}}`
    messages: Vec<Vec<u8>>,
    mix_cumulative: Vec<u64>,
    event_link_prefix: Vec<u8>,
    system_actor: Vec<u8>,
    travel_per_mille: u64,
    travel_cities: Vec<City>,
    /// Hour buckets of the window: (start ms, length ms, cumulative weight at the end).
    buckets: Vec<(i64, i64, u128)>,
}

/// Weighted choice over indices by cumulative weight.
struct Picker {
    indices: Vec<usize>,
    cumulative: Vec<u64>,
}

impl Picker {
    fn new(weights: impl Iterator<Item = (usize, u64)>) -> Picker {
        let mut indices = Vec::new();
        let mut cumulative = Vec::new();
        let mut total = 0u64;
        for (index, weight) in weights {
            if weight == 0 {
                continue;
            }
            total += weight;
            indices.push(index);
            cumulative.push(total);
        }
        Picker {
            indices,
            cumulative,
        }
    }

    fn pick(&self, rng: &mut SplitMix64) -> Option<usize> {
        let total = *self.cumulative.last()?;
        let target = rng.below(total);
        let slot = self.cumulative.partition_point(|&c| c <= target);
        self.indices.get(slot).copied()
    }
}

fn string(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_default()
}

fn location_json(ip: &str, city: &City) -> Vec<u8> {
    format!(
        "{{\"ip\":{},\"geo\":{},\"countryName\":{},\"regionName\":{},\"city\":{}}}",
        quoted(ip),
        quoted(city.geo),
        quoted(city.country),
        quoted(city.region),
        quoted(city.city)
    )
    .into_bytes()
}

fn profile_links(org_id: &str, account_id: &str) -> String {
    format!(
        "{{\"self\":{},\"alt\":{}}}",
        quoted(&format!(
            "https://api.atlassian.com/users/{account_id}/manage/profile"
        )),
        quoted(&format!(
            "https://admin.atlassian.com/o/{org_id}/users/{account_id}"
        ))
    )
}

impl EventGenerator {
    pub fn new(config: &GeneratorConfig) -> EventGenerator {
        let org = &config.org_id;
        let people: Vec<PersonJson> = config
            .people
            .iter()
            .map(|p| {
                let id_name_email = format!(
                    "{{\"id\":{},\"name\":{},\"email\":{}",
                    quoted(&p.id),
                    quoted(&p.name),
                    quoted(&p.email)
                );
                let links = profile_links(org, &p.id);
                PersonJson {
                    head: id_name_email.clone().into_bytes(),
                    links: format!(",\"links\":{links}}}").into_bytes(),
                    on_behalf: format!("{id_name_email}}}").into_bytes(),
                    context: format!(
                        "{{\"id\":{},\"type\":\"users\",\"attributes\":{{\"name\":{},\"email\":{},\"accountType\":\"atlassian\"}},\"links\":{links}}}",
                        quoted(&p.id),
                        quoted(&p.name),
                        quoted(&p.email)
                    )
                    .into_bytes(),
                    location: location_json(&p.ip, &p.city),
                }
            })
            .collect();
        let weight = |p: &Persona| u64::from(p.activity.max(1));
        let everyone = Picker::new(
            config
                .people
                .iter()
                .enumerate()
                .map(|(i, p)| (i, weight(p))),
        );
        let mut admins = Picker::new(
            config
                .people
                .iter()
                .enumerate()
                .filter(|(_, p)| p.admin)
                .map(|(i, p)| (i, weight(p))),
        );
        if admins.indices.is_empty() {
            // Someone administers every org; without admins, the busiest person does.
            admins = Picker::new(everyone.indices.first().map(|&i| (i, 1)).into_iter());
        }
        let mcp_users = Picker::new(
            config
                .people
                .iter()
                .enumerate()
                .filter(|(_, p)| p.mcp)
                .map(|(i, p)| (i, weight(p))),
        );
        let apps: Vec<AppJson> = config
            .apps
            .iter()
            .map(|a| {
                let object = format!(
                    ",\"app\":{{\"id\":{},\"type\":\"apps\",\"attributes\":{{\"name\":{},\"vendor\":{}}}}}",
                    quoted(&a.app_id),
                    quoted(&a.name),
                    quoted(&a.vendor)
                );
                AppJson {
                head: format!(
                    "{{\"id\":{},\"name\":{},\"auth\":{{\"authType\":\"auth-token-for-3LO\"}},\"onBehalfOf\":",
                    quoted(&a.account_id),
                    quoted(&a.name)
                )
                .into_bytes(),
                tail: format!(
                    "{object},\"links\":{}}}",
                    profile_links(org, &a.account_id)
                )
                .into_bytes(),
                object: object.into_bytes(),
                context_open: format!(
                    "{{\"id\":{},\"type\":\"apps\",\"attributes\":{{\"name\":{},\"endpoint\":",
                    quoted(&a.app_id),
                    quoted(&a.name)
                )
                .into_bytes(),
                mcp: a.mcp,
            }})
            .collect();
        let mcp_app = apps.iter().position(|a| a.mcp);
        let sites = config
            .sites
            .iter()
            .map(|s| {
                let name = s.host.split('.').next().unwrap_or(&s.host);
                format!(
                    ",{{\"id\":{},\"type\":\"sites\",\"attributes\":{{\"siteHostName\":{},\"siteName\":{}}},\"links\":{{\"alt\":{}}}}}",
                    quoted(&s.id),
                    quoted(&s.host),
                    quoted(name),
                    quoted(&format!("https://{}", s.host))
                )
                .into_bytes()
            })
            .collect();
        let org_container = format!(
            ",\"container\":[{{\"id\":{},\"type\":\"orgs\",\"attributes\":{{\"name\":{}}},\"links\":{{\"self\":{},\"alt\":{}}}}}",
            quoted(org),
            quoted(&config.org_name),
            quoted(&format!("https://api.atlassian.com/admin/v1/orgs/{org}")),
            quoted(&format!("https://admin.atlassian.com/o/{org}"))
        )
        .into_bytes();
        let groups = config
            .groups
            .iter()
            .map(|g| {
                format!(
                    "{{\"id\":{},\"type\":\"groups\",\"attributes\":{{\"name\":{},\"groupName\":{}}}}}",
                    quoted(&g.id),
                    quoted(&g.name),
                    quoted(&g.name)
                )
                .into_bytes()
            })
            .collect();
        let site0 = config.sites.first().map(|s| s.id.as_str()).unwrap_or("");
        let product = |key: &str, name: &str| {
            format!(
                "{{\"id\":{},\"type\":\"products\",\"attributes\":{{\"productKey\":{},\"productName\":{}}}}}",
                quoted(&format!("ari:cloud:{key}::site/{site0}")),
                quoted(key),
                quoted(name)
            )
            .into_bytes()
        };
        let messages = MIX
            .iter()
            .map(|(action, _, _)| {
                format!(
                    ",\"message\":{{\"content\":{},\"format\":\"simple\"}}}}",
                    quoted(catalogue::display_name(action))
                )
                .into_bytes()
            })
            .collect();
        let mut total = 0;
        let mix_cumulative = MIX
            .iter()
            .map(|(_, _, w)| {
                total += w;
                total
            })
            .collect();
        EventGenerator {
            seed: config.seed,
            people,
            everyone,
            admins,
            mcp_users,
            apps,
            mcp_app,
            sites,
            org_container,
            groups,
            products: [product("jira", "Jira"), product("confluence", "Confluence")],
            messages,
            mix_cumulative,
            event_link_prefix: {
                // `},"links":{"self":"…/events/` — the id and closing quote follow.
                let mut q = quoted(&format!("https://api.atlassian.com/admin/v1/orgs/{org}/events/"));
                q.pop();
                format!("}},\"links\":{{\"self\":{q}").into_bytes()
            },
            app_location: location_json("52.4.193.27", &geo::ASHBURN),
            mcp_tools: MCP_TOOLS
                .iter()
                .map(|tool| {
                    format!(
                        "{{\"id\":{},\"type\":\"mcp-tools\",\"attributes\":{{\"toolName\":{},\"server\":\"Atlassian Rovo MCP\"}}}}",
                        quoted(&format!("mcp-tool/{tool}")),
                        quoted(tool)
                    )
                    .into_bytes()
                })
                .collect(),
            system_actor: b"{\"id\":\"atlassian-internal-system\",\"name\":\"Atlassian\"}".to_vec(),
            travel_per_mille: config.travel_per_mille,
            travel_cities: geo::CITIES.to_vec(),
            buckets: buckets(config),
        }
    }

    /// Streams `count` events in strictly increasing time order. Times follow the window's
    /// activity curve; only when `count` exceeds the window's length in milliseconds do the
    /// last events run past `end_ms` (one millisecond apart).
    pub fn stream(&self, count: u64) -> EventStream<'_> {
        EventStream {
            generator: self,
            rng: SplitMix64::new(hash_label(self.seed, "events")),
            count,
            index: 0,
            bucket: 0,
            previous_ms: i64::MIN,
            total_weight: self.buckets.last().map(|b| b.2).unwrap_or(0),
        }
    }

    /// Writes `count` events as NDJSON; returns the bytes written. Memory stays constant.
    pub fn write_ndjson<W: Write>(&self, out: &mut W, count: u64) -> io::Result<u64> {
        const FLUSH_AT: usize = 1 << 18;
        let mut buffer = Vec::with_capacity(FLUSH_AT + 4096);
        let mut written = 0u64;
        let mut stream = self.stream(count);
        while stream.next_into(&mut buffer).is_some() {
            buffer.push(b'\n');
            if buffer.len() >= FLUSH_AT {
                out.write_all(&buffer)?;
                written += buffer.len() as u64;
                buffer.clear();
            }
        }
        out.write_all(&buffer)?;
        written += buffer.len() as u64;
        Ok(written)
    }
}

/// The window cut into hour buckets weighted by time of day and weekday.
fn buckets(config: &GeneratorConfig) -> Vec<(i64, i64, u128)> {
    let mut out = Vec::new();
    let mut cumulative = 0u128;
    let mut start = config.start_ms;
    while start < config.end_ms {
        let len = MS_PER_HOUR.min(config.end_ms - start);
        let hour = (start.rem_euclid(MS_PER_DAY) / MS_PER_HOUR) as usize;
        let weekend = weekday(start) >= 5;
        let quiet = config.quiet.iter().any(|&(a, b)| a <= start && start < b);
        let weight = if quiet {
            0
        } else {
            // Scaled so that a bucket's weight is never below its length in ms: positions
            // then map to distinct milliseconds.
            HOUR_WEIGHT[hour] * if weekend { 2 } else { 10 } * (len as u64) * 64
        };
        cumulative += u128::from(weight);
        out.push((start, len, cumulative));
        start += len;
    }
    out
}

/// Who an event's actor is, by index into the config's `people` or `apps`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActorRef {
    Person(usize),
    App(usize),
    System,
}

/// What the caller may want to know about an event without parsing it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EventMeta {
    pub time_ms: i64,
    pub id: [u8; 36],
    pub action: &'static str,
    pub actor: ActorRef,
    /// The person an app acted for.
    pub on_behalf_of: Option<usize>,
}

pub struct EventStream<'g> {
    generator: &'g EventGenerator,
    rng: SplitMix64,
    count: u64,
    index: u64,
    bucket: usize,
    previous_ms: i64,
    total_weight: u128,
}

impl EventStream<'_> {
    /// Appends the next event's JSON (no newline) to `out`; `None` when done.
    pub fn next_into(&mut self, out: &mut Vec<u8>) -> Option<EventMeta> {
        if self.index >= self.count || self.total_weight == 0 {
            return None;
        }
        let time_ms = self.next_time();
        self.index += 1;
        let g = self.generator;
        let rng = &mut self.rng;
        let (hi, lo) = (rng.next_u64(), rng.next_u64());
        let start = out.len();
        out.extend_from_slice(b"{\"id\":\"");
        push_uuid(out, hi, lo);
        let mut id = [0u8; 36];
        id.copy_from_slice(&out[start + 7..start + 43]);
        out.extend_from_slice(b"\",\"type\":\"events\",\"attributes\":{\"time\":\"");
        push_time(out, time_ms);
        out.extend_from_slice(b"\",\"processedAt\":\"");
        push_time(out, time_ms + 800 + rng.below(7_000) as i64);
        out.extend_from_slice(b"\",\"action\":\"");

        let target = rng.below(*g.mix_cumulative.last().unwrap_or(&1));
        let mut slot = g.mix_cumulative.partition_point(|&c| c <= target);
        let (mut action, mut shape, _) = MIX[slot.min(MIX.len() - 1)];
        if g.people.is_empty() {
            (action, shape) = ("scim_auto_sync_complete", Shape::System);
            slot = MIX.iter().position(|m| m.0 == action).unwrap_or(0);
        }
        if matches!(shape, Shape::McpTool)
            && (g.mcp_users.indices.is_empty() || g.mcp_app.is_none())
        {
            // No MCP in this org: the draw becomes an ordinary login.
            (action, shape, slot) = ("user_login", Shape::Session, 0);
        }
        out.extend_from_slice(action.as_bytes());
        out.extend_from_slice(b"\",\"actor\":");

        let mut actor = ActorRef::System;
        let mut on_behalf_of = None;
        let site = rng.index(g.sites.len());
        let mut with_site = true;
        let mut location: Option<&[u8]> = None;
        let travel: Vec<u8>;
        match shape {
            Shape::Session | Shape::SelfService => {
                let p = g.everyone.pick(rng).unwrap_or(0);
                actor = ActorRef::Person(p);
                let pj = &g.people[p];
                out.extend_from_slice(&pj.head);
                out.extend_from_slice(&pj.links);
                // Sign-ins are account-level, not tied to a site.
                with_site = false;
                if shape == Shape::Session {
                    out.extend_from_slice(b",\"context\":[]");
                } else {
                    out.extend_from_slice(b",\"context\":[");
                    out.extend_from_slice(&pj.context);
                    out.push(b']');
                }
                if shape == Shape::Session && rng.chance(g.travel_per_mille) {
                    let city = g.travel_cities[rng.index(g.travel_cities.len())];
                    let ip = format!(
                        "{}.{}.{}.{}",
                        city.ip_prefix[0],
                        city.ip_prefix[1],
                        rng.below(256),
                        1 + rng.below(254)
                    );
                    travel = location_json(&ip, &city);
                    location = Some(&travel);
                } else {
                    location = Some(&pj.location);
                }
            }
            Shape::AppApi(product) => {
                let a = rng.index(g.apps.len().max(1));
                let app = g.apps.get(a);
                let pool = if app.is_some_and(|a| a.mcp) && !g.mcp_users.indices.is_empty() {
                    &g.mcp_users
                } else {
                    &g.everyone
                };
                let p = pool.pick(rng).unwrap_or(0);
                match app {
                    Some(app) => {
                        actor = ActorRef::App(a);
                        on_behalf_of = Some(p);
                        out.extend_from_slice(&app.head);
                        out.extend_from_slice(&g.people[p].on_behalf);
                        out.extend_from_slice(&app.tail);
                        out.extend_from_slice(b",\"context\":[");
                        out.extend_from_slice(&app.context_open);
                        let endpoint = match product {
                            Product::Jira => JIRA_ENDPOINTS[rng.index(JIRA_ENDPOINTS.len())],
                            Product::Confluence => {
                                CONFLUENCE_ENDPOINTS[rng.index(CONFLUENCE_ENDPOINTS.len())]
                            }
                        };
                        push_str(out, endpoint);
                        out.extend_from_slice(b"}}]");
                    }
                    None => {
                        // No apps configured: the person calls the API themselves.
                        actor = ActorRef::Person(p);
                        out.extend_from_slice(&g.people[p].head);
                        out.extend_from_slice(&g.people[p].links);
                        out.extend_from_slice(b",\"context\":[]");
                    }
                }
                location = Some(&g.app_location);
            }
            Shape::McpTool => {
                let p = g.mcp_users.pick(rng).unwrap_or(0);
                actor = ActorRef::Person(p);
                let pj = &g.people[p];
                out.extend_from_slice(&pj.head);
                out.extend_from_slice(b",\"auth\":{\"authType\":\"auth-token-for-3LO\"}");
                if let Some(app) = g.mcp_app.and_then(|i| g.apps.get(i)) {
                    out.extend_from_slice(&app.object);
                }
                out.extend_from_slice(&pj.links);
                out.extend_from_slice(b",\"context\":[");
                out.extend_from_slice(&g.mcp_tools[rng.index(g.mcp_tools.len())]);
                out.push(b']');
                location = Some(&pj.location);
            }
            Shape::AdminOnUser | Shape::AdminGroup | Shape::AdminProduct | Shape::AdminOrg => {
                let admin = g.admins.pick(rng).unwrap_or(0);
                let aj = &g.people[admin];
                actor = ActorRef::Person(admin);
                out.extend_from_slice(&aj.head);
                out.extend_from_slice(&aj.links);
                out.extend_from_slice(b",\"context\":[");
                if shape != Shape::AdminOrg {
                    let target = g.everyone.pick(rng).unwrap_or(0);
                    out.extend_from_slice(&g.people[target].context);
                    match shape {
                        Shape::AdminGroup if !g.groups.is_empty() => {
                            out.push(b',');
                            out.extend_from_slice(&g.groups[rng.index(g.groups.len())]);
                        }
                        Shape::AdminProduct => {
                            out.push(b',');
                            out.extend_from_slice(&g.products[rng.index(2)]);
                        }
                        _ => {}
                    }
                } else {
                    with_site = false;
                }
                out.push(b']');
                location = Some(&aj.location);
            }
            Shape::SystemOnUser | Shape::System => {
                out.extend_from_slice(&g.system_actor);
                out.extend_from_slice(b",\"context\":[");
                if shape == Shape::SystemOnUser {
                    let target = g.everyone.pick(rng).unwrap_or(0);
                    out.extend_from_slice(&g.people[target].context);
                }
                out.push(b']');
            }
        }
        out.extend_from_slice(&g.org_container);
        if with_site {
            if let Some(site) = g.sites.get(site) {
                out.extend_from_slice(site);
            }
        }
        out.push(b']');
        if let Some(location) = location {
            out.extend_from_slice(b",\"location\":");
            out.extend_from_slice(location);
        }
        out.extend_from_slice(&g.event_link_prefix);
        out.extend_from_slice(&id);
        out.extend_from_slice(b"\"}");
        out.extend_from_slice(&g.messages[slot]);
        Some(EventMeta {
            time_ms,
            id,
            action,
            actor,
            on_behalf_of,
        })
    }

    /// The next strictly increasing time on the window's activity curve.
    fn next_time(&mut self) -> i64 {
        let n = u128::from(self.count.max(1));
        let i = u128::from(self.index);
        let w = self.total_weight;
        let base = i * w / n;
        let next = (i + 1) * w / n;
        let span = (next - base).max(1);
        // Jitter inside the event's own slot keeps the order without sorting.
        let jitter = (u128::from(self.rng.next_u64()) * span) >> 64;
        let position = base + jitter;
        let buckets = &self.generator.buckets;
        while self.bucket + 1 < buckets.len() && buckets[self.bucket].2 <= position {
            self.bucket += 1;
        }
        let (start, len, end_weight) = buckets[self.bucket];
        let before = if self.bucket == 0 {
            0
        } else {
            buckets[self.bucket - 1].2
        };
        let weight = (end_weight - before).max(1);
        let offset = ((position.saturating_sub(before)) * len as u128 / weight) as i64;
        let time = (start + offset.min(len - 1)).max(self.previous_ms.saturating_add(1));
        self.previous_ms = time;
        time
    }
}

impl Iterator for EventStream<'_> {
    type Item = (EventMeta, String);
    fn next(&mut self) -> Option<Self::Item> {
        let mut buf = Vec::with_capacity(1200);
        let meta = self.next_into(&mut buf)?;
        Some((meta, string(buf)))
    }
}

#[cfg(test)]
mod tests {
    use super::super::json::utc_ms;
    use super::*;
    use crate::snapshot::Event;

    fn config() -> GeneratorConfig {
        GeneratorConfig::synthetic(
            42,
            300,
            utc_ms(2026, 10, 1, 0, 0, 0),
            utc_ms(2026, 10, 31, 0, 0, 0),
        )
    }

    fn ndjson(config: &GeneratorConfig, count: u64) -> Vec<u8> {
        let mut out = Vec::new();
        let written = EventGenerator::new(config)
            .write_ndjson(&mut out, count)
            .unwrap();
        assert_eq!(written, out.len() as u64);
        out
    }

    #[test]
    fn same_seed_same_bytes_other_seed_other_bytes() {
        let a = ndjson(&config(), 3_000);
        assert_eq!(a, ndjson(&config(), 3_000));
        let mut other = config();
        other.seed = 43;
        assert_ne!(a, ndjson(&other, 3_000));
    }

    #[test]
    fn lines_are_canonical_api_events_in_strict_time_order() {
        let bytes = ndjson(&config(), 5_000);
        let text = std::str::from_utf8(&bytes).unwrap();
        let mut previous = None;
        let mut actions = std::collections::BTreeSet::new();
        let mut without_location = 0;
        for line in text.lines() {
            let event: Event = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
            // Byte-identical to serde's rendering of the typed event: shape and escaping agree.
            assert_eq!(serde_json::to_string(&event).unwrap(), line);
            let time = event.attributes.time;
            assert!(
                previous.is_none_or(|p| p < time),
                "not strictly increasing at {line}"
            );
            previous = Some(time);
            actions.insert(event.attributes.action.clone());
            without_location += usize::from(event.attributes.location.is_none());
        }
        assert_eq!(text.lines().count(), 5_000);
        assert!(actions.len() >= 20, "{actions:?}");
        assert!(without_location > 0);
        let catalogue: Vec<&str> = crate::demo::catalogue::ids().collect();
        for action in &actions {
            assert!(
                catalogue.contains(&action.as_str()),
                "{action} missing from the catalogue"
            );
        }
        let per_event = bytes.len() / 5_000;
        assert!(
            (800..=1_600).contains(&per_event),
            "{per_event} bytes per event"
        );
    }

    #[test]
    fn quiet_ranges_stay_empty_and_the_window_is_respected() {
        let mut config = config();
        let quiet = (utc_ms(2026, 10, 14, 0, 0, 0), utc_ms(2026, 10, 15, 0, 0, 0));
        config.quiet = vec![quiet];
        let generator = EventGenerator::new(&config);
        let times: Vec<i64> = generator.stream(4_000).map(|(m, _)| m.time_ms).collect();
        assert_eq!(times.len(), 4_000);
        assert!(times.iter().all(|t| !(quiet.0..quiet.1).contains(t)));
        assert!(times
            .iter()
            .all(|t| (config.start_ms..config.end_ms).contains(t)));
        // Weekdays are busier than weekends (2026-10-03/04 is a weekend).
        let day = |d: i64| {
            let from = utc_ms(2026, 10, d, 0, 0, 0);
            times
                .iter()
                .filter(|t| (from..from + MS_PER_DAY).contains(t))
                .count()
        };
        assert!(day(6) > 2 * day(4), "{} vs {}", day(6), day(4));
    }

    #[test]
    fn degenerate_configs_do_not_panic() {
        let mut empty = config();
        empty.people.clear();
        empty.apps.clear();
        empty.sites.clear();
        empty.groups.clear();
        let bytes = ndjson(&empty, 50);
        for line in std::str::from_utf8(&bytes).unwrap().lines() {
            serde_json::from_str::<Event>(line).unwrap();
        }
        let mut all_quiet = config();
        all_quiet.quiet = vec![(i64::MIN, i64::MAX)];
        assert!(ndjson(&all_quiet, 10).is_empty());
        let mut no_window = config();
        no_window.end_ms = no_window.start_ms;
        assert!(ndjson(&no_window, 10).is_empty());
        // More events than milliseconds: still strictly increasing, still parseable.
        let mut tiny = config();
        tiny.end_ms = tiny.start_ms + 100;
        let bytes = ndjson(&tiny, 500);
        assert_eq!(std::str::from_utf8(&bytes).unwrap().lines().count(), 500);
    }
}
