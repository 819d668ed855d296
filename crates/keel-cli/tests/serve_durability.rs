//! Durability of `keel serve` on SQLite (or on the PostgreSQL server KEEL_TEST_POSTGRES names, as
//! scripts/postgres-test.sh runs it): the server process is killed (SIGKILL) while two clients upload, at
//! pseudo-random moments, several times; after each restart every upload that was acknowledged (201) is there,
//! whole, byte for byte, and no half-written version exists (numbers run 1..=N without gaps, every version has
//! every file).

use std::io::{BufRead as _, BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/canada-dib")
}

/// The example's files, sorted by name.
fn files() -> Vec<(String, Vec<u8>)> {
    let mut f: Vec<(String, Vec<u8>)> = std::fs::read_dir(example())
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            (
                p.file_name().unwrap().to_str().unwrap().to_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    f.sort();
    f
}

fn zip(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    for (n, b) in files {
        w.start_file(n.as_str(), opts).unwrap();
        w.write_all(b).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// Starts `keel serve` on a free port; returns the process, its address and its standard output (kept open).
fn serve(db: &str) -> (Child, String, BufReader<std::process::ChildStdout>) {
    let mut c = Command::new(env!("CARGO_BIN_EXE_keel"))
        .args(["serve", "--bind", "127.0.0.1:0", "--database", db])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(c.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_owned();
    (c, addr, out)
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

fn json(r: ureq::http::Response<ureq::Body>) -> serde_json::Value {
    serde_json::from_reader(r.into_body().into_reader()).unwrap()
}

#[test]
fn acknowledged_uploads_survive_sigkill_and_nothing_is_half_written() {
    let dir = tempfile::tempdir().unwrap();
    // On a shared PostgreSQL database the test's own admin and workspace keep it apart from other runs.
    let (db, admin) = match std::env::var("KEEL_TEST_POSTGRES") {
        Ok(url) if !url.is_empty() => {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos();
            (url, format!("admin-{}-{nanos}", std::process::id()))
        }
        _ => (
            format!("sqlite:{}", dir.path().join("k.db").display()),
            "admin".to_owned(),
        ),
    };
    let mut c = Command::new(env!("CARGO_BIN_EXE_keel"))
        .args(["serve", "create-admin", "--database", &db, "--name", &admin])
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

    // Sign in once, make a workspace and an API token for the uploading clients.
    let (mut server, addr, _out) = serve(&db);
    let a = agent();
    let body = format!(r#"{{"name":"{admin}","password":"admin password"}}"#);
    let r = a
        .post(format!("http://{addr}/api/v1/login"))
        .header("Content-Type", "application/json")
        .send(body.as_bytes())
        .unwrap();
    let cookie = r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let csrf = json(r)["csrf_token"].as_str().unwrap().to_owned();
    let post = |path: &str, body: &str| {
        json(
            a.post(format!("http://{addr}{path}"))
                .header("Cookie", &cookie)
                .header("X-CSRF-Token", &csrf)
                .header("Content-Type", "application/json")
                .send(body.as_bytes())
                .unwrap(),
        )
    };
    let ws = post(
        "/api/v1/workspaces",
        &format!(r#"{{"name":"dib of {admin}"}}"#),
    )["id"]
        .as_i64()
        .unwrap();
    let token = post("/api/v1/tokens", r#"{"name":"uploader"}"#)["token"]
        .as_str()
        .unwrap()
        .to_owned();
    server.kill().unwrap();
    server.wait().unwrap();

    let files = files();
    let body = zip(&files);
    let mut acknowledged: Vec<i64> = Vec::new();
    // A fixed pseudo-random sequence of kill delays (a linear congruential generator), so a failure replays.
    let mut seed: u64 = 17;
    for _round in 0..6 {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let delay = Duration::from_millis(60 + (seed >> 33) % 400);
        let (mut server, addr, _out) = serve(&db);
        let got: Vec<i64> = std::thread::scope(|scope| {
            let uploaders: Vec<_> = (0..2)
                .map(|_| {
                    let (addr, token, body) = (&addr, &token, &body);
                    scope.spawn(move || {
                        let a = agent();
                        let mut ok = Vec::new();
                        // Until the server is gone (bounded: at most 200 uploads per client and round).
                        for _ in 0..200 {
                            let r = a
                                .post(format!("http://{addr}/api/v1/workspaces/{ws}/versions"))
                                .header("Authorization", format!("Bearer {token}"))
                                .header("Content-Type", "application/zip")
                                .send(&body[..]);
                            match r {
                                Ok(r) if r.status() == 201 => {
                                    ok.push(json(r)["version"]["number"].as_i64().unwrap());
                                }
                                Ok(r) => panic!("upload refused: {}", r.status()),
                                Err(_) => break,
                            }
                        }
                        ok
                    })
                })
                .collect();
            std::thread::sleep(delay);
            server.kill().unwrap();
            server.wait().unwrap();
            uploaders
                .into_iter()
                .flat_map(|h| h.join().unwrap())
                .collect()
        });
        acknowledged.extend(got);
    }
    assert!(
        acknowledged.len() >= 6,
        "too few uploads to test anything: {acknowledged:?}"
    );

    let (mut server, addr, _out) = serve(&db);
    let get = |path: &str| {
        a.get(format!("http://{addr}{path}"))
            .header("Authorization", format!("Bearer {token}"))
            .call()
            .unwrap()
    };
    let versions = json(get(&format!("/api/v1/workspaces/{ws}/versions")));
    let numbers: Vec<i64> = versions
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["number"].as_i64().unwrap())
        .collect();
    let n = i64::try_from(numbers.len()).unwrap();
    assert_eq!(
        numbers,
        (1..=n).collect::<Vec<i64>>(),
        "numbers without gaps"
    );
    for a in &acknowledged {
        assert!(numbers.contains(a), "acknowledged version {a} is missing");
    }
    for v in versions.as_array().unwrap() {
        let names: Vec<&str> = v["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap())
            .collect();
        let want: Vec<&str> = files.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(names, want, "version {}", v["number"]);
    }
    // Byte for byte, every file of the last version (the one most likely to be cut short).
    for (name, bytes) in &files {
        let r = get(&format!(
            "/api/v1/workspaces/{ws}/versions/{n}/files/{name}"
        ));
        assert_eq!(
            &r.into_body()
                .with_config()
                .limit(1 << 30)
                .read_to_vec()
                .unwrap(),
            bytes,
            "{name}"
        );
    }
    server.kill().unwrap();
    server.wait().unwrap();
}
