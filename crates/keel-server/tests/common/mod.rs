//! Shared by the server's integration tests: a real server on 127.0.0.1:0 (in-process, its own thread and
//! runtime), a real database (a fresh SQLite file, or a fresh PostgreSQL database on the server that
//! `KEEL_TEST_POSTGRES` names), and a real HTTP/1 client (ureq) that carries cookies and CSRF tokens by hand,
//! so the tests see exactly the headers a browser or script would.
#![allow(dead_code, unreachable_pub)]

use keel_server::{Background, Config, Disclosure, Limits};
use serde_json::{json, Value};
use std::collections::HashSet;
use std::io::{BufRead as _, BufReader, Read, Write as _};
use std::path::{Path, PathBuf};

pub const ADMIN: &str = "root-admin";
pub const ADMIN_PW: &str = "admin password 1";

/// A database URL for one test: SQLite in `dir`, or a new PostgreSQL database when KEEL_TEST_POSTGRES is set.
pub fn database(dir: &Path) -> String {
    match std::env::var("KEEL_TEST_POSTGRES") {
        Ok(base) if !base.is_empty() => fresh_postgres(&base),
        _ => format!("sqlite:{}", dir.join("keel.db").display()),
    }
}

fn fresh_postgres(base: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let name = format!(
        "keel_test_{}_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos()
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        sqlx::any::install_default_drivers();
        let mut c = <sqlx::AnyConnection as sqlx::Connection>::connect(base)
            .await
            .expect("KEEL_TEST_POSTGRES: cannot connect");
        sqlx::raw_sql(&format!("CREATE DATABASE {name}"))
            .execute(&mut c)
            .await
            .unwrap();
    });
    // Replace the database name (the path after the host), keeping any query string.
    let (head, query) = base.split_once('?').map_or((base, ""), |(h, q)| (h, q));
    let scheme_end = head.find("://").unwrap() + 3;
    let host_end = head[scheme_end..]
        .find('/')
        .map_or(head.len(), |i| scheme_end + i);
    let q = if query.is_empty() {
        String::new()
    } else {
        format!("?{query}")
    };
    format!("{}/{name}{q}", &head[..host_end])
}

/// A running server with one admin account.
#[derive(Debug)]
pub struct Server {
    pub bg: Background,
    pub database: String,
    pub dir: tempfile::TempDir,
    pub agent: ureq::Agent,
}

pub fn start(limits: Limits) -> Server {
    start_with_workers(limits, 1)
}

/// A running server whose job queue has `job_workers` workers (0: jobs stay queued).
pub fn start_with_workers(limits: Limits, job_workers: usize) -> Server {
    start_server(limits, job_workers, Disclosure::default())
}

/// A running server with one admin account and the given disclosure rule.
pub fn start_with(limits: Limits, disclosure: Disclosure) -> Server {
    start_server(limits, 1, disclosure)
}

/// A running server whose policy jobs read the data sets in `policy_data` (none: refused).
pub fn start_with_policy_data(policy_data: Option<PathBuf>) -> Server {
    start_config(Limits::default(), 1, Disclosure::default(), policy_data)
}

/// `shared/data` beside the repository, or beside a folder above it (a worktree finds the main checkout's).
pub fn shared_data() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"))
        .canonicalize()
        .unwrap();
    here.ancestors()
        .skip(2)
        .map(|d| d.join("shared/data"))
        .find(|p| p.join("nato").is_dir())
        .unwrap_or_else(|| {
            panic!("these tests need the published data sets (nato/, sipri/, csis-canada/) in shared/data beside the repository")
        })
}

fn start_server(limits: Limits, job_workers: usize, disclosure: Disclosure) -> Server {
    start_config(limits, job_workers, disclosure, None)
}

fn start_config(
    limits: Limits,
    job_workers: usize,
    disclosure: Disclosure,
    policy_data: Option<PathBuf>,
) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let database = database(dir.path());
    keel_server::create_admin(&database, ADMIN, ADMIN_PW).unwrap();
    let bg = Background::start(Config {
        bind: "127.0.0.1:0".parse().unwrap(),
        database: database.clone(),
        behind_proxy: false,
        limits,
        job_workers,
        disclosure,
        policy_data,
    })
    .unwrap();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    Server {
        bg,
        database,
        dir,
        agent,
    }
}

/// How a request proves who it is.
#[derive(Clone, Debug, Default)]
pub struct Auth {
    pub cookie: Option<String>,
    pub csrf: Option<String>,
    pub bearer: Option<String>,
}

impl Auth {
    pub const NONE: Auth = Auth {
        cookie: None,
        csrf: None,
        bearer: None,
    };
    /// The same session without its CSRF token.
    pub fn without_csrf(&self) -> Auth {
        Auth {
            csrf: None,
            ..self.clone()
        }
    }
}

/// A response: status, headers we look at, body.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub set_cookie: Option<String>,
    pub retry_after: Option<String>,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
    /// The error code of a refusal.
    pub fn code(&self) -> String {
        self.json()["error"]["code"]
            .as_str()
            .unwrap_or("")
            .to_owned()
    }
}

fn add_auth<B>(mut rb: ureq::RequestBuilder<B>, a: &Auth) -> ureq::RequestBuilder<B> {
    if let Some(c) = &a.cookie {
        rb = rb.header("Cookie", c);
    }
    if let Some(c) = &a.csrf {
        rb = rb.header("X-CSRF-Token", c);
    }
    if let Some(b) = &a.bearer {
        rb = rb.header("Authorization", format!("Bearer {b}"));
    }
    rb
}

fn finish(r: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Resp {
    let r = r.expect("HTTP request failed");
    let h = |n: &str| r.headers().get(n).map(|v| v.to_str().unwrap().to_owned());
    let (status, set_cookie, retry_after, content_type) = (
        r.status().as_u16(),
        h("set-cookie"),
        h("retry-after"),
        h("content-type"),
    );
    let body = r
        .into_body()
        .with_config()
        .limit(1 << 30)
        .read_to_vec()
        .unwrap();
    Resp {
        status,
        set_cookie,
        retry_after,
        content_type,
        body,
    }
}

impl Server {
    pub fn url(&self, path: &str) -> String {
        self.bg.url(path)
    }

    pub fn get(&self, path: &str, a: &Auth) -> Resp {
        finish(add_auth(self.agent.get(self.url(path)), a).call())
    }

    pub fn delete(&self, path: &str, a: &Auth) -> Resp {
        finish(add_auth(self.agent.delete(self.url(path)), a).call())
    }

    /// POST or PUT with a JSON body (`Value::Null`: no body).
    pub fn send(&self, method: &str, path: &str, a: &Auth, body: &Value) -> Resp {
        let rb = match method {
            "POST" => self.agent.post(self.url(path)),
            "PUT" => self.agent.put(self.url(path)),
            m => panic!("method {m}"),
        };
        let rb = add_auth(rb, a);
        if body.is_null() {
            finish(rb.send_empty())
        } else {
            let bytes = serde_json::to_vec(body).unwrap();
            finish(
                rb.header("Content-Type", "application/json")
                    .send(&bytes[..]),
            )
        }
    }

    pub fn post(&self, path: &str, a: &Auth, body: &Value) -> Resp {
        self.send("POST", path, a, body)
    }

    pub fn upload(&self, ws: i64, a: &Auth, content_type: &str, bytes: &[u8]) -> Resp {
        let rb = add_auth(
            self.agent
                .post(self.url(&format!("/api/v1/workspaces/{ws}/versions"))),
            a,
        );
        finish(rb.header("Content-Type", content_type).send(bytes))
    }

    /// Signs in; panics unless it succeeds.
    pub fn login(&self, name: &str, password: &str) -> Auth {
        let r = self.post(
            "/api/v1/login",
            &Auth::NONE,
            &json!({"name": name, "password": password}),
        );
        assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
        let set = r.set_cookie.clone().expect("no Set-Cookie");
        let pair = set.split(';').next().unwrap().to_owned();
        Auth {
            cookie: Some(pair),
            csrf: r.json()["csrf_token"].as_str().map(str::to_owned),
            bearer: None,
        }
    }

    pub fn admin(&self) -> Auth {
        self.login(ADMIN, ADMIN_PW)
    }

    /// Creates an account as `admin` and returns its id.
    pub fn create_user(&self, admin: &Auth, name: &str, role: &str, firm: Option<&str>) -> i64 {
        let r = self.post(
            "/api/v1/users",
            admin,
            &json!({"name": name, "password": format!("{name} password"), "role": role, "firm": firm}),
        );
        assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
        r.json()["id"].as_i64().unwrap()
    }

    pub fn create_workspace(&self, admin: &Auth, name: &str) -> i64 {
        let r = self.post("/api/v1/workspaces", admin, &json!({"name": name}));
        assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
        r.json()["id"].as_i64().unwrap()
    }

    pub fn add_member(&self, admin: &Auth, ws: i64, user: i64) {
        let r = self.send(
            "PUT",
            &format!("/api/v1/workspaces/{ws}/members/{user}"),
            admin,
            &Value::Null,
        );
        assert_eq!(r.status, 204, "{}", String::from_utf8_lossy(&r.body));
    }

    /// An analyst who belongs to a new workspace: (analyst's session, workspace id).
    pub fn analyst_with_workspace(&self, name: &str) -> (Auth, i64) {
        let admin = self.admin();
        let id = self.create_user(&admin, name, "analyst", None);
        let ws = self.create_workspace(&admin, &format!("{name}'s workspace"));
        self.add_member(&admin, ws, id);
        (self.login(name, &format!("{name} password")), ws)
    }
}

pub fn example_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/canada-dib")
}

/// Zips a folder's files (sorted by name) under `prefix` ("" or "dib/").
pub fn zip_dir(dir: &Path, prefix: &str) -> Vec<u8> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    names.sort();
    let entries: Vec<(String, Vec<u8>)> = names
        .iter()
        .map(|p| {
            (
                format!("{prefix}{}", p.file_name().unwrap().to_str().unwrap()),
                std::fs::read(p).unwrap(),
            )
        })
        .collect();
    zip_entries(&entries)
}

/// A zip of the given (name, bytes) entries, deflated.
pub fn zip_entries(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        w.start_file(name.as_str(), opts).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// Copies a folder's files into a new temporary folder.
pub fn copy_dir(from: &Path) -> tempfile::TempDir {
    let to = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            std::fs::copy(&p, to.path().join(p.file_name().unwrap())).unwrap();
        }
    }
    to
}

/// An open server-sent event stream.
pub struct Events {
    lines: BufReader<Box<dyn Read + Send + Sync>>,
}

impl Events {
    pub fn open(s: &Server, path: &str, a: &Auth) -> Events {
        let mut rb = s.agent.get(s.url(path));
        if let Some(c) = &a.cookie {
            rb = rb.header("Cookie", c);
        }
        if let Some(b) = &a.bearer {
            rb = rb.header("Authorization", format!("Bearer {b}"));
        }
        let r = rb.call().unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], "text/event-stream");
        assert_eq!(r.headers()["x-accel-buffering"], "no");
        Events {
            lines: BufReader::new(Box::new(r.into_body().into_reader())),
        }
    }

    /// The next event (name, JSON data), or `None` once the server ends the stream.
    pub fn next(&mut self) -> Option<(String, Value)> {
        let (mut name, mut data) = (String::from("message"), String::new());
        loop {
            let mut line = String::new();
            if self.lines.read_line(&mut line).unwrap() == 0 {
                return None;
            }
            let line = line.trim_end_matches(['\r', '\n']);
            if line.is_empty() {
                if data.is_empty() {
                    continue; // a keep-alive comment ended
                }
                return Some((name, serde_json::from_str(&data).unwrap()));
            }
            if let Some(v) = line.strip_prefix("event:") {
                name = v.trim().to_owned();
            } else if let Some(v) = line.strip_prefix("data:") {
                data.push_str(v.trim_start());
            }
        }
    }

    /// Every event left, up to the end of the stream.
    pub fn rest(&mut self) -> Vec<(String, Value)> {
        std::iter::from_fn(|| self.next()).collect()
    }
}

/// Rows of `file` in the example whose `column` is in `keep`, with the header; and the values of `out` in them.
pub fn example_rows(
    file: &str,
    column: &str,
    keep: &HashSet<String>,
    out: &str,
) -> (String, HashSet<String>) {
    let mut r = csv::Reader::from_path(example_dir().join(file)).unwrap();
    let header = r.headers().unwrap().clone();
    let at = |c: &str| header.iter().position(|h| h == c).unwrap();
    let (k, o) = (at(column), at(out));
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&header).unwrap();
    let mut outs = HashSet::new();
    for rec in r.records() {
        let rec = rec.unwrap();
        if keep.contains(&rec[k]) {
            outs.insert(rec[o].to_owned());
            w.write_record(&rec).unwrap();
        }
    }
    (String::from_utf8(w.into_inner().unwrap()).unwrap(), outs)
}

/// Firm `firm`'s rows of the example (docs/server.md): its firm row, sites, their stages, those stages' inputs
/// and demand, and the lanes ending at its sites.
pub fn firm_rows(firm: &str) -> Vec<(String, Vec<u8>)> {
    let firm: HashSet<String> = [firm.to_owned()].into();
    let (firms, _) = example_rows("firms.csv", "id", &firm, "id");
    let (sites, site_ids) = example_rows("sites.csv", "firm", &firm, "id");
    let (stages, stage_ids) = example_rows("stages.csv", "site", &site_ids, "id");
    let (inputs, _) = example_rows("inputs.csv", "stage", &stage_ids, "stage");
    let (demand, _) = example_rows("demand.csv", "stage", &stage_ids, "stage");
    let (lanes, _) = example_rows("lanes.csv", "to_site", &site_ids, "id");
    assert!(!stage_ids.is_empty() && inputs.lines().count() > 1);
    [
        ("firms.csv", firms),
        ("sites.csv", sites),
        ("stages.csv", stages),
        ("inputs.csv", inputs),
        ("demand.csv", demand),
        ("lanes.csv", lanes),
    ]
    .into_iter()
    .map(|(n, t)| (n.to_owned(), t.into_bytes()))
    .collect()
}
