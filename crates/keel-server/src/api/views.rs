//! Views of a stored version computed on request for the dashboard: the overview (what the model holds and a
//! summary of every platform, from keel-engine's `overview`). Like versions, they are for the workspace's
//! analysts and admins; contributors are refused (403) and non-members told the workspace does not exist (404).
//!
//! # Complexity
//! Loading the version (O(its size)) plus the view's own analysis (see keel-engine).

use super::versions::model_reader;
use super::{AppState, Path};
use crate::error::{ApiError, ErrorBody};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};

/// Looks up version number `v` of workspace `ws` and loads it as a model (on a blocking thread).
async fn load(st: &AppState, ws: i64, v: i64) -> Result<keel_model::Model, ApiError> {
    let id: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM versions WHERE workspace_id = $1 AND number = $2")
            .bind(ws)
            .bind(v)
            .fetch_optional(&st.db.pool)
            .await?;
    let (id,) =
        id.ok_or_else(|| ApiError::NotFound(format!("workspace {ws} has no version {v}")))?;
    let files = crate::stored::read(&st.db, id).await?;
    tokio::task::spawn_blocking(move || files.load())
        .await
        .map_err(|e| ApiError::Internal(format!("loading the version stopped: {e}")))?
        .map_err(ApiError::Internal)
}

/// The overview of a version: counts of its parts, and per platform its value added per unit, home share,
/// largest foreign contributor and number of single points of failure (as `keel exposure` and `keel
/// criticality` compute them). The body is keel-engine's overview JSON.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/versions/{v}/overview", tag = "versions",
    params(("ws" = i64, Path, description = "workspace id"), ("v" = i64, Path, description = "version number")),
    responses((status = 200, description = "`{model, home_country, currency, time_unit, counts, platforms}`"),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn overview(
    State(st): State<AppState>,
    c: crate::auth::Caller,
    Path((ws, v)): Path<(i64, i64)>,
) -> Result<Response, ApiError> {
    model_reader(&st, &c, ws).await?;
    let model = load(&st, ws, v).await?;
    let body = tokio::task::spawn_blocking(move || keel_engine::overview::run(&model).json_bytes())
        .await
        .map_err(|e| ApiError::Internal(format!("the overview stopped: {e}")))?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}
