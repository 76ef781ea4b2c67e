//! Ctrl-C and SIGTERM during a collection: the main loop stops the tasks and leaves the
//! checkpoint for the next run, instead of the process dying wherever it was.

use super::CollectError;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Signal {
    Interrupt,
    Terminate,
}

impl Signal {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Signal::Interrupt => "SIGINT (Ctrl-C)",
            Signal::Terminate => "SIGTERM",
        }
    }

    /// 128 + signal number, as a shell reports a process the signal ended.
    pub(crate) fn exit_code(self) -> i32 {
        match self {
            Signal::Interrupt => 130,
            Signal::Terminate => 143,
        }
    }
}

/// The signals that stop a collection, listened to from creation on.
pub(crate) struct Stop {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl Stop {
    pub(crate) fn listen() -> Result<Stop, CollectError> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            let fail =
                |e: std::io::Error| CollectError::Setup(format!("cannot listen for signals: {e}"));
            Ok(Stop {
                interrupt: signal(SignalKind::interrupt()).map_err(fail)?,
                terminate: signal(SignalKind::terminate()).map_err(fail)?,
            })
        }
        #[cfg(not(unix))]
        {
            Ok(Stop {})
        }
    }

    /// The next stopping signal.
    pub(crate) async fn next(&mut self) -> Signal {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.interrupt.recv() => Signal::Interrupt,
                _ = self.terminate.recv() => Signal::Terminate,
            }
        }
        #[cfg(not(unix))]
        {
            std::future::pending().await
        }
    }
}

/// Once a collection has listened for SIGINT/SIGTERM, the process no longer dies of them (the
/// handler stays installed after the runtime is gone). A binary that goes on to other work
/// (`orgscan run` scans next) calls this to end with the usual 130/143 on either.
pub fn exit_on_stop_signals() {
    let spawned = std::thread::Builder::new()
        .name("stop-signals".into())
        .spawn(|| {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            let signal = runtime.block_on(async {
                let mut stop = Stop::listen().ok()?;
                Some(stop.next().await)
            });
            if let Some(signal) = signal {
                std::process::exit(signal.exit_code());
            }
        });
    // Without the thread, signals are still received by the (idle) handler: no crash.
    drop(spawned);
}
