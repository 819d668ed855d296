//! Runs an analysis off the interpreter: on its own thread, with the GIL released, so that other Python threads
//! go on; the calling thread wakes every [`WAIT`] to let Python handle signals. On Ctrl-C (or any signal handler
//! that raises) it asks the analysis to stop through [`Progress::cancelled`], waits for it (the engine returns
//! `Cancelled` between steps), and raises what the handler raised. A second Ctrl-C while waiting stops waiting:
//! the thread then finishes on its own, and its results are dropped.
//!
//! # Complexity
//! That of the analysis; the waiting thread wakes 1/[`WAIT`] times a second.

use crate::errors;
use keel_engine::EngineError;
use keel_model::Progress;
use pyo3::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// How long the calling thread sleeps between looks at Python's signals.
const WAIT: Duration = Duration::from_millis(50);

/// Cancellation from the calling thread; no progress reports.
struct Cancel(Arc<AtomicBool>);

impl Progress for Cancel {
    fn set(&self, _: usize) {}
    fn cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// Sleeps with the GIL released until `h` has finished or [`WAIT`] has passed; whether it has finished.
fn wait<T: Send>(py: Python<'_>, h: &JoinHandle<T>) -> bool {
    py.detach(|| {
        if !h.is_finished() {
            std::thread::park_timeout(WAIT);
        }
        h.is_finished()
    })
}

/// The text of a panic's payload.
fn panic_text(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".into())
}

/// Runs `work` (an analysis, or a part of one, named `name`) and returns what it returns, or the exception
/// to raise.
pub(crate) fn run<T, F>(py: Python<'_>, name: &str, work: F) -> PyResult<T>
where
    T: Send + 'static,
    F: FnOnce(&dyn Progress) -> Result<T, EngineError> + Send + 'static,
{
    let stop = Arc::new(AtomicBool::new(false));
    let waiter = std::thread::current();
    let worker = {
        let progress = Cancel(Arc::clone(&stop));
        std::thread::Builder::new()
            .name(format!("keel-{name}"))
            .spawn(move || {
                let r = work(&progress);
                waiter.unpark();
                r
            })
            .map_err(|e| {
                errors::keel_error(py, &format!("could not start the analysis thread: {e}"))
            })?
    };
    loop {
        if wait(py, &worker) {
            break;
        }
        if let Err(interrupt) = py.check_signals() {
            stop.store(true, Ordering::Relaxed);
            loop {
                if wait(py, &worker) {
                    break;
                }
                // A second interrupt: stop waiting for an analysis that does not check for cancellation.
                py.check_signals()?;
            }
            // The results (or the `Cancelled` error) of an interrupted run are dropped.
            drop(worker.join());
            return Err(interrupt);
        }
    }
    match worker.join() {
        Ok(Ok(done)) => Ok(done),
        Ok(Err(e)) => Err(errors::engine_error(py, &e)),
        Err(p) => Err(errors::keel_error(
            py,
            &format!("internal error: the analysis stopped: {}", panic_text(&*p)),
        )),
    }
}
