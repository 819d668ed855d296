//! The HTTP API, `/api/v1/...`: the router, its shared state, and the OpenAPI description generated from the
//! handlers' annotations (utoipa), so the description and the routes cannot drift apart.

mod accounts;
mod aggregates;
mod audit_log;
mod contributions;
mod jobs;
mod session;
mod versions;
mod views;
mod workspaces;

use crate::auth::ratelimit::Limiter;
use crate::auth::Caller;
use crate::db::Db;
use crate::error::{ApiError, ErrorBody};
use crate::Limits;
use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::sync::{Arc, OnceLock};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// What every handler shares.
#[derive(Clone, Debug)]
pub(crate) struct AppState {
    pub(crate) db: Db,
    pub(crate) limits: Limits,
    pub(crate) secure_cookies: bool,
    /// Behind a reverse proxy: the client's address is the one the proxy puts in `X-Forwarded-For`.
    pub(crate) forwarded_for: bool,
    pub(crate) by_account: Arc<Limiter>,
    pub(crate) by_client: Arc<Limiter>,
    /// A hash of a random password, verified against when the account does not exist, so that a wrong name
    /// and a wrong password take the same time.
    pub(crate) dummy_hash: Arc<String>,
    /// The job queue's workers and the progress of the jobs they run.
    pub(crate) jobs: crate::jobs::Jobs,
    /// The group commit of audit events recorded on their own (reads of firm-level data).
    pub(crate) audit: crate::audit::Log,
    /// The rule applied to the aggregates contributors see.
    pub(crate) disclosure: crate::Disclosure,
    /// The versions the dashboard's views loaded last, kept loaded (versions never change).
    pub(crate) models: crate::stored::Recent,
    openapi_json: Arc<OnceLock<String>>,
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Keel server API",
        description = "Shared workspaces of validated Keel models. Every route but `GET /api/v1/health` and \
                       `POST /api/v1/login` needs a session cookie (with `X-CSRF-Token` on state-changing \
                       requests) or an `Authorization: Bearer` API token."
    ),
    components(schemas(ErrorBody))
)]
struct ApiDoc;

/// Every route, with its OpenAPI description.
fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health))
        .routes(routes!(openapi_json))
        .routes(routes!(session::login))
        .routes(routes!(session::logout))
        .routes(routes!(session::me))
        .routes(routes!(session::change_password))
        .routes(routes!(accounts::list_users, accounts::create_user))
        .routes(routes!(accounts::set_role))
        .routes(routes!(accounts::reset_password))
        .routes(routes!(accounts::list_tokens, accounts::create_token))
        .routes(routes!(accounts::revoke_token))
        .routes(routes!(
            workspaces::list_workspaces,
            workspaces::create_workspace
        ))
        .routes(routes!(workspaces::list_members))
        .routes(routes!(workspaces::add_member, workspaces::remove_member))
        .routes(routes!(versions::list_versions, versions::upload))
        .routes(routes!(versions::get_version))
        .routes(routes!(versions::get_file))
        .routes(routes!(versions::diff_versions))
        .routes(routes!(views::overview))
        .routes(routes!(views::network))
        .routes(routes!(views::map))
        .routes(routes!(audit_log::list_audit))
        .routes(routes!(jobs::list_jobs, jobs::create_job))
        .routes(routes!(jobs::get_job))
        .routes(routes!(jobs::cancel_job))
        .routes(routes!(jobs::job_events))
        .routes(routes!(jobs::results_json))
        .routes(routes!(jobs::results_csv))
        .routes(routes!(jobs::results_xlsx))
        .routes(routes!(
            contributions::list_contributions,
            contributions::upload
        ))
        .routes(routes!(contributions::mine))
        .routes(routes!(contributions::mine_file))
        .routes(routes!(contributions::firm_revisions))
        .routes(routes!(contributions::firm_file))
        .routes(routes!(contributions::assemble))
        .routes(routes!(aggregates::value_by_country))
        .routes(routes!(aggregates::capacity_by_country))
}

/// The OpenAPI description of every route (no database needed).
pub fn openapi() -> utoipa::openapi::OpenApi {
    routes().split_for_parts().1
}

pub(crate) fn router(
    db: Db,
    limits: Limits,
    behind_proxy: bool,
    jobs: crate::jobs::Jobs,
    disclosure: crate::Disclosure,
) -> Result<axum::Router, ApiError> {
    let dummy =
        crate::auth::password::hash(&crate::auth::secret::new("")).map_err(ApiError::Internal)?;
    let state = AppState {
        audit: crate::audit::Log::start(db.clone()),
        db,
        limits,
        secure_cookies: behind_proxy,
        forwarded_for: behind_proxy,
        by_account: Arc::new(Limiter::new(
            limits.login_failures_per_account,
            limits.login_window,
        )),
        by_client: Arc::new(Limiter::new(
            limits.login_failures_per_client,
            limits.login_window,
        )),
        dummy_hash: Arc::new(dummy),
        jobs,
        disclosure,
        models: crate::stored::Recent::default(),
        openapi_json: Arc::new(OnceLock::new()),
    };
    let (router, api) = routes().split_for_parts();
    let json = api
        .to_pretty_json()
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let _ = state.openapi_json.set(json);
    Ok(router
        .merge(crate::web::routes())
        .method_not_allowed_fallback(|| async {
            ApiError::MethodNotAllowed(
                "this route does not take that method; see GET /api/v1/openapi.json".into(),
            )
        })
        .layer(axum::middleware::from_fn(read_small_bodies))
        .layer(axum::middleware::from_fn_with_state(
            limits.request_timeout,
            time_limit,
        ))
        .fallback(|| async {
            ApiError::NotFound(
                "no such route; the API is described at GET /api/v1/openapi.json".into(),
            )
        })
        .with_state(state))
}

/// Ends a request that takes longer than the limit (reading its body included) with a clear error; its
/// transaction, if any, is dropped and so rolled back.
async fn time_limit(
    State(limit): State<std::time::Duration>,
    req: Request,
    next: axum::middleware::Next,
) -> Response {
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(r) => r,
        Err(_) => ApiError::Timeout {
            secs: limit.as_secs(),
        }
        .into_response(),
    }
}

/// Reads a small request body (a JSON request) before routing. A handler that refuses a request before reading
/// its body (no session, no CSRF token) would otherwise leave the body unread, and the server would then close
/// the connection after answering: a client that reuses kept-alive connections would find it dead on its next
/// request. Large bodies (uploads) are not read ahead: a refused upload costs its sender the connection rather
/// than costing the server the upload.
async fn read_small_bodies(req: Request, next: axum::middleware::Next) -> Response {
    const SMALL: u64 = 64 << 10;
    let small = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok())
        .is_some_and(|n| n > 0 && n <= SMALL);
    if !small {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    match axum::body::to_bytes(body, SMALL as usize).await {
        Ok(b) => {
            next.run(Request::from_parts(parts, axum::body::Body::from(b)))
                .await
        }
        Err(e) => {
            ApiError::BadRequest(format!("the request body could not be read: {e}")).into_response()
        }
    }
}

/// A JSON request body whose refusal is an [`ApiError`] (the JSON error shape), not axum's plain text.
#[derive(Debug)]
pub(crate) struct Body<T>(pub(crate) T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Body(v)),
            Err(r) if r.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(ApiError::TooLarge { limit: 2 << 20 })
            }
            Err(r) => Err(ApiError::BadRequest(r.body_text())),
        }
    }
}

/// Path parameters whose refusal (`/workspaces/abc`) is an [`ApiError`], not axum's plain text.
#[derive(Debug)]
pub(crate) struct Path<T>(pub(crate) T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| Path(p.0))
            .map_err(|r| ApiError::BadRequest(r.body_text()))
    }
}

/// A query string whose refusal is an [`ApiError`].
#[derive(Debug)]
pub(crate) struct Query<T>(pub(crate) T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| Query(q.0))
            .map_err(|r| ApiError::BadRequest(r.body_text()))
    }
}

/// A JSON response with a status.
pub(crate) fn json<T: Serialize>(status: StatusCode, v: &T) -> Response {
    (status, axum::Json(v)).into_response()
}

/// Refuses names that are empty, too long or hold control characters (anything else, quotes and SQL words
/// included, is stored verbatim: every query binds its parameters).
pub(crate) fn check_name(what: &str, name: &str) -> Result<(), ApiError> {
    let n = name.chars().count();
    if n == 0 || n > 200 {
        Err(ApiError::BadRequest(format!(
            "the {what} name must have 1 to 200 characters; it has {n}"
        )))
    } else if name.chars().any(char::is_control) {
        Err(ApiError::BadRequest(format!(
            "the {what} name holds a control character"
        )))
    } else if name.trim() != name {
        Err(ApiError::BadRequest(format!(
            "the {what} name starts or ends with a space"
        )))
    } else {
        Ok(())
    }
}

/// Maps a unique-key violation to a clear conflict, anything else to an internal error.
pub(crate) fn conflict(e: sqlx::Error, what: String) -> ApiError {
    match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => ApiError::Conflict(what),
        _ => e.into(),
    }
}

#[derive(Serialize, utoipa::ToSchema)]
struct Health {
    /// Always "ok" when the server answers and its database does.
    status: String,
    version: String,
}

/// Whether the server and its database answer. Needs no session.
#[utoipa::path(get, path = "/api/v1/health", tag = "server",
    responses((status = 200, body = Health), (status = 500, body = ErrorBody)))]
async fn health(State(st): State<AppState>) -> Result<Response, ApiError> {
    sqlx::query("SELECT 1").execute(&st.db.pool).await?;
    Ok(json(
        StatusCode::OK,
        &Health {
            status: "ok".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
    ))
}

/// This API's OpenAPI 3.1 description.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "server",
    responses((status = 200, description = "the OpenAPI document"), (status = 401, body = ErrorBody)))]
async fn openapi_json(State(st): State<AppState>, _c: Caller) -> Response {
    let body = st.openapi_json.get().cloned().unwrap_or_default();
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// Creates an admin from the command line (see [`crate::create_admin`]).
pub(crate) async fn accounts_insert_admin(db: &Db, name: &str, pw: &str) -> Result<i64, ApiError> {
    let u = accounts::insert_user(db, None, name, pw, crate::auth::Role::Admin, None).await?;
    Ok(u.id())
}
