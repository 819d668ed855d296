//! Jobs through `keel serve` run as a process, on SQLite (or on a fresh database of the PostgreSQL server
//! KEEL_TEST_POSTGRES names, as scripts/postgres-test.sh runs it):
//! - a stress job on the uploaded example gives exactly what `keel stress` prints: the same JSON document, the
//!   same CSV bytes for each table, the same rows in each sheet of the workbook;
//! - a policy job (no version) on the server's `--policy-data` gives exactly what `keel policy` prints;
//! - a job running when the server is killed (SIGKILL) is queued again at the next start and then succeeds,
//!   and a job killed on each of its 3 starts is failed with the reason;
//! - killed at pseudo-random moments while short jobs are queued, run and stored, the server never loses an
//!   acknowledged job and never keeps half a result: every job ends succeeded with all its results (the same
//!   bytes each time) or failed with the reason and none.

use serde_json::{json, Value};
use std::io::{BufRead as _, BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

fn keel() -> Command {
    Command::new(env!("CARGO_BIN_EXE_keel"))
}

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/canada-dib")
}

/// A database of its own for one test: a SQLite file in `dir`, or a new PostgreSQL database.
fn database(dir: &Path) -> String {
    let base = match std::env::var("KEEL_TEST_POSTGRES") {
        Ok(b) if !b.is_empty() => b,
        _ => return format!("sqlite:{}", dir.join("k.db").display()),
    };
    let name = format!(
        "keel_jobs_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        sqlx::any::install_default_drivers();
        let mut c = <sqlx::AnyConnection as sqlx::Connection>::connect(&base)
            .await
            .unwrap();
        sqlx::raw_sql(&format!("CREATE DATABASE {name}"))
            .execute(&mut c)
            .await
            .unwrap();
    });
    // The same server, the new database (the path after the host).
    let (head, query) = base.split_once('?').unwrap_or((&base, ""));
    let host_end = head
        .rfind('/')
        .filter(|&i| i > head.find("://").unwrap() + 2);
    let server = host_end.map_or(head, |i| &head[..i]);
    let query = if query.is_empty() {
        String::new()
    } else {
        format!("?{query}")
    };
    format!("{server}/{name}{query}")
}

/// `keel serve` on a free port, killed when dropped.
struct Server {
    child: Child,
    addr: String,
    _out: BufReader<ChildStdout>,
}

impl Server {
    fn start(db: &str) -> Server {
        Server::start_with(db, &[])
    }

    /// With more flags of `keel serve`.
    fn start_with(db: &str, flags: &[&str]) -> Server {
        let mut child = keel()
            .args(["serve", "--bind", "127.0.0.1:0", "--database", db])
            .args(flags)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        let addr = line
            .split("http://")
            .nth(1)
            .and_then(|r| r.split(' ').next())
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .to_owned();
        Server {
            child,
            addr,
            _out: out,
        }
    }

    /// SIGKILL: no shutdown of any kind.
    fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An API client with a bearer token.
struct Client {
    agent: ureq::Agent,
    addr: String,
    token: String,
}

impl Client {
    fn get(&self, path: &str) -> (u16, Vec<u8>) {
        let r = self
            .agent
            .get(format!("http://{}{path}", self.addr))
            .header("Authorization", format!("Bearer {}", self.token))
            .call()
            .unwrap();
        let status = r.status().as_u16();
        let body = r
            .into_body()
            .with_config()
            .limit(1 << 30)
            .read_to_vec()
            .unwrap();
        (status, body)
    }

    fn get_json(&self, path: &str) -> Value {
        let (status, body) = self.get(path);
        assert_eq!(status, 200, "{path}: {}", String::from_utf8_lossy(&body));
        serde_json::from_slice(&body).unwrap()
    }

    fn post(&self, path: &str, content_type: &str, body: &[u8]) -> (u16, Value) {
        let r = self
            .agent
            .post(format!("http://{}{path}", self.addr))
            .header("Authorization", format!("Bearer {}", self.token))
            .header("Content-Type", content_type)
            .send(body)
            .unwrap();
        let status = r.status().as_u16();
        (
            status,
            serde_json::from_reader(r.into_body().into_reader()).unwrap(),
        )
    }

    /// Polls a job until `done(job)` holds (bounded, so a broken server fails the test instead of hanging it).
    fn wait(&self, ws: i64, id: i64, what: &str, done: impl Fn(&Value) -> bool) -> Value {
        let start = Instant::now();
        loop {
            let job = self.get_json(&format!("/api/v1/workspaces/{ws}/jobs/{id}"));
            if done(&job) {
                return job;
            }
            assert!(
                start.elapsed() < Duration::from_secs(300),
                "job {id} never {what}: {job}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

/// Makes the first admin, starts the server, and returns it with a client holding the admin's API token and a
/// new workspace.
fn set_up(db: &str) -> (Server, Client, i64) {
    set_up_with(db, &[])
}

/// [`set_up`] with more flags of `keel serve`.
fn set_up_with(db: &str, flags: &[&str]) -> (Server, Client, i64) {
    let mut c = keel()
        .args(["serve", "create-admin", "--database", db, "--name", "admin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    c.stdin
        .take()
        .unwrap()
        .write_all(b"admin password\n")
        .unwrap();
    assert!(c.wait().unwrap().success());
    let server = Server::start_with(db, flags);
    let a = agent();
    let r = a
        .post(format!("http://{}/api/v1/login", server.addr))
        .header("Content-Type", "application/json")
        .send(br#"{"name":"admin","password":"admin password"}"#)
        .unwrap();
    let cookie = r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let v: Value = serde_json::from_reader(r.into_body().into_reader()).unwrap();
    let r = a
        .post(format!("http://{}/api/v1/tokens", server.addr))
        .header("Cookie", &cookie)
        .header("X-CSRF-Token", v["csrf_token"].as_str().unwrap())
        .header("Content-Type", "application/json")
        .send(br#"{"name":"jobs"}"#)
        .unwrap();
    let v: Value = serde_json::from_reader(r.into_body().into_reader()).unwrap();
    let client = Client {
        agent: a,
        addr: server.addr.clone(),
        token: v["token"].as_str().unwrap().to_owned(),
    };
    let (status, w) = client.post(
        "/api/v1/workspaces",
        "application/json",
        br#"{"name":"dib"}"#,
    );
    assert_eq!(status, 201, "{w}");
    (server, client, w["id"].as_i64().unwrap())
}

/// A zip of a model folder's files.
fn zip(dir: &Path) -> Vec<u8> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    names.sort();
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for p in names {
        w.start_file(
            p.file_name().unwrap().to_str().unwrap(),
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        w.write_all(&std::fs::read(&p).unwrap()).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn upload(c: &Client, ws: i64, dir: &Path) {
    let (status, v) = c.post(
        &format!("/api/v1/workspaces/{ws}/versions"),
        "application/zip",
        &zip(dir),
    );
    assert_eq!(status, 201, "{v}");
}

fn new_job(c: &Client, ws: i64, body: &Value) -> i64 {
    let (status, v) = c.post(
        &format!("/api/v1/workspaces/{ws}/jobs"),
        "application/json",
        body.to_string().as_bytes(),
    );
    assert_eq!(status, 202, "{v}");
    v["id"].as_i64().unwrap()
}

/// `keel stress` on the example with `args`: its standard output.
fn cli(args: &[&str]) -> Vec<u8> {
    let out = keel()
        .arg("stress")
        .arg(example())
        .args(["--each", "site"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Every sheet of a workbook: (name, rows of cells as text).
fn sheets(path: &Path) -> Vec<(String, Vec<Vec<String>>)> {
    use calamine::Reader as _;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(path).unwrap();
    book.sheet_names()
        .into_iter()
        .map(|name| {
            let range = book.worksheet_range(&name).unwrap();
            let rows = range
                .rows()
                .map(|r| r.iter().map(ToString::to_string).collect())
                .collect();
            (name, rows)
        })
        .collect()
}

#[test]
fn a_stress_job_gives_exactly_what_keel_stress_prints() {
    let dir = tempfile::tempdir().unwrap();
    let (_server, c, ws) = set_up(&database(dir.path()));
    upload(&c, ws, &example());
    let id = new_job(
        &c,
        ws,
        &json!({"version": 1, "analysis": "stress", "each": "site"}),
    );
    let job = c.wait(ws, id, "ended", |j| {
        matches!(
            j["state"].as_str(),
            Some("succeeded" | "failed" | "cancelled")
        )
    });
    assert_eq!(job["state"], "succeeded", "{job}");
    let base = format!("/api/v1/workspaces/{ws}/jobs/{id}");

    let served: Value = c.get_json(&format!("{base}/results.json"));
    let printed: Value = serde_json::from_slice(&cli(&["--format", "json"])).unwrap();
    assert_eq!(served, printed);
    assert_eq!(
        c.get(&format!("{base}/results.csv")).1,
        cli(&["--format", "csv"]),
        "the main table"
    );
    for table in ["scenarios", "hits"] {
        assert_eq!(
            c.get(&format!("{base}/results.csv?table={table}")).1,
            cli(&["--format", "csv", "--table", table]),
            "{table}"
        );
    }
    let (status, book) = c.get(&format!("{base}/results.xlsx"));
    assert_eq!(status, 200);
    let served_book = dir.path().join("served.xlsx");
    std::fs::write(&served_book, book).unwrap();
    let printed_book = dir.path().join("printed.xlsx");
    cli(&["--format", "xlsx", "-o", printed_book.to_str().unwrap()]);
    let (a, b) = (sheets(&served_book), sheets(&printed_book));
    assert_eq!(
        a.iter().map(|s| s.0.as_str()).collect::<Vec<_>>(),
        ["scenarios", "hits"]
    );
    assert!(a[0].1.len() > 1, "the sheet has rows");
    assert_eq!(a, b);
}

/// `shared/data` beside the repository, or beside a folder above it (a worktree finds the main checkout's).
fn shared_data() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"))
        .canonicalize()
        .unwrap();
    here.ancestors()
        .skip(2)
        .map(|d| d.join("shared/data"))
        .find(|p| p.join("nato").is_dir())
        .unwrap_or_else(|| {
            panic!("this test needs the published data sets in shared/data beside the repository")
        })
}

/// `keel policy spending --country CAN` with `args`, reading NATO's tables from `data`: its standard output.
fn cli_policy(data: &Path, args: &[&str]) -> Vec<u8> {
    let out = keel()
        .args(["policy", "spending", "--country", "CAN", "--data"])
        .arg(data.join("nato"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn a_policy_job_gives_exactly_what_keel_policy_prints() {
    let dir = tempfile::tempdir().unwrap();
    let data = shared_data();
    let (_server, c, ws) = set_up_with(
        &database(dir.path()),
        &["--policy-data", data.to_str().unwrap()],
    );
    let id = new_job(
        &c,
        ws,
        &json!({"analysis": "policy", "command": "spending", "country": "CAN"}),
    );
    let job = c.wait(ws, id, "ended", |j| {
        matches!(
            j["state"].as_str(),
            Some("succeeded" | "failed" | "cancelled")
        )
    });
    assert_eq!(job["state"], "succeeded", "{job}");
    assert_eq!(job["version"], Value::Null);
    let base = format!("/api/v1/workspaces/{ws}/jobs/{id}");
    let (status, csv) = c.get(&format!("{base}/results.csv"));
    assert_eq!(status, 200);
    assert_eq!(
        csv,
        cli_policy(&data, &["--format", "csv"]),
        "the main table"
    );
    // Canada's row for 2014: 1.01% of GDP (NATO, 17 June 2024).
    let text = String::from_utf8(csv).unwrap();
    let y2014: Vec<&str> = text
        .lines()
        .find(|l| l.starts_with("2014,"))
        .unwrap()
        .split(',')
        .collect();
    let share: f64 = y2014[6].parse().unwrap();
    assert_eq!(format!("{:.2}", share * 100.0), "1.01", "{y2014:?}");
    for table in ["years", "gaps", "path", "source"] {
        assert_eq!(
            c.get(&format!("{base}/results.csv?table={table}")).1,
            cli_policy(&data, &["--format", "csv", "--table", table]),
            "{table}"
        );
    }
    let served: Value = c.get_json(&format!("{base}/results.json"));
    let printed: Value = serde_json::from_slice(&cli_policy(&data, &["--format", "json"])).unwrap();
    assert_eq!(served, printed);
    let (status, book) = c.get(&format!("{base}/results.xlsx"));
    assert_eq!(status, 200);
    let served_book = dir.path().join("served.xlsx");
    std::fs::write(&served_book, book).unwrap();
    let printed_book = dir.path().join("printed.xlsx");
    cli_policy(
        &data,
        &["--format", "xlsx", "-o", printed_book.to_str().unwrap()],
    );
    let (a, b) = (sheets(&served_book), sheets(&printed_book));
    assert_eq!(
        a.iter().map(|s| s.0.as_str()).collect::<Vec<_>>(),
        ["years", "gaps", "path", "source"]
    );
    assert_eq!(a, b);
}

#[test]
fn a_job_killed_while_running_is_requeued_and_fails_after_three_starts() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());
    let (server, mut c, ws) = set_up(&db);
    // A generated model big enough that a stress test of each stage runs for a while.
    let model = dir.path().join("gen");
    let out = keel()
        .args(["generate", model.to_str().unwrap(), "--stages", "1000"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    upload(&c, ws, &model);
    let body = json!({"version": 1, "analysis": "stress", "each": "stage"});
    let (first, second) = (new_job(&c, ws, &body), new_job(&c, ws, &body));
    let path = |id: i64| format!("/api/v1/workspaces/{ws}/jobs/{id}");
    // Running, on its n-th start, with some scenarios done.
    let running = |n: i64| {
        move |j: &Value| {
            j["state"] == "running"
                && j["attempts"] == n
                && j["progress"]["done"].as_i64().unwrap() > 0
        }
    };

    let mut server = server;
    for start in 1..=3 {
        c.wait(ws, first, "ran", running(start));
        server.kill();
        server = Server::start(&db);
        c.addr.clone_from(&server.addr);
        if start < 3 {
            let j = c.get_json(&path(first));
            assert!(
                matches!(j["state"].as_str(), Some("queued" | "running")),
                "queued again: {j}"
            );
        }
    }
    // Started 3 times, cut short 3 times: failed, with the reason, at the start (before any request).
    let j = c.get_json(&path(first));
    assert_eq!(j["state"], "failed", "{j}");
    assert_eq!(
        j["error"],
        "the server stopped while this job ran (3 times)"
    );
    assert_eq!(j["attempts"], 3);

    // The second job, killed once while it runs, is queued again and then succeeds.
    c.wait(ws, second, "ran", running(1));
    server.kill();
    let server = Server::start(&db);
    c.addr.clone_from(&server.addr);
    let j = c.wait(ws, second, "ended", |j| {
        matches!(
            j["state"].as_str(),
            Some("succeeded" | "failed" | "cancelled")
        )
    });
    assert_eq!(j["state"], "succeeded", "{j}");
    assert_eq!(j["attempts"], 2);
    assert_eq!(j["progress"], json!({"done": 1000, "total": 1000}));
    let doc = c.get_json(&format!("{}/results.json", path(second)));
    assert_eq!(doc["scenarios_total"], 1000);

    // No half results: the succeeded job has every format, the failed one none.
    for f in [
        "results.json",
        "results.csv",
        "results.csv?table=hits",
        "results.xlsx",
    ] {
        assert_eq!(c.get(&format!("{}/{f}", path(second))).0, 200, "{f}");
        assert_eq!(c.get(&format!("{}/{f}", path(first))).0, 409, "{f}");
    }
    drop(server);
}

fn ended(j: &Value) -> bool {
    matches!(
        j["state"].as_str(),
        Some("succeeded" | "failed" | "cancelled")
    )
}

#[test]
fn jobs_killed_at_random_moments_end_whole_or_fail_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());
    let (mut server, mut c, ws) = set_up(&db);
    upload(&c, ws, &example());
    let body = json!({"version": 1, "analysis": "stress", "each": "site"});
    let jobs = format!("/api/v1/workspaces/{ws}/jobs");
    let mut acknowledged: Vec<i64> = Vec::new();
    // A fixed pseudo-random sequence of kill delays (a linear congruential generator), so a failure replays.
    let mut seed: u64 = 29;
    for _round in 0..8 {
        // Queue jobs up to the per-user limit (4 queued or running).
        loop {
            let (status, v) = c.post(&jobs, "application/json", body.to_string().as_bytes());
            match status {
                202 => acknowledged.push(v["id"].as_i64().unwrap()),
                429 => break,
                _ => panic!("{status}: {v}"),
            }
        }
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        std::thread::sleep(Duration::from_millis(30 + (seed >> 33) % 700));
        server.kill();
        server = Server::start(&db);
        c.addr.clone_from(&server.addr);
    }
    let mut finished: Vec<Value> = acknowledged
        .iter()
        .map(|&id| c.wait(ws, id, "ended", ended))
        .collect();
    let listed = c.get_json(&jobs);
    assert_eq!(listed.as_array().unwrap().len(), acknowledged.len());
    let mut first: Option<Vec<u8>> = None;
    for j in &mut finished {
        let base = format!("{jobs}/{}", j["id"]);
        match j["state"].as_str().unwrap() {
            "succeeded" => {
                let (status, doc) = c.get(&format!("{base}/results.json"));
                assert_eq!(status, 200);
                // Same inputs, same bytes: every run of the job stored the same document.
                assert_eq!(&doc, first.get_or_insert_with(|| doc.clone()), "{j}");
                for f in [
                    "results.csv?table=scenarios",
                    "results.csv?table=hits",
                    "results.xlsx",
                ] {
                    assert_eq!(c.get(&format!("{base}/{f}")).0, 200, "{j} {f}");
                }
            }
            "failed" => {
                assert_eq!(
                    j["error"],
                    "the server stopped while this job ran (3 times)"
                );
                for f in ["results.json", "results.csv", "results.xlsx"] {
                    assert_eq!(c.get(&format!("{base}/{f}")).0, 409, "{j} {f}");
                }
            }
            s => panic!("job ended {s}: {j}"),
        }
    }
    assert!(first.is_some(), "no job succeeded: {finished:?}");
    assert!(
        acknowledged.len() > 4,
        "no job ended between two kills: {finished:?}"
    );
    drop(server);
}
