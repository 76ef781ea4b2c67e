//! What a collection run reports while it works: a line of progress per collection, notices
//! (a resumed or removed checkpoint) and `--verbose` request lines. The library never prints:
//! it hands all of it to the [`Reporter`] the caller passes in `CollectConfig::progress` (the
//! command line's draws on stderr, `cmd/progress.rs`); without one a run is silent.

use super::client::LogSink;
use std::sync::Arc;

/// Receives a collection run's progress; implemented by the caller.
pub trait Reporter: Send + Sync {
    /// A line for one collection, updated as its pages arrive ([`Bar::hidden`] for none).
    fn collection(&self, name: &str) -> Bar;
    /// A line the user reads (a notice, a `--verbose` request line).
    fn line(&self, line: &str);
}

/// One collection's progress as the caller shows it.
pub trait CollectionLine: Send + Sync {
    /// `pages` pages holding `records` records so far.
    fn page(&self, pages: u64, records: u64);
    /// The collection is done: `message` says how (`N records`, `unavailable: …`).
    fn finish(&self, message: &str);
}

/// The run's reporter, or none (silent). Cheap to clone.
#[derive(Clone, Default)]
pub struct Progress {
    reporter: Option<Arc<dyn Reporter>>,
}

impl Progress {
    pub fn new(reporter: Option<Arc<dyn Reporter>>) -> Progress {
        Progress { reporter }
    }

    /// A line for one collection (a no-op handle when silent).
    pub fn collection(&self, name: &str) -> Bar {
        match &self.reporter {
            Some(reporter) => reporter.collection(name),
            None => Bar::hidden(),
        }
    }

    /// A line for the user (nowhere when silent).
    pub fn println(&self, line: &str) {
        if let Some(reporter) = &self.reporter {
            reporter.line(line);
        }
    }

    /// The sink `--verbose` request lines go to.
    pub fn log_sink(&self) -> LogSink {
        let me = self.clone();
        Arc::new(move |line: &str| me.println(line))
    }
}

/// One collection's line (cheap to clone: the line is shared).
#[derive(Clone)]
pub struct Bar {
    line: Option<Arc<dyn CollectionLine>>,
}

impl Bar {
    pub fn new(line: Arc<dyn CollectionLine>) -> Bar {
        Bar { line: Some(line) }
    }

    pub fn hidden() -> Bar {
        Bar { line: None }
    }

    pub fn page(&self, pages: u64, records: u64) {
        if let Some(line) = &self.line {
            line.page(pages, records);
        }
    }

    pub fn finish(&self, message: &str) {
        if let Some(line) = &self.line {
            line.finish(message);
        }
    }
}
