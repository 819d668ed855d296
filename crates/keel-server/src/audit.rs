//! The audit log: one row per upload (accepted or refused), sign-in (succeeded or failed), sign-out, change of
//! accounts, roles, memberships or tokens, and every read of firm-level data (a model version's files), with
//! who, from where and when. The server only ever inserts into `audit_log`; nothing in this crate updates or
//! deletes it (the table is read through `GET /api/v1/audit`, admins only).
//!
//! # Complexity
//! One insert per event.

use crate::auth::Caller;
use sqlx::{Any, Executor};

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
