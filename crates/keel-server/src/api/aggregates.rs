//! Published aggregates: tables summed over firms, shown to every member of a workspace. Contributors see
//! them through disclosure control (the server's (n, k) dominance rule, then complementary suppression, from
//! `keel-disclosure`): a suppressed cell is `null` with the status "suppressed", never saying which rule fired
//! or for whom. Analysts and admins see every value, each cell's number of firms and what contributors see of
//! it. Every read is in the audit log.

use super::workspaces::visible;
use super::{json, AppState, Path, Query};
use crate::aggregate::{self, Cell};
use crate::audit::Event;
use crate::auth::{Caller, Role};
use crate::error::{ApiError, ErrorBody};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct Which {
    /// Version number (default: the latest).
    version: Option<i64>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct RuleInfo {
    min_firms: usize,
    dominance: f64,
}

/// A published table: rows x columns of cells, margins ("total") last.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Aggregate {
    version: i64,
    /// "value_by_country" or "capacity_by_country".
    table: String,
    unit: String,
    /// "contributor" (disclosure-controlled) or "analyst" (every value).
    view: String,
    rule: RuleInfo,
    rows: Vec<String>,
    columns: Vec<String>,
    cells: Vec<Vec<Cell>>,
}

/// Value added upstream of each platform (per unit of it) by country of the stage adding it.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/aggregates/value-by-country", tag = "aggregates",
    params(("ws" = i64, Path, description = "workspace id"), Which),
    responses((status = 200, body = Aggregate), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn value_by_country(
    State(st): State<AppState>,
    c: Caller,
    Path(ws): Path<i64>,
    Query(q): Query<Which>,
) -> Result<Response, ApiError> {
    serve(st, c, ws, q, Kind::Value).await
}

/// Each item's finite production capacity by country of the stages making it (its concentration).
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/aggregates/capacity-by-country", tag = "aggregates",
    params(("ws" = i64, Path, description = "workspace id"), Which),
    responses((status = 200, body = Aggregate), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn capacity_by_country(
    State(st): State<AppState>,
    c: Caller,
    Path(ws): Path<i64>,
    Query(q): Query<Which>,
) -> Result<Response, ApiError> {
    serve(st, c, ws, q, Kind::Capacity).await
}

#[derive(Clone, Copy)]
enum Kind {
    Value,
    Capacity,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Value => "value_by_country",
            Kind::Capacity => "capacity_by_country",
        }
    }
}

async fn serve(
    st: AppState,
    c: Caller,
    ws: i64,
    q: Which,
    kind: Kind,
) -> Result<Response, ApiError> {
    let ws_name = visible(&st, &c, ws).await?;
    let number = match q.version {
        Some(v) => v,
        None => {
            let row: Option<(i64,)> = sqlx::query_as(
                "SELECT number FROM versions WHERE workspace_id = $1 ORDER BY number DESC LIMIT 1",
            )
            .bind(ws)
            .fetch_optional(&st.db.pool)
            .await?;
            row.map(|r| r.0)
                .ok_or_else(|| ApiError::NotFound(format!("workspace {ws} has no version yet")))?
        }
    };
    let files: Vec<(String, Vec<u8>)> = super::versions::files_of(&st, ws, number)
        .await?
        .into_iter()
        .map(|(n, _, b)| (n, b))
        .collect();
    let analyst = c.role != Role::Contributor;
    let d = st.disclosure;
    let out = tokio::task::spawn_blocking(move || {
        // A stored version validated when stored; if it no longer loads, say so without its diagnostics
        // (they would name firms' rows).
        let loaded = crate::upload::load_files(&files)
            .map_err(|_| ApiError::Internal(format!("version {number} cannot be loaded again")))?;
        let m = loaded.model;
        let internal = |e: keel_disclosure::DisclosureError| ApiError::Internal(e.to_string());
        let b = match kind {
            Kind::Value => aggregate::value_by_country(&m),
            Kind::Capacity => aggregate::capacity_by_country(&m),
        }
        .map_err(internal)?;
        let p = keel_disclosure::protect(&b.table, &aggregate::rule(d.min_firms, d.dominance))
            .map_err(internal)?;
        let cells = if analyst {
            aggregate::analyst_cells(&b, &p)
        } else {
            aggregate::contributor_cells(&p)
        };
        Ok::<_, ApiError>(Aggregate {
            version: number,
            table: kind.name().into(),
            unit: match kind {
                Kind::Value => format!(
                    "{} of value added per unit of the platform",
                    m.meta().currency
                ),
                Kind::Capacity => format!("units of the item per {}", m.meta().time_unit),
            },
            view: if analyst { "analyst" } else { "contributor" }.into(),
            rule: RuleInfo {
                min_firms: d.min_firms,
                dominance: d.dominance,
            },
            rows: b.rows,
            columns: b.cols,
            cells,
        })
    })
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))??;
    st.audit
        .record(Event::by(
            &c,
            if analyst {
                "aggregate.read.unsuppressed"
            } else {
                "aggregate.read"
            },
            &ws_name,
            format!("workspace {ws} version {number} {}", kind.name()),
        ))
        .await?;
    Ok(json(StatusCode::OK, &out))
}
