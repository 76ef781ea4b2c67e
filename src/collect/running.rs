//! Every collection as its own task, all running at once; each reports when it is done.

use super::client::ApiError;
use super::endpoints::{self, Ctx, Fetched};
use super::events::{self, EventsFetch, EventsPlan, Speculation, WalkResume};
use super::progress::{Bar, Progress};
use crate::snapshot::{Collection, Timestamp};
use std::collections::HashMap;

/// What a collection's task fetched. `Fetch::collection` says which collection `Items` are.
pub(crate) enum Data {
    /// The org: one object, whose name the manifest records.
    Org(Fetched),
    /// The items of any other configuration collection, written as fetched.
    Items(Fetched),
    Events(EventsFetch),
}

pub(crate) struct Fetch {
    pub(crate) collection: Collection,
    pub(crate) result: Result<Data, ApiError>,
    pub(crate) at: Timestamp,
}

/// The running collections, and which task is which.
pub(crate) struct Running {
    pub(crate) set: tokio::task::JoinSet<Fetch>,
    ids: HashMap<tokio::task::Id, Collection>,
}

/// Starts every collection concurrently, except those in `done` (an interrupted run's
/// checkpoint holds them); the event walk continues `resume`.
pub(crate) fn spawn_all(
    ctx: &Ctx,
    plan: &EventsPlan,
    progress: &Progress,
    speculate: Speculation,
    done: &[Collection],
    resume: WalkResume,
) -> Running {
    let mut set = tokio::task::JoinSet::new();
    let mut ids = HashMap::new();
    macro_rules! spawn {
        ($collection:expr, |$ctx:ident, $bar:ident| $fetch:expr) => {{
            if done.contains(&$collection) {
                // Not fetched again: the checkpoint holds it.
            } else {
                let $ctx = ctx.clone();
                let $bar = progress.collection($collection.name());
                let handle = set.spawn(async move {
                    let result = $fetch;
                    finish_bar(&$bar, &result);
                    Fetch {
                        collection: $collection,
                        result,
                        at: Timestamp(chrono::Utc::now()),
                    }
                });
                ids.insert(handle.id(), $collection);
            }
        }};
    }
    // Events first: in production it is the longest walk (10 requests a minute).
    let plan = plan.clone();
    spawn!(Collection::Events, |c, bar| events::collect(
        &c,
        &plan,
        &bar,
        Some(&speculate),
        resume
    )
    .await
    .map(Data::Events));
    for collection in endpoints::fetched_collections() {
        spawn!(collection, |c, bar| endpoints::fetch(collection, &c, &bar)
            .await
            .map(|f| if collection == Collection::Org {
                Data::Org(f)
            } else {
                Data::Items(f)
            }));
    }

    Running { set, ids }
}

impl Running {
    /// Aborts every collection and waits until each task has ended (an aborted task ends at
    /// its next await, so none is left writing into the staging directory).
    pub(crate) async fn stop(&mut self) {
        self.set.abort_all();
        while self.set.join_next().await.is_some() {}
    }

    /// The next collection to finish, or `None` when all have.
    pub(crate) async fn next(&mut self) -> Option<Fetch> {
        let joined = self.set.join_next_with_id().await?;
        Some(match joined {
            Ok((_, fetch)) => fetch,
            Err(e) => {
                // Only a panic gets here; the collection is reported, the run goes on.
                let collection = self.ids.get(&e.id()).copied().unwrap_or(Collection::Events);
                Fetch {
                    collection,
                    result: Err(ApiError::Shape {
                        endpoint: collection.name().to_string(),
                        message: format!("internal error: {e}"),
                    }),
                    at: Timestamp(chrono::Utc::now()),
                }
            }
        })
    }
}

impl Data {
    fn count(&self) -> usize {
        match self {
            Data::Org(f) | Data::Items(f) => f.records.len(),
            Data::Events(e) => e.records.len(),
        }
    }
}

fn finish_bar(bar: &Bar, result: &Result<Data, ApiError>) {
    match result {
        Ok(data) => bar.finish(&format!("{} records", data.count())),
        Err(e) if e.is_permission() => bar.finish(&format!("unavailable: {e}")),
        Err(e) => bar.finish(&format!("failed: {e}")),
    }
}
