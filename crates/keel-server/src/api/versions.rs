//! Model versions: upload (validated exactly as `keel check` validates, stored whole in one transaction or not
//! at all), list, describe, and serve one stored file byte for byte. Versions are immutable: nothing here
//! updates or deletes a stored version.
//!
//! A version holds every firm's rows, so only admins and the workspace's analysts may upload or read one;
//! contributors get their own firm's slice in a later phase. Every file read is recorded in the audit log.

use super::workspaces::visible;
use super::{json, AppState};
use super::{Path, Query};
use crate::audit::{self, Event};
use crate::auth::{secret, Caller, Role};
use crate::clock::rfc3339;
use crate::error::{ApiError, ErrorBody};
use crate::upload::{self, ZipLimits};
use axum::body::Body as RawBody;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct FileInfo {
    name: String,
    size: i64,
    sha256: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct VersionInfo {
    #[serde(skip)]
    pub(crate) id: i64,
    /// 1, 2, 3... within the workspace.
    pub(crate) number: i64,
    created_at: String,
    uploaded_by: String,
    /// "zip" (a CSV folder) or "xlsx" (one workbook, stored as model.xlsx).
    source: String,
    /// SHA-256 of the uploaded body (of an assembled version: of its files' names and digests).
    pub(crate) sha256: String,
    files: Vec<FileInfo>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Uploaded {
    pub(crate) version: VersionInfo,
    /// `keel check`'s warnings for the stored model, as `keel check --format json` writes them.
    #[schema(value_type = Vec<Object>)]
    pub(crate) warnings: Vec<keel_model::Diagnostic>,
}

/// Whole-model data is for admins and the workspace's analysts.
pub(crate) async fn model_reader(st: &AppState, c: &Caller, ws: i64) -> Result<String, ApiError> {
    let name = visible(st, c, ws).await?;
    if c.role == Role::Contributor {
        return Err(ApiError::Forbidden(
            "a contributor sees only its own firm's rows; whole-model versions are for analysts and admins".into(),
        ));
    }
    Ok(name)
}

/// Stores a new version: the body is a zip of the model folder or an .xlsx workbook.
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/versions", tag = "versions",
    params(("ws" = i64, Path, description = "workspace id")),
    request_body(content = Vec<u8>, description = "a zip of the model folder (application/zip) or an .xlsx workbook",
                 content_type = "application/zip"),
    responses((status = 201, body = Uploaded),
              (status = 400, description = "not a safe, readable zip or workbook", body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 413, body = ErrorBody),
              (status = 422, description = "the model does not validate; `keel check`'s diagnostics", body = ErrorBody)))]
pub(crate) async fn upload(
    State(st): State<AppState>,
    c: Caller,
    Path(ws): Path<i64>,
    headers: HeaderMap,
    body: RawBody,
) -> Result<Response, ApiError> {
    let (ws_name, bytes) = upload::read_body(
        model_reader(&st, &c, ws).await,
        body,
        st.limits.max_upload_bytes,
    )
    .await?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let zl = ZipLimits::from(&st.limits);
    let body_sha = secret::sha256_hex(&bytes);
    let prepared =
        tokio::task::spawn_blocking(move || upload::prepare(&bytes, content_type.as_deref(), zl))
            .await
            .map_err(|e| ApiError::Internal(e.to_string()))?;
    let accepted = match prepared {
        Ok(a) => a,
        Err(e) => {
            // A refused upload is recorded (who tried, why), and nothing else is stored.
            let why = format!("{}: {}", e.code(), e);
            st.audit
                .record(Event::by(&c, "version.refused", &ws_name, why))
                .await?;
            return Err(e);
        }
    };
    let mut w = st.db.begin_write().await?;
    let version = insert_version(&mut w, &c, ws, accepted.source, body_sha, accepted.files).await?;
    audit::record(
        &mut *w.tx,
        Event::by(
            &c,
            "version.upload",
            &ws_name,
            format!(
                "workspace {ws} version {} sha256 {}",
                version.number, version.sha256
            ),
        ),
    )
    .await?;
    w.commit().await?;
    Ok(json(
        StatusCode::CREATED,
        &Uploaded {
            version,
            warnings: accepted.warnings,
        },
    ))
}

/// Stores validated files as the workspace's next version, inside the caller's write transaction (which also
/// records what the caller wants recorded with it, then commits). Returns the version's database id and
/// description.
pub(crate) async fn insert_version(
    w: &mut crate::db::WriteTx<'_>,
    c: &Caller,
    ws: i64,
    source: upload::Source,
    body_sha: String,
    stored: Vec<(String, Vec<u8>)>,
) -> Result<VersionInfo, ApiError> {
    let t = crate::clock::now();
    let (number,): (i64,) = sqlx::query_as(
        "UPDATE workspaces SET version_count = version_count + 1 WHERE id = $1 RETURNING version_count",
    )
    .bind(ws)
    .fetch_one(&mut *w.tx)
    .await?;
    let (vid,): (i64,) = sqlx::query_as(
        "INSERT INTO versions (workspace_id, number, uploaded_by, created_at, source, sha256) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(ws)
    .bind(number)
    .bind(c.id)
    .bind(t)
    .bind(source.as_str())
    .bind(&body_sha)
    .fetch_one(&mut *w.tx)
    .await?;
    let mut files = Vec::with_capacity(stored.len());
    for (name, content) in stored {
        let sha = secret::sha256_hex(&content);
        let size = i64::try_from(content.len()).unwrap_or(i64::MAX);
        sqlx::query(
            "INSERT INTO version_files (version_id, name, size, sha256, content) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(vid)
        .bind(&name)
        .bind(size)
        .bind(&sha)
        .bind(content)
        .execute(&mut *w.tx)
        .await?;
        files.push(FileInfo {
            name,
            size,
            sha256: sha,
        });
    }
    Ok(VersionInfo {
        id: vid,
        number,
        created_at: rfc3339(t),
        uploaded_by: c.name.clone(),
        source: source.as_str().into(),
        sha256: body_sha,
        files,
    })
}

type VersionRow = (i64, i64, i64, String, String, String);

/// The versions of `rows` with their files, read in one query (not one per version: a workspace that has
/// been uploaded to for years has thousands of versions).
async fn describe(
    st: &AppState,
    ws: i64,
    rows: Vec<VersionRow>,
) -> Result<Vec<VersionInfo>, ApiError> {
    let (Some(first), Some(last)) = (rows.first().map(|r| r.1), rows.last().map(|r| r.1)) else {
        return Ok(Vec::new());
    };
    let files: Vec<(i64, String, i64, String)> = sqlx::query_as(
        "SELECT f.version_id, f.name, f.size, f.sha256 FROM version_files f \
         JOIN versions v ON v.id = f.version_id \
         WHERE v.workspace_id = $1 AND v.number >= $2 AND v.number <= $3 ORDER BY f.version_id, f.name",
    )
    .bind(ws)
    .bind(first.min(last))
    .bind(first.max(last))
    .fetch_all(&st.db.pool)
    .await?;
    let mut by_version: std::collections::HashMap<i64, Vec<FileInfo>> =
        std::collections::HashMap::new();
    for (vid, name, size, sha256) in files {
        by_version
            .entry(vid)
            .or_default()
            .push(FileInfo { name, size, sha256 });
    }
    Ok(rows
        .into_iter()
        .map(|(vid, number, t, by, source, sha256)| VersionInfo {
            id: vid,
            number,
            created_at: rfc3339(t),
            uploaded_by: by,
            source,
            sha256,
            files: by_version.remove(&vid).unwrap_or_default(),
        })
        .collect())
}

const VERSION_SELECT: &str = "SELECT v.id, v.number, v.created_at, u.name, v.source, v.sha256 \
     FROM versions v JOIN users u ON u.id = v.uploaded_by WHERE v.workspace_id = $1";

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct VersionPage {
    /// Versions numbered above this one (0 or absent: from the first).
    #[serde(default)]
    after: i64,
    /// At most this many (default 100, at most 1000).
    limit: Option<i64>,
}

/// The workspace's versions, oldest first, a page at a time (a workspace uploaded to for years has thousands).
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/versions", tag = "versions",
    params(("ws" = i64, Path, description = "workspace id"), VersionPage),
    responses((status = 200, body = Vec<VersionInfo>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub(crate) async fn list_versions(
    State(st): State<AppState>,
    c: Caller,
    Path(ws): Path<i64>,
    Query(p): Query<VersionPage>,
) -> Result<Response, ApiError> {
    model_reader(&st, &c, ws).await?;
    let limit = p.limit.unwrap_or(100).clamp(1, 1000);
    let rows: Vec<VersionRow> = sqlx::query_as(&format!(
        "{VERSION_SELECT} AND v.number > $2 ORDER BY v.number LIMIT $3"
    ))
    .bind(ws)
    .bind(p.after)
    .bind(limit)
    .fetch_all(&st.db.pool)
    .await?;
    Ok(json(StatusCode::OK, &describe(&st, ws, rows).await?))
}

/// One version and its files.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/versions/{v}", tag = "versions",
    params(("ws" = i64, Path, description = "workspace id"), ("v" = i64, Path, description = "version number")),
    responses((status = 200, body = VersionInfo), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub(crate) async fn get_version(
    State(st): State<AppState>,
    c: Caller,
    Path((ws, v)): Path<(i64, i64)>,
) -> Result<Response, ApiError> {
    model_reader(&st, &c, ws).await?;
    let rows: Vec<VersionRow> = sqlx::query_as(&format!("{VERSION_SELECT} AND v.number = $2"))
        .bind(ws)
        .bind(v)
        .fetch_all(&st.db.pool)
        .await?;
    let mut d = describe(&st, ws, rows).await?;
    match d.pop() {
        Some(info) => Ok(json(StatusCode::OK, &info)),
        None => Err(ApiError::NotFound(format!(
            "workspace {ws} has no version {v}"
        ))),
    }
}

pub(crate) fn content_type(name: &str) -> &'static str {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".csv") {
        "text/csv; charset=utf-8"
    } else if lower.ends_with(".toml") {
        "application/toml"
    } else if lower.ends_with(".xlsx") {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    } else {
        "application/octet-stream"
    }
}

/// One stored file of a version, byte for byte (recorded in the audit log: it holds firm-level data).
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/versions/{v}/files/{name}", tag = "versions",
    params(("ws" = i64, Path, description = "workspace id"), ("v" = i64, Path, description = "version number"),
           ("name" = String, Path, description = "file name, e.g. stages.csv")),
    responses((status = 200, description = "the file's bytes"), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn get_file(
    State(st): State<AppState>,
    c: Caller,
    Path((ws, v, name)): Path<(i64, i64, String)>,
) -> Result<Response, ApiError> {
    let ws_name = model_reader(&st, &c, ws).await?;
    let row: Option<(Vec<u8>,)> = sqlx::query_as(
        "SELECT f.content FROM version_files f JOIN versions v ON v.id = f.version_id \
         WHERE v.workspace_id = $1 AND v.number = $2 AND f.name = $3",
    )
    .bind(ws)
    .bind(v)
    .bind(&name)
    .fetch_optional(&st.db.pool)
    .await?;
    let (content,) = row.ok_or_else(|| {
        ApiError::NotFound(format!(
            "version {v} of workspace {ws} has no file {}",
            keel_model::diag::quote(&name)
        ))
    })?;
    st.audit
        .record(Event::by(
            &c,
            "file.read",
            &ws_name,
            format!("workspace {ws} version {v} file {name}"),
        ))
        .await?;
    Ok(([(header::CONTENT_TYPE, content_type(&name))], content).into_response())
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct FileDiff {
    name: String,
    /// "same", "changed", "added" (only in the newer version) or "removed" (only in the older).
    status: String,
    /// Rows, for a CSV table present in both versions and changed.
    rows: Option<crate::diff::TableDiff>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct VersionDiff {
    from: i64,
    to: i64,
    files: Vec<FileDiff>,
}

pub(crate) async fn files_of(
    st: &AppState,
    ws: i64,
    v: i64,
) -> Result<Vec<(String, String, Vec<u8>)>, ApiError> {
    let exists: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM versions WHERE workspace_id = $1 AND number = $2")
            .bind(ws)
            .bind(v)
            .fetch_optional(&st.db.pool)
            .await?;
    let (vid,) =
        exists.ok_or_else(|| ApiError::NotFound(format!("workspace {ws} has no version {v}")))?;
    Ok(sqlx::query_as(
        "SELECT name, sha256, content FROM version_files WHERE version_id = $1 ORDER BY name",
    )
    .bind(vid)
    .fetch_all(&st.db.pool)
    .await?)
}

/// What changed from version `base` to version `v`: per file, and for CSV tables the rows added, removed and
/// changed, matched by the table's key (recorded in the audit log: it reads firm-level data).
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/versions/{v}/diff/{base}", tag = "versions",
    params(("ws" = i64, Path, description = "workspace id"), ("v" = i64, Path, description = "the newer version"),
           ("base" = i64, Path, description = "the version compared against")),
    responses((status = 200, body = VersionDiff), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub(crate) async fn diff_versions(
    State(st): State<AppState>,
    c: Caller,
    Path((ws, v, base)): Path<(i64, i64, i64)>,
) -> Result<Response, ApiError> {
    let ws_name = model_reader(&st, &c, ws).await?;
    let old = files_of(&st, ws, base).await?;
    let new = files_of(&st, ws, v).await?;
    let out = tokio::task::spawn_blocking(move || -> Result<Vec<FileDiff>, ApiError> {
        let mut names: Vec<&String> = old.iter().chain(&new).map(|f| &f.0).collect();
        names.sort();
        names.dedup();
        let find = |set: &[(String, String, Vec<u8>)], n: &str| set.iter().position(|f| f.0 == n);
        let mut files = Vec::with_capacity(names.len());
        for n in names {
            let (status, rows) = match (find(&old, n), find(&new, n)) {
                (Some(a), Some(b)) if old[a].1 == new[b].1 => ("same", None),
                (Some(a), Some(b)) => {
                    let rows = if n.to_ascii_lowercase().ends_with(".csv") {
                        Some(
                            crate::diff::diff_table(&old[a].2, &new[b].2, n).map_err(|e| {
                                ApiError::Internal(format!(
                                    "{n}: a stored table cannot be read again: {e}"
                                ))
                            })?,
                        )
                    } else {
                        None
                    };
                    ("changed", rows)
                }
                (None, _) => ("added", None),
                (_, None) => ("removed", None),
            };
            files.push(FileDiff {
                name: n.clone(),
                status: status.into(),
                rows,
            });
        }
        Ok(files)
    })
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))??;
    st.audit
        .record(Event::by(
            &c,
            "version.diff",
            &ws_name,
            format!("workspace {ws} version {v} against {base}"),
        ))
        .await?;
    Ok(json(
        StatusCode::OK,
        &VersionDiff {
            from: base,
            to: v,
            files: out,
        },
    ))
}
