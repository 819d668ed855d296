//! Jobs: run an analysis on a version in the background, follow its progress, cancel it, and read its
//! results as JSON, CSV (one table at a time) or an xlsx workbook. A `policy` analysis reads the published
//! data sets the server was started with (`keel serve --policy-data DIR`) instead of a version, so it takes
//! none.
//!
//! Jobs read the whole model, so, like versions, they are for the workspace's analysts and admins only;
//! contributors are refused (403) and non-members told the workspace does not exist (404). Any analyst of the
//! workspace may follow or cancel any of its jobs. Each user may have at most `Limits::max_jobs_per_user`
//! jobs queued or running at once. Creating and cancelling a job, and reading results, are in the audit log.
//!
//! Progress is streamed as server-sent events (`text/event-stream`): `progress` events carry
//! `{"state", "done", "total"}` whenever they change (at most ten a second), then one `state` event carries the
//! finished job, and the stream ends. A stream opened on a finished job sends its last progress and its state
//! at once.
//!
//! # Complexity
//! Each route is a few indexed queries; results are served as stored.

use super::versions::model_reader;
use super::{json, AppState, Body, Path, Query};
use crate::audit::{self, Event as AuditEvent};
use crate::auth::Caller;
use crate::clock::rfc3339;
use crate::db::Dialect;
use crate::error::{ApiError, ErrorBody};
use crate::jobs::{is_final, Analysis, Count};
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::convert::Infallible;
use std::time::Duration;
use tokio::time::Instant;

/// What `POST .../jobs` takes: the version and the analysis with its options, in one object.
#[derive(Deserialize, utoipa::ToSchema)]
#[allow(dead_code)]
pub(crate) struct NewJob {
    /// The number of the version to analyse; left out for a `policy` analysis (which reads the published data
    /// sets, not a model).
    version: Option<i64>,
    /// The analysis: exposure, controls, concentration, criticality, stress, simulate, montecarlo, plan, or
    /// policy. Its options sit beside it, named as the command line's flags with `_` for `-` (e.g.
    /// `{"version": 1, "analysis": "stress", "each": "site", "per_platform": true}`); an option left out takes
    /// the command line's default, and an unknown one is refused naming it. A policy analysis names its command
    /// (spending, arms, integration or funding) in `command`, as `keel policy COMMAND` does: `{"analysis":
    /// "policy", "command": "spending", "country": "CAN"}`. Its data sets are the server's (`keel serve
    /// --policy-data DIR`); `funding` takes its programmes file's CSV text as `programmes` (default: the
    /// shipped example), and a bad row fails the job with the row's located error in `programmes.csv`.
    analysis: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct JobProgress {
    /// Steps done (scenarios, runs).
    done: i64,
    /// Steps in all (0 until the analysis has started).
    total: i64,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct JobInfo {
    id: i64,
    /// The version number it analyses (null for a policy job, which reads the published data sets).
    version: Option<i64>,
    /// The analysis's name, e.g. "stress".
    analysis: String,
    /// The analysis and its options, as given (without `version`).
    #[schema(value_type = Object)]
    options: Value,
    /// queued, running, succeeded, failed or cancelled.
    state: String,
    progress: JobProgress,
    /// Why it failed.
    error: Option<String>,
    /// A cancel was asked and the job has not stopped yet.
    cancel_requested: bool,
    created_by: String,
    created_at: String,
    started_at: Option<String>,
    finished_at: Option<String>,
    /// How many times a worker has started it (more than 1: the server stopped while it ran).
    attempts: i64,
    /// Its result tables, for `results.csv?table=NAME` (succeeded jobs; the first is served by default).
    tables: Vec<String>,
}

/// id, version number, kind, options, state, done, total, error, cancel_requested, creator, created, started,
/// finished, attempts, main table.
type JobRow = (
    i64,
    Option<i64>,
    String,
    String,
    String,
    i64,
    i64,
    Option<String>,
    i64,
    String,
    i64,
    Option<i64>,
    Option<i64>,
    i64,
    Option<String>,
);

const JOB_SELECT: &str = "SELECT j.id, v.number, j.kind, j.options, j.state, j.done, j.total, j.error, \
     j.cancel_requested, u.name, j.created_at, j.started_at, j.finished_at, j.attempts, j.main_table \
     FROM jobs j LEFT JOIN versions v ON v.id = j.version_id JOIN users u ON u.id = j.created_by \
     WHERE j.workspace_id = $1";

/// A job as the API shows it: progress from memory while this server runs it, from the database otherwise.
fn describe(st: &AppState, row: JobRow, csv: Vec<String>) -> JobInfo {
    let (
        id,
        version,
        kind,
        options,
        state,
        done,
        total,
        error,
        cancel,
        by,
        created,
        started,
        finished,
        attempts,
        main,
    ) = row;
    let (done, total) = match st.jobs.live(id) {
        Some(l) if state == "running" => {
            let c = l.count();
            (to_i64(c.done), to_i64(c.total))
        }
        _ => (done, total),
    };
    // The main table first, then the others in the analysis's order.
    let mut tables: Vec<String> = csv;
    if let Some(m) = main {
        if let Some(i) = tables.iter().position(|t| *t == m) {
            let t = tables.remove(i);
            tables.insert(0, t);
        }
    }
    JobInfo {
        id,
        version,
        analysis: kind,
        options: serde_json::from_str(&options).unwrap_or(Value::Null),
        cancel_requested: cancel != 0 && !is_final(&state),
        state,
        progress: JobProgress { done, total },
        error,
        created_by: by,
        created_at: rfc3339(created),
        started_at: started.map(rfc3339),
        finished_at: finished.map(rfc3339),
        attempts,
        tables,
    }
}

fn to_i64(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

async fn tables_of(st: &AppState, id: i64) -> Result<Vec<String>, ApiError> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT format FROM job_results WHERE job_id = $1 AND format LIKE 'csv:%' ORDER BY position",
    )
    .bind(id)
    .fetch_all(&st.db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(f,)| f["csv:".len()..].to_owned())
        .collect())
}

/// One job of the workspace, or 404.
async fn load(st: &AppState, ws: i64, id: i64) -> Result<JobInfo, ApiError> {
    let row: Option<JobRow> = sqlx::query_as(&format!("{JOB_SELECT} AND j.id = $2"))
        .bind(ws)
        .bind(id)
        .fetch_optional(&st.db.pool)
        .await?;
    let row = row.ok_or_else(|| ApiError::NotFound(format!("workspace {ws} has no job {id}")))?;
    let tables = tables_of(st, id).await?;
    Ok(describe(st, row, tables))
}

/// Queues an analysis of a version (or a policy analysis of the server's published data sets); answers 202
/// with the job (follow it at `.../jobs/{id}/events`).
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/jobs", tag = "jobs",
    params(("ws" = i64, Path, description = "workspace id")),
    request_body = NewJob,
    responses((status = 202, body = JobInfo),
              (status = 400, description = "not an analysis, an option it does not take (named), or a version missing \
                                            (a model analysis) or given (a policy analysis)", body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "a policy analysis whose data set this server was not given", body = ErrorBody),
              (status = 429, description = "the caller already has the most jobs queued or running", body = ErrorBody)))]
pub(crate) async fn create_job(
    State(st): State<AppState>,
    c: Caller,
    Path(ws): Path<i64>,
    Body(body): Body<Value>,
) -> Result<Response, ApiError> {
    let ws_name = model_reader(&st, &c, ws).await?;
    let Value::Object(mut fields) = body else {
        return Err(ApiError::BadRequest(
            "the body must be a JSON object such as {\"version\": 1, \"analysis\": \"stress\", \"each\": \"site\"}"
                .into(),
        ));
    };
    let version = fields.remove("version");
    let options = Value::Object(fields);
    let analysis: Analysis = serde_json::from_value(options.clone())
        .map_err(|e| ApiError::BadRequest(format!("bad analysis options: {e}")))?;
    let kind = analysis.name();
    let vid = if analysis.needs_model() {
        let version = version.as_ref().and_then(Value::as_i64).ok_or_else(|| {
            ApiError::BadRequest(format!(
                "`version`: a {kind} analysis runs on a version: give its number, e.g. {{\"version\": 1, \
                 \"analysis\": \"{kind}\"}}"
            ))
        })?;
        let found: Option<(i64,)> =
            sqlx::query_as("SELECT id FROM versions WHERE workspace_id = $1 AND number = $2")
                .bind(ws)
                .bind(version)
                .fetch_optional(&st.db.pool)
                .await?;
        let (vid,) = found.ok_or_else(|| {
            ApiError::NotFound(format!("workspace {ws} has no version {version}"))
        })?;
        Some((vid, version))
    } else {
        if version.is_some() {
            return Err(ApiError::BadRequest(
                "`version`: a policy analysis reads the published data sets, not a version; leave `version` out"
                    .into(),
            ));
        }
        if let Analysis::Policy(o) = &analysis {
            if let Some(missing) = st.jobs.policy_data().missing(o) {
                return Err(ApiError::Conflict(format!(
                    "this server has no {missing}, which `policy {}` reads: start it with `keel serve \
                     --policy-data DIR` (the folder holding nato/, sipri/ and csis-canada/, as shared/data does) \
                     or with KEEL_DATA set to that folder",
                    o.name()
                )));
            }
        }
        None
    };
    let options_text = options.to_string();
    let mut w = st.db.begin_write().await?;
    if st.db.dialect == Dialect::Postgres {
        // Two requests of one user count and insert one after the other (SQLite's write lock does this there).
        sqlx::query("SELECT id FROM users WHERE id = $1 FOR UPDATE")
            .bind(c.id)
            .execute(&mut *w.tx)
            .await?;
    }
    let (open,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM jobs WHERE created_by = $1 AND state IN ('queued', 'running')",
    )
    .bind(c.id)
    .fetch_one(&mut *w.tx)
    .await?;
    let limit = st.limits.max_jobs_per_user;
    if open >= i64::try_from(limit).unwrap_or(i64::MAX) {
        return Err(ApiError::TooManyJobs { limit });
    }
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO jobs (workspace_id, version_id, kind, options, state, created_by, created_at) \
         VALUES ($1, $2, $3, $4, 'queued', $5, $6) RETURNING id",
    )
    .bind(ws)
    .bind(vid.map(|(id, _)| id))
    .bind(kind)
    .bind(&options_text)
    .bind(c.id)
    .bind(crate::clock::now())
    .fetch_one(&mut *w.tx)
    .await?;
    audit::record(
        &mut *w.tx,
        AuditEvent::by(
            &c,
            "job.create",
            &ws_name,
            match vid {
                Some((_, version)) => {
                    format!("workspace {ws} version {version} job {id}: {options_text}")
                }
                None => format!("workspace {ws} job {id}: {options_text}"),
            },
        ),
    )
    .await?;
    w.commit().await?;
    st.jobs.queued();
    Ok(json(StatusCode::ACCEPTED, &load(&st, ws, id).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct JobPage {
    /// Jobs with an id below this one (0 or absent: from the newest).
    #[serde(default)]
    before: i64,
    /// At most this many (default 100, at most 1000).
    limit: Option<i64>,
}

/// The workspace's jobs, newest first.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/jobs", tag = "jobs",
    params(("ws" = i64, Path, description = "workspace id"), JobPage),
    responses((status = 200, body = Vec<JobInfo>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub(crate) async fn list_jobs(
    State(st): State<AppState>,
    c: Caller,
    Path(ws): Path<i64>,
    Query(p): Query<JobPage>,
) -> Result<Response, ApiError> {
    model_reader(&st, &c, ws).await?;
    let before = if p.before <= 0 { i64::MAX } else { p.before };
    let limit = p.limit.unwrap_or(100).clamp(1, 1000);
    let rows: Vec<JobRow> = sqlx::query_as(&format!(
        "{JOB_SELECT} AND j.id < $2 ORDER BY j.id DESC LIMIT $3"
    ))
    .bind(ws)
    .bind(before)
    .bind(limit)
    .fetch_all(&st.db.pool)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let tables = if row.4 == "succeeded" {
            tables_of(&st, row.0).await?
        } else {
            Vec::new()
        };
        out.push(describe(&st, row, tables));
    }
    Ok(json(StatusCode::OK, &out))
}

/// One job: state, progress, error, timings.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/jobs/{id}", tag = "jobs",
    params(("ws" = i64, Path, description = "workspace id"), ("id" = i64, Path, description = "job id")),
    responses((status = 200, body = JobInfo), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub(crate) async fn get_job(
    State(st): State<AppState>,
    c: Caller,
    Path((ws, id)): Path<(i64, i64)>,
) -> Result<Response, ApiError> {
    model_reader(&st, &c, ws).await?;
    Ok(json(StatusCode::OK, &load(&st, ws, id).await?))
}

/// Cancels a queued or running job (a running analysis stops at its next scenario or run); 202 with the job.
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/jobs/{id}/cancel", tag = "jobs",
    params(("ws" = i64, Path, description = "workspace id"), ("id" = i64, Path, description = "job id")),
    responses((status = 202, body = JobInfo), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, description = "the job has already ended", body = ErrorBody)))]
pub(crate) async fn cancel_job(
    State(st): State<AppState>,
    c: Caller,
    Path((ws, id)): Path<(i64, i64)>,
) -> Result<Response, ApiError> {
    let ws_name = model_reader(&st, &c, ws).await?;
    let job = load(&st, ws, id).await?;
    if is_final(&job.state) {
        return Err(ApiError::Conflict(format!(
            "job {id} has already ended ({}); there is nothing to cancel",
            job.state
        )));
    }
    let mut w = st.db.begin_write().await?;
    sqlx::query(
        "UPDATE jobs SET cancel_requested = 1 WHERE id = $1 AND state IN ('queued', 'running')",
    )
    .bind(id)
    .execute(&mut *w.tx)
    .await?;
    // A queued job ends here; a running one ends when its analysis notices the flag.
    sqlx::query(
        "UPDATE jobs SET state = 'cancelled', finished_at = $1 WHERE id = $2 AND state = 'queued'",
    )
    .bind(crate::clock::now())
    .bind(id)
    .execute(&mut *w.tx)
    .await?;
    audit::record(
        &mut *w.tx,
        AuditEvent::by(
            &c,
            "job.cancel",
            &ws_name,
            format!("workspace {ws} job {id}"),
        ),
    )
    .await?;
    w.commit().await?;
    if let Some(l) = st.jobs.live(id) {
        l.cancel();
    }
    st.jobs.bump();
    Ok(json(StatusCode::ACCEPTED, &load(&st, ws, id).await?))
}

/// One stored result of a succeeded job (recorded in the audit log: results describe firm-level data).
async fn result(
    st: &AppState,
    c: &Caller,
    ws: i64,
    id: i64,
    format: Option<&str>,
) -> Result<(JobInfo, String, Vec<u8>), ApiError> {
    let ws_name = model_reader(st, c, ws).await?;
    let job = load(st, ws, id).await?;
    match job.state.as_str() {
        "succeeded" => {}
        "failed" => {
            return Err(ApiError::Conflict(format!(
                "job {id} failed, so it has no results: {}",
                job.error.as_deref().unwrap_or("no reason recorded")
            )))
        }
        "cancelled" => {
            return Err(ApiError::Conflict(format!(
                "job {id} was cancelled, so it has no results"
            )))
        }
        s => {
            return Err(ApiError::Conflict(format!(
                "job {id} is {s}; its results are stored when it succeeds (follow it at \
                 GET /api/v1/workspaces/{ws}/jobs/{id}/events)"
            )))
        }
    }
    let format = match format {
        Some(f) => f.to_owned(),
        // The main table.
        None => match job.tables.first() {
            Some(t) => format!("csv:{t}"),
            None => "csv:".into(),
        },
    };
    if let Some(t) = format.strip_prefix("csv:") {
        if !job.tables.iter().any(|n| n == t) {
            return Err(ApiError::NotFound(format!(
                "job {id} has no table {}; its tables are: {}",
                keel_model::diag::quote(t),
                job.tables.join(", ")
            )));
        }
    }
    let row: Option<(Vec<u8>,)> =
        sqlx::query_as("SELECT content FROM job_results WHERE job_id = $1 AND format = $2")
            .bind(id)
            .bind(&format)
            .fetch_optional(&st.db.pool)
            .await?;
    let (content,) = row.ok_or_else(|| {
        ApiError::Internal(format!(
            "job {id} succeeded but its {format} result is missing"
        ))
    })?;
    st.audit
        .record(AuditEvent::by(
            c,
            "job.results",
            &ws_name,
            format!("workspace {ws} job {id} {format}"),
        ))
        .await?;
    Ok((job, format, content))
}

fn download(content_type: &str, file_name: &str, content: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
        ],
        content,
    )
        .into_response()
}

/// The results as one JSON document (what `keel ANALYSIS --format json` prints).
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/jobs/{id}/results.json", tag = "jobs",
    params(("ws" = i64, Path, description = "workspace id"), ("id" = i64, Path, description = "job id")),
    responses((status = 200, description = "the JSON document", content_type = "application/json"),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "the job has not succeeded", body = ErrorBody)))]
pub(crate) async fn results_json(
    State(st): State<AppState>,
    c: Caller,
    Path((ws, id)): Path<(i64, i64)>,
) -> Result<Response, ApiError> {
    let (job, _, content) = result(&st, &c, ws, id, Some("json")).await?;
    Ok(download(
        "application/json",
        &format!("keel-job-{id}-{}.json", job.analysis),
        content,
    ))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct TableParam {
    /// The table (one of the job's `tables`; default: the first, the analysis's main table).
    table: Option<String>,
}

/// One result table as CSV (what `keel ANALYSIS --format csv --table NAME` prints).
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/jobs/{id}/results.csv", tag = "jobs",
    params(("ws" = i64, Path, description = "workspace id"), ("id" = i64, Path, description = "job id"), TableParam),
    responses((status = 200, description = "the table", content_type = "text/csv"),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, description = "no such job or table (the message lists the tables)", body = ErrorBody),
              (status = 409, description = "the job has not succeeded", body = ErrorBody)))]
pub(crate) async fn results_csv(
    State(st): State<AppState>,
    c: Caller,
    Path((ws, id)): Path<(i64, i64)>,
    Query(q): Query<TableParam>,
) -> Result<Response, ApiError> {
    let wanted = q.table.map(|t| format!("csv:{t}"));
    let (job, format, content) = result(&st, &c, ws, id, wanted.as_deref()).await?;
    let table = format.strip_prefix("csv:").unwrap_or_default();
    Ok(download(
        "text/csv; charset=utf-8",
        &format!("keel-job-{id}-{}-{table}.csv", job.analysis),
        content,
    ))
}

/// Every result table as one sheet of an xlsx workbook (what `keel ANALYSIS --format xlsx` writes).
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/jobs/{id}/results.xlsx", tag = "jobs",
    params(("ws" = i64, Path, description = "workspace id"), ("id" = i64, Path, description = "job id")),
    responses((status = 200, description = "the workbook",
               content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "the job has not succeeded", body = ErrorBody)))]
pub(crate) async fn results_xlsx(
    State(st): State<AppState>,
    c: Caller,
    Path((ws, id)): Path<(i64, i64)>,
) -> Result<Response, ApiError> {
    let (job, _, content) = result(&st, &c, ws, id, Some("xlsx")).await?;
    Ok(download(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &format!("keel-job-{id}-{}.xlsx", job.analysis),
        content,
    ))
}

/// What the event stream follows between events.
struct Follow {
    st: AppState,
    ws: i64,
    id: i64,
    /// The last progress sent (state, count).
    last: Option<(String, Count)>,
    last_at: Option<Instant>,
    /// The final `state` event, sent after the last progress.
    closing: Option<Event>,
    ended: bool,
    stop: tokio::sync::watch::Receiver<bool>,
    changes: tokio::sync::watch::Receiver<u64>,
}

/// Fewest time between two progress events.
const EVENT_GAP: Duration = Duration::from_millis(100);
/// Longest a stream waits before looking at the database again (covers a change it was not woken for).
const RECHECK: Duration = Duration::from_secs(1);

fn progress_event(state: &str, c: Count) -> Event {
    Event::default()
        .event("progress")
        .data(serde_json::json!({"state": state, "done": c.done, "total": c.total}).to_string())
}

/// The next event of a job's stream, or `None` when the stream ends (the job ended, or the server stops).
async fn next_event(mut f: Follow) -> Option<(Result<Event, Infallible>, Follow)> {
    if f.ended {
        return None;
    }
    if let Some(e) = f.closing.take() {
        f.ended = true;
        return Some((Ok(e), f));
    }
    loop {
        if *f.stop.borrow_and_update() {
            return None;
        }
        if let Some(at) = f.last_at {
            tokio::time::sleep_until(at + EVENT_GAP).await;
        }
        // Running here: follow the count in memory. (The Arc is dropped at once, so that the channel closes
        // when the job ends.)
        let rx = f.st.jobs.live(f.id).map(|l| l.subscribe());
        if let Some(mut rx) = rx {
            let c = *rx.borrow_and_update();
            if f.last.as_ref() != Some(&("running".to_owned(), c)) {
                f.last = Some(("running".into(), c));
                f.last_at = Some(Instant::now());
                return Some((Ok(progress_event("running", c)), f));
            }
            tokio::select! {
                _ = rx.changed() => {}
                _ = f.stop.changed() => {}
                () = tokio::time::sleep(RECHECK) => {}
            }
            continue;
        }
        // Otherwise the database says: queued, ended, or running between being taken and being registered.
        f.changes.borrow_and_update();
        let job = load(&f.st, f.ws, f.id).await.ok()?;
        let c = Count {
            done: usize::try_from(job.progress.done).unwrap_or(0),
            total: usize::try_from(job.progress.total).unwrap_or(0),
        };
        let now = (job.state.clone(), c);
        let moved = f.last.as_ref() != Some(&now);
        if is_final(&job.state) {
            let end = Event::default()
                .event("state")
                .data(serde_json::to_string(&job).unwrap_or_default());
            if moved {
                f.closing = Some(end);
                return Some((Ok(progress_event(&job.state, c)), f));
            }
            f.ended = true;
            return Some((Ok(end), f));
        }
        if moved {
            f.last = Some(now);
            f.last_at = Some(Instant::now());
            return Some((Ok(progress_event(&job.state, c)), f));
        }
        tokio::select! {
            _ = f.changes.changed() => {}
            _ = f.stop.changed() => {}
            () = tokio::time::sleep(RECHECK) => {}
        }
    }
}

/// The job's progress as server-sent events: `progress` events, then one `state` event with the finished
/// job; the stream then ends.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/jobs/{id}/events", tag = "jobs",
    params(("ws" = i64, Path, description = "workspace id"), ("id" = i64, Path, description = "job id")),
    responses((status = 200, description = "`progress` events ({\"state\", \"done\", \"total\"}), then one `state` \
                                           event (the job)", content_type = "text/event-stream"),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn job_events(
    State(st): State<AppState>,
    c: Caller,
    Path((ws, id)): Path<(i64, i64)>,
) -> Result<Response, ApiError> {
    model_reader(&st, &c, ws).await?;
    load(&st, ws, id).await?;
    let f = Follow {
        stop: st.jobs.stopped(),
        changes: st.jobs.changes(),
        st,
        ws,
        id,
        last: None,
        last_at: None,
        closing: None,
        ended: false,
    };
    let stream = futures_util::stream::unfold(f, next_event);
    // X-Accel-Buffering: nginx passes each event on at once instead of buffering the stream.
    Ok((
        [("x-accel-buffering", "no")],
        Sse::new(stream).keep_alive(KeepAlive::default()),
    )
        .into_response())
}
