//! Reading the audit log (admins only), oldest first, in pages.

use super::Query;
use super::{json, AppState};
use crate::auth::Caller;
use crate::clock::rfc3339;
use crate::error::{ApiError, ErrorBody};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct AuditEntry {
    id: i64,
    at: String,
    /// The account that acted (absent for a failed sign-in or the command line).
    actor: Option<String>,
    client: Option<String>,
    action: String,
    target: String,
    detail: String,
}

/// id, at, actor, client, action, target, detail.
type AuditRow = (
    i64,
    i64,
    Option<String>,
    Option<String>,
    String,
    String,
    String,
);

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct Page {
    /// Entries with an id above this one (0: from the start).
    #[serde(default)]
    after: i64,
    /// At most this many (default 100, at most 1000).
    limit: Option<i64>,
}

/// The audit log, oldest first.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(Page),
    responses((status = 200, body = Vec<AuditEntry>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn list_audit(
    State(st): State<AppState>,
    c: Caller,
    Query(p): Query<Page>,
) -> Result<Response, ApiError> {
    c.require_admin()?;
    let limit = p.limit.unwrap_or(100).clamp(1, 1000);
    let rows: Vec<AuditRow> = sqlx::query_as(
        "SELECT id, at, actor_name, client, action, target, detail FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2",
    )
    .bind(p.after)
    .bind(limit)
    .fetch_all(&st.db.pool)
    .await?;
    let list: Vec<AuditEntry> = rows
        .into_iter()
        .map(
            |(id, at, actor, client, action, target, detail)| AuditEntry {
                id,
                at: rfc3339(at),
                actor,
                client,
                action,
                target,
                detail,
            },
        )
        .collect();
    Ok(json(StatusCode::OK, &list))
}
