//! Workspaces and memberships: admins create workspaces and add accounts to them; an analyst sees only the
//! workspaces they belong to, and a workspace they do not belong to answers as if it did not exist.

use super::Path;
use super::{check_name, conflict, json, AppState, Body};
use crate::audit::{self, Event};
use crate::auth::{Caller, Role};
use crate::clock::rfc3339;
use crate::error::{ApiError, ErrorBody};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct WorkspaceInfo {
    id: i64,
    name: String,
    created_at: String,
    /// How many versions have been stored (the latest is this number).
    versions: i64,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct NewWorkspace {
    name: String,
}

/// The workspace's name if the caller may see it: admins see every workspace, others only their own.
/// "Not found" either way, so that a non-member cannot tell which workspaces exist.
pub(crate) async fn visible(st: &AppState, c: &Caller, ws: i64) -> Result<String, ApiError> {
    let row: Option<(String,)> = if c.role == Role::Admin {
        sqlx::query_as("SELECT name FROM workspaces WHERE id = $1")
            .bind(ws)
            .fetch_optional(&st.db.pool)
            .await?
    } else {
        sqlx::query_as(
            "SELECT w.name FROM workspaces w JOIN memberships m ON m.workspace_id = w.id \
             WHERE w.id = $1 AND m.user_id = $2",
        )
        .bind(ws)
        .bind(c.id)
        .fetch_optional(&st.db.pool)
        .await?
    };
    row.map(|r| r.0)
        .ok_or_else(|| ApiError::NotFound(format!("no workspace {ws} that you belong to")))
}

/// The workspaces the caller belongs to (every one, for an admin).
#[utoipa::path(get, path = "/api/v1/workspaces", tag = "workspaces",
    responses((status = 200, body = Vec<WorkspaceInfo>), (status = 401, body = ErrorBody)))]
pub(crate) async fn list_workspaces(
    State(st): State<AppState>,
    c: Caller,
) -> Result<Response, ApiError> {
    let rows: Vec<(i64, String, i64, i64)> = sqlx::query_as(
        "SELECT w.id, w.name, w.created_at, w.version_count FROM workspaces w \
         WHERE $1 = 1 OR EXISTS (SELECT 1 FROM memberships m WHERE m.workspace_id = w.id AND m.user_id = $2) \
         ORDER BY w.id",
    )
    .bind(i64::from(c.role == Role::Admin))
    .bind(c.id)
    .fetch_all(&st.db.pool)
    .await?;
    let list: Vec<WorkspaceInfo> = rows
        .into_iter()
        .map(|(id, name, t, n)| WorkspaceInfo {
            id,
            name,
            created_at: rfc3339(t),
            versions: n,
        })
        .collect();
    Ok(json(StatusCode::OK, &list))
}

/// Creates a workspace (admins only).
#[utoipa::path(post, path = "/api/v1/workspaces", tag = "workspaces", request_body = NewWorkspace,
    responses((status = 201, body = WorkspaceInfo), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn create_workspace(
    State(st): State<AppState>,
    c: Caller,
    Body(req): Body<NewWorkspace>,
) -> Result<Response, ApiError> {
    c.require_admin()?;
    check_name("workspace", &req.name)?;
    let t = crate::clock::now();
    let mut w = st.db.begin_write().await?;
    let (id,): (i64,) =
        sqlx::query_as("INSERT INTO workspaces (name, created_at) VALUES ($1, $2) RETURNING id")
            .bind(&req.name)
            .bind(t)
            .fetch_one(&mut *w.tx)
            .await
            .map_err(|e| {
                conflict(
                    e,
                    format!(
                        "a workspace named {} exists already",
                        keel_model::diag::quote(&req.name)
                    ),
                )
            })?;
    audit::record(
        &mut *w.tx,
        Event::by(&c, "workspace.create", &req.name, format!("workspace {id}")),
    )
    .await?;
    w.commit().await?;
    Ok(json(
        StatusCode::CREATED,
        &WorkspaceInfo {
            id,
            name: req.name,
            created_at: rfc3339(t),
            versions: 0,
        },
    ))
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Member {
    id: i64,
    name: String,
    role: Role,
    firm: Option<String>,
}

/// The workspace's members (admins only).
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/members", tag = "workspaces",
    params(("ws" = i64, Path, description = "workspace id")),
    responses((status = 200, body = Vec<Member>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub(crate) async fn list_members(
    State(st): State<AppState>,
    c: Caller,
    Path(ws): Path<i64>,
) -> Result<Response, ApiError> {
    c.require_admin()?;
    visible(&st, &c, ws).await?;
    let rows: Vec<(i64, String, String, Option<String>)> = sqlx::query_as(
        "SELECT u.id, u.name, u.role, u.firm FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.workspace_id = $1 ORDER BY u.id",
    )
    .bind(ws)
    .fetch_all(&st.db.pool)
    .await?;
    let list: Vec<Member> = rows
        .into_iter()
        .filter_map(|(id, name, role, firm)| {
            Role::parse(&role).map(|role| Member {
                id,
                name,
                role,
                firm,
            })
        })
        .collect();
    Ok(json(StatusCode::OK, &list))
}

/// Adds an account to a workspace (admins only; adding a member twice is not an error).
#[utoipa::path(put, path = "/api/v1/workspaces/{ws}/members/{user}", tag = "workspaces",
    params(("ws" = i64, Path, description = "workspace id"), ("user" = i64, Path, description = "account id")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn add_member(
    State(st): State<AppState>,
    c: Caller,
    Path((ws, user)): Path<(i64, i64)>,
) -> Result<Response, ApiError> {
    c.require_admin()?;
    let ws_name = visible(&st, &c, ws).await?;
    let mut w = st.db.begin_write().await?;
    let who: Option<(String,)> = sqlx::query_as("SELECT name FROM users WHERE id = $1")
        .bind(user)
        .fetch_optional(&mut *w.tx)
        .await?;
    let (who,) = who.ok_or_else(|| ApiError::NotFound(format!("no account with id {user}")))?;
    let added = sqlx::query(
        "INSERT INTO memberships (workspace_id, user_id) SELECT $1, $2 WHERE NOT EXISTS \
         (SELECT 1 FROM memberships WHERE workspace_id = $3 AND user_id = $4)",
    )
    .bind(ws)
    .bind(user)
    .bind(ws)
    .bind(user)
    .execute(&mut *w.tx)
    .await?
    .rows_affected();
    if added > 0 {
        audit::record(
            &mut *w.tx,
            Event::by(
                &c,
                "membership.add",
                &who,
                format!("workspace {ws} {ws_name}"),
            ),
        )
        .await?;
    }
    w.commit().await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Removes an account from a workspace (admins only).
#[utoipa::path(delete, path = "/api/v1/workspaces/{ws}/members/{user}", tag = "workspaces",
    params(("ws" = i64, Path, description = "workspace id"), ("user" = i64, Path, description = "account id")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn remove_member(
    State(st): State<AppState>,
    c: Caller,
    Path((ws, user)): Path<(i64, i64)>,
) -> Result<Response, ApiError> {
    c.require_admin()?;
    let ws_name = visible(&st, &c, ws).await?;
    let mut w = st.db.begin_write().await?;
    let removed = sqlx::query("DELETE FROM memberships WHERE workspace_id = $1 AND user_id = $2")
        .bind(ws)
        .bind(user)
        .execute(&mut *w.tx)
        .await?
        .rows_affected();
    if removed == 0 {
        return Err(ApiError::NotFound(format!(
            "account {user} is not a member of workspace {ws}"
        )));
    }
    audit::record(
        &mut *w.tx,
        Event::by(
            &c,
            "membership.remove",
            &format!("user {user}"),
            format!("workspace {ws} {ws_name}"),
        ),
    )
    .await?;
    w.commit().await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
