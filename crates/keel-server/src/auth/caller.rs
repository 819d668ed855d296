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
use axum::http::{header, HeaderMap, Method};
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

/// The client's address: the peer's or, behind a reverse proxy (`forwarded`), the last address in the last
/// `X-Forwarded-For` header, the one the proxy itself appended (earlier ones are the client's to invent).
pub(crate) fn client_ip(headers: &HeaderMap, peer: Option<SocketAddr>, forwarded: bool) -> String {
    let from_proxy = forwarded
        .then(|| {
            headers
                .get_all("x-forwarded-for")
                .iter()
                .next_back()
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.rsplit(',').next())
                .map(str::trim)
                .and_then(|a| a.parse::<std::net::IpAddr>().ok())
        })
        .flatten();
    match (from_proxy, peer) {
        (Some(ip), _) => ip.to_string(),
        (None, Some(p)) => p.ip().to_string(),
        (None, None) => "unknown".into(),
    }
}

fn client_addr(parts: &Parts, forwarded: bool) -> String {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0);
    client_ip(&parts.headers, peer, forwarded)
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
        let client = client_addr(parts, st.forwarded_for);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_proxy_appended_address_is_used_only_behind_a_proxy() {
        let peer: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        let mut h = HeaderMap::new();
        h.append("x-forwarded-for", "6.6.6.6, 203.0.113.7".parse().unwrap());
        assert_eq!(client_ip(&h, Some(peer), true), "203.0.113.7");
        assert_eq!(client_ip(&h, Some(peer), false), "127.0.0.1");
        h.append("x-forwarded-for", "not an address".parse().unwrap());
        assert_eq!(client_ip(&h, Some(peer), true), "127.0.0.1");
        assert_eq!(client_ip(&HeaderMap::new(), None, true), "unknown");
    }
}
