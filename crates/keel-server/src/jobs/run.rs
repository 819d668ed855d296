//! One job from the queue to its stored results: take it (`claim`), unpack its version into a private
//! temporary folder and load it with `keel_io::load` (as an upload is validated) (a policy job has no version:
//! it reads the server's published data sets instead), run the analysis on a
//! blocking thread while writing its progress every [`FLUSH`](super::FLUSH), then write its end in one
//! transaction: succeeded with every result (JSON, each table as CSV, the workbook), or failed with the
//! reason, or cancelled. Also [`recover`], run at start for the jobs a crash cut short.
//!
//! # Complexity
//! O(version size) to unpack and load, the analysis's own cost, O(result size) to store.

use super::{Count, Jobs, Live, MAX_ATTEMPTS};
use crate::db::{Db, Dialect};
use keel_engine::{Analysis, EngineError};
use std::sync::Arc;

/// Crash recovery, before any worker starts: a job still `running` was interrupted.
pub(crate) async fn recover(db: &Db) -> Result<(), sqlx::Error> {
    let now = crate::clock::now();
    let mut w = db.begin_write().await?;
    sqlx::query(
        "UPDATE jobs SET state = 'cancelled', finished_at = $1 WHERE state = 'running' AND cancel_requested <> 0",
    )
    .bind(now)
    .execute(&mut *w.tx)
    .await?;
    sqlx::query(
        "UPDATE jobs SET state = 'failed', finished_at = $1, error = $2 WHERE state = 'running' AND attempts >= $3",
    )
    .bind(now)
    .bind(format!(
        "the server stopped while this job ran ({MAX_ATTEMPTS} times)"
    ))
    .bind(MAX_ATTEMPTS)
    .execute(&mut *w.tx)
    .await?;
    sqlx::query(
        "UPDATE jobs SET state = 'queued', started_at = NULL, done = 0, total = 0 WHERE state = 'running'",
    )
    .execute(&mut *w.tx)
    .await?;
    w.commit().await
}

/// A job a worker has taken.
#[derive(Debug)]
pub(crate) struct Claimed {
    id: i64,
    /// `None` for a policy job.
    version_id: Option<i64>,
    options: String,
}

/// Takes the oldest queued job, marking it running (one more attempt), or `None` when the queue is empty.
pub(crate) async fn claim(db: &Db) -> Result<Option<Claimed>, sqlx::Error> {
    // PostgreSQL: two workers never wait on one row; SQLite: the write lock serialises them already.
    let skip = match db.dialect {
        Dialect::Postgres => " FOR UPDATE SKIP LOCKED",
        Dialect::Sqlite => "",
    };
    let mut w = db.begin_write().await?;
    let row: Option<(i64, Option<i64>, String)> = sqlx::query_as(&format!(
        "UPDATE jobs SET state = 'running', started_at = $1, attempts = attempts + 1, done = 0, total = 0 \
         WHERE id = (SELECT id FROM jobs WHERE state = 'queued' ORDER BY id LIMIT 1{skip}) AND state = 'queued' \
         RETURNING id, version_id, options"
    ))
    .bind(crate::clock::now())
    .fetch_optional(&mut *w.tx)
    .await?;
    w.commit().await?;
    Ok(row.map(|(id, version_id, options)| Claimed {
        id,
        version_id,
        options,
    }))
}

/// How a run ended.
enum Outcome {
    /// The main table's name and the results: (format, bytes) in order.
    Succeeded(String, Vec<(String, Vec<u8>)>),
    Failed(String),
    Cancelled,
    /// The server is stopping: back to the queue, this start not counted.
    Interrupted,
}

/// Runs a claimed job to its end and records that end.
pub(crate) async fn run(j: &Jobs, db: &Db, c: Claimed) {
    let live = j.register(c.id);
    let outcome = match execute(j, db, &c, &live).await {
        Ok(o) => o,
        Err(e) => Outcome::Failed(format!("database: {e}")),
    };
    if finish(db, c.id, &live, outcome).await.is_err() {
        // The end could not be written (the database went away): the job stays `running`, and the next start
        // queues it again.
    }
    j.unregister(c.id);
}

async fn execute(j: &Jobs, db: &Db, c: &Claimed, live: &Arc<Live>) -> Result<Outcome, sqlx::Error> {
    let analysis: Analysis = match serde_json::from_str(&c.options) {
        Ok(a) => a,
        Err(e) => {
            return Ok(Outcome::Failed(format!(
                "the job's stored options are not understood by this server: {e}"
            )))
        }
    };
    let progress = live.clone();
    let task = match (c.version_id, analysis) {
        (None, Analysis::Policy(o)) => {
            let data = j.policy_data().clone();
            tokio::task::spawn_blocking(move || {
                let r = keel_engine::policy::run(&data, &o, &*progress);
                outcome(r, &progress)
            })
        }
        (None, a) => {
            return Ok(Outcome::Failed(format!(
                "a {} job needs a version, and this one has none",
                a.name()
            )))
        }
        (Some(version_id), analysis) => {
            let files = crate::stored::read(db, version_id).await?;
            tokio::task::spawn_blocking(move || compute(&files, &analysis, &progress))
        }
    };
    tokio::pin!(task);
    let mut tick = tokio::time::interval(super::FLUSH);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut written = Count::default();
    loop {
        tokio::select! {
            r = &mut task => {
                return Ok(r.unwrap_or_else(|e| Outcome::Failed(format!("the analysis stopped unexpectedly: {e}"))));
            }
            _ = tick.tick() => {
                // A failed progress write is not the job's failure: the next tick tries again.
                if let Ok(true) = flush(db, c.id, live, &mut written).await {
                    live.cancel();
                }
            }
        }
    }
}

/// Writes the progress if it moved; returns whether a cancel was requested through the database.
async fn flush(db: &Db, id: i64, live: &Live, written: &mut Count) -> Result<bool, sqlx::Error> {
    let now = live.count();
    if now != *written {
        let mut w = db.begin_write().await?;
        sqlx::query("UPDATE jobs SET done = $1, total = $2 WHERE id = $3 AND state = 'running'")
            .bind(to_i64(now.done))
            .bind(to_i64(now.total))
            .bind(id)
            .execute(&mut *w.tx)
            .await?;
        w.commit().await?;
        *written = now;
    }
    let (asked,): (i64,) = sqlx::query_as("SELECT cancel_requested FROM jobs WHERE id = $1")
        .bind(id)
        .fetch_one(&db.pool)
        .await?;
    Ok(asked != 0)
}

fn to_i64(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Loads a version and analyses it, and renders the results (on a blocking thread).
fn compute(files: &crate::stored::Files, analysis: &Analysis, live: &Live) -> Outcome {
    let model = match files.load() {
        Ok(m) => m,
        Err(why) => return Outcome::Failed(why),
    };
    outcome(keel_engine::run(&model, analysis, live), live)
}

/// How an analysis's run ends the job: its results rendered in every format, or why it did not finish.
fn outcome(r: Result<keel_engine::Results, EngineError>, live: &Live) -> Outcome {
    let failed = |what: &str, e: &dyn std::fmt::Display| Outcome::Failed(format!("{what}: {e}"));
    let results = match r {
        Ok(r) => r,
        Err(EngineError::Cancelled) if live.cancel_asked() => return Outcome::Cancelled,
        Err(EngineError::Cancelled) => return Outcome::Interrupted,
        Err(e) => return Outcome::Failed(e.to_string()),
    };
    let mut out = vec![("json".to_owned(), results.json_bytes())];
    for t in &results.tables {
        match results.csv_bytes(Some(t.name)) {
            Ok(b) => out.push((format!("csv:{}", t.name), b)),
            Err(e) => return failed("writing CSV", &e),
        }
    }
    match results.xlsx_bytes() {
        Ok(b) => out.push(("xlsx".to_owned(), b)),
        Err(e) => return failed("writing the workbook", &e),
    }
    Outcome::Succeeded(results.main.to_string(), out)
}

/// Records how the job ended; a job whose state is no longer `running` (it cannot be, but a second server on
/// the same database could have touched it) is left as it is.
async fn finish(db: &Db, id: i64, live: &Live, outcome: Outcome) -> Result<(), sqlx::Error> {
    let now = crate::clock::now();
    let c = live.count();
    let (done, total) = (to_i64(c.done), to_i64(c.total));
    let mut w = db.begin_write().await?;
    match outcome {
        Outcome::Succeeded(main, results) => {
            // A cancel asked after the last step still wins: the user was told the job is cancelled.
            let marked = sqlx::query(
                "UPDATE jobs SET state = 'succeeded', finished_at = $1, done = $2, total = $3, main_table = $4 \
                 WHERE id = $5 AND state = 'running' AND cancel_requested = 0",
            )
            .bind(now)
            .bind(done)
            .bind(total)
            .bind(main)
            .bind(id)
            .execute(&mut *w.tx)
            .await?
            .rows_affected();
            if marked == 1 {
                for (position, (format, content)) in results.into_iter().enumerate() {
                    sqlx::query(
                        "INSERT INTO job_results (job_id, format, position, content) VALUES ($1, $2, $3, $4)",
                    )
                    .bind(id)
                    .bind(format)
                    .bind(to_i64(position))
                    .bind(content)
                    .execute(&mut *w.tx)
                    .await?;
                }
            } else {
                end(&mut w, id, "cancelled", None, now, done, total).await?;
            }
        }
        Outcome::Failed(why) => end(&mut w, id, "failed", Some(why), now, done, total).await?,
        Outcome::Cancelled => end(&mut w, id, "cancelled", None, now, done, total).await?,
        Outcome::Interrupted => {
            sqlx::query(
                "UPDATE jobs SET state = 'queued', started_at = NULL, attempts = attempts - 1, done = 0, total = 0 \
                 WHERE id = $1 AND state = 'running'",
            )
            .bind(id)
            .execute(&mut *w.tx)
            .await?;
        }
    }
    w.commit().await
}

async fn end(
    w: &mut crate::db::WriteTx<'_>,
    id: i64,
    state: &str,
    error: Option<String>,
    now: i64,
    done: i64,
    total: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE jobs SET state = $1, error = $2, finished_at = $3, done = $4, total = $5 \
         WHERE id = $6 AND state = 'running'",
    )
    .bind(state)
    .bind(error)
    .bind(now)
    .bind(done)
    .bind(total)
    .bind(id)
    .execute(&mut *w.tx)
    .await?;
    Ok(())
}
