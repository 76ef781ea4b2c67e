//! A fake Atlassian admin API on 127.0.0.1, for the collector's tests and benchmark
//! (docs/atlassian-api.md, "What the fake server reproduces"). It serves the documented shapes of
//! every endpoint the collector reads, with the three paging styles, rate-limit headers on every
//! response (fixed windows per URL path, `time_scale` times shorter than production), 429 with and
//! without `Retry-After`, and injectable faults: 5xx, truncated bodies, repeated cursors, delays
//! and 401/403/404 error envelopes. Shared with `examples/collect_bench.rs` through `#[path]`.

#![allow(dead_code)]

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use axum::Router;
use chrono::{DateTime, Duration as ChronoDuration, SecondsFormat, Utc};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Production-like limits, in production minutes divided by `time_scale`.
#[derive(Clone, Debug)]
pub struct FakeConfig {
    pub org: String,
    pub key: String,
    pub time_scale: f64,
    /// Requests per window on `/events` and `/events-stream` (documented: 10 per minute).
    pub events_limit: u32,
    /// Requests per window on every other path (undocumented; a guess).
    pub default_limit: u32,
    /// Send the three X-RateLimit headers.
    pub rate_limit_headers: bool,
    /// Largest page the v2 / API Access / workspace listings return.
    pub v2_max_page: usize,
    /// Fixed page sizes of the v1 listings.
    pub domains_page: usize,
    pub policies_page: usize,
    pub resources_page: usize,
    pub events_max_page: usize,
    /// A hostile server: denial details quote the Authorization header back.
    pub echo_auth: bool,
}

impl FakeConfig {
    pub fn new(org: &str, key: &str) -> FakeConfig {
        FakeConfig {
            org: org.to_string(),
            key: key.to_string(),
            time_scale: 60.0,
            events_limit: 10,
            default_limit: 100,
            rate_limit_headers: true,
            v2_max_page: 20,
            domains_page: 2,
            policies_page: 2,
            resources_page: 2,
            events_max_page: 500,
            echo_auth: false,
        }
    }

    pub fn window(&self) -> Duration {
        Duration::from_secs_f64(60.0 / self.time_scale)
    }
}

/// How a 429 says when to come back.
#[derive(Clone, Debug)]
pub enum RetryAfter {
    None,
    Seconds(u64),
    HttpDate(Duration),
}

#[derive(Clone, Debug)]
pub enum Fault {
    /// An error status with the Atlassian envelope.
    Status(u16),
    /// A 429 (not caused by the budget).
    RateLimited(RetryAfter),
    /// 200 with the JSON body cut in half.
    Truncate,
    /// The page's next cursor is the one the client just sent.
    RepeatCursor,
    /// Wait before answering (to trigger client timeouts).
    Delay(Duration),
    /// An error status whose envelope's title and detail are this text (hostile servers).
    Titled(u16, String),
}

struct Injected {
    path_contains: String,
    skip: u32,
    times: u32,
    fault: Fault,
}

/// One request as the server saw it.
#[derive(Clone, Debug)]
pub struct Logged {
    pub at: Instant,
    pub method: String,
    pub path: String,
    pub query: String,
    pub status: u16,
    /// A 429 the server produced because the budget was spent.
    pub over_limit: bool,
}

struct Window {
    start: Instant,
    start_wall: DateTime<Utc>,
    count: u32,
}

/// The org's data, in API shapes.
#[derive(Clone, Debug, Default)]
pub struct Dataset {
    pub org_name: String,
    pub directories: Vec<Value>,
    pub users: Vec<Value>,
    /// `GET /admin/v1/orgs/{org}/users`: managed accounts only, snake_case, with `last_active`.
    pub v1_users: Vec<Value>,
    pub groups: Vec<Value>,
    pub domains: Vec<Value>,
    pub org_policies: Vec<Value>,
    pub control_v1: Vec<Value>,
    pub control_v2: Vec<Value>,
    pub resources: HashMap<String, Vec<Value>>,
    pub api_tokens: Vec<Value>,
    pub api_keys: Vec<Value>,
    pub event_actions: Vec<Value>,
    pub workspaces: Vec<Value>,
    /// Ordered by processing time (the stream's order).
    pub events: Vec<Value>,
    /// `events[i]`'s time in epoch ms (parsing it per request would dominate the fake's time).
    pub event_times: Vec<i64>,
}

/// A deterministic pseudo-random sequence (no seedable RNG needed).
fn mix(i: u64) -> u64 {
    let mut x = i.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

const ACTIONS: &[&str] = &[
    "user_login",
    "user_added_to_group",
    "api_token_created",
    "ts_api_token_creation",
    "policy_updated",
    "twosv_unenforced",
    "jira_app_api_activity",
    "added_org_admin",
];

impl Dataset {
    /// An org with `users` users, `groups` groups and `events` events whose times run from
    /// `events_from` one `step` apart (every 7th shares its predecessor's time).
    pub fn generate(
        org: &str,
        users: usize,
        groups: usize,
        events: usize,
        events_from: DateTime<Utc>,
        step: ChronoDuration,
    ) -> Dataset {
        let mut d = Dataset {
            org_name: "Acme".to_string(),
            ..Dataset::default()
        };
        d.directories = (0..3)
            .map(|i| json!({"directoryId": format!("dir-{i}"), "name": format!("Directory {i}"), "icon": null}))
            .collect();
        d.users = (0..users)
            .map(|i| {
                let admin = i % 17 == 0;
                json!({
                    "accountId": format!("acct-{i:05}"),
                    "accountType": "atlassian",
                    "status": if i % 11 == 0 { "suspended" } else { "active" },
                    "accountStatus": "active",
                    "membershipStatus": "active",
                    "addedToOrg": "2024-02-01T09:00:00Z",
                    "name": format!("User {i}"),
                    "nickname": format!("u{i}"),
                    "email": format!("user{i}@acme.com"),
                    "emailVerified": true,
                    "claimStatus": if i % 5 == 0 { "unmanaged" } else { "managed" },
                    "platformRoles": if admin { json!(["atlassian/org-admin"]) } else { json!([]) },
                    "mfaEnabled": i % 3 != 0,
                    "department": null,
                    "productAccess": [{"key": "jira", "id": "res-1", "lastActiveTimestamp": "2026-05-01T10:00:00Z"}],
                    "groups": [{"id": format!("grp-{:03}", i % groups.max(1)), "name": format!("group-{}", i % groups.max(1)), "description": null}],
                    "links": {"self": format!("self-{i}")},
                    "futureField": {"nested": i}
                })
            })
            .collect();
        d.v1_users = d
            .users
            .iter()
            .enumerate()
            .filter(|(_, u)| u["claimStatus"] == "managed")
            .map(|(i, u)| {
                json!({
                    "account_id": u["accountId"], "account_type": "atlassian", "account_status": "active",
                    "name": u["name"], "email": u["email"], "access_billable": true,
                    "last_active": format!("2026-{:02}-{:02}T10:00:00.000Z", 1 + i % 12, 1 + i % 28),
                    "product_access": [{"key": "jira-software", "name": "Jira", "url": "https://acme.atlassian.net", "last_active": "2026-05-01T10:00:00.000Z"}],
                    "links": {"self": "x"}
                })
            })
            .collect();
        d.groups = (0..groups)
            .map(|i| {
                json!({
                    "id": format!("grp-{i:03}"),
                    "name": format!("group-{i}"),
                    "description": null,
                    "directoryId": "dir-0",
                    "managementAccess": {"deletable": true, "modifiable": true, "readable": true},
                    "externalSynced": i % 2 == 0,
                    "managedBy": "admins",
                    "counts": {"users": 4, "resources": 2},
                    "links": {"self": format!("g{i}")}
                })
            })
            .collect();
        d.domains = (0..5)
            .map(|i| {
                json!({"id": format!("d{i}.acme.com"), "type": "domains",
                  "attributes": {"name": format!("d{i}.acme.com"), "claim": {"type": "dns", "status": if i == 4 { "unverified" } else { "verified" }}},
                  "links": {"self": "https://api.atlassian.com/admin/v1/orgs/x/domains/d"}})
            })
            .collect();
        d.org_policies = vec![
            json!({"type":"policy","id":"op-1","attributes":{"type":"data-residency","name":"eu-realm","resources":[],"rule":{"in":["eu"]},"status":"enabled","createdAt":"2021-02-08T23:27:30.951Z","updatedAt":null},"links":null,"relations":null}),
            json!({"type":"policy","id":"op-2","attributes":{"type":"ip-allowlist","name":"Office","status":"enabled","rule":{"in":["203.0.113.0/24"]},"resources":[{"id":"ari:cloud:platform::site/1","applicationStatus":"applied","meta":{},"links":{}}]}}),
            json!({"type":"policy","id":"op-3","attributes":{"type":"generative-ai","name":"AI","status":"disabled"}}),
            json!({"type":"policy","id":"op-4","attributes":{"type":"admin-notification-settings","name":"N","status":"enabled","metadata":{"x":1}}}),
            json!({"type":"policy","id":"op-5","attributes":{"type":"user-join-settings-default","name":"J","status":"enabled"}}),
        ];
        d.control_v2 = vec![
            json!({"id":"cp-1","type":"policy","attributes":{"type":"data-security","name":"DSP","status":"active","rule":{"export":{"effect":"BLOCK"}},"metadata":{"policyCoverageLevel":"UNASSIGNED"}}}),
            json!({"id":"cp-2","type":"policy","attributes":{"type":"ip-allowlist","name":"VPN","status":"enabled","rule":{"in":["198.51.100.0/24"],"allowMobileBypass":false}}}),
            json!({"id":"cp-3","type":"policy","attributes":{"type":"data-security","name":"Draft","status":"draft","rule":{"export":{"effect":"ALLOW"}}}}),
        ];
        d.control_v1 = vec![
            json!({"id":"cp-1","type":"policy","attributes":{"type":"data-security","name":"DSP","status":"enabled","rule":{},"resources":[]}}),
            json!({"id":"cp-4","type":"policy","attributes":{"type":"data-residency","name":"Legacy","status":"enabled","rule":{"in":["us"]}}}),
        ];
        for id in ["cp-1", "cp-2", "cp-3", "cp-4"] {
            d.resources.insert(
                id.to_string(),
                (0..3)
                    .map(|i| json!({"id": format!("ari:cloud:confluence::site/{id}-{i}"), "applicationStatus": "applied", "meta": {"scheduledDate": null}, "links": {"ticket": null}}))
                    .collect(),
            );
        }
        d.api_tokens = (0..35)
            .map(|i| {
                let mut t = json!({"id": format!("tok-{i}"), "label": format!("token {i}"), "status": if i % 9 == 0 { "BLOCKED" } else { "ALLOWED" },
                  "createdAt": "2026-01-10T08:00:00Z", "lastActiveAt": "2026-05-01T10:00:00Z",
                  "user": {"id": format!("acct-{i:05}"), "orgId": org, "name": format!("User {i}"), "email": format!("user{i}@acme.com")},
                  "scopes": ["read:jira-work"]});
                if i % 4 != 0 {
                    t["expiresAt"] = json!("2027-01-10T08:00:00Z");
                }
                t
            })
            .collect();
        d.api_keys = (0..4)
            .map(|i| json!({"id": format!("key-{i}"), "label": format!("scanner {i}"), "createdAt": "2026-01-10T08:00:00Z", "expiresAt": "2027-01-09T08:00:00Z",
              "lastActiveAt": null, "systemAccountId": "sa", "resource": "ari", "orgId": org,
              "createdBy": {"id": "acct-00000", "name": "Admin", "email": "admin@acme.com", "appType": null},
              "scopes": ["read:events:admin"], "token": null}))
            .collect();
        d.event_actions = ACTIONS
            .iter()
            .enumerate()
            .map(|(i, a)| {
                if i % 4 == 3 {
                    json!({"type":"eventActions","id":a,"attributes":{"displayName":format!("Action {a}")},"links":null,"message":null})
                } else {
                    json!({"type":"eventActions","id":a,"attributes":{"displayName":format!("Action {a}"),"groupDisplayNames":["SETTINGS"]},"links":null,"message":null})
                }
            })
            .collect();
        d.workspaces = (0..3)
            .map(|i| json!({"id": format!("ws-{i}"), "type": "workspaces", "attributes": {"name": format!("acme{i}"), "typeKey": "jira", "type": "jira-software",
              "status": "online", "hostUrl": format!("https://acme{i}.atlassian.net"), "realm": "eu", "sandbox": false, "regions": ["eu-west"]}, "links": {"self": "s"}}))
            .collect();
        d.add_events(org, events, events_from, step, 0);
        d
    }

    /// Appends `n` events (ids continue from the current count), processed after all others.
    pub fn add_events(
        &mut self,
        org: &str,
        n: usize,
        from: DateTime<Utc>,
        step: ChronoDuration,
        first_index: usize,
    ) {
        let mut fresh: Vec<Value> = (0..n)
            .map(|k| {
                let i = first_index + k;
                // Every 7th event shares its predecessor's time: the id breaks the tie.
                let slot = if i % 7 == 6 { k.saturating_sub(1) } else { k };
                let time = from + step * slot as i32;
                let processed = time + ChronoDuration::milliseconds((mix(i as u64) % 5000) as i64);
                event_json(org, i, time, processed)
            })
            .collect();
        // The stream orders by processing time; appended events come after the existing ones.
        let floor = self
            .events
            .last()
            .and_then(|e| e.pointer("/attributes/processedAt"))
            .and_then(Value::as_str)
            .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
            .map(|t| t.with_timezone(&Utc));
        if let Some(floor) = floor {
            for e in &mut fresh {
                let p = processed_of(e);
                if p <= floor {
                    e["attributes"]["processedAt"] =
                        json!(rfc3339(floor + ChronoDuration::milliseconds(1)));
                }
            }
        }
        fresh.sort_by(|a, b| {
            processed_of(a)
                .cmp(&processed_of(b))
                .then_with(|| a["id"].as_str().cmp(&b["id"].as_str()))
        });
        self.event_times
            .extend(fresh.iter().map(|e| time_of(e).timestamp_millis()));
        self.events.extend(fresh);
    }
}

fn processed_of(e: &Value) -> DateTime<Utc> {
    e.pointer("/attributes/processedAt")
        .and_then(Value::as_str)
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

pub fn time_of(e: &Value) -> DateTime<Utc> {
    e.pointer("/attributes/time")
        .and_then(Value::as_str)
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

fn event_json(org: &str, i: usize, time: DateTime<Utc>, processed: DateTime<Utc>) -> Value {
    let r = mix(i as u64);
    let action = ACTIONS[(r % ACTIONS.len() as u64) as usize];
    let mut e = json!({
        "id": format!("{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}", r as u32, i % 0xffff, (r >> 32) % 0xfff, (r >> 44) % 0xfff, i),
        "type": "events",
        "attributes": {
            "time": rfc3339(time),
            "processedAt": rfc3339(processed),
            "action": action,
            "actor": {"id": format!("acct-{:05}", r % 250), "name": "Jane Admin", "email": "jane@acme.com",
                      "links": {"self": "https://api.atlassian.com/users/x/manage/profile"}},
            "context": [{"id": format!("grp-{:03}", r % 40), "type": "groups", "attributes": {"name": "jira-users"}}],
            "container": [{"id": org, "type": "orgs", "attributes": {"name": "Acme"}, "links": {"self": "x", "alt": "y"}}]
        },
        "links": {"self": format!("https://api.atlassian.com/admin/v1/orgs/{org}/events/{i}")},
        "message": {"content": format!("Event {i}"), "format": "simple"}
    });
    if !i.is_multiple_of(3) {
        e["attributes"]["location"] = json!({"ip": format!("203.0.113.{}", i % 250), "geo": "x", "countryName": "Costa Rica", "regionName": "Cartago", "city": "Cartago"});
    }
    if i.is_multiple_of(5) {
        e["attributes"]["actor"]["auth"] = json!({"authType": "api-token", "tokenId": format!("tok-{}", i % 35), "tokenLabel": "ci"});
    }
    e
}

struct Inner {
    data: Dataset,
    windows: HashMap<String, Window>,
    faults: Vec<Injected>,
    denied: Vec<(String, u16)>,
    log: Vec<Logged>,
    next_event_index: usize,
}

struct Shared {
    config: FakeConfig,
    base: String,
    inner: Mutex<Inner>,
}

pub struct FakeServer {
    pub base_url: String,
    shared: Arc<Shared>,
    /// None for one org of a [`FakeFleetServer`] (the fleet's task serves it).
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        if let Some(task) = &self.task {
            task.abort();
        }
    }
}

/// Several orgs behind one address, as the real admin API serves every org from one host:
/// each org has its own key, data, rate-limit windows, faults and log, and a request goes to
/// the org named in its path (`…/orgs/{org}/…`; an unknown org to the first one, which
/// refuses its key or answers 404).
pub struct FakeFleetServer {
    pub base_url: String,
    orgs: Vec<FakeServer>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FakeFleetServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FakeFleetServer {
    pub async fn start(orgs: Vec<(FakeConfig, Dataset)>) -> FakeFleetServer {
        assert!(!orgs.is_empty(), "a fleet needs an org");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local addr");
        let base = format!("http://{addr}");
        let members: Vec<FakeServer> = orgs
            .into_iter()
            .map(|(config, data)| FakeServer {
                base_url: base.clone(),
                shared: Shared::new(config, data, &base),
                task: None,
            })
            .collect();
        let routes: Arc<Vec<Arc<Shared>>> =
            Arc::new(members.iter().map(|m| m.shared.clone()).collect());
        let app = Router::new().fallback(handle_fleet).with_state(routes);
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        FakeFleetServer {
            base_url: base,
            orgs: members,
            task,
        }
    }

    /// The org `id` (to deny paths, inject faults, add events, read its log).
    pub fn org(&self, id: &str) -> &FakeServer {
        self.orgs
            .iter()
            .find(|o| o.shared.config.org == id)
            .unwrap_or_else(|| panic!("no org {id} in the fake fleet"))
    }
}

async fn handle_fleet(
    State(orgs): State<Arc<Vec<Arc<Shared>>>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let org = uri
        .path()
        .split('/')
        .skip_while(|s| *s != "orgs")
        .nth(1)
        .unwrap_or_default()
        .to_string();
    let shared = orgs
        .iter()
        .find(|s| s.config.org == org)
        .unwrap_or(&orgs[0])
        .clone();
    handle(State(shared), method, uri, headers, body).await
}

impl Shared {
    fn new(config: FakeConfig, data: Dataset, base: &str) -> Arc<Shared> {
        let next_event_index = data.events.len();
        Arc::new(Shared {
            config,
            base: base.to_string(),
            inner: Mutex::new(Inner {
                data,
                windows: HashMap::new(),
                faults: Vec::new(),
                denied: Vec::new(),
                log: Vec::new(),
                next_event_index,
            }),
        })
    }
}

impl FakeServer {
    pub async fn start(config: FakeConfig, data: Dataset) -> FakeServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local addr");
        let base = format!("http://{addr}");
        let shared = Shared::new(config, data, &base);
        let app = Router::new().fallback(handle).with_state(shared.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        FakeServer {
            base_url: base,
            shared,
            task: Some(task),
        }
    }

    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.shared.inner.lock().unwrap()
    }

    /// Lets `skip` requests whose path ends with `path_contains` through, then makes the
    /// next `times` of them fail with `fault`.
    pub fn inject(&self, path_contains: &str, skip: u32, times: u32, fault: Fault) {
        self.inner().faults.push(Injected {
            path_contains: path_contains.to_string(),
            skip,
            times,
            fault,
        });
    }

    pub fn clear_faults(&self) {
        self.inner().faults.clear();
    }

    /// Every request to a path ending in `suffix` gets `status` (403 or 404) from now on.
    pub fn deny(&self, suffix: &str, status: u16) {
        self.inner().denied.push((suffix.to_string(), status));
    }

    pub fn add_events(&self, n: usize, from: DateTime<Utc>, step: ChronoDuration) {
        let org = self.shared.config.org.clone();
        let mut inner = self.inner();
        let first = inner.next_event_index;
        inner.data.add_events(&org, n, from, step, first);
        inner.next_event_index += n;
    }

    pub fn data(&self) -> Dataset {
        self.inner().data.clone()
    }

    pub fn log(&self) -> Vec<Logged> {
        self.inner().log.clone()
    }

    pub fn clear_log(&self) {
        self.inner().log.clear();
    }

    /// 429s caused by the budget (not injected): must stay 0 in the steady state.
    pub fn over_limit(&self) -> usize {
        self.inner().log.iter().filter(|l| l.over_limit).count()
    }

    pub fn requests_to(&self, path_suffix: &str) -> usize {
        self.inner()
            .log
            .iter()
            .filter(|l| l.path.ends_with(path_suffix))
            .count()
    }

    /// Ids of events with time ≥ `from`, ordered by time then id (the snapshot's order).
    pub fn expected_event_ids(&self, from: DateTime<Utc>) -> Vec<String> {
        let mut events: Vec<(DateTime<Utc>, String)> = self
            .inner()
            .data
            .events
            .iter()
            .filter(|e| time_of(e) >= from)
            .map(|e| (time_of(e), e["id"].as_str().unwrap_or_default().to_string()))
            .collect();
        events.sort();
        events.into_iter().map(|(_, id)| id).collect()
    }
}

fn envelope(status: u16, code: &str, title: &str, detail: &str) -> Value {
    json!({"errors": [{"id": format!("err-{status}"), "status": status.to_string(), "code": code, "title": title, "detail": detail}]})
}

fn code_for(status: u16) -> (&'static str, &'static str) {
    match status {
        400 => ("ADMIN-400-1", "Invalid page cursor"),
        401 => ("ADMIN-401-1", "Unauthorized"),
        403 => ("ADMIN-403-3", "Not allowed to manage the org"),
        404 => ("ADMIN-404-1", "Unknown resource"),
        429 => ("ADMIN-429-1", "Rate limit exceeded"),
        _ => ("ADMIN-500-1", "Internal error"),
    }
}

struct Reply {
    status: u16,
    body: Vec<u8>,
    headers: Vec<(String, String)>,
}

fn reply(status: u16, body: &Value) -> Reply {
    Reply {
        status,
        body: serde_json::to_vec(body).unwrap_or_default(),
        headers: Vec::new(),
    }
}

fn error_reply(status: u16, detail: &str) -> Reply {
    let (code, title) = code_for(status);
    reply(status, &envelope(status, code, title, detail))
}

/// Opaque cursors: hex of "offset:limit".
fn encode_cursor(offset: usize, limit: usize) -> String {
    hex_encode(format!("{offset}:{limit}").as_bytes())
}

fn decode_cursor(cursor: &str) -> Option<(usize, usize)> {
    let bytes = hex_decode(cursor)?;
    let text = String::from_utf8(bytes).ok()?;
    let (o, l) = text.split_once(':')?;
    Some((o.parse().ok()?, l.parse().ok()?))
}

fn hex_encode(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn hex_decode(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

fn query_pairs(uri: &Uri) -> Vec<(String, String)> {
    // reqwest's Url does the percent-decoding (no direct `url` dependency needed).
    reqwest::Url::parse(&format!("http://fake{uri}"))
        .map(|u| {
            u.query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default()
}

fn param<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_string();
    let query = uri.query().unwrap_or_default().to_string();
    let config = &shared.config;
    let now = Instant::now();

    let (mut reply, over_limit, delay, truncate) = {
        let mut inner = shared.inner.lock().unwrap();
        let auth_ok = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v == format!("Bearer {}", config.key));
        let accept_ok = headers
            .get("accept")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("application/json"));

        // The budget of this path's window.
        let is_events = path.ends_with("/events") || path.ends_with("/events-stream");
        let limit = if is_events {
            config.events_limit
        } else {
            config.default_limit
        };
        let window_len = config.window();
        let w = inner.windows.entry(path.clone()).or_insert(Window {
            start: now,
            start_wall: Utc::now(),
            count: 0,
        });
        if now >= w.start + window_len {
            *w = Window {
                start: now,
                start_wall: Utc::now(),
                count: 0,
            };
        }
        let over = w.count >= limit;
        if !over {
            w.count += 1;
        }
        let remaining = limit.saturating_sub(w.count);
        let reset_wall = w.start_wall
            + ChronoDuration::from_std(window_len).unwrap_or_default()
            + ChronoDuration::milliseconds(1); // ceil to the next millisecond
        let mut rl_headers = Vec::new();
        if config.rate_limit_headers {
            rl_headers.push(("X-RateLimit-Limit".to_string(), limit.to_string()));
            rl_headers.push(("X-RateLimit-Remaining".to_string(), remaining.to_string()));
            rl_headers.push(("X-RateLimit-Reset".to_string(), rfc3339(reset_wall)));
        }

        let mut delay = None;
        let mut truncate = false;
        let mut repeat_cursor = false;
        let mut reply = if !auth_ok {
            error_reply(401, "The API key is invalid or expired")
        } else if !accept_ok {
            error_reply(406, "Accept: application/json required")
        } else if over {
            let mut r = error_reply(429, "Too many requests on this path");
            r.headers.push(("X-RateLimit-Remaining".into(), "0".into()));
            r
        } else {
            let mut faulted = None;
            if let Some(pos) = inner
                .faults
                .iter()
                .position(|f| path.ends_with(&f.path_contains))
            {
                let f = &mut inner.faults[pos];
                if f.skip > 0 {
                    f.skip -= 1;
                } else {
                    f.times = f.times.saturating_sub(1);
                    faulted = Some(f.fault.clone());
                    if f.times == 0 {
                        inner.faults.remove(pos);
                    }
                }
            }
            let denied = inner
                .denied
                .iter()
                .find(|(suffix, _)| path.ends_with(suffix.as_str()))
                .map(|(_, s)| *s);
            match (faulted, denied) {
                (_, Some(status)) if config.echo_auth => {
                    let auth = headers
                        .get("authorization")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default();
                    error_reply(status, &format!("{auth} lacks the scope for this resource"))
                }
                (_, Some(status)) => {
                    error_reply(status, "The key lacks the scope for this resource")
                }
                (Some(Fault::Status(status)), _) => error_reply(status, "Injected failure"),
                (Some(Fault::Titled(status, text)), _) => {
                    reply(status, &envelope(status, "ADMIN-HOSTILE", &text, &text))
                }
                (Some(Fault::RateLimited(after)), _) => {
                    let mut r = error_reply(429, "Rate limit exceeded");
                    match after {
                        RetryAfter::None => {}
                        RetryAfter::Seconds(s) => {
                            r.headers.push(("Retry-After".into(), s.to_string()))
                        }
                        RetryAfter::HttpDate(d) => {
                            let at = Utc::now() + ChronoDuration::from_std(d).unwrap_or_default();
                            r.headers.push((
                                "Retry-After".into(),
                                at.format("%a, %d %b %Y %H:%M:%S GMT").to_string(),
                            ));
                        }
                    }
                    r
                }
                (fault, None) => {
                    match fault {
                        Some(Fault::Truncate) => truncate = true,
                        Some(Fault::RepeatCursor) => repeat_cursor = true,
                        Some(Fault::Delay(d)) => delay = Some(d),
                        _ => {}
                    }
                    route(
                        &shared,
                        &inner.data,
                        &method,
                        &path,
                        &uri,
                        &body,
                        repeat_cursor,
                    )
                }
            }
        };
        // Every response carries the budget headers (a 429 overrides Remaining).
        for (k, v) in rl_headers {
            if !reply
                .headers
                .iter()
                .any(|(name, _)| name.eq_ignore_ascii_case(&k))
            {
                reply.headers.push((k, v));
            }
        }
        inner.log.push(Logged {
            at: now,
            method: method.to_string(),
            path: path.clone(),
            query: query.clone(),
            status: reply.status,
            over_limit: over && auth_ok && accept_ok,
        });
        (
            std::mem::replace(
                &mut reply,
                Reply {
                    status: 0,
                    body: vec![],
                    headers: vec![],
                },
            ),
            over,
            delay,
            truncate,
        )
    };
    let _ = over_limit;
    if let Some(d) = delay {
        tokio::time::sleep(d).await;
    }
    if truncate {
        let half = reply.body.len() / 2;
        reply.body.truncate(half);
    }
    let mut builder = Response::builder()
        .status(StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR))
        .header("content-type", "application/json");
    for (k, v) in &reply.headers {
        builder = builder.header(k.as_str(), v.as_str());
    }
    builder.body(Body::from(reply.body)).unwrap()
}

/// Serves one authorized, in-budget request.
fn route(
    shared: &Shared,
    data: &Dataset,
    method: &Method,
    path: &str,
    uri: &Uri,
    body: &[u8],
    repeat_cursor: bool,
) -> Reply {
    let config = &shared.config;
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let q = query_pairs(uri);
    let json_body: Value = if body.is_empty() {
        json!({})
    } else {
        match serde_json::from_slice(body) {
            Ok(v) => v,
            Err(_) => return error_reply(400, "Invalid request body"),
        }
    };
    // Paths: admin/{v1|v2}/orgs/{org}/… ; admin/control/{v}/orgs/{org}/… ; admin/api-access/v1/orgs/{org}/…
    let (family, org, rest): (&str, &str, Vec<&str>) = match parts.as_slice() {
        ["admin", v @ ("v1" | "v2"), "orgs", org, rest @ ..] => (v, org, rest.to_vec()),
        ["admin", "control", v @ ("v1" | "v2"), "orgs", org, rest @ ..] => (
            if *v == "v1" {
                "control-v1"
            } else {
                "control-v2"
            },
            org,
            rest.to_vec(),
        ),
        ["admin", "api-access", "v1", "orgs", org, rest @ ..] => ("api-access", org, rest.to_vec()),
        _ => return error_reply(404, "No such endpoint"),
    };
    if org != config.org {
        let mut r = error_reply(404, "Organization not found");
        r.body = serde_json::to_vec(&envelope(
            404,
            "ADMIN-404-2",
            "Organization not found",
            "org",
        ))
        .unwrap_or_default();
        return r;
    }
    let get = *method == Method::GET;
    let post = *method == Method::POST;
    match (family, rest.as_slice()) {
        ("v1", []) if get => {
            let item = json!({"id": config.org, "type": "orgs", "attributes": {"name": data.org_name},
                "relationships": {"domains": {"links": {"related": format!("{}/admin/v1/orgs/{}/domains", shared.base, config.org)}},
                                  "users": {"related": "legacy-shape"}},
                "links": {"self": "x"}});
            reply(200, &json!({"data": item}))
        }
        // The v1 managed-accounts list pages by 50, with a full URL in links.next.
        ("v1", ["users"]) if get => url_paged(shared, path, &q, &data.v1_users, 50, repeat_cursor),
        ("v1", ["domains"]) if get => url_paged(
            shared,
            path,
            &q,
            &data.domains,
            config.domains_page,
            repeat_cursor,
        ),
        ("v1", ["policies"]) if get => meta_paged(
            shared,
            path,
            &q,
            &data.org_policies,
            config.policies_page,
            repeat_cursor,
        ),
        ("v1", ["event-actions"]) if get => reply(
            200,
            &json!({"data": data.event_actions, "links": {}, "meta": null}),
        ),
        ("v1", ["events-stream"]) if get => stream(&q, data, config.events_max_page, repeat_cursor),
        ("v1", ["events"]) if get => search(
            shared,
            path,
            &q,
            data,
            config.events_max_page,
            repeat_cursor,
        ),
        ("v2", ["directories"]) if get => {
            let limit = param(&q, "limit")
                .and_then(|l| l.parse().ok())
                .unwrap_or(20);
            opaque_paged(
                param(&q, "cursor"),
                limit,
                &data.directories,
                config.v2_max_page,
                repeat_cursor,
            )
        }
        ("v2", ["directories", _, "users", "search"]) if post => body_paged(
            &json_body,
            50,
            &data.users,
            config.v2_max_page,
            repeat_cursor,
        ),
        ("v2", ["directories", _, "groups", "search"]) if post => body_paged(
            &json_body,
            20,
            &data.groups,
            config.v2_max_page,
            repeat_cursor,
        ),
        ("v2", ["workspaces"]) if post => body_paged(
            &json_body,
            20,
            &data.workspaces,
            config.v2_max_page,
            repeat_cursor,
        ),
        ("control-v1" | "control-v2", ["policies"]) if get => {
            let list = if family == "control-v1" {
                &data.control_v1
            } else {
                &data.control_v2
            };
            meta_paged(shared, path, &q, list, config.policies_page, repeat_cursor)
        }
        ("control-v1" | "control-v2", ["policies", id, "resources"]) if get => {
            let Some(list) = data.resources.get(*id) else {
                return error_reply(404, "Policy not found");
            };
            url_paged(shared, path, &q, list, config.resources_page, repeat_cursor)
        }
        ("api-access", [which @ ("api-tokens" | "api-keys")]) if get => {
            let list = if *which == "api-tokens" {
                &data.api_tokens
            } else {
                &data.api_keys
            };
            let limit = param(&q, "pageSize")
                .and_then(|l| l.parse().ok())
                .unwrap_or(20);
            opaque_paged(
                param(&q, "cursor"),
                limit,
                list,
                config.v2_max_page,
                repeat_cursor,
            )
        }
        _ => error_reply(404, "No such endpoint"),
    }
}

/// Offset and page size from a cursor (the cursor wins over every other parameter).
fn position(cursor: Option<&str>, limit: usize, max: usize) -> Result<(usize, usize), Reply> {
    match cursor {
        Some(c) => decode_cursor(c).ok_or_else(|| error_reply(400, "Invalid page cursor")),
        None => Ok((0, limit.clamp(1, max))),
    }
}

fn slice(list: &[Value], offset: usize, size: usize) -> (Vec<Value>, Option<usize>) {
    let end = (offset + size).min(list.len());
    let page = list.get(offset..end).unwrap_or_default().to_vec();
    (page, (end < list.len()).then_some(end))
}

/// v2 / API Access: `links.next` is an opaque token.
fn opaque_paged(
    cursor: Option<&str>,
    limit: usize,
    list: &[Value],
    max: usize,
    repeat: bool,
) -> Reply {
    let (offset, size) = match position(cursor, limit, max) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let (page, next) = slice(list, offset, size);
    let next = if repeat {
        cursor.map(str::to_string)
    } else {
        next.map(|n| encode_cursor(n, size))
    };
    reply(
        200,
        &json!({"data": page, "links": {"self": encode_cursor(offset, size), "prev": null, "next": next}}),
    )
}

/// POST searches: the cursor travels in the body.
fn body_paged(body: &Value, default: usize, list: &[Value], max: usize, repeat: bool) -> Reply {
    let limit = body
        .get("limit")
        .and_then(Value::as_u64)
        .map_or(default, |l| l as usize);
    opaque_paged(
        body.get("cursor").and_then(Value::as_str),
        limit,
        list,
        max,
        repeat,
    )
}

/// v1 orgs/domains/resources: `links.next` is a full URL carrying `cursor=`.
fn url_paged(
    shared: &Shared,
    path: &str,
    q: &[(String, String)],
    list: &[Value],
    size: usize,
    repeat: bool,
) -> Reply {
    let cursor = param(q, "cursor");
    let (offset, size) = match position(cursor, size, size) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let (page, next) = slice(list, offset, size);
    let link = |c: String| format!("{}{}?cursor={}", shared.base, path, c);
    let next = if repeat {
        cursor.map(|c| link(c.to_string()))
    } else {
        next.map(|n| link(encode_cursor(n, size)))
    };
    reply(
        200,
        &json!({"data": page, "meta": {"total": list.len()}, "links": {"self": link(encode_cursor(offset, size)), "next": next}}),
    )
}

/// v1 policies / control policies: `meta.next` cursor (+ `links.next` URL).
fn meta_paged(
    shared: &Shared,
    path: &str,
    q: &[(String, String)],
    list: &[Value],
    size: usize,
    repeat: bool,
) -> Reply {
    let cursor = param(q, "cursor");
    let (offset, size) = match position(cursor, size, size) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let (page, next) = slice(list, offset, size);
    let next = if repeat {
        cursor.map(str::to_string)
    } else {
        next.map(|n| encode_cursor(n, size))
    };
    let link = next
        .as_ref()
        .map(|c| format!("{}{}?cursor={}", shared.base, path, c));
    reply(
        200,
        &json!({"data": page, "meta": {"next": next, "page_size": size}, "links": {"self": "s", "next": link}}),
    )
}

fn epoch_ms(q: &[(String, String)], name: &str) -> Result<Option<i64>, Reply> {
    match param(q, name) {
        None => Ok(None),
        Some(v) => v
            .parse()
            .map(Some)
            .map_err(|_| error_reply(400, "Invalid time")),
    }
}

fn in_window(t: i64, from: Option<i64>, to: Option<i64>) -> bool {
    from.is_none_or(|f| t >= f) && to.is_none_or(|x| t <= x)
}

/// `/events-stream`: by processing time, cursor = position (always returned, also on an
/// empty page, so a client can keep polling).
fn stream(q: &[(String, String)], data: &Dataset, max: usize, repeat: bool) -> Reply {
    let events = &data.events;
    let (from, to) = match (epoch_ms(q, "from"), epoch_ms(q, "to")) {
        (Ok(f), Ok(t)) => (f, t),
        (Err(r), _) | (_, Err(r)) => return r,
    };
    let limit = param(q, "limit")
        .and_then(|l| l.parse().ok())
        .unwrap_or(200usize)
        .clamp(1, max);
    let cursor = param(q, "cursor");
    let start = match cursor {
        Some(c) => match decode_cursor(c) {
            Some((pos, _)) => pos,
            None => return error_reply(400, "Invalid page cursor"),
        },
        None => 0,
    };
    let mut page = Vec::new();
    let mut pos = start;
    while pos < events.len() && page.len() < limit {
        if in_window(data.event_times[pos], from, to) {
            page.push(events[pos].clone());
        }
        pos += 1;
    }
    let next = if repeat {
        cursor.map(str::to_string).unwrap_or_default()
    } else {
        encode_cursor(pos, 0)
    };
    reply(
        200,
        &json!({"data": page, "meta": {"next": next, "page_size": limit}, "links": {"self": "s"}}),
    )
}

/// `/events`: newest first; the cursor is an offset and does NOT carry the filters, which
/// must be resent (ACCESS-1603).
fn search(
    shared: &Shared,
    path: &str,
    q: &[(String, String)],
    data: &Dataset,
    max: usize,
    repeat: bool,
) -> Reply {
    let (from, to) = match (epoch_ms(q, "from"), epoch_ms(q, "to")) {
        (Ok(f), Ok(t)) => (f, t),
        (Err(r), _) | (_, Err(r)) => return r,
    };
    let limit = param(q, "limit")
        .and_then(|l| l.parse().ok())
        .unwrap_or(100usize)
        .clamp(1, max);
    let mut list: Vec<usize> = (0..data.events.len())
        .filter(|&i| in_window(data.event_times[i], from, to))
        .collect();
    let id = |i: usize| data.events[i]["id"].as_str();
    list.sort_by(|&a, &b| {
        data.event_times[b]
            .cmp(&data.event_times[a])
            .then_with(|| id(a).cmp(&id(b)))
    });
    let cursor = param(q, "cursor");
    let offset = match cursor {
        Some(c) => match decode_cursor(c) {
            Some((o, _)) => o,
            None => return error_reply(400, "Invalid page cursor"),
        },
        None => 0,
    };
    let end = (offset + limit).min(list.len());
    let page: Vec<Value> = list
        .get(offset..end)
        .unwrap_or_default()
        .iter()
        .map(|&i| data.events[i].clone())
        .collect();
    let next = if repeat {
        cursor.map(str::to_string)
    } else {
        (end < list.len()).then(|| encode_cursor(end, limit))
    };
    let link = next
        .as_ref()
        .map(|c| format!("{}{}?cursor={}", shared.base, path, c));
    if next.is_some() {
        reply(
            200,
            &json!({"data": page, "meta": {"next": next, "page_size": limit}, "links": {"self": "s", "next": link}}),
        )
    } else {
        reply(
            200,
            &json!({"data": page, "meta": {"page_size": limit}, "links": {}}),
        )
    }
}
