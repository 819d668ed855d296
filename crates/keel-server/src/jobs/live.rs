//! A running job's progress, kept in memory: the count of steps done out of the total that the analysis
//! reports through [`Progress`], published on a `watch` channel so that any number of event streams follow it
//! without polling, and the flag that asks the analysis to stop (a user's cancel, or the server stopping).
//!
//! Analyses call [`Progress::set`] from their worker threads, possibly out of order; the count only moves
//! forward, so a late, smaller report never makes progress go back.
//!
//! # Complexity
//! Every call is O(1) (one short lock on the channel's value).

use keel_model::Progress;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tokio::sync::watch;

/// Steps done out of the total (0 of 0 until the analysis says how many it has).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Count {
    pub(crate) done: usize,
    pub(crate) total: usize,
}

/// One running job's progress and stop flags.
#[derive(Debug)]
pub(crate) struct Live {
    count: watch::Sender<Count>,
    cancel: AtomicBool,
    /// Shared by every job: set when the server shuts down, so running analyses stop and are queued again.
    stopping: Arc<AtomicBool>,
}

impl Live {
    pub(crate) fn new(stopping: Arc<AtomicBool>) -> Live {
        Live {
            count: watch::Sender::new(Count::default()),
            cancel: AtomicBool::new(false),
            stopping,
        }
    }

    pub(crate) fn count(&self) -> Count {
        *self.count.borrow()
    }

    pub(crate) fn subscribe(&self) -> watch::Receiver<Count> {
        self.count.subscribe()
    }

    /// Asks the analysis to stop.
    pub(crate) fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// Whether a user asked this job to stop (as opposed to the server stopping).
    pub(crate) fn cancel_asked(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }

    /// Wakes every follower (the job has ended: they find its final state in the database).
    pub(crate) fn wake(&self) {
        self.count.send_modify(|_| {});
    }
}

impl Progress for Live {
    fn start(&self, total: usize) {
        self.count.send_modify(|c| c.total = total);
    }

    fn set(&self, done: usize) {
        self.count.send_if_modified(|c| {
            let forward = done > c.done;
            if forward {
                c.done = done;
            }
            forward
        });
    }

    fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed) || self.stopping.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_only_moves_forward_and_cancel_is_seen() {
        let stopping = Arc::new(AtomicBool::new(false));
        let l = Live::new(stopping.clone());
        let mut rx = l.subscribe();
        l.start(10);
        l.set(3);
        l.set(2); // a late report from another thread
        assert_eq!(l.count(), Count { done: 3, total: 10 });
        assert!(rx.has_changed().unwrap());
        assert_eq!(*rx.borrow_and_update(), Count { done: 3, total: 10 });
        l.set(1);
        assert!(!rx.has_changed().unwrap(), "a backward report is no change");
        assert!(!l.cancelled());
        stopping.store(true, Ordering::Relaxed);
        assert!(l.cancelled() && !l.cancel_asked());
        let l2 = Live::new(Arc::new(AtomicBool::new(false)));
        l2.cancel();
        assert!(l2.cancelled() && l2.cancel_asked());
    }
}
