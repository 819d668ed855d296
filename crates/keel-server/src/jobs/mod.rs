//! Analyses run as background jobs: a queue in the database and a small pool of workers that take the oldest
//! queued job, run the analysis (keel-engine) on a blocking thread, and store its results.
//!
//! The queue is the `jobs` table itself, so a restart resumes it: at start, before any worker runs, a job
//! left `running` was cut short by a crash (a clean stop puts its running jobs back in the queue itself). It
//! is queued again, or marked failed once it has been started [`MAX_ATTEMPTS`] times, so that a job that
//! crashes the server cannot crash it forever. This assumes one server process per database, which is how
//! `keel serve` is deployed (docs/server.md).
//!
//! Progress lives in memory ([`live::Live`]) for the event streams and is written to the database at most
//! every [`FLUSH`]; that write also brings back a cancel request made through the database. A user's cancel
//! sets the job's flag, which the analysis reads between scenarios or runs.
//!
//! # Complexity
//! Taking a job is one indexed update; the rest is the analysis's own cost plus writing its results once.

pub(crate) mod live;
mod run;

pub(crate) use keel_engine::Analysis;
pub(crate) use live::{Count, Live};

use crate::db::Db;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::sync::{watch, Notify};

/// Starts of one job after which a crash fails it instead of queueing it again.
pub(crate) const MAX_ATTEMPTS: i64 = 3;

/// How often a running job's progress is written to the database.
pub(crate) const FLUSH: Duration = Duration::from_millis(500);

/// The job states that end a job.
pub(crate) fn is_final(state: &str) -> bool {
    matches!(state, "succeeded" | "failed" | "cancelled")
}

/// The handle every request and worker shares.
#[derive(Clone, Debug)]
pub(crate) struct Jobs {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    db: Db,
    /// The published data sets policy jobs read.
    policy: keel_engine::policy::PolicyData,
    running: Mutex<HashMap<i64, Arc<Live>>>,
    /// A job was queued: one idle worker wakes.
    wake: Notify,
    /// Bumped whenever a job starts or ends, for event streams waiting on a queued job.
    changed: watch::Sender<u64>,
    stopping: Arc<AtomicBool>,
    stop: watch::Sender<bool>,
    workers: Mutex<Vec<tokio::task::JoinHandle<()>>>,
}

impl Jobs {
    /// Re-queues (or fails) the jobs a crash interrupted, then starts `workers` workers (0: jobs wait in the
    /// queue for a server that runs them); policy jobs read the data sets `policy` names.
    pub(crate) async fn start(
        db: Db,
        workers: usize,
        policy: keel_engine::policy::PolicyData,
    ) -> Result<Jobs, sqlx::Error> {
        run::recover(&db).await?;
        let j = Jobs {
            inner: Arc::new(Inner {
                db,
                policy,
                running: Mutex::new(HashMap::new()),
                wake: Notify::new(),
                changed: watch::Sender::new(0),
                stopping: Arc::new(AtomicBool::new(false)),
                stop: watch::Sender::new(false),
                workers: Mutex::new(Vec::new()),
            }),
        };
        let handles: Vec<_> = (0..workers)
            .map(|_| tokio::spawn(worker(j.clone())))
            .collect();
        *j.inner
            .workers
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = handles;
        Ok(j)
    }

    /// The published data sets policy jobs read.
    pub(crate) fn policy_data(&self) -> &keel_engine::policy::PolicyData {
        &self.inner.policy
    }

    /// A job was queued: wake a worker.
    pub(crate) fn queued(&self) {
        self.inner.wake.notify_one();
        self.bump();
    }

    /// Something about a job changed that followers waiting on the database should look at.
    pub(crate) fn bump(&self) {
        self.inner.changed.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// The job's progress if a worker of this server is running it.
    pub(crate) fn live(&self, id: i64) -> Option<Arc<Live>> {
        self.running().get(&id).cloned()
    }

    pub(crate) fn changes(&self) -> watch::Receiver<u64> {
        self.inner.changed.subscribe()
    }

    /// Turns true when the server shuts down (event streams end then).
    pub(crate) fn stopped(&self) -> watch::Receiver<bool> {
        self.inner.stop.subscribe()
    }

    /// Asks the workers to stop: running analyses stop at their next step and are queued again.
    pub(crate) fn shut_down(&self) {
        self.inner.stopping.store(true, Ordering::Relaxed);
        self.inner.stop.send_replace(true);
    }

    /// Waits for every worker to finish (after [`Jobs::shut_down`]).
    pub(crate) async fn join(&self) {
        let handles = std::mem::take(
            &mut *self
                .inner
                .workers
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        );
        for h in handles {
            let _ = h.await;
        }
    }

    fn running(&self) -> std::sync::MutexGuard<'_, HashMap<i64, Arc<Live>>> {
        self.inner
            .running
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn register(&self, id: i64) -> Arc<Live> {
        let live = Arc::new(Live::new(self.inner.stopping.clone()));
        self.running().insert(id, live.clone());
        self.bump();
        live
    }

    fn unregister(&self, id: i64) {
        let live = self.running().remove(&id);
        if let Some(l) = live {
            l.wake();
        }
        self.bump();
    }
}

/// Takes queued jobs one at a time until the server stops.
async fn worker(j: Jobs) {
    let mut stop = j.inner.stop.subscribe();
    loop {
        if *stop.borrow_and_update() {
            return;
        }
        match run::claim(&j.inner.db).await {
            Ok(Some(job)) => run::run(&j, &j.inner.db, job).await,
            // Nothing queued (or the database is unreachable for now): wait for a new job, and look again
            // every few seconds in any case.
            Ok(None) | Err(_) => {
                tokio::select! {
                    () = j.inner.wake.notified() => {}
                    _ = stop.changed() => {}
                    () = tokio::time::sleep(Duration::from_secs(2)) => {}
                }
            }
        }
    }
}
