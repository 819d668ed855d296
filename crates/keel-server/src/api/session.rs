//! Signing in and out: `POST /login` checks the password (Argon2id) under the rate limit and opens a session
//! (an HttpOnly, SameSite=Strict cookie, Secure behind TLS, plus a CSRF token returned in the body);
//! `POST /logout` ends it; `GET /me` says who the caller is.

use super::accounts::UserInfo;
use super::{json, AppState, Body};
use crate::audit::{self, Event};
use crate::auth::caller::{client_ip, Via, SESSION_COOKIE};
use crate::auth::{password, secret, Caller, Role};
use crate::error::{ApiError, ErrorBody};
use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::time::Instant;

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct LoginRequest {
    name: String,
    password: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct SessionInfo {
    user: UserInfo,
    /// Send this in `X-CSRF-Token` on every POST, PUT and DELETE made with the session cookie.
    csrf_token: Option<String>,
}

fn cookie(st: &AppState, value: &str, max_age: i64) -> Result<HeaderValue, ApiError> {
    let secure = if st.secure_cookies { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
    ))
    .map_err(|e| ApiError::Internal(e.to_string()))
}

/// Signs in with a name and password; sets the session cookie and returns the CSRF token.
#[utoipa::path(post, path = "/api/v1/login", tag = "session", request_body = LoginRequest,
    responses((status = 200, body = SessionInfo), (status = 401, body = ErrorBody),
              (status = 429, description = "too many failed sign-ins; see Retry-After", body = ErrorBody)))]
pub(crate) async fn login(
    State(st): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Body(req): Body<LoginRequest>,
) -> Result<Response, ApiError> {
    let client = client_ip(&headers, Some(addr), st.forwarded_for);
    let (acct_key, client_key) = (format!("account:{}", req.name), format!("client:{client}"));
    let now = Instant::now();
    st.by_client
        .check(&client_key, now)
        .map_err(|s| ApiError::RateLimited {
            scope: "from this address",
            retry_after_secs: s,
        })?;
    st.by_account
        .check(&acct_key, now)
        .map_err(|s| ApiError::RateLimited {
            scope: "for this account",
            retry_after_secs: s,
        })?;
    let row: Option<(i64, String, String, Option<String>, i64)> = sqlx::query_as(
        "SELECT id, password_hash, role, firm, created_at FROM users WHERE name = $1",
    )
    .bind(&req.name)
    .fetch_optional(&st.db.pool)
    .await?;
    let stored = row
        .as_ref()
        .map_or_else(|| st.dummy_hash.as_str().to_owned(), |r| r.1.clone());
    let pw = req.password.clone();
    let ok = tokio::task::spawn_blocking(move || password::verify(&pw, &stored))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let Some((id, _, role, firm, created_at)) = row.filter(|_| ok) else {
        st.by_account.fail(&acct_key, now);
        st.by_client.fail(&client_key, now);
        st.audit
            .record(Event {
                actor_id: None,
                actor_name: None,
                client: &client,
                action: "login.failed",
                target: &req.name,
                detail: String::new(),
            })
            .await?;
        return Err(ApiError::BadCredentials);
    };
    st.by_account.clear(&acct_key);
    let token = secret::new("");
    let csrf = secret::new("");
    let t = crate::clock::now();
    let ttl = i64::from(st.limits.session_hours) * 3600;
    let mut w = st.db.begin_write().await?;
    sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
        .bind(t)
        .execute(&mut *w.tx)
        .await?;
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(secret::digest(&token))
    .bind(id)
    .bind(&csrf)
    .bind(t)
    .bind(t + ttl)
    .execute(&mut *w.tx)
    .await?;
    audit::record(
        &mut *w.tx,
        Event {
            actor_id: Some(id),
            actor_name: Some(&req.name),
            client: &client,
            action: "login",
            target: &req.name,
            detail: String::new(),
        },
    )
    .await?;
    w.commit().await?;
    let role = Role::parse(&role).ok_or_else(|| ApiError::Internal("unknown role".into()))?;
    let mut resp = json(
        StatusCode::OK,
        &SessionInfo {
            user: UserInfo::new(id, req.name, role, firm, created_at),
            csrf_token: Some(csrf),
        },
    );
    resp.headers_mut()
        .insert(header::SET_COOKIE, cookie(&st, &token, ttl)?);
    Ok(resp)
}

/// Ends the caller's session (an API token is revoked with DELETE /api/v1/tokens/{id} instead).
#[utoipa::path(post, path = "/api/v1/logout", tag = "session",
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn logout(State(st): State<AppState>, c: Caller) -> Result<Response, ApiError> {
    let Via::Session { token_hash, .. } = &c.via else {
        return Err(ApiError::BadRequest(
            "this request used an API token, not a session; revoke the token with DELETE /api/v1/tokens/{id}"
                .into(),
        ));
    };
    let mut w = st.db.begin_write().await?;
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(&mut *w.tx)
        .await?;
    audit::record(&mut *w.tx, Event::by(&c, "logout", &c.name, String::new())).await?;
    w.commit().await?;
    let mut resp = axum::response::IntoResponse::into_response(StatusCode::NO_CONTENT);
    resp.headers_mut()
        .insert(header::SET_COOKIE, cookie(&st, "", 0)?);
    Ok(resp)
}

/// Who the caller is (and, for a session, its CSRF token).
#[utoipa::path(get, path = "/api/v1/me", tag = "session",
    responses((status = 200, body = SessionInfo), (status = 401, body = ErrorBody)))]
pub(crate) async fn me(State(st): State<AppState>, c: Caller) -> Result<Response, ApiError> {
    let created_at: (i64,) = sqlx::query_as("SELECT created_at FROM users WHERE id = $1")
        .bind(c.id)
        .fetch_one(&st.db.pool)
        .await?;
    let csrf = match c.via {
        Via::Session { csrf, .. } => Some(csrf),
        Via::ApiToken => None,
    };
    Ok(json(
        StatusCode::OK,
        &SessionInfo {
            user: UserInfo::new(c.id, c.name, c.role, c.firm, created_at.0),
            csrf_token: csrf,
        },
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct PasswordChange {
    current: String,
    new: String,
}

/// Changes the caller's password (the current one is required); every other session of the account ends.
#[utoipa::path(put, path = "/api/v1/me/password", tag = "session", request_body = PasswordChange,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub(crate) async fn change_password(
    State(st): State<AppState>,
    c: Caller,
    Body(req): Body<PasswordChange>,
) -> Result<Response, ApiError> {
    password::check_policy(&req.new).map_err(ApiError::BadRequest)?;
    let (stored,): (String,) = sqlx::query_as("SELECT password_hash FROM users WHERE id = $1")
        .bind(c.id)
        .fetch_one(&st.db.pool)
        .await?;
    let (current, new) = (req.current, req.new);
    let hash = tokio::task::spawn_blocking(move || {
        if password::verify(&current, &stored) {
            password::hash(&new).map(Some)
        } else {
            Ok(None)
        }
    })
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))?
    .map_err(ApiError::Internal)?;
    let Some(hash) = hash else {
        return Err(ApiError::Forbidden(
            "the current password is wrong; the password was not changed".into(),
        ));
    };
    let keep = match &c.via {
        Via::Session { token_hash, .. } => token_hash.clone(),
        Via::ApiToken => String::new(),
    };
    let mut w = st.db.begin_write().await?;
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(hash)
        .bind(c.id)
        .execute(&mut *w.tx)
        .await?;
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
        .bind(c.id)
        .bind(keep)
        .execute(&mut *w.tx)
        .await?;
    audit::record(
        &mut *w.tx,
        Event::by(
            &c,
            "password.change",
            &c.name,
            "other sessions ended".into(),
        ),
    )
    .await?;
    w.commit().await?;
    Ok(axum::response::IntoResponse::into_response(
        StatusCode::NO_CONTENT,
    ))
}
