//! # keel-server
//!
//! `keel serve`: a shared workspace for Keel models over a versioned JSON API (`/api/v1/...`, described by an
//! OpenAPI document generated from the handlers and served at `/api/v1/openapi.json`).
//!
//! This phase holds accounts (admin, analyst, contributor of one firm; Argon2id passwords; session cookies with
//! a CSRF token, and hashed API tokens for scripts), a login rate limit, workspaces and their members, model
//! versions uploaded as a zip of the CSV folder or an .xlsx workbook and validated with exactly `keel check`'s
//! diagnostics before being stored whole in one transaction, analyses run on a version as background jobs
//! (keel-engine; a queue in the database that a restart resumes, progress as server-sent events, results as
//! JSON, CSV and xlsx; the `policy` analyses run on the published data sets of [`Config::policy_data`] instead
//! of a version), and an append-only audit log.
//!
//! The database is SQLite (embedded, the default, created on first start) or PostgreSQL, through one
//! `sqlx::Any` pool and one set of portable migrations run at start; [`db`] says why Any and not an enum of two
//! pools.
//!
//! The library never prints: [`run`] reports where it listens through a callback, and the `keel` binary
//! decides what to say. Tests and benchmarks start it in-process with [`Background::start`].

mod aggregate;
mod api;
mod audit;
mod auth;
mod clock;
pub mod db;
mod diff;
mod error;
mod firm_rows;
mod jobs;
mod stored;
mod upload;
pub mod web;

pub use api::openapi;
pub use auth::caller::Role;
pub use db::Dialect;
pub use error::{ApiError, ErrorBody, ErrorDetail, ServerError};

use std::net::SocketAddr;
use std::time::Duration;

/// Limits on what one request or account may do; every refusal names the limit.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Largest upload body, in bytes.
    pub max_upload_bytes: usize,
    /// Most entries (files and folders) in an uploaded zip or workbook.
    pub max_zip_entries: usize,
    /// Most bytes an upload may unpack to, counted while inflating.
    pub max_unpacked_bytes: u64,
    /// Most lines in all the CSV tables of an uploaded model folder.
    pub max_rows: usize,
    /// Failed sign-ins allowed per account name in one window.
    pub login_failures_per_account: u32,
    /// Failed sign-ins allowed per client address in one window.
    pub login_failures_per_client: u32,
    pub login_window: Duration,
    /// How long a session lasts after sign-in.
    pub session_hours: u32,
    /// Longest a request may take, reading its body included.
    pub request_timeout: Duration,
    /// Most jobs one user may have queued or running at once.
    pub max_jobs_per_user: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_upload_bytes: 64 << 20,
            max_zip_entries: 1000,
            max_unpacked_bytes: 512 << 20,
            max_rows: 5_000_000,
            login_failures_per_account: 5,
            login_failures_per_client: 20,
            login_window: Duration::from_secs(15 * 60),
            session_hours: 12,
            request_timeout: Duration::from_secs(120),
            max_jobs_per_user: 4,
        }
    }
}

/// The (n, k) dominance rule applied to the aggregates contributors see (docs/disclosure.md).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Disclosure {
    /// A published cell needs at least this many firms.
    pub min_firms: usize,
    /// No firm may make up more than this share (in (0, 1]) of a published cell.
    pub dominance: f64,
}

impl Default for Disclosure {
    /// 3 firms, 70%.
    fn default() -> Self {
        Disclosure {
            min_firms: 3,
            dominance: 0.70,
        }
    }
}

/// How to start the server.
#[derive(Clone, Debug)]
pub struct Config {
    pub bind: SocketAddr,
    /// `sqlite:PATH` or `postgres://...`.
    pub database: String,
    /// Clients reach the server over TLS through a reverse proxy: session cookies get the `Secure` flag, and the
    /// client's address (for the login limit and the audit log) is the one the proxy appends to
    /// `X-Forwarded-For`.
    pub behind_proxy: bool,
    pub limits: Limits,
    pub disclosure: Disclosure,
    /// Workers running jobs at once (each runs one analysis; 0 runs none, leaving jobs queued).
    pub job_workers: usize,
    /// The folder holding the published data sets that policy jobs read (`nato/`, `sipri/`, `csis-canada/`,
    /// as `shared/data` does); `None`: policy jobs that need one are refused.
    pub policy_data: Option<std::path::PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database: "sqlite:keel.db".into(),
            behind_proxy: false,
            limits: Limits::default(),
            disclosure: Disclosure::default(),
            job_workers: 1,
            policy_data: None,
        }
    }
}

/// What a started server tells its caller.
#[derive(Clone, Debug)]
pub struct Started {
    pub addr: SocketAddr,
    pub dialect: Dialect,
    /// How many accounts exist (0: the first admin is still to be made with `keel serve create-admin`).
    pub accounts: i64,
}

fn runtime() -> Result<tokio::runtime::Runtime, ServerError> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

/// What a bound server needs to run: its listener, routes, what it tells its caller, and the job queue.
type Bound = (
    tokio::net::TcpListener,
    axum::Router,
    Started,
    db::Db,
    jobs::Jobs,
);

async fn bind(config: &Config) -> Result<Bound, ServerError> {
    aggregate::rule(config.disclosure.min_firms, config.disclosure.dominance)
        .check()
        .map_err(|e| ServerError::Account(format!("the disclosure rule: {e}")))?;
    let db = db::Db::connect(&config.database).await?;
    let (accounts,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users")
        .fetch_one(&db.pool)
        .await
        .map_err(|source| ServerError::Database {
            url: config.database.clone(),
            source,
        })?;
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .map_err(|source| ServerError::Bind {
            addr: config.bind,
            source,
        })?;
    // Workers start last: a server that cannot listen must not take a job from the queue.
    let policy = config
        .policy_data
        .as_deref()
        .map(keel_engine::policy::PolicyData::in_folder)
        .unwrap_or_default();
    let jobs = jobs::Jobs::start(db.clone(), config.job_workers, policy)
        .await
        .map_err(ServerError::Jobs)?;
    let app = match api::router(
        db.clone(),
        config.limits,
        config.behind_proxy,
        jobs.clone(),
        config.disclosure,
    ) {
        Ok(app) => app,
        Err(e) => {
            jobs.shut_down();
            jobs.join().await;
            return Err(e.into());
        }
    };
    let started = Started {
        addr: listener.local_addr()?,
        dialect: db.dialect,
        accounts,
    };
    Ok((listener, app, started, db, jobs))
}

/// Serves until `stop`; then the job workers stop (their running jobs go back to the queue) and event
/// streams end, so the requests in flight can finish.
async fn serve(
    (listener, app, _, db, jobs): Bound,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    let stopping = jobs.clone();
    let served = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        stop.await;
        stopping.shut_down();
    })
    .await;
    jobs.shut_down();
    jobs.join().await;
    db.close().await;
    Ok(served?)
}

/// Runs the server until Ctrl-C (or SIGTERM); `on_start` is called once it listens.
pub fn run(config: &Config, on_start: impl FnOnce(&Started)) -> Result<(), ServerError> {
    runtime()?.block_on(async {
        let bound = bind(config).await?;
        on_start(&bound.2);
        serve(bound, shutdown_signal()).await
    })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

/// Creates an admin account from the command line (the only way to make the first one: no secret is ever
/// printed by a running server, and whoever can run this can already read the database).
pub fn create_admin(database: &str, name: &str, password: &str) -> Result<i64, ServerError> {
    runtime()?.block_on(async {
        let db = db::Db::connect(database).await?;
        let u = api::accounts_insert_admin(&db, name, password).await;
        db.close().await;
        Ok(u?)
    })
}

/// A server running on its own thread and runtime, for tests and benchmarks; stopped when dropped.
#[derive(Debug)]
pub struct Background {
    pub addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<Result<(), ServerError>>>,
}

impl Background {
    /// Starts the server and returns once it listens.
    pub fn start(config: Config) -> Result<Background, ServerError> {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || -> Result<(), ServerError> {
            let rt = runtime()?;
            rt.block_on(async move {
                let bound = match bind(&config).await {
                    Ok(b) => b,
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                        return Ok(());
                    }
                };
                let _ = ready_tx.send(Ok(bound.2.addr));
                serve(bound, async {
                    let _ = stop_rx.await;
                })
                .await
            })
        });
        match ready_rx.recv() {
            Ok(Ok(addr)) => Ok(Background {
                addr,
                stop: Some(stop_tx),
                thread: Some(thread),
            }),
            Ok(Err(e)) => Err(e),
            Err(_) => Err(match thread.join() {
                Ok(Err(e)) => e,
                _ => ServerError::Account("the server thread stopped before listening".into()),
            }),
        }
    }

    /// `http://ADDR` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Stops the server and waits for it.
    pub fn stop(mut self) -> Result<(), ServerError> {
        self.halt()
    }

    fn halt(&mut self) -> Result<(), ServerError> {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        match self.thread.take().map(std::thread::JoinHandle::join) {
            Some(Ok(r)) => r,
            Some(Err(_)) => Err(ServerError::Account("the server thread panicked".into())),
            None => Ok(()),
        }
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        let _ = self.halt();
    }
}
