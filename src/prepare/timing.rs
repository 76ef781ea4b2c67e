//! Phase timings of a scan (`ORGSCAN_TIMINGS` at the command line, for `bench/scan.sh`). The
//! library neither reads the variable nor prints: it hands each measurement, at the moment the
//! phase ends, to the sink its caller passed in (`cmd/scan.rs` prints it on stderr with the
//! process's memory at that moment). Without a sink nothing is measured.

use std::sync::Arc;
use std::time::{Duration, Instant};

/// One measurement.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Timing<'a> {
    /// A phase (`prepare: event pass`, `input + evaluation`, …) ended after `elapsed`.
    Phase { what: &'a str, elapsed: Duration },
    /// CPU seconds the event pass's aggregator thread used, fed by `threads` parser threads.
    AggregatorCpu { seconds: f64, threads: usize },
}

/// What receives the measurements.
type Sink = Arc<dyn Fn(Timing<'_>) + Send + Sync>;

/// Where measurements go: nowhere by default. Cheap to clone.
#[derive(Clone, Default)]
pub struct Timings {
    sink: Option<Sink>,
}

impl Timings {
    pub fn new(sink: impl Fn(Timing<'_>) + Send + Sync + 'static) -> Timings {
        Timings {
            sink: Some(Arc::new(sink)),
        }
    }

    /// Whether anyone listens (measurements that cost something are skipped otherwise).
    pub fn enabled(&self) -> bool {
        self.sink.is_some()
    }

    pub fn report(&self, timing: Timing<'_>) {
        if let Some(sink) = &self.sink {
            sink(timing);
        }
    }

    /// The phase `what`, begun at `since`, has ended.
    pub fn phase(&self, what: &str, since: Instant) {
        self.report(Timing::Phase {
            what,
            elapsed: since.elapsed(),
        });
    }
}

impl std::fmt::Debug for Timings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.enabled() {
            "Timings(on)"
        } else {
            "Timings(off)"
        })
    }
}
