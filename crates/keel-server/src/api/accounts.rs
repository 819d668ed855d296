//! Accounts and API tokens: admins create accounts and change roles; everyone manages their own API tokens
//! (`Authorization: Bearer`), whose secret is shown once and stored only as its SHA-256.

use super::Path;
use super::{check_name, conflict, json, AppState, Body};
use crate::audit::{self, Event};
use crate::auth::{password, secret, Caller, Role};
use crate::clock::rfc3339;
use crate::db::Db;
use crate::error::{ApiError, ErrorBody};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct UserInfo {
    id: i64,
    name: String,
    role: Role,
    /// The contributor's firm (the firm id in the model's firms.csv); absent for other roles.
    firm: Option<String>,
    created_at: String,
}

impl UserInfo {
    pub(crate) fn new(
        id: i64,
        name: String,
        role: Role,
        firm: Option<String>,
        created_at: i64,
    ) -> Self {
        UserInfo {
            id,
            name,
            role,
            firm,
            created_at: rfc3339(created_at),
        }
    }
}

impl UserInfo {
    pub(crate) fn id(&self) -> i64 {
        self.id
    }
}

type UserRow = (i64, String, String, Option<String>, i64);

fn from_row(r: UserRow) -> Result<UserInfo, ApiError> {
    let role = Role::parse(&r.2)
        .ok_or_else(|| ApiError::Internal(format!("account {} has role {}", r.0, r.2)))?;
    Ok(UserInfo::new(r.0, r.1, role, r.3, r.4))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct NewUser {
    name: String,
    password: String,
    role: Role,
    /// Required for a contributor (the firm it belongs to), refused for other roles.
    firm: Option<String>,
}

fn check_firm(role: Role, firm: Option<&str>) -> Result<(), ApiError> {
    match (role, firm) {
        (Role::Contributor, Some(f)) => check_name("firm", f),
        (Role::Contributor, None) => Err(ApiError::BadRequest(
            "a contributor belongs to one firm: give `firm` (the firm's id in firms.csv)".into(),
        )),
        (_, Some(_)) => Err(ApiError::BadRequest(format!(
            "only a contributor has a firm; leave `firm` out for role {}",
            role.as_str()
        ))),
        (_, None) => Ok(()),
    }
}

/// Creates an account (the password is hashed on a blocking thread) and records it in the audit log.
pub(crate) async fn insert_user(
    db: &Db,
    actor: Option<&Caller>,
    name: &str,
    pw: &str,
    role: Role,
    firm: Option<&str>,
) -> Result<UserInfo, ApiError> {
    check_name("account", name)?;
    password::check_policy(pw).map_err(ApiError::BadRequest)?;
    check_firm(role, firm)?;
    let pw = pw.to_owned();
    let hash = tokio::task::spawn_blocking(move || password::hash(&pw))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .map_err(ApiError::Internal)?;
    let t = crate::clock::now();
    let mut w = db.begin_write().await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO users (name, password_hash, role, firm, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(name)
    .bind(hash)
    .bind(role.as_str())
    .bind(firm)
    .bind(t)
    .fetch_one(&mut *w.tx)
    .await
    .map_err(|e| conflict(e, format!("an account named {} exists already", keel_model::diag::quote(name))))?;
    let detail = match firm {
        Some(f) => format!("role {} firm {f}", role.as_str()),
        None => format!("role {}", role.as_str()),
    };
    let ev = match actor {
        Some(c) => Event::by(c, "user.create", name, detail),
        None => Event {
            actor_id: None,
            actor_name: None,
            client: "command line",
            action: "user.create",
            target: name,
            detail,
        },
    };
    audit::record(&mut *w.tx, ev).await?;
    w.commit().await?;
    Ok(UserInfo::new(
        id,
        name.to_owned(),
        role,
        firm.map(str::to_owned),
        t,
    ))
}

/// Every account (admins only).
#[utoipa::path(get, path = "/api/v1/users", tag = "accounts",
    responses((status = 200, body = Vec<UserInfo>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn list_users(
    State(st): State<AppState>,
    c: Caller,
) -> Result<Response, ApiError> {
    c.require_admin()?;
    let rows: Vec<UserRow> =
        sqlx::query_as("SELECT id, name, role, firm, created_at FROM users ORDER BY id")
            .fetch_all(&st.db.pool)
            .await?;
    let users = rows
        .into_iter()
        .map(from_row)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(json(StatusCode::OK, &users))
}

/// Creates an account (admins only).
#[utoipa::path(post, path = "/api/v1/users", tag = "accounts", request_body = NewUser,
    responses((status = 201, body = UserInfo), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn create_user(
    State(st): State<AppState>,
    c: Caller,
    Body(req): Body<NewUser>,
) -> Result<Response, ApiError> {
    c.require_admin()?;
    let u = insert_user(
        &st.db,
        Some(&c),
        &req.name,
        &req.password,
        req.role,
        req.firm.as_deref(),
    )
    .await?;
    Ok(json(StatusCode::CREATED, &u))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct RoleChange {
    role: Role,
    firm: Option<String>,
}

/// Changes an account's role (admins only; the last admin cannot be demoted).
#[utoipa::path(put, path = "/api/v1/users/{id}/role", tag = "accounts", request_body = RoleChange,
    params(("id" = i64, Path, description = "account id")),
    responses((status = 200, body = UserInfo), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn set_role(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
    Body(req): Body<RoleChange>,
) -> Result<Response, ApiError> {
    c.require_admin()?;
    check_firm(req.role, req.firm.as_deref())?;
    let mut w = st.db.begin_write().await?;
    // Two admins demoting each other at once must not both see the other still an admin: on PostgreSQL the
    // role changes are serialised by a table lock that readers do not wait for (SQLite's write lock already
    // serialises them).
    if st.db.dialect == crate::db::Dialect::Postgres {
        sqlx::query("LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE")
            .execute(&mut *w.tx)
            .await?;
    }
    let old: Option<(String, Option<String>)> =
        sqlx::query_as("SELECT role, firm FROM users WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *w.tx)
            .await?;
    let (old_role, old_firm) =
        old.ok_or_else(|| ApiError::NotFound(format!("no account with id {id}")))?;
    let row: UserRow = sqlx::query_as(
        "UPDATE users SET role = $1, firm = $2 WHERE id = $3 RETURNING id, name, role, firm, created_at",
    )
    .bind(req.role.as_str())
    .bind(req.firm.as_deref())
    .bind(id)
    .fetch_one(&mut *w.tx)
    .await?;
    let (admins,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users WHERE role = 'admin'")
        .fetch_one(&mut *w.tx)
        .await?;
    if admins == 0 {
        return Err(ApiError::Conflict(
            "this is the last admin account; make another admin first".into(),
        ));
    }
    let detail = format!(
        "{}{} -> {}{}",
        old_role,
        old_firm.map(|f| format!(" (firm {f})")).unwrap_or_default(),
        req.role.as_str(),
        req.firm
            .as_ref()
            .map(|f| format!(" (firm {f})"))
            .unwrap_or_default()
    );
    audit::record(&mut *w.tx, Event::by(&c, "user.role", &row.1, detail)).await?;
    w.commit().await?;
    Ok(json(StatusCode::OK, &from_row(row)?))
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct TokenInfo {
    id: i64,
    name: String,
    created_at: String,
    revoked: bool,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct NewToken {
    /// What the token is for (e.g. "nightly upload script").
    name: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct CreatedToken {
    id: i64,
    name: String,
    /// The secret, shown this once: send it as `Authorization: Bearer <token>`.
    token: String,
}

/// The caller's API tokens (never their secrets).
#[utoipa::path(get, path = "/api/v1/tokens", tag = "accounts",
    responses((status = 200, body = Vec<TokenInfo>), (status = 401, body = ErrorBody)))]
pub(crate) async fn list_tokens(
    State(st): State<AppState>,
    c: Caller,
) -> Result<Response, ApiError> {
    let rows: Vec<(i64, String, i64, Option<i64>)> = sqlx::query_as(
        "SELECT id, name, created_at, revoked_at FROM api_tokens WHERE user_id = $1 ORDER BY id",
    )
    .bind(c.id)
    .fetch_all(&st.db.pool)
    .await?;
    let list: Vec<TokenInfo> = rows
        .into_iter()
        .map(|(id, name, t, r)| TokenInfo {
            id,
            name,
            created_at: rfc3339(t),
            revoked: r.is_some(),
        })
        .collect();
    Ok(json(StatusCode::OK, &list))
}

/// Creates an API token for the caller; its secret is in this response only.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "accounts", request_body = NewToken,
    responses((status = 201, body = CreatedToken), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub(crate) async fn create_token(
    State(st): State<AppState>,
    c: Caller,
    Body(req): Body<NewToken>,
) -> Result<Response, ApiError> {
    check_name("token", &req.name)?;
    let token = secret::new("keel_");
    let mut w = st.db.begin_write().await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(c.id)
    .bind(&req.name)
    .bind(secret::digest(&token))
    .bind(crate::clock::now())
    .fetch_one(&mut *w.tx)
    .await?;
    audit::record(
        &mut *w.tx,
        Event::by(&c, "token.create", &req.name, format!("token {id}")),
    )
    .await?;
    w.commit().await?;
    Ok(json(
        StatusCode::CREATED,
        &CreatedToken {
            id,
            name: req.name,
            token,
        },
    ))
}

/// Revokes one of the caller's API tokens (an admin may revoke anyone's).
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "accounts",
    params(("id" = i64, Path, description = "token id")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn revoke_token(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let mut w = st.db.begin_write().await?;
    let owner: Option<(i64, String)> = sqlx::query_as(
        "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND ($3 = 1 OR user_id = $4) AND revoked_at IS NULL \
         RETURNING user_id, name",
    )
    .bind(crate::clock::now())
    .bind(id)
    .bind(i64::from(c.role == Role::Admin))
    .bind(c.id)
    .fetch_optional(&mut *w.tx)
    .await?;
    let (_, name) =
        owner.ok_or_else(|| ApiError::NotFound(format!("no active token {id} of yours")))?;
    audit::record(
        &mut *w.tx,
        Event::by(&c, "token.revoke", &name, format!("token {id}")),
    )
    .await?;
    w.commit().await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct NewPassword {
    password: String,
}

/// Sets another account's password (admins only: a forgotten password); every session of that account ends.
#[utoipa::path(put, path = "/api/v1/users/{id}/password", tag = "accounts", request_body = NewPassword,
    params(("id" = i64, Path, description = "account id")),
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn reset_password(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
    Body(req): Body<NewPassword>,
) -> Result<Response, ApiError> {
    c.require_admin()?;
    password::check_policy(&req.password).map_err(ApiError::BadRequest)?;
    let pw = req.password;
    let hash = tokio::task::spawn_blocking(move || password::hash(&pw))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .map_err(ApiError::Internal)?;
    let mut w = st.db.begin_write().await?;
    let name: Option<(String,)> =
        sqlx::query_as("UPDATE users SET password_hash = $1 WHERE id = $2 RETURNING name")
            .bind(hash)
            .bind(id)
            .fetch_optional(&mut *w.tx)
            .await?;
    let (name,) = name.ok_or_else(|| ApiError::NotFound(format!("no account with id {id}")))?;
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(id)
        .execute(&mut *w.tx)
        .await?;
    audit::record(
        &mut *w.tx,
        Event::by(&c, "password.reset", &name, "all sessions ended".into()),
    )
    .await?;
    w.commit().await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
