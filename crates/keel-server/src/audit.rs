//! The audit log: one row per upload (accepted or refused), sign-in (succeeded or failed), sign-out, change of
//! accounts, roles, memberships or tokens, and every read of firm-level data (a model version's files), with
//! who, from where and when. The server only ever inserts into `audit_log`; nothing in this crate updates or
//! deletes it (the table is read through `GET /api/v1/audit`, admins only).
//!
//! Events recorded on their own (reads, refused uploads) go through [`Log`], a group commit: one task takes
//! every event waiting, inserts them in one transaction and only then lets each request answer. A read is never
//! answered before its audit row is durable, yet a burst of reads costs one commit (one fsync on SQLite), not one
//! each, and does not queue behind the write lock once per read. Events that belong to a change are written by
//! [`record`] inside that change's own transaction.
//!
//! # Complexity
//! One insert per event; one commit per batch of waiting events (at most [`BATCH`]).

use crate::auth::Caller;
use crate::db::Db;
use sqlx::{Any, Executor};
use tokio::sync::{mpsc, oneshot};

/// One event to record.
#[derive(Debug)]
pub(crate) struct Event<'a> {
    pub(crate) actor_id: Option<i64>,
    pub(crate) actor_name: Option<&'a str>,
    pub(crate) client: &'a str,
    pub(crate) action: &'a str,
    pub(crate) target: &'a str,
    pub(crate) detail: String,
}

impl<'a> Event<'a> {
    pub(crate) fn by(c: &'a Caller, action: &'a str, target: &'a str, detail: String) -> Self {
        Event {
            actor_id: Some(c.id),
            actor_name: Some(&c.name),
            client: &c.client,
            action,
            target,
            detail,
        }
    }
}

pub(crate) async fn record<'e, E>(db: E, e: Event<'_>) -> Result<(), sqlx::Error>
where
    E: Executor<'e, Database = Any>,
{
    sqlx::query(
        "INSERT INTO audit_log (at, actor_id, actor_name, client, action, target, detail) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(crate::clock::now())
    .bind(e.actor_id)
    .bind(e.actor_name)
    .bind(e.client)
    .bind(e.action)
    .bind(e.target)
    .bind(e.detail)
    .execute(db)
    .await?;
    Ok(())
}

/// Most events one group commit writes.
const BATCH: usize = 512;

/// An event with its time, owned, waiting for the group commit.
#[derive(Debug)]
struct Owned {
    at: i64,
    actor_id: Option<i64>,
    actor_name: Option<String>,
    client: String,
    action: String,
    target: String,
    detail: String,
}

type Waiting = (Owned, oneshot::Sender<Result<(), String>>);

/// The group-commit writer of events recorded on their own (see the module's documentation).
#[derive(Clone, Debug)]
pub(crate) struct Log {
    tx: mpsc::UnboundedSender<Waiting>,
}

impl Log {
    /// Starts the writer task on the current runtime; it ends when every `Log` is dropped.
    pub(crate) fn start(db: Db) -> Log {
        let (tx, mut rx) = mpsc::unbounded_channel::<Waiting>();
        tokio::spawn(async move {
            while let Some(first) = rx.recv().await {
                let mut batch = vec![first];
                while batch.len() < BATCH {
                    match rx.try_recv() {
                        Ok(w) => batch.push(w),
                        Err(_) => break,
                    }
                }
                let r = write(&db, &batch).await.map_err(|e| e.to_string());
                for (_, done) in batch {
                    let _ = done.send(r.clone());
                }
            }
        });
        Log { tx }
    }

    /// Records `e` and returns once it is committed.
    pub(crate) async fn record(&self, e: Event<'_>) -> Result<(), sqlx::Error> {
        let owned = Owned {
            at: crate::clock::now(),
            actor_id: e.actor_id,
            actor_name: e.actor_name.map(str::to_owned),
            client: e.client.to_owned(),
            action: e.action.to_owned(),
            target: e.target.to_owned(),
            detail: e.detail,
        };
        let (done, wait) = oneshot::channel();
        let gone = || sqlx::Error::Protocol("the audit log writer has stopped".into());
        self.tx.send((owned, done)).map_err(|_| gone())?;
        wait.await
            .map_err(|_| gone())?
            .map_err(sqlx::Error::Protocol)
    }
}

async fn write(db: &Db, batch: &[Waiting]) -> Result<(), sqlx::Error> {
    let mut w = db.begin_write().await?;
    for (e, _) in batch {
        sqlx::query(
            "INSERT INTO audit_log (at, actor_id, actor_name, client, action, target, detail) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(e.at)
        .bind(e.actor_id)
        .bind(e.actor_name.as_deref())
        .bind(e.client.as_str())
        .bind(e.action.as_str())
        .bind(e.target.as_str())
        .bind(e.detail.as_str())
        .execute(&mut *w.tx)
        .await?;
    }
    w.commit().await
}
