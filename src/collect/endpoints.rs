//! How each configuration collection is fetched (docs/atlassian-api.md): one arm of `fetch` per
//! collection, at the API path its `COLLECTIONS` row declares, with the parameters it needs.
//! The few that need more than one listing (users, Control API policies) have a function
//! below. Records keep the API's order, which is meaningful for configuration (e.g. policy
//! precedence).

use super::client::{ApiClient, ApiError, RequestSpec};
use super::paginate::{StopRule, Walker};
use super::progress::Bar;
use crate::snapshot::{Collection, Timestamp};
use serde_json::{json, Map, Value};
use std::collections::HashMap;

/// Page sizes asked for. The admin APIs document defaults (50 users, 20 groups, 200 stream
/// events) but no maxima except 500 for events (3P HTH); 100 is accepted by every v2 listing,
/// so every configuration listing asks for it.
#[derive(Clone, Debug)]
pub struct PageSizes {
    /// Every paged configuration listing.
    pub listing: u32,
    pub events: u32,
}

impl Default for PageSizes {
    fn default() -> Self {
        PageSizes {
            listing: 100,
            events: 500,
        }
    }
}

/// What every collection function needs.
#[derive(Clone, Debug)]
pub struct Ctx {
    pub client: ApiClient,
    pub org: String,
    pub page_cap: u64,
    pub sizes: PageSizes,
    pub speculation: super::events::SpeculationPolicy,
    /// Where the event walk records each page (absent for embedders that want no files).
    pub checkpoint: Option<std::sync::Arc<super::checkpoint::Checkpoint>>,
}

/// A collection's items exactly as served (the snapshot stores them so; typing them, and the
/// shape warnings that come of it, is `snapshot::shape`'s job), and where they came from.
#[derive(Debug)]
pub struct Fetched {
    pub records: Vec<Value>,
    pub pages: u64,
    /// Endpoint path(s), for the manifest.
    pub source: String,
    pub warnings: Vec<String>,
}

/// Percent-encodes one path segment (ids come from API data and must not add path parts).
pub use crate::uri::encode_segment as segment;

impl Ctx {
    /// The collection's API path, from its `COLLECTIONS` row, for this org.
    fn path(&self, collection: Collection) -> String {
        collection.api_path(&segment(&self.org))
    }

    fn v1(&self, rest: &str) -> String {
        format!("/admin/v1/orgs/{}{rest}", segment(&self.org))
    }

    fn control(&self, version: &str, rest: &str) -> String {
        format!("/admin/control/{version}/orgs/{}{rest}", segment(&self.org))
    }

    fn limit(&self) -> String {
        self.sizes.listing.to_string()
    }

    /// Walks a listing and returns its raw items.
    async fn walk(&self, spec: RequestSpec, bar: &Bar) -> Result<(Vec<Value>, u64), ApiError> {
        let mut walker = Walker::new(&self.client, spec, StopRule::NoNext, self.page_cap);
        let mut items = Vec::new();
        while let Some(page) = walker.next_page().await? {
            items.extend(page.items);
            bar.page(walker.pages(), items.len() as u64);
        }
        Ok((items, walker.pages()))
    }

    /// Walks a listing and keeps its items as served.
    async fn list(&self, spec: RequestSpec, bar: &Bar) -> Result<Fetched, ApiError> {
        let source = spec_path(&spec);
        let (items, pages) = self.walk(spec, bar).await?;
        Ok(Fetched {
            records: items,
            pages,
            source,
            warnings: Vec::new(),
        })
    }
}

fn spec_path(spec: &RequestSpec) -> String {
    match &spec.target {
        super::client::Target::Path(p) => p.clone(),
        super::client::Target::Url(u) => u.path().to_string(),
    }
}

/// Fetches one configuration collection: one row per collection. Events (their own walk in
/// `collect::events`) and the attestation (a local file) are not fetched here.
pub async fn fetch(collection: Collection, ctx: &Ctx, bar: &Bar) -> Result<Fetched, ApiError> {
    use Collection as C;
    let get = |c| RequestSpec::get(ctx.path(c));
    let post = |c, body| RequestSpec::post(ctx.path(c), body);
    match collection {
        C::Org => ctx.list(get(C::Org), bar).await,
        C::Directories => {
            ctx.list(get(C::Directories).query("limit", ctx.limit()), bar)
                .await
        }
        // Admin roles, product access and group membership are what the policies read.
        C::Users => users(ctx, bar).await,
        C::Groups => {
            let body = json!({ "limit": ctx.sizes.listing, "expand": ["counts.users", "counts.resources"] });
            ctx.list(post(C::Groups, body), bar).await
        }
        // Next page as a full URL.
        C::Domains => ctx.list(get(C::Domains), bar).await,
        // Every policy type.
        C::OrgPolicies => ctx.list(get(C::OrgPolicies), bar).await,
        C::ControlPolicies => control_policies(ctx, bar).await,
        C::ApiKeys => {
            ctx.list(get(C::ApiKeys).query("pageSize", ctx.limit()), bar)
                .await
        }
        C::ApiTokens => {
            ctx.list(get(C::ApiTokens).query("pageSize", ctx.limit()), bar)
                .await
        }
        // Not paged.
        C::EventActions => ctx.list(get(C::EventActions), bar).await,
        // Sites and products.
        C::Workspaces => {
            ctx.list(
                post(C::Workspaces, json!({ "limit": ctx.sizes.listing })),
                bar,
            )
            .await
        }
        C::Events | C::Attestation => Err(ApiError::Shape {
            endpoint: collection.name().to_string(),
            message: "not a configuration listing".to_string(),
        }),
    }
}

/// The collections `fetch` reads from the API, in the order they are started.
pub fn fetched_collections() -> impl Iterator<Item = Collection> {
    Collection::ALL
        .into_iter()
        .filter(|c| !matches!(c, Collection::Events | Collection::Attestation))
}

/// `POST /admin/v2/orgs/{orgId}/directories/-/users/search`, every directory, with the expands
/// the policies read (admin roles, product access, group membership). Account-level last
/// activity exists only in the v1 managed-accounts list (`GET /admin/v1/orgs/{orgId}/users`,
/// scope `read:accounts:admin`), read at the same time and merged by account id; without it
/// the users are still complete, with a warning.
async fn users(ctx: &Ctx, bar: &Bar) -> Result<Fetched, ApiError> {
    let spec = RequestSpec::post(
        ctx.path(Collection::Users),
        json!({
            "limit": ctx.sizes.listing,
            "expand": ["platformRoles", "productAccess", "groups"],
        }),
    );
    let v1_path = ctx.v1("/users");
    let quiet = Bar::hidden();
    let (search, managed) = tokio::join!(
        ctx.list(spec, bar),
        ctx.walk(RequestSpec::get(v1_path.clone()), &quiet)
    );
    let mut fetched = search?;
    match managed {
        Ok((items, pages)) => {
            let last_active: HashMap<&str, Timestamp> = items
                .iter()
                .filter_map(|u| {
                    let id = u.get("account_id")?.as_str()?;
                    let at = Timestamp::parse(u.get("last_active")?.as_str()?)?;
                    Some((id, at))
                })
                .collect();
            // Added as `lastActive` (the v2 naming) where the search result has none.
            for user in &mut fetched.records {
                let Some(user) = user.as_object_mut() else {
                    continue;
                };
                if user.get("lastActive").is_some_and(|v| !v.is_null()) {
                    continue;
                }
                let known = user
                    .get("accountId")
                    .and_then(Value::as_str)
                    .and_then(|id| last_active.get(id));
                if let Some(at) = known {
                    user.insert("lastActive".to_string(), json!(at));
                }
            }
            fetched.pages += pages;
            fetched.source = format!("{} + {v1_path}", fetched.source);
        }
        Err(e) => fetched
            .warnings
            .push(format!("account last activity unavailable: {e}")),
    }
    Ok(fetched)
}

/// Control API policies: v2 ("rules and status") and v1 ("rules and resources") merged by id,
/// v2's attributes winning, each with its resources from `…/policies/{id}/resources`. One
/// version missing (403/404) is a warning; both missing makes the collection unavailable.
async fn control_policies(ctx: &Ctx, bar: &Bar) -> Result<Fetched, ApiError> {
    let mut warnings = Vec::new();
    let mut pages = 0;
    let mut sources = Vec::new();
    let mut listed: Vec<(String, Vec<Value>)> = Vec::new();
    let mut first_error = None;
    for version in ["v2", "v1"] {
        let path = ctx.control(version, "/policies");
        match ctx.walk(RequestSpec::get(path.clone()), bar).await {
            Ok((items, n)) => {
                pages += n;
                sources.push(path);
                listed.push((version.to_string(), items));
            }
            Err(e) if e.is_permission() => {
                warnings.push(format!("{e}"));
                first_error.get_or_insert(e);
            }
            Err(e) => return Err(e),
        }
    }
    if listed.is_empty() {
        if let Some(e) = first_error {
            return Err(e);
        }
    }
    let merged = merge_policies(listed);
    let mut policies = Vec::with_capacity(merged.len());
    for (version, mut policy) in merged {
        let Some(id) = policy.get("id").and_then(Value::as_str).map(str::to_string) else {
            policies.push(policy);
            continue;
        };
        let path = ctx.control(&version, &format!("/policies/{}/resources", segment(&id)));
        match ctx.walk(RequestSpec::get(path), bar).await {
            Ok((resources, n)) => {
                pages += n;
                if let Some(attrs) = attributes_mut(&mut policy) {
                    attrs.insert("resources".to_string(), Value::Array(resources));
                }
            }
            Err(e) if e.is_permission() => {
                warnings.push(format!("resources of policy {id}: {e}"));
            }
            Err(e) => return Err(e),
        }
        policies.push(policy);
    }
    Ok(Fetched {
        records: policies,
        pages,
        source: sources.join(" + "),
        warnings,
    })
}

fn attributes_mut(policy: &mut Value) -> Option<&mut Map<String, Value>> {
    let obj = policy.as_object_mut()?;
    let attrs = obj
        .entry("attributes")
        .or_insert_with(|| Value::Object(Map::new()));
    if !attrs.is_object() {
        *attrs = Value::Object(Map::new());
    }
    attrs.as_object_mut()
}

/// Merges policy lists by id, in the order first seen; later lists only add attributes the
/// earlier ones lack. Returns each policy with the API version that listed it first.
fn merge_policies(lists: Vec<(String, Vec<Value>)>) -> Vec<(String, Value)> {
    let mut out: Vec<(String, Value)> = Vec::new();
    for (version, items) in lists {
        for item in items {
            let id = item.get("id").and_then(Value::as_str).map(str::to_string);
            let existing = id.as_ref().and_then(|id| {
                out.iter_mut()
                    .find(|(_, p)| p.get("id").and_then(Value::as_str) == Some(id))
            });
            match existing {
                None => out.push((version.clone(), item)),
                Some((_, kept)) => {
                    if let (Some(Value::Object(extra)), Some(kept_attrs)) =
                        (item.get("attributes").cloned(), attributes_mut(kept))
                    {
                        for (k, v) in extra {
                            kept_attrs.entry(k).or_insert(v);
                        }
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v2_attributes_win_and_v1_adds_resources() {
        let merged = merge_policies(vec![
            (
                "v2".into(),
                vec![json!({"id":"p1","attributes":{"status":"active","name":"DSP"}})],
            ),
            (
                "v1".into(),
                vec![
                    json!({"id":"p1","attributes":{"status":"enabled","resources":[{"id":"r"}]}}),
                    json!({"id":"p2","attributes":{"name":"only v1"}}),
                ],
            ),
        ]);
        assert_eq!(merged.len(), 2);
        assert_eq!(merged[0].0, "v2");
        assert_eq!(merged[0].1["attributes"]["status"], "active");
        assert_eq!(merged[0].1["attributes"]["resources"][0]["id"], "r");
        assert_eq!(merged[1].0, "v1");
    }
}
