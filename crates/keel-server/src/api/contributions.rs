//! Firm contributions: a contributor uploads its firm's rows (each upload a new immutable revision, checked
//! from its own rows and the workspace's shared catalogue only), reads back only its own; analysts list and
//! read every firm's, and assemble the latest version with each firm's rows replaced by its latest revision
//! into a new version, validated exactly as `keel check` validates.
//!
//! Privacy: a contributor asking for another firm's contribution gets the very answer a firm that does not
//! exist gets, and nothing a contributor is told is computed from another firm's rows ([`crate::firm_rows`]).
//! Every upload, assembly and file read is in the audit log.

use super::versions::{content_type, files_of, insert_version, model_reader, Uploaded};
use super::workspaces::visible;
use super::Path;
use super::{json, AppState};
use crate::audit::{self, Event};
use crate::auth::{secret, Caller, Role};
use crate::clock::rfc3339;
use crate::error::{ApiError, ErrorBody};
use crate::firm_rows::{self, q, ExternalRef};
use crate::upload::{self, Source, ZipLimits};
use axum::body::Body as RawBody;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ContribFile {
    name: String,
    size: i64,
    sha256: String,
}

/// One revision of one firm's contribution.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Revision {
    firm: String,
    /// 1, 2, 3... per firm within the workspace.
    revision: i64,
    created_at: String,
    uploaded_by: String,
    /// The version whose catalogue (model.toml, countries, items) it was checked against.
    base_version: i64,
    /// SHA-256 of the uploaded body.
    sha256: String,
    files: Vec<ContribFile>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Contributed {
    revision: Revision,
    /// References to stages and sites outside the contribution's own rows: not checked now, resolved when
    /// analysts assemble the model.
    external: Vec<ExternalRef>,
    /// `keel check`'s warnings about the contribution's own rows.
    #[schema(value_type = Vec<Object>)]
    warnings: Vec<keel_model::Diagnostic>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Mine {
    firm: String,
    /// The latest revision's number (null before the first upload).
    latest: Option<i64>,
    /// Oldest first.
    revisions: Vec<Revision>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct UsedRevision {
    firm: String,
    revision: i64,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Assembled {
    #[serde(flatten)]
    uploaded: Uploaded,
    /// The version whose rows the contributions replaced.
    base_version: i64,
    /// The revision used for each firm, by firm id.
    contributions: Vec<UsedRevision>,
}

/// The caller's firm, for a contributor who belongs to the workspace.
async fn contributor(st: &AppState, c: &Caller, ws: i64) -> Result<(String, String), ApiError> {
    let name = visible(st, c, ws).await?;
    match (&c.role, &c.firm) {
        (Role::Contributor, Some(f)) => Ok((name, f.clone())),
        _ => Err(ApiError::Forbidden(
            "only a contributor (an account of one firm) has its own contribution; analysts read every \
             firm's under /contributions/firms/{firm}"
                .into(),
        )),
    }
}

/// The answer for a firm with no contribution, and for another firm's, alike.
fn no_contribution(ws: i64, firm: &str) -> ApiError {
    ApiError::NotFound(format!(
        "workspace {ws} has no contribution from firm {} that you may read",
        q(firm)
    ))
}

/// The workspace's latest version as a CSV folder: (number, files).
async fn latest_folder(st: &AppState, ws: i64) -> Result<(i64, Vec<(String, Vec<u8>)>), ApiError> {
    let row: Option<(i64, String)> = sqlx::query_as(
        "SELECT number, source FROM versions WHERE workspace_id = $1 ORDER BY number DESC LIMIT 1",
    )
    .bind(ws)
    .fetch_optional(&st.db.pool)
    .await?;
    let Some((number, source)) = row else {
        return Err(ApiError::Conflict(format!(
            "workspace {ws} has no version yet: an analyst uploads the model first (its model.toml, \
             countries and items are the catalogue contributions are checked against)"
        )));
    };
    if source != Source::Zip.as_str() {
        return Err(ApiError::Conflict(format!(
            "the latest version of workspace {ws} is a workbook; contributions need a CSV-folder version: \
             an analyst uploads the model as a zip of its folder"
        )));
    }
    let files = files_of(st, ws, number)
        .await?
        .into_iter()
        .map(|(n, _, b)| (n, b))
        .collect();
    Ok((number, files))
}

type RevisionRow = (i64, String, i64, i64, String, i64, String);

const REVISION_SELECT: &str =
    "SELECT c.id, c.firm, c.revision, c.created_at, u.name, c.base_version, c.sha256 \
     FROM contributions c JOIN users u ON u.id = c.uploaded_by WHERE c.workspace_id = $1";

async fn describe(st: &AppState, rows: Vec<RevisionRow>) -> Result<Vec<Revision>, ApiError> {
    let mut out = Vec::with_capacity(rows.len());
    for (id, firm, revision, t, by, base_version, sha256) in rows {
        let files: Vec<(String, i64, String)> = sqlx::query_as(
            "SELECT name, size, sha256 FROM contribution_files WHERE contribution_id = $1 ORDER BY name",
        )
        .bind(id)
        .fetch_all(&st.db.pool)
        .await?;
        out.push(Revision {
            firm,
            revision,
            created_at: rfc3339(t),
            uploaded_by: by,
            base_version,
            sha256,
            files: files
                .into_iter()
                .map(|(name, size, sha256)| ContribFile { name, size, sha256 })
                .collect(),
        });
    }
    Ok(out)
}

async fn revisions_of(st: &AppState, ws: i64, firm: &str) -> Result<Vec<Revision>, ApiError> {
    let rows: Vec<RevisionRow> = sqlx::query_as(&format!(
        "{REVISION_SELECT} AND c.firm = $2 ORDER BY c.revision"
    ))
    .bind(ws)
    .bind(firm)
    .fetch_all(&st.db.pool)
    .await?;
    describe(st, rows).await
}

/// Uploads the caller's firm's rows as its next revision (contributors only).
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/contributions", tag = "contributions",
    params(("ws" = i64, Path, description = "workspace id")),
    request_body(content = Vec<u8>, description = "a zip of the firm's tables: firms.csv (its own row), and \
                 any of sites.csv, stages.csv, inputs.csv, lanes.csv, demand.csv holding its rows only",
                 content_type = "application/zip"),
    responses((status = 201, body = Contributed),
              (status = 400, description = "not a safe, readable zip of firm tables", body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "the workspace has no CSV-folder version to check against", body = ErrorBody),
              (status = 413, body = ErrorBody),
              (status = 422, description = "another firm's rows, or `keel check`'s diagnostics of its own", body = ErrorBody)))]
pub(crate) async fn upload(
    State(st): State<AppState>,
    c: Caller,
    Path(ws): Path<i64>,
    body: RawBody,
) -> Result<Response, ApiError> {
    let ((ws_name, firm), bytes) = upload::read_body(
        contributor(&st, &c, ws).await,
        body,
        st.limits.max_upload_bytes,
    )
    .await?;
    let body_sha = secret::sha256_hex(&bytes);
    let checked = async {
        let (base, catalogue) = latest_folder(&st, ws).await?;
        let zl = ZipLimits::from(&st.limits);
        let f = firm.clone();
        let (files, checked) = tokio::task::spawn_blocking(move || {
            let files = upload::unpack_folder(&bytes, zl, "firms.csv")?;
            let checked = firm_rows::check_contribution(&f, &files, &catalogue)?;
            Ok::<_, ApiError>((files, checked))
        })
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))??;
        Ok::<_, ApiError>((base, files, checked))
    }
    .await;
    let (base, files, checked) = match checked {
        Ok(x) => x,
        Err(e) => {
            let why = format!("firm {firm}: {}: {}", e.code(), e);
            st.audit
                .record(Event::by(&c, "contribution.refused", &ws_name, why))
                .await?;
            return Err(e);
        }
    };
    let t = crate::clock::now();
    let mut w = st.db.begin_write().await?;
    let (revision,): (i64,) = sqlx::query_as(
        "SELECT COALESCE(MAX(revision), 0) + 1 FROM contributions WHERE workspace_id = $1 AND firm = $2",
    )
    .bind(ws)
    .bind(&firm)
    .fetch_one(&mut *w.tx)
    .await?;
    let (cid,): (i64,) = sqlx::query_as(
        "INSERT INTO contributions (workspace_id, firm, revision, uploaded_by, created_at, base_version, sha256) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(ws)
    .bind(&firm)
    .bind(revision)
    .bind(c.id)
    .bind(t)
    .bind(base)
    .bind(&body_sha)
    .fetch_one(&mut *w.tx)
    .await
    .map_err(|e| {
        super::conflict(
            e,
            "another upload for this firm was stored at the same moment; upload again".into(),
        )
    })?;
    let mut infos = Vec::with_capacity(files.len());
    for (name, content) in files {
        let sha = secret::sha256_hex(&content);
        let size = i64::try_from(content.len()).unwrap_or(i64::MAX);
        sqlx::query(
            "INSERT INTO contribution_files (contribution_id, name, size, sha256, content) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(cid)
        .bind(&name)
        .bind(size)
        .bind(&sha)
        .bind(content)
        .execute(&mut *w.tx)
        .await?;
        infos.push(ContribFile {
            name,
            size,
            sha256: sha,
        });
    }
    audit::record(
        &mut *w.tx,
        Event::by(
            &c,
            "contribution.upload",
            &ws_name,
            format!("workspace {ws} firm {firm} revision {revision} sha256 {body_sha}"),
        ),
    )
    .await?;
    w.commit().await?;
    Ok(json(
        StatusCode::CREATED,
        &Contributed {
            revision: Revision {
                firm,
                revision,
                created_at: rfc3339(t),
                uploaded_by: c.name,
                base_version: base,
                sha256: body_sha,
                files: infos,
            },
            external: checked.external,
            warnings: checked.warnings,
        },
    ))
}

/// Contributions: every firm's revisions for analysts and admins; one's own firm's for a contributor.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/contributions", tag = "contributions",
    params(("ws" = i64, Path, description = "workspace id")),
    responses((status = 200, body = Vec<Revision>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn list_contributions(
    State(st): State<AppState>,
    c: Caller,
    Path(ws): Path<i64>,
) -> Result<Response, ApiError> {
    visible(&st, &c, ws).await?;
    let out = match (&c.role, &c.firm) {
        (Role::Contributor, Some(f)) => revisions_of(&st, ws, f).await?,
        (Role::Contributor, None) => Vec::new(),
        _ => {
            let rows: Vec<RevisionRow> =
                sqlx::query_as(&format!("{REVISION_SELECT} ORDER BY c.firm, c.revision"))
                    .bind(ws)
                    .fetch_all(&st.db.pool)
                    .await?;
            describe(&st, rows).await?
        }
    };
    Ok(json(StatusCode::OK, &out))
}

/// The caller's firm's contribution: its revisions, oldest first, and the latest one's number.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/contributions/mine", tag = "contributions",
    params(("ws" = i64, Path, description = "workspace id")),
    responses((status = 200, body = Mine), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub(crate) async fn mine(
    State(st): State<AppState>,
    c: Caller,
    Path(ws): Path<i64>,
) -> Result<Response, ApiError> {
    let (_, firm) = contributor(&st, &c, ws).await?;
    let revisions = revisions_of(&st, ws, &firm).await?;
    Ok(json(
        StatusCode::OK,
        &Mine {
            latest: revisions.last().map(|r| r.revision),
            firm,
            revisions,
        },
    ))
}

/// Serves one stored file of a firm's revision (and records the read).
async fn serve_file(
    st: &AppState,
    c: &Caller,
    ws: i64,
    ws_name: &str,
    firm: &str,
    rev: i64,
    name: &str,
) -> Result<Response, ApiError> {
    let row: Option<(Vec<u8>,)> = sqlx::query_as(
        "SELECT f.content FROM contribution_files f JOIN contributions c ON c.id = f.contribution_id \
         WHERE c.workspace_id = $1 AND c.firm = $2 AND c.revision = $3 AND f.name = $4",
    )
    .bind(ws)
    .bind(firm)
    .bind(rev)
    .bind(name)
    .fetch_optional(&st.db.pool)
    .await?;
    let Some((content,)) = row else {
        let any: Option<(i64,)> = sqlx::query_as(
            "SELECT id FROM contributions WHERE workspace_id = $1 AND firm = $2 LIMIT 1",
        )
        .bind(ws)
        .bind(firm)
        .fetch_optional(&st.db.pool)
        .await?;
        return Err(match any {
            None => no_contribution(ws, firm),
            Some(_) => ApiError::NotFound(format!(
                "firm {}'s contribution has no revision {rev} with a file {}",
                q(firm),
                q(name)
            )),
        });
    };
    st.audit
        .record(Event::by(
            c,
            "contribution.file.read",
            ws_name,
            format!("workspace {ws} firm {firm} revision {rev} file {name}"),
        ))
        .await?;
    Ok(([(header::CONTENT_TYPE, content_type(name))], content).into_response())
}

/// One file of one of the caller's firm's revisions, byte for byte.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/contributions/mine/{rev}/files/{name}", tag = "contributions",
    params(("ws" = i64, Path, description = "workspace id"), ("rev" = i64, Path, description = "revision"),
           ("name" = String, Path, description = "file name, e.g. stages.csv")),
    responses((status = 200, description = "the file's bytes"), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn mine_file(
    State(st): State<AppState>,
    c: Caller,
    Path((ws, rev, name)): Path<(i64, i64, String)>,
) -> Result<Response, ApiError> {
    let (ws_name, firm) = contributor(&st, &c, ws).await?;
    serve_file(&st, &c, ws, &ws_name, &firm, rev, &name).await
}

/// May the caller read firm `firm`'s contribution? Analysts and admins may read every firm's; a contributor
/// only its own, and is told about any other exactly what it would be told about a firm that does not exist.
async fn firm_reader(st: &AppState, c: &Caller, ws: i64, firm: &str) -> Result<String, ApiError> {
    let name = visible(st, c, ws).await?;
    if c.role == Role::Contributor && c.firm.as_deref() != Some(firm) {
        return Err(no_contribution(ws, firm));
    }
    Ok(name)
}

/// One firm's revisions, oldest first.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/contributions/firms/{firm}", tag = "contributions",
    params(("ws" = i64, Path, description = "workspace id"), ("firm" = String, Path, description = "firm id")),
    responses((status = 200, body = Vec<Revision>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn firm_revisions(
    State(st): State<AppState>,
    c: Caller,
    Path((ws, firm)): Path<(i64, String)>,
) -> Result<Response, ApiError> {
    firm_reader(&st, &c, ws, &firm).await?;
    let revisions = revisions_of(&st, ws, &firm).await?;
    if revisions.is_empty() {
        return Err(no_contribution(ws, &firm));
    }
    Ok(json(StatusCode::OK, &revisions))
}

/// One file of one firm's revision, byte for byte.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/contributions/firms/{firm}/{rev}/files/{name}", tag = "contributions",
    params(("ws" = i64, Path, description = "workspace id"), ("firm" = String, Path, description = "firm id"),
           ("rev" = i64, Path, description = "revision"), ("name" = String, Path, description = "file name")),
    responses((status = 200, description = "the file's bytes"), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub(crate) async fn firm_file(
    State(st): State<AppState>,
    c: Caller,
    Path((ws, firm, rev, name)): Path<(i64, String, i64, String)>,
) -> Result<Response, ApiError> {
    let ws_name = firm_reader(&st, &c, ws, &firm).await?;
    serve_file(&st, &c, ws, &ws_name, &firm, rev, &name).await
}

/// Assembles the latest version with each firm's rows replaced by its latest contribution, validated as
/// `keel check` validates, into a new version (analysts and admins).
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/contributions/assemble", tag = "contributions",
    params(("ws" = i64, Path, description = "workspace id")),
    responses((status = 201, body = Assembled), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody),
              (status = 409, description = "no version or no contribution to assemble, or a version stored meanwhile", body = ErrorBody),
              (status = 422, description = "the assembled model does not validate; `keel check`'s diagnostics", body = ErrorBody)))]
pub(crate) async fn assemble(
    State(st): State<AppState>,
    c: Caller,
    Path(ws): Path<i64>,
) -> Result<Response, ApiError> {
    let ws_name = model_reader(&st, &c, ws).await?;
    let (base, base_files) = latest_folder(&st, ws).await?;
    let latest: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT c.id, c.firm, c.revision FROM contributions c WHERE c.workspace_id = $1 AND c.revision = \
         (SELECT MAX(d.revision) FROM contributions d WHERE d.workspace_id = c.workspace_id AND d.firm = c.firm) \
         ORDER BY c.firm",
    )
    .bind(ws)
    .fetch_all(&st.db.pool)
    .await?;
    if latest.is_empty() {
        return Err(ApiError::Conflict(format!(
            "workspace {ws} has no contribution to assemble yet"
        )));
    }
    let mut parts = Vec::with_capacity(latest.len());
    for (id, firm, _) in &latest {
        let files: Vec<(String, Vec<u8>)> = sqlx::query_as(
            "SELECT name, content FROM contribution_files WHERE contribution_id = $1 ORDER BY name",
        )
        .bind(id)
        .fetch_all(&st.db.pool)
        .await?;
        parts.push((firm.clone(), files));
    }
    let done = tokio::task::spawn_blocking(move || {
        let files = firm_rows::assemble(&base_files, &parts)?;
        let loaded = upload::load_files(&files)?;
        Ok::<_, ApiError>((files, loaded.warnings))
    })
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))?;
    let used = latest
        .iter()
        .map(|(_, f, r)| format!("{f}@{r}"))
        .collect::<Vec<_>>()
        .join(", ");
    let (files, warnings) = match done {
        Ok(x) => x,
        Err(e) => {
            let why = format!(
                "base version {base}, contributions {used}: {}: {e}",
                e.code()
            );
            st.audit
                .record(Event::by(&c, "assembly.refused", &ws_name, why))
                .await?;
            return Err(e);
        }
    };
    // What an assembled version's digest covers: its files' names and digests, in name order.
    let listing: String = files
        .iter()
        .map(|(n, b)| format!("{n}\0{}\n", secret::sha256_hex(b)))
        .collect();
    let sha = secret::sha256_hex(listing.as_bytes());
    let mut w = st.db.begin_write().await?;
    let version = insert_version(&mut w, &c, ws, Source::Zip, sha, files).await?;
    if version.number != base + 1 {
        // Dropping the transaction rolls it back: the version number is not used.
        return Err(ApiError::Conflict(format!(
            "version {} was stored while this assembly ran on version {base}; assemble again",
            version.number - 1
        )));
    }
    for (id, _, _) in &latest {
        sqlx::query("INSERT INTO assemblies (version_id, contribution_id) VALUES ($1, $2)")
            .bind(version.id)
            .bind(id)
            .execute(&mut *w.tx)
            .await?;
    }
    audit::record(
        &mut *w.tx,
        Event::by(
            &c,
            "assembly",
            &ws_name,
            format!(
                "workspace {ws} version {} from version {base} and contributions {used}",
                version.number
            ),
        ),
    )
    .await?;
    w.commit().await?;
    Ok(json(
        StatusCode::CREATED,
        &Assembled {
            uploaded: Uploaded { version, warnings },
            base_version: base,
            contributions: latest
                .into_iter()
                .map(|(_, firm, revision)| UsedRevision { firm, revision })
                .collect(),
        },
    ))
}
