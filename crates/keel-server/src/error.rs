//! The server's errors: [`ApiError`] (one request refused, sent as a JSON body with its HTTP status) and
//! [`ServerError`] (the server could not start, or an administration command failed).
//!
//! Every refusal is the same JSON shape, `{"error": {"code", "message", "diagnostics"}}`: `code` is a stable
//! word a script can match, `message` says what is wrong and how to fix it, and `diagnostics` carries
//! `keel check`'s located diagnostics (file, line, column, message, hint) for a model that does not validate.
//!
//! # Complexity
//! Building a body is linear in the number of diagnostics.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use keel_model::Diagnostic;
use serde::Serialize;

/// Why one request was refused.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("sign in first: this route needs a session (POST /api/v1/login) or an `Authorization: Bearer` API token")]
    Unauthenticated,
    #[error("wrong account name or password")]
    BadCredentials,
    #[error("this request was made with a session cookie and needs the session's `X-CSRF-Token` header (returned by POST /api/v1/login and GET /api/v1/me)")]
    Csrf,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("too many failed sign-ins {scope}; try again in {retry_after_secs} s")]
    RateLimited {
        scope: &'static str,
        retry_after_secs: u64,
    },
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    MethodNotAllowed(String),
    #[error("{0}")]
    Conflict(String),
    #[error("the request body is larger than the server's limit of {limit} bytes (for uploads, `keel serve --max-upload-mb` sets it)")]
    TooLarge { limit: usize },
    #[error("{0}")]
    BadUpload(String),
    #[error("the model does not validate: {errors} error(s), the same `keel check` reports; nothing was stored")]
    InvalidModel {
        errors: usize,
        diagnostics: Vec<Diagnostic>,
    },
    #[error("you already have {limit} jobs queued or running, the most one user may have; wait for one to end or cancel one (POST /api/v1/workspaces/{{ws}}/jobs/{{id}}/cancel)")]
    TooManyJobs { limit: usize },
    #[error("the contribution does not validate: {errors} error(s); nothing was stored")]
    InvalidContribution {
        errors: usize,
        diagnostics: Vec<Diagnostic>,
    },
    #[error("the request took longer than the server's limit of {secs} s and was abandoned; nothing it would have stored was stored")]
    Timeout { secs: u64 },
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    /// The stable word scripts match on.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Unauthenticated => "unauthenticated",
            ApiError::BadCredentials => "bad_credentials",
            ApiError::Csrf => "csrf",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::NotFound(_) => "not_found",
            ApiError::RateLimited { .. } => "rate_limited",
            ApiError::BadRequest(_) => "bad_request",
            ApiError::MethodNotAllowed(_) => "method_not_allowed",
            ApiError::Conflict(_) => "conflict",
            ApiError::TooLarge { .. } => "too_large",
            ApiError::BadUpload(_) => "bad_upload",
            ApiError::InvalidModel { .. } => "invalid_model",
            ApiError::TooManyJobs { .. } => "too_many_jobs",
            ApiError::InvalidContribution { .. } => "invalid_contribution",
            ApiError::Timeout { .. } => "timeout",
            ApiError::Internal(_) => "internal",
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Unauthenticated | ApiError::BadCredentials => StatusCode::UNAUTHORIZED,
            ApiError::Csrf | ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::RateLimited { .. } | ApiError::TooManyJobs { .. } => {
                StatusCode::TOO_MANY_REQUESTS
            }
            ApiError::BadRequest(_) | ApiError::BadUpload(_) => StatusCode::BAD_REQUEST,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::InvalidModel { .. } | ApiError::InvalidContribution { .. } => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            ApiError::Timeout { .. } => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        ApiError::Internal(format!("database: {e}"))
    }
}

/// The JSON body of every refusal.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// A stable word: unauthenticated, bad_credentials, csrf, forbidden, not_found, rate_limited, bad_request, method_not_allowed,
    /// conflict, too_large, bad_upload, invalid_model, invalid_contribution, too_many_jobs, timeout, internal.
    pub code: String,
    pub message: String,
    /// `keel check`'s diagnostics, as `keel check --format json` writes them (empty unless code is invalid_model
    /// or invalid_contribution).
    #[schema(value_type = Vec<Object>)]
    pub diagnostics: Vec<Diagnostic>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let retry = match &self {
            ApiError::RateLimited {
                retry_after_secs, ..
            } => Some(*retry_after_secs),
            _ => None,
        };
        let message = self.to_string();
        let code = self.code().to_owned();
        let diagnostics = match self {
            ApiError::InvalidModel { diagnostics, .. }
            | ApiError::InvalidContribution { diagnostics, .. } => diagnostics,
            _ => Vec::new(),
        };
        let body = ErrorBody {
            error: ErrorDetail {
                code,
                message,
                diagnostics,
            },
        };
        let mut resp = (status, axum::Json(body)).into_response();
        if let Some(s) = retry {
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        resp
    }
}

/// Why the server could not start, or an administration command failed.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("database {url}: {source}")]
    Database { url: String, source: sqlx::Error },
    #[error("database {url}: {why}")]
    DatabaseUrl { url: String, why: String },
    #[error("migration {version} ({name}): {source}")]
    Migration {
        version: i64,
        name: &'static str,
        source: sqlx::Error,
    },
    #[error("the job queue cannot start (recovering the jobs a stop interrupted): {0}")]
    Jobs(sqlx::Error),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
    #[error("server: {0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Account(String),
    #[error("{0}")]
    Api(#[from] ApiError),
}
