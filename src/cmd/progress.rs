//! What the user sees while `collect` (or `run`) collects: one indicatif line per collection
//! on a terminal, nothing when stderr is not a terminal (CI); notices and `--verbose` request
//! lines on stderr either way, printed without tearing the bars.

use crate::collect::progress::{Bar, CollectionLine, Reporter};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::Arc;
use std::time::Duration;

/// The command line's [`Reporter`]: bars when stderr is a terminal.
pub struct StderrProgress {
    multi: Option<MultiProgress>,
}

impl StderrProgress {
    pub fn on_stderr() -> StderrProgress {
        let show = std::io::stderr().is_terminal();
        StderrProgress {
            multi: show.then(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr())),
        }
    }

    /// No bars (`--quiet`): lines only.
    pub fn lines_only() -> StderrProgress {
        StderrProgress { multi: None }
    }
}

impl Reporter for StderrProgress {
    fn collection(&self, name: &str) -> Bar {
        let Some(multi) = &self.multi else {
            return Bar::hidden();
        };
        let bar = multi.add(ProgressBar::new_spinner());
        bar.set_style(
            ProgressStyle::with_template("{spinner} {prefix:<17} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_prefix(name.to_string());
        bar.set_message("waiting");
        bar.enable_steady_tick(Duration::from_millis(120));
        Bar::new(Arc::new(Spinner(bar)))
    }

    fn line(&self, line: &str) {
        match &self.multi {
            Some(multi) => {
                let _ = multi.println(crate::safe_text::terminal(line));
            }
            None => eprintln!("{line}"),
        }
    }
}

/// One collection's indicatif line.
struct Spinner(ProgressBar);

impl CollectionLine for Spinner {
    fn page(&self, pages: u64, records: u64) {
        self.0
            .set_message(format!("{records} records, {pages} pages"));
    }

    fn finish(&self, message: &str) {
        self.0.finish_with_message(message.to_string());
    }
}
