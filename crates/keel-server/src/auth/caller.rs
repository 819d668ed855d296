//! The [`Caller`] extractor: every route but health and login takes one, so a handler that forgets it does not
//! compile into an open route by accident (the route test enumerates the OpenAPI paths to check that).
//!
//! A caller is found by `Authorization: Bearer <API token>` or by the `keel_session` cookie. A cookie session
//! must also send its CSRF token in `X-CSRF-Token` on every request that is not GET or HEAD: a cross-site form
//! can make the browser send the cookie but cannot read the token. Bearer tokens are never sent by a browser
//! on its own, so they need no CSRF token.
//!
//! # Complexity
//! One indexed database lookup per request.

use crate::api::AppState;
use crate::auth::secret;
use crate::error::ApiError;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, Method};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;

pub(crate) const SESSION_COOKIE: &str = "keel_session";
pub(crate) const CSRF_HEADER: &str = "x-csrf-token";

/// An account's role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Manages accounts, workspaces and memberships; sees everything.
    Admin,
    /// Sees and uploads the whole model of the workspaces they belong to.
    Analyst,
    /// Belongs to one firm; contributes that firm's rows (later phase) and reads no other firm's data.
    Contributor,
}

impl Role {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Analyst => "analyst",
            Role::Contributor => "contributor",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Role> {
        match s {
            "admin" => Some(Role::Admin),
            "analyst" => Some(Role::Analyst),
            "contributor" => Some(Role::Contributor),
            _ => None,
        }
    }
}

/// How the caller proved who they are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Via {
    Session { token_hash: String, csrf: String },
    ApiToken,
}

#[derive(Clone, Debug)]
pub(crate) struct Caller {
    pub(crate) id: i64,
    pub(crate) name: String,
    pub(crate) role: Role,
    pub(crate) firm: Option<String>,
    pub(crate) via: Via,
    pub(crate) client: String,
}

impl Caller {
    pub(crate) fn require_admin(&self) -> Result<(), ApiError> {
        if self.role == Role::Admin {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!(
                "only an admin can do this; `{}` is {}",
                self.name,
                self.role.as_str()
            )))
        }
    }
}

/// The client's address as the server saw it (the proxy's, behind a reverse proxy).
pub(crate) fn client_addr(parts: &Parts) -> String {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(|| "unknown".into(), |c| c.0.ip().to_string())
}

/// The value of cookie `name` in the request's Cookie header(s).
pub(crate) fn cookie<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

type UserRow = (i64, String, String, Option<String>);

fn to_caller(row: UserRow, via: Via, client: String) -> Result<Caller, ApiError> {
    let (id, name, role, firm) = row;
    let role = Role::parse(&role)
        .ok_or_else(|| ApiError::Internal(format!("account {id} has an unknown role")))?;
    Ok(Caller {
        id,
        name,
        role,
        firm,
        via,
        client,
    })
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, ApiError> {
        let client = client_addr(parts);
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        if let Some(token) = bearer {
            let row: Option<UserRow> = sqlx::query_as(
                "SELECT u.id, u.name, u.role, u.firm FROM api_tokens t JOIN users u ON u.id = t.user_id \
                 WHERE t.token_hash = $1 AND t.revoked_at IS NULL",
            )
            .bind(secret::digest(token.trim()))
            .fetch_optional(&st.db.pool)
            .await?;
            let row = row.ok_or(ApiError::Unauthenticated)?;
            return to_caller(row, Via::ApiToken, client);
        }
        let Some(cookie) = cookie(parts, SESSION_COOKIE) else {
            return Err(ApiError::Unauthenticated);
        };
        let token_hash = secret::digest(cookie);
        let row: Option<(i64, String, String, Option<String>, String)> = sqlx::query_as(
            "SELECT u.id, u.name, u.role, u.firm, s.csrf_token FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2",
        )
        .bind(&token_hash)
        .bind(crate::clock::now())
        .fetch_optional(&st.db.pool)
        .await?;
        let (id, name, role, firm, csrf) = row.ok_or(ApiError::Unauthenticated)?;
        if !matches!(parts.method, Method::GET | Method::HEAD) {
            let sent = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !secret::same(sent, &csrf) {
                return Err(ApiError::Csrf);
            }
        }
        to_caller(
            (id, name, role, firm),
            Via::Session { token_hash, csrf },
            client,
        )
    }
}
