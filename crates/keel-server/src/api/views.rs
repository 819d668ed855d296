//! Views of a stored version computed on request for the dashboard: the overview (what the model holds and a
//! summary of every platform, keel-engine's `overview`), one platform's upstream network (`network`) and the
//! world map's sites, lanes and chokepoints (`map`). Like versions, they are for the workspace's
//! analysts and admins; contributors are refused (403) and non-members told the workspace does not exist (404).
//!
//! # Complexity
//! Loading the version (O(its size)) plus the view's own analysis (see keel-engine).

use super::versions::model_reader;
use super::{AppState, Path, Query};
use crate::audit::Event;
use crate::error::{ApiError, ErrorBody};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// Looks up version number `v` of workspace `ws` and loads it as a model (on a blocking thread), or takes it
/// from the recently loaded ones.
async fn load(st: &AppState, ws: i64, v: i64) -> Result<Arc<keel_model::Model>, ApiError> {
    let id: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM versions WHERE workspace_id = $1 AND number = $2")
            .bind(ws)
            .bind(v)
            .fetch_optional(&st.db.pool)
            .await?;
    let (id,) =
        id.ok_or_else(|| ApiError::NotFound(format!("workspace {ws} has no version {v}")))?;
    if let Some(m) = st.models.get(id) {
        return Ok(m);
    }
    let files = crate::stored::read(&st.db, id).await?;
    let m = tokio::task::spawn_blocking(move || files.load())
        .await
        .map_err(|e| ApiError::Internal(format!("loading the version stopped: {e}")))?
        .map_err(ApiError::Internal)?;
    let m = Arc::new(m);
    st.models.put(id, m.clone());
    Ok(m)
}

/// Runs `view` on the model on a blocking thread and answers with its JSON.
async fn answer(
    model: Arc<keel_model::Model>,
    view: impl FnOnce(&keel_model::Model) -> Result<keel_engine::Results, keel_engine::EngineError>
        + Send
        + 'static,
) -> Result<Response, ApiError> {
    // Compact, unlike the CLI's pretty JSON: a large model's network is megabytes.
    let body = tokio::task::spawn_blocking(move || {
        view(&model).map(|r| serde_json::to_vec(&r.json).unwrap_or_default())
    })
    .await
    .map_err(|e| ApiError::Internal(format!("the view stopped: {e}")))?
    .map_err(|e| ApiError::BadRequest(e.to_string()))?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
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
    answer(model, |m| Ok(keel_engine::overview::run(m))).await
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
pub(crate) struct NetworkQuery {
    /// The platform: a demand stage id, or the item id of one demand stage (required).
    platform: Option<String>,
}

/// One platform's upstream network: every stage it depends on with its tier, site, firm, country and whether
/// it is a single point of failure, and every supply link with its AND group and OR alternatives. It names
/// firms and sites, so each read is in the audit log.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/versions/{v}/network", tag = "versions",
    params(("ws" = i64, Path, description = "workspace id"), ("v" = i64, Path, description = "version number"),
           NetworkQuery),
    responses((status = 200, description = "`{platform, tiers, stages, groups, links}`"),
              (status = 400, description = "no such platform", body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn network(
    State(st): State<AppState>,
    c: crate::auth::Caller,
    Path((ws, v)): Path<(i64, i64)>,
    Query(q): Query<NetworkQuery>,
) -> Result<Response, ApiError> {
    // Who may ask comes before what was asked: a stranger learns nothing from a malformed query.
    let ws_name = model_reader(&st, &c, ws).await?;
    let platform = q.platform.ok_or_else(|| {
        ApiError::BadRequest(
            "`platform`: name the platform, e.g. ?platform=plt-lav (a demand stage id, or its item id)".into(),
        )
    })?;
    let model = load(&st, ws, v).await?;
    let asked = platform.clone();
    let r = answer(model, move |m| keel_engine::network::run(m, &asked)).await?;
    st.audit
        .record(Event::by(
            &c,
            "version.network",
            &ws_name,
            format!("workspace {ws} version {v} network of {platform}"),
        ))
        .await?;
    Ok(r)
}

/// What the world map draws: sites with positions, firms, countries and stages; lanes with modes and
/// chokepoints; chokepoints with positions; countries' blocs; and what each site, chokepoint and country stops
/// alone. It names firms and sites, so each read is in the audit log.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/versions/{v}/map", tag = "versions",
    params(("ws" = i64, Path, description = "workspace id"), ("v" = i64, Path, description = "version number")),
    responses((status = 200, description = "`{home_country, platforms, sites, lanes, chokepoints, countries, blocs}`"),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn map(
    State(st): State<AppState>,
    c: crate::auth::Caller,
    Path((ws, v)): Path<(i64, i64)>,
) -> Result<Response, ApiError> {
    let ws_name = model_reader(&st, &c, ws).await?;
    let model = load(&st, ws, v).await?;
    let r = answer(model, |m| Ok(keel_engine::map::run(m))).await?;
    st.audit
        .record(Event::by(
            &c,
            "version.map",
            &ws_name,
            format!("workspace {ws} version {v} map"),
        ))
        .await?;
    Ok(r)
}
