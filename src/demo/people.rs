//! The demo org's people, groups and directories. One table lists everyone with a few flags;
//! the v2 directory records (`DirectoryUser`, `Group`, `Directory`) are derived from it, and so
//! are the personas the event generator acts as. Last-activity dates of active people are
//! filled in later from the events they appear in, so the directory and the audit log agree.

use super::events::{self, Persona};
use super::geo::{self, City};
use super::json::{timestamp, utc_ms, MS_PER_DAY};
use super::rng::{hash_label, hex24, uuid_for, SplitMix64};
use super::SEED;
use crate::snapshot::{Directory, DirectoryUser, Extra, Group, GroupRef, ProductAccess};
use serde_json::json;

/// How an account stands in the directory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Standing {
    Active,
    /// Active and licensed, but no activity since this instant (epoch ms).
    Dormant(i64),
    /// Deactivated at this instant (epoch ms).
    Deactivated(i64),
}

/// One person or app account of the demo org.
#[derive(Clone, Debug)]
pub(super) struct DemoPerson {
    /// Stable short name used in code and in `DemoFacts` (e.g. `marcus`).
    pub key: &'static str,
    pub id: String,
    pub name: String,
    pub email: String,
    pub app: bool,
    pub department: &'static str,
    pub title: &'static str,
    pub city: City,
    pub ip: String,
    pub roles: Vec<&'static str>,
    pub mfa: Option<bool>,
    pub managed: bool,
    pub standing: Standing,
    pub products: Vec<&'static str>,
    pub groups: Vec<&'static str>,
    pub added_to_org_ms: i64,
    /// Performs admin actions in the baseline events.
    pub admin_actor: bool,
    pub mcp: bool,
    pub activity: u32,
    /// Takes part in the baseline events at all.
    pub in_baseline: bool,
}

impl DemoPerson {
    pub(super) fn is_admin(&self) -> bool {
        !self.roles.is_empty()
    }
}

/// (key, name, email or "" for first.last@acme-robotics.com, department, title, city index, flags)
///
/// Flags: `org-admin`, `site-admin`, `uaa` (user-access admin), `admin` (acts as admin in
/// events), `no2sv`, `mcp`, `heavy`/`light` (activity), `dormant:YYYY-MM-DD`,
/// `deactivated:YYYY-MM-DDTHH`, `unmanaged`, `contractor`, `jira-only`, `confluence-only`,
/// `no-baseline` (events only from the planted incidents), `joined:YYYY-MM-DD`.
type Row = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    usize,
    &'static str,
);

const PEOPLE: &[Row] = &[
    (
        "dana",
        "Dana Whitfield",
        "",
        "Security",
        "Head of Security",
        0,
        "org-admin admin heavy joined:2019-03-04",
    ),
    (
        "marcus",
        "Marcus Lindqvist",
        "",
        "IT",
        "IT Operations Lead",
        0,
        "org-admin admin no2sv heavy joined:2018-11-12",
    ),
    (
        "priya",
        "Priya Raman",
        "",
        "IT",
        "Jira Administrator",
        10,
        "site-admin admin no2sv joined:2021-06-01",
    ),
    (
        "tobias",
        "Tobias Keller",
        "",
        "IT",
        "IT Manager",
        1,
        "org-admin dormant:2026-06-02 joined:2018-04-16",
    ),
    (
        "elena",
        "Elena Petrova",
        "",
        "People Ops",
        "People Operations Manager",
        5,
        "uaa admin joined:2022-01-10",
    ),
    (
        "sam",
        "Sam Okafor",
        "",
        "IT",
        "IT Support Engineer",
        3,
        "site-admin admin joined:2023-02-20",
    ),
    (
        "breakglass",
        "Break Glass Admin",
        "svc-breakglass@acme-robotics.com",
        "IT",
        "Emergency access account",
        0,
        "org-admin no2sv no-baseline dormant:2026-09-01 joined:2020-05-05",
    ),
    (
        "oliver",
        "Oliver Grant",
        "",
        "Engineering",
        "Platform Engineer",
        0,
        "org-admin mcp joined:2024-09-02",
    ),
    (
        "jonas",
        "Jonas Becker",
        "",
        "Engineering",
        "Robotics Engineer",
        0,
        "heavy joined:2020-08-17",
    ),
    (
        "lucas",
        "Lucas Moreau",
        "",
        "Sales",
        "Account Executive",
        6,
        "confluence-only joined:2023-05-08",
    ),
    (
        "hannah",
        "Hannah Schmidt",
        "",
        "Finance",
        "Financial Controller",
        2,
        "confluence-only joined:2021-10-04",
    ),
    (
        "kevin",
        "Kevin Zhang",
        "",
        "Engineering",
        "Staff Engineer",
        9,
        "mcp heavy joined:2020-01-13",
    ),
    (
        "ava",
        "Ava Thompson",
        "",
        "Product",
        "Product Manager",
        7,
        "mcp joined:2022-07-18",
    ),
    (
        "noah",
        "Noah Fischer",
        "",
        "Engineering",
        "Firmware Engineer",
        0,
        "mcp joined:2021-03-22",
    ),
    (
        "mia",
        "Mia Rossi",
        "",
        "Design",
        "Product Designer",
        4,
        "mcp light joined:2023-09-11",
    ),
    (
        "leo",
        "Leo Novak",
        "",
        "Engineering",
        "QA Engineer",
        5,
        "mcp light joined:2024-02-05",
    ),
    (
        "rachel",
        "Rachel Kim",
        "",
        "Operations",
        "Operations Analyst",
        8,
        "joined:2022-11-28",
    ),
    (
        "greta",
        "Greta Hansen",
        "",
        "Marketing",
        "Marketing Manager",
        2,
        "no-baseline deactivated:2026-10-30T16 joined:2021-04-12",
    ),
    (
        "paul",
        "Paul Meyer",
        "",
        "Engineering",
        "DevOps Engineer",
        1,
        "deactivated:2026-08-14T09 joined:2019-09-30",
    ),
    (
        "irene",
        "Irene Costa",
        "",
        "Sales",
        "Sales Manager LATAM",
        13,
        "confluence-only dormant:2026-07-15 joined:2022-03-14",
    ),
    (
        "viktor",
        "Viktor Horvath",
        "",
        "Engineering",
        "Embedded Engineer",
        5,
        "dormant:2026-05-20 joined:2021-08-09",
    ),
    (
        "beatriz",
        "Beatriz Alves",
        "",
        "Support",
        "Support Specialist",
        13,
        "jira-only dormant:2026-08-01 joined:2023-01-16",
    ),
    (
        "yuki",
        "Yuki Tanaka",
        "",
        "Engineering",
        "Vision Engineer",
        11,
        "no2sv dormant:2026-04-11 joined:2022-05-23",
    ),
    (
        "nina",
        "Nina Brooks",
        "",
        "Marketing",
        "Content Writer",
        3,
        "unmanaged light joined:2025-02-03",
    ),
    (
        "sofia",
        "Sofia Marin",
        "sofia.marin.design@gmail.com",
        "Design",
        "Freelance Designer",
        6,
        "unmanaged contractor light joined:2025-06-16",
    ),
    (
        "tom",
        "Tom Reed",
        "tom@reed-consulting.io",
        "Engineering",
        "External Consultant",
        3,
        "unmanaged contractor jira-only light joined:2026-01-12",
    ),
    (
        "ahmed",
        "Ahmed Farouk",
        "ext.ahmed.farouk@acme-robotics.com",
        "Engineering",
        "Contract Developer",
        10,
        "contractor jira-only joined:2025-09-01",
    ),
    (
        "lisa",
        "Lisa Wong",
        "ext.lisa.wong@acme-robotics.com",
        "Engineering",
        "Contract Tester",
        10,
        "contractor jira-only light joined:2025-10-20",
    ),
    (
        "anna",
        "Anna Weber",
        "",
        "Engineering",
        "Engineering Manager",
        0,
        "heavy joined:2019-02-11",
    ),
    (
        "ben",
        "Ben Carter",
        "",
        "Engineering",
        "Robotics Engineer",
        7,
        "joined:2021-01-25",
    ),
    (
        "chloe",
        "Chloe Dubois",
        "",
        "Product",
        "Product Owner",
        6,
        "joined:2022-04-04",
    ),
    (
        "david",
        "David Iyer",
        "",
        "Engineering",
        "ML Engineer",
        10,
        "heavy joined:2020-06-15",
    ),
    (
        "emma",
        "Emma Larsen",
        "",
        "Operations",
        "Supply Chain Lead",
        4,
        "joined:2021-09-06",
    ),
    (
        "felix",
        "Felix Richter",
        "",
        "Engineering",
        "Controls Engineer",
        0,
        "joined:2020-10-19",
    ),
    (
        "grace",
        "Grace Turner",
        "",
        "Sales",
        "Sales Engineer",
        3,
        "confluence-only joined:2023-03-27",
    ),
    (
        "henry",
        "Henry Evans",
        "",
        "Support",
        "Support Lead",
        8,
        "jira-only joined:2021-12-06",
    ),
    (
        "isla",
        "Isla Morgan",
        "",
        "Marketing",
        "Growth Marketer",
        3,
        "confluence-only light joined:2024-05-13",
    ),
    (
        "jakob",
        "Jakob Huber",
        "",
        "Engineering",
        "Mechanical Engineer",
        1,
        "joined:2019-07-08",
    ),
    (
        "karin",
        "Karin Olsen",
        "",
        "Finance",
        "Accountant",
        0,
        "confluence-only light joined:2022-08-22",
    ),
    (
        "liam",
        "Liam Jones",
        "",
        "Engineering",
        "Software Engineer",
        7,
        "heavy joined:2023-06-19",
    ),
    (
        "maya",
        "Maya Patel",
        "",
        "Product",
        "UX Researcher",
        10,
        "joined:2024-01-08",
    ),
    (
        "nils",
        "Nils Vogel",
        "",
        "Engineering",
        "Hardware Engineer",
        2,
        "joined:2020-03-02",
    ),
    (
        "olivia",
        "Olivia Chen",
        "",
        "Engineering",
        "Data Engineer",
        9,
        "joined:2022-10-10",
    ),
    (
        "pavel",
        "Pavel Kowalski",
        "",
        "Engineering",
        "Site Reliability Engineer",
        5,
        "heavy joined:2021-05-17",
    ),
    (
        "rosa",
        "Rosa Garcia",
        "",
        "People Ops",
        "Recruiter",
        6,
        "confluence-only light joined:2023-08-14",
    ),
    (
        "stefan",
        "Stefan Bauer",
        "",
        "Engineering",
        "Test Engineer",
        1,
        "joined:2020-11-23",
    ),
    (
        "tara",
        "Tara Gupta",
        "",
        "Engineering",
        "Software Engineer",
        10,
        "joined:2024-03-18",
    ),
    (
        "uma",
        "Uma Nakamura",
        "",
        "Product",
        "Technical Writer",
        11,
        "confluence-only light joined:2022-02-14",
    ),
    (
        "vince",
        "Vince Young",
        "",
        "Sales",
        "Regional Sales Director",
        7,
        "confluence-only joined:2020-09-28",
    ),
    (
        "wendy",
        "Wendy Schulz",
        "",
        "Operations",
        "Office Manager",
        0,
        "confluence-only light joined:2019-06-03",
    ),
    (
        "xavier",
        "Xavier Ferreira",
        "",
        "Engineering",
        "Perception Engineer",
        13,
        "joined:2023-11-06",
    ),
    (
        "zoe",
        "Zoe Klein",
        "",
        "Engineering",
        "Firmware Engineer",
        0,
        "joined:2021-07-12",
    ),
    (
        "carlos",
        "Carlos Lopez",
        "",
        "Support",
        "Support Engineer",
        8,
        "jira-only joined:2022-06-27",
    ),
    (
        "fatima",
        "Fatima Ito",
        "",
        "Engineering",
        "Robotics Engineer",
        12,
        "joined:2024-08-26",
    ),
];

/// App accounts (accountType `app`): (key, name, vendor, is the MCP app, in the baseline events).
pub(super) const APPS: &[(&str, &str, &str, bool, bool)] = &[
    (
        "app-automation",
        "Automation for Jira",
        "Atlassian",
        false,
        false,
    ),
    ("app-mcp", "Atlassian MCP", "Atlassian", true, true),
    ("app-slack", "Slack", "Slack Technologies", false, true),
    ("app-github", "GitHub for Jira", "GitHub", false, true),
    (
        "app-tempo",
        "Tempo Timesheets",
        "Tempo Software",
        false,
        true,
    ),
    ("app-zapier", "Zapier", "Zapier Inc.", false, false),
];

/// Groups: (name, description, directory key, managedBy, external sync).
const GROUPS: &[(&str, &str, &str, &str, bool)] = &[
    (
        "org-admins",
        "Organization administrators",
        "acme",
        "admins",
        false,
    ),
    (
        "site-admins",
        "Site administrators for acme-robotics.atlassian.net",
        "acme",
        "admins",
        false,
    ),
    (
        "jira-users",
        "Default Jira product access",
        "acme",
        "admins",
        false,
    ),
    (
        "confluence-users",
        "Default Confluence product access",
        "acme",
        "admins",
        false,
    ),
    (
        "security-team",
        "Security and compliance",
        "acme",
        "admins",
        false,
    ),
    (
        "contractors",
        "External contractors (review quarterly)",
        "acme",
        "admins",
        false,
    ),
    (
        "engineering",
        "Synced from Okta: Engineering",
        "okta",
        "external",
        true,
    ),
    (
        "product",
        "Synced from Okta: Product and Design",
        "okta",
        "external",
        true,
    ),
    (
        "operations",
        "Synced from Okta: business functions",
        "okta",
        "external",
        true,
    ),
];

/// The groups baseline membership changes may touch (never the admin groups).
pub(super) const ORDINARY_GROUPS: [&str; 5] = [
    "engineering",
    "product",
    "operations",
    "jira-users",
    "confluence-users",
];

pub(super) fn group_id(name: &str) -> String {
    uuid_for(SEED, &format!("group/{name}"))
}

pub(super) fn directory_id(key: &str) -> String {
    uuid_for(SEED, &format!("directory/{key}"))
}

fn date_ms(text: &str) -> Option<i64> {
    let mut parts = text.split(['-', 'T']).map(|p| p.parse::<i64>().ok());
    let (y, m, d) = (parts.next()??, parts.next()??, parts.next()??);
    let h = parts.next().flatten().unwrap_or(0);
    Some(utc_ms(y, m, d, h, 0, 0))
}

fn department_group(department: &str) -> &'static str {
    match department {
        "Engineering" => "engineering",
        "Product" | "Design" => "product",
        _ => "operations",
    }
}

/// Everyone in the demo org: people first (table order), then app accounts.
pub(super) fn people() -> Vec<DemoPerson> {
    let mut rng = SplitMix64::new(hash_label(SEED, "ips"));
    let mut out: Vec<DemoPerson> = PEOPLE
        .iter()
        .map(|&(key, name, email, department, title, city, flags)| {
            let city = geo::CITIES[city.min(geo::CITIES.len() - 1)];
            let has = |flag: &str| flags.split(' ').any(|f| f == flag);
            let value = |flag: &str| {
                flags
                    .split(' ')
                    .find_map(|f| f.strip_prefix(flag).and_then(|v| v.strip_prefix(':')))
                    .and_then(date_ms)
            };
            let mut roles = Vec::new();
            if has("org-admin") {
                roles.push("atlassian/org-admin");
            }
            if has("site-admin") {
                roles.push("atlassian/site-admin");
            }
            if has("uaa") {
                roles.push("atlassian/user-access-admin");
            }
            let standing = match (value("dormant"), value("deactivated")) {
                (_, Some(at)) => Standing::Deactivated(at),
                (Some(since), None) => Standing::Dormant(since),
                (None, None) => Standing::Active,
            };
            let managed = !has("unmanaged");
            let email = if email.is_empty() {
                format!(
                    "{}@acme-robotics.com",
                    name.to_ascii_lowercase().replace(' ', ".")
                )
            } else {
                email.to_string()
            };
            let products = if has("jira-only") {
                vec!["jira"]
            } else if has("confluence-only") {
                vec!["confluence"]
            } else {
                vec!["jira", "confluence"]
            };
            let mut groups = Vec::new();
            if has("org-admin") {
                groups.push("org-admins");
            }
            if has("site-admin") {
                groups.push("site-admins");
            }
            for p in &products {
                groups.push(if *p == "jira" {
                    "jira-users"
                } else {
                    "confluence-users"
                });
            }
            if department == "Security" {
                groups.push("security-team");
            }
            if has("contractor") {
                groups.push("contractors");
            } else if managed && key != "breakglass" {
                groups.push(department_group(department));
            }
            // Long-standing accounts have the old 24-hex id shape, newer ones the 712020: form.
            let joined = value("joined").unwrap_or(0);
            let id = if joined < utc_ms(2020, 1, 1, 0, 0, 0) {
                hex24(SEED, &format!("user/{key}"))
            } else {
                format!("712020:{}", uuid_for(SEED, &format!("user/{key}")))
            };
            DemoPerson {
                key,
                id,
                name: name.to_string(),
                email,
                app: false,
                department,
                title,
                ip: events::home_ip(&mut rng, &city),
                city,
                roles,
                // Admins cannot see (or enforce) 2SV on accounts the org does not manage.
                mfa: if managed { Some(!has("no2sv")) } else { None },
                managed,
                standing,
                products,
                groups,
                added_to_org_ms: joined + 9 * 3_600_000,
                admin_actor: has("admin"),
                mcp: has("mcp"),
                activity: if has("heavy") {
                    60
                } else if has("light") {
                    6
                } else {
                    20
                },
                in_baseline: standing == Standing::Active && !has("no-baseline"),
            }
        })
        .collect();
    for &(key, name, vendor, mcp, in_baseline) in APPS {
        let app = events::app(SEED, name, vendor, mcp);
        out.push(DemoPerson {
            key,
            id: app.account_id,
            name: name.to_string(),
            email: String::new(),
            app: true,
            department: "",
            title: "",
            city: geo::ASHBURN,
            ip: String::new(),
            roles: Vec::new(),
            mfa: None,
            managed: true,
            standing: Standing::Active,
            products: vec!["jira", "confluence"],
            groups: Vec::new(),
            added_to_org_ms: utc_ms(2023, 1, 9, 10, 0, 0)
                + (hash_label(SEED, key) % 900) as i64 * MS_PER_DAY,
            admin_actor: false,
            mcp,
            activity: 0,
            in_baseline,
        });
    }
    out
}

/// The personas the baseline generator acts as (index = position in the returned vector).
pub(super) fn personas(people: &[DemoPerson]) -> Vec<(usize, Persona)> {
    people
        .iter()
        .enumerate()
        .filter(|(_, p)| p.in_baseline && !p.app)
        .map(|(i, p)| {
            (
                i,
                Persona {
                    id: p.id.clone(),
                    name: p.name.clone(),
                    email: p.email.clone(),
                    city: p.city,
                    ip: p.ip.clone(),
                    activity: p.activity,
                    admin: p.admin_actor,
                    mcp: p.mcp,
                },
            )
        })
        .collect()
}

/// Workspace ids products are granted on: (product key, resource id).
pub(super) struct Resources {
    pub jira: String,
    pub confluence: String,
}

/// v2 directory users; `last_active[i]` is person i's last activity (epoch ms).
pub(super) fn directory_users(
    people: &[DemoPerson],
    last_active: &[i64],
    resources: &Resources,
) -> Vec<DirectoryUser> {
    people
        .iter()
        .zip(last_active)
        .map(|(p, &last)| {
            let deactivated = matches!(p.standing, Standing::Deactivated(_));
            let product_access = if deactivated {
                Vec::new()
            } else {
                p.products
                    .iter()
                    .enumerate()
                    .map(|(n, key)| {
                        // The second product was used a little earlier than the last activity.
                        let at = last
                            - n as i64 * (hash_label(SEED, &p.id) % (3 * MS_PER_DAY as u64)) as i64;
                        ProductAccess {
                            key: Some((*key).to_string()),
                            id: Some(if *key == "jira" {
                                resources.jira.clone()
                            } else {
                                resources.confluence.clone()
                            }),
                            last_active_timestamp: Some(timestamp(at)),
                            extra: Extra::new(),
                        }
                    })
                    .collect()
            };
            let mut extra = Extra::new();
            if !p.app {
                extra.insert("jobTitle".into(), json!(p.title));
                extra.insert("department".into(), json!(p.department));
                extra.insert("timeZone".into(), json!(p.city.tz));
            }
            extra.insert(
                "counts".into(),
                json!({ "resources": product_access.len() }),
            );
            DirectoryUser {
                account_id: p.id.clone(),
                account_type: Some(if p.app { "app" } else { "atlassian" }.to_string()),
                status: Some(if deactivated { "deactivated" } else { "active" }.to_string()),
                account_status: Some(if deactivated { "inactive" } else { "active" }.to_string()),
                membership_status: Some(
                    if deactivated { "suspended" } else { "active" }.to_string(),
                ),
                added_to_org: Some(timestamp(p.added_to_org_ms)),
                name: Some(p.name.clone()),
                nickname: Some(
                    p.name
                        .split(' ')
                        .next()
                        .unwrap_or(&p.name)
                        .to_ascii_lowercase(),
                ),
                email: (!p.email.is_empty()).then(|| p.email.clone()),
                email_verified: Some(json!(!p.app)),
                claim_status: Some(if p.managed { "managed" } else { "unmanaged" }.to_string()),
                platform_roles: p.roles.iter().map(|r| (*r).to_string()).collect(),
                management_source: (!p.app
                    && p.managed
                    && p.groups.iter().any(|g| ORDINARY_GROUPS[..3].contains(g)))
                .then(|| json!("synced")),
                mfa_enabled: p.mfa,
                deactivated_on: match p.standing {
                    Standing::Deactivated(at) => Some(timestamp(at)),
                    _ => None,
                },
                for_deletion: Some(false),
                product_access,
                groups: p
                    .groups
                    .iter()
                    .map(|g| GroupRef {
                        id: group_id(g),
                        name: Some((*g).to_string()),
                        description: GROUPS
                            .iter()
                            .find(|row| row.0 == *g)
                            .map(|row| row.1.to_string()),
                        extra: Extra::new(),
                    })
                    .collect(),
                last_active: Some(timestamp(last)),
                extra,
            }
        })
        .collect()
}

pub(super) fn groups(people: &[DemoPerson]) -> Vec<Group> {
    GROUPS
        .iter()
        .map(|&(name, description, directory, managed_by, synced)| {
            let members = people.iter().filter(|p| p.groups.contains(&name)).count() as u64;
            let resources = match name {
                "org-admins" | "site-admins" => 3,
                "jira-users" | "confluence-users" => 1,
                _ => 0,
            };
            let mut extra = Extra::new();
            extra.insert(
                "managementAccess".into(),
                json!({ "deletable": !synced, "modifiable": !synced, "readable": true }),
            );
            Group {
                id: group_id(name),
                name: Some(name.to_string()),
                description: Some(description.to_string()),
                directory_id: Some(json!(directory_id(directory))),
                managed_by: Some(json!(managed_by)),
                external_synced: Some(json!(synced)),
                counts: Some(json!({"users": members, "resources": resources})),
                extra,
            }
        })
        .collect()
}

pub(super) fn directories() -> Vec<Directory> {
    [("acme", "Acme Robotics"), ("okta", "Okta (SCIM)")]
        .iter()
        .map(|(key, name)| {
            let mut extra = Extra::new();
            extra.insert("icon".into(), json!(null));
            Directory {
                directory_id: directory_id(key),
                name: Some((*name).to_string()),
                extra,
            }
        })
        .collect()
}
