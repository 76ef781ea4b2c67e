//! What the user sees while collecting: one indicatif line per collection on a terminal,
//! nothing when stderr is not a terminal (CI), `--verbose` request lines either way.

use super::client::LogSink;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::Arc;
use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProgressMode {
    /// Bars when stderr is a terminal.
    Auto,
    Hidden,
}

#[derive(Clone)]
pub struct Progress {
    multi: Option<MultiProgress>,
}

impl Progress {
    pub fn new(mode: ProgressMode) -> Progress {
        let show = mode == ProgressMode::Auto && std::io::stderr().is_terminal();
        Progress {
            multi: show.then(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr())),
        }
    }

    /// A line for one collection (a no-op handle when hidden).
    pub fn collection(&self, name: &str) -> Bar {
        let Some(multi) = &self.multi else {
            return Bar { bar: None };
        };
        let bar = multi.add(ProgressBar::new_spinner());
        bar.set_style(
            ProgressStyle::with_template("{spinner} {prefix:<17} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_prefix(name.to_string());
        bar.set_message("waiting");
        bar.enable_steady_tick(Duration::from_millis(120));
        Bar { bar: Some(bar) }
    }

    /// Prints a line without tearing the bars (stderr).
    pub fn println(&self, line: &str) {
        match &self.multi {
            Some(multi) => {
                let _ = multi.println(crate::safe_text::terminal(line));
            }
            None => eprintln!("{line}"),
        }
    }

    /// The sink `--verbose` request lines go to.
    pub fn log_sink(&self) -> LogSink {
        let me = self.clone();
        Arc::new(move |line: &str| me.println(line))
    }
}

/// One collection's line (cheap to clone: the bar is shared).
#[derive(Clone)]
pub struct Bar {
    bar: Option<ProgressBar>,
}

impl Bar {
    pub fn hidden() -> Bar {
        Bar { bar: None }
    }

    pub fn page(&self, pages: u64, records: u64) {
        if let Some(bar) = &self.bar {
            bar.set_message(format!("{records} records, {pages} pages"));
        }
    }

    pub fn finish(&self, message: &str) {
        if let Some(bar) = &self.bar {
            bar.finish_with_message(message.to_string());
        }
    }
}
