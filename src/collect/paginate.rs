//! Walking a cursor-paged listing (docs/atlassian-api.md, "Pages and envelopes"). Three styles meet
//! here:
//!
//! * `links.next` is a full URL (v1 orgs, users, domains): follow it, re-rooted on our base;
//! * `meta.next` is a cursor (events, policies): resend the original parameters with `cursor`,
//!   because the cursor does not carry the filters;
//! * `links.next` is an opaque token (v2 directories/users/groups, API Access): same as a cursor,
//!   in the query for GET and in the body for POST.
//!
//! Rule: `meta.next` first, then `links.next`; a value starting with `http` is a URL, anything
//! else a cursor; absent, null or empty means done. `/events-stream` always returns a cursor,
//! so it stops on an empty `data` page instead. A cursor seen twice is an error (a server bug
//! would otherwise loop forever), and a page cap bounds every walk.

use super::client::{ApiClient, ApiError, RequestSpec, Target};
use reqwest::{Method, Url};
use serde_json::Value;
use std::collections::HashSet;

/// When a walk is over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopRule {
    /// No `next` (the usual rule).
    NoNext,
    /// An empty `data` page (`/events-stream`, which always returns a cursor).
    EmptyPage,
}

#[derive(Clone, Debug, PartialEq)]
enum Next {
    Cursor(String),
    Url(Url),
}

/// One page's items.
#[derive(Debug)]
pub struct Page {
    pub items: Vec<Value>,
    pub number: u64,
}

pub struct Walker {
    client: ApiClient,
    spec: RequestSpec,
    stop: StopRule,
    cap: u64,
    endpoint: String,
    next: Option<Next>,
    /// The cursor that fetched the page being returned (or about to be fetched).
    current_cursor: Option<String>,
    /// The cursor to continue from once the walk has stopped.
    final_cursor: Option<String>,
    seen: HashSet<String>,
    pages: u64,
    started: bool,
    finished: bool,
}

impl Walker {
    pub fn new(client: &ApiClient, spec: RequestSpec, stop: StopRule, cap: u64) -> Walker {
        let path = match &spec.target {
            Target::Path(p) => p.clone(),
            Target::Url(u) => u.path().to_string(),
        };
        Walker {
            client: client.clone(),
            endpoint: format!("{} {path}", spec.method),
            spec,
            stop,
            cap,
            next: None,
            current_cursor: None,
            final_cursor: None,
            seen: HashSet::new(),
            pages: 0,
            started: false,
            finished: false,
        }
    }

    /// Starts from a stored cursor (a resumed events stream).
    pub fn from_cursor(mut self, cursor: &str) -> Walker {
        self.seen.insert(cursor.to_string());
        self.next = Some(Next::Cursor(cursor.to_string()));
        self.current_cursor = Some(cursor.to_string());
        self.started = true;
        self
    }

    pub fn pages(&self) -> u64 {
        self.pages
    }

    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// Where to continue: after a finished walk the last cursor the server gave; after an
    /// interrupted one, the cursor of the page that was not fetched.
    pub fn resume_cursor(&self) -> Option<String> {
        if self.finished {
            self.final_cursor.clone().or(self.current_cursor.clone())
        } else {
            self.current_cursor.clone()
        }
    }

    fn request(&self) -> RequestSpec {
        let mut spec = self.spec.clone();
        match &self.next {
            None => {}
            Some(Next::Cursor(cursor)) => {
                if spec.method == Method::GET {
                    spec.set_query("cursor", cursor.clone());
                } else if let Some(Value::Object(body)) = spec.body.as_mut() {
                    body.insert("cursor".to_string(), Value::String(cursor.clone()));
                }
            }
            Some(Next::Url(url)) => {
                // The link carries its own cursor; our other parameters are resent over it.
                spec.query.retain(|(name, _)| name != "cursor");
                if let Some(Value::Object(body)) = spec.body.as_mut() {
                    body.remove("cursor");
                }
                spec.target = Target::Url(url.clone());
            }
        }
        spec
    }

    /// The next page, or `None` when the walk is over.
    pub async fn next_page(&mut self) -> Result<Option<Page>, ApiError> {
        if self.finished || (self.started && self.next.is_none()) {
            self.finished = true;
            return Ok(None);
        }
        if self.pages >= self.cap {
            return Err(ApiError::PageCap {
                endpoint: self.endpoint.clone(),
                cap: self.cap,
            });
        }
        let response = self.client.send(&self.request()).await?;
        self.started = true;
        self.pages += 1;
        let items = page_items(&response.body, &self.endpoint)?;
        self.client.stats().add_page(items.len() as u64);
        let raw_next = next_of(&response.body);

        let stop = match self.stop {
            StopRule::EmptyPage => items.is_empty() || raw_next.is_none(),
            StopRule::NoNext => raw_next.is_none(),
        };
        if stop {
            self.finished = true;
            self.final_cursor = raw_next
                .filter(|n| !n.starts_with("http"))
                .or(self.current_cursor.clone());
            self.next = None;
        } else if let Some(raw) = raw_next {
            if !self.seen.insert(raw.clone()) {
                return Err(ApiError::RepeatedCursor {
                    endpoint: self.endpoint.clone(),
                    page: self.pages,
                });
            }
            let next = if raw.starts_with("http") {
                Next::Url(self.client.rebase_link(&raw, &self.endpoint)?)
            } else {
                Next::Cursor(raw.clone())
            };
            self.current_cursor = Some(raw);
            self.next = Some(next);
        }
        Ok(Some(Page {
            items,
            number: self.pages,
        }))
    }
}

/// `meta.next`, else `links.next`; blank counts as absent.
pub fn next_of(body: &Value) -> Option<String> {
    ["/meta/next", "/links/next"].iter().find_map(|pointer| {
        body.pointer(pointer)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    })
}

/// `data` as a list: an array as is, a single object as one item, `null` as none.
pub fn page_items(body: &Value, endpoint: &str) -> Result<Vec<Value>, ApiError> {
    match body.get("data") {
        Some(Value::Array(items)) => Ok(items.clone()),
        Some(Value::Null) => Ok(Vec::new()),
        Some(item @ Value::Object(_)) => Ok(vec![item.clone()]),
        Some(other) => Err(ApiError::Shape {
            endpoint: endpoint.to_string(),
            message: format!("`data` is {}, expected a list", kind_of(other)),
        }),
        None => Err(ApiError::Shape {
            endpoint: endpoint.to_string(),
            message: "no `data` field".to_string(),
        }),
    }
}

pub fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn meta_next_wins_over_links_next() {
        let body = json!({"meta":{"next":"c2"},"links":{"next":"https://x/y?cursor=c2"}});
        assert_eq!(next_of(&body).as_deref(), Some("c2"));
        let body = json!({"links":{"next":"opaque"},"meta":{"next":null}});
        assert_eq!(next_of(&body).as_deref(), Some("opaque"));
        assert_eq!(next_of(&json!({"links":{"next":""}})), None);
        assert_eq!(next_of(&json!({"links":{},"meta":null})), None);
    }

    #[test]
    fn data_shapes() {
        assert_eq!(page_items(&json!({"data":[1,2]}), "e").unwrap().len(), 2);
        assert_eq!(
            page_items(&json!({"data":{"id":"o"}}), "e").unwrap().len(),
            1
        );
        assert!(page_items(&json!({"data":null}), "e").unwrap().is_empty());
        let err = page_items(&json!({"data":"x"}), "GET /p")
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "GET /p: unexpected response shape: `data` is a string, expected a list"
        );
        assert!(page_items(&json!({}), "e").is_err());
    }
}
