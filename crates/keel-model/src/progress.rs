//! How a long analysis reports how far it is and learns that it should stop.
//!
//! The command line draws a progress bar; the server streams the count to its clients and asks a job to stop
//! when a user cancels it. Analyses call [`Progress::start`] once with the number of steps (scenarios, runs),
//! [`Progress::set`] after each step (from any thread), and check [`Progress::cancelled`] between steps,
//! returning their `Cancelled` error soon after it turns true. A plain closure `|done| ...` is a `Progress`
//! that never cancels.
//!
//! # Complexity
//! Every call is O(1); implementations must stay cheap, since they run once per scenario or run.

/// Progress reports and cancellation for one analysis run.
pub trait Progress: Sync {
    /// The analysis has `total` steps.
    fn start(&self, total: usize) {
        let _ = total;
    }
    /// `done` steps are finished (calls may arrive out of order from worker threads).
    fn set(&self, done: usize);
    /// Whether the caller wants the analysis to stop.
    fn cancelled(&self) -> bool {
        false
    }
}

impl<F: Fn(usize) + Sync> Progress for F {
    fn set(&self, done: usize) {
        self(done);
    }
}

/// Reports nothing and never cancels.
#[derive(Clone, Copy, Debug, Default)]
pub struct Silent;

impl Progress for Silent {
    fn set(&self, _: usize) {}
}
