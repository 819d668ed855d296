//! `keel serve` as a user runs it: the binary makes the first admin from standard input, starts on a free
//! loopback port, prints where it listens and answers the health check over real HTTP; bad flags exit 2.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::process::{Command, Stdio};

fn keel() -> Command {
    Command::new(env!("CARGO_BIN_EXE_keel"))
}

/// One HTTP/1.1 request over a plain socket: (status line, body).
fn http(addr: &str, request: &str) -> (String, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let status = out.lines().next().unwrap_or("").to_owned();
    let body = out.split_once("\r\n\r\n").map_or("", |x| x.1).to_owned();
    (status, body)
}

#[test]
fn serve_makes_an_admin_starts_and_answers_health() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("k.db").display());
    // `keel serve create-admin --name alice`, the password on standard input.
    let create_alice = || {
        let mut c = keel()
            .args([
                "serve",
                "create-admin",
                "--database",
                &db,
                "--name",
                "alice",
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        c.stdin
            .take()
            .unwrap()
            .write_all(b"a long password\n")
            .unwrap();
        c.wait_with_output().unwrap()
    };
    let out = create_alice();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("created admin alice (account 1) in {db}\n")
    );
    // The same name again is bad input.
    let out = create_alice();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("exists already"));

    let mut server = keel()
        .args(["serve", "--bind", "127.0.0.1:0", "--database", &db])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    // Kept open until the server is stopped: the server goes on printing after its first line.
    let mut reader = BufReader::new(server.stdout.take().unwrap());
    reader.read_line(&mut first).unwrap();
    let addr = first
        .split("http://")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .unwrap_or_else(|| panic!("no address in {first:?}"))
        .to_owned();
    let (status, body) = http(
        &addr,
        "GET /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    let (status2, _) = http(
        &addr,
        "GET /api/v1/me HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    server.kill().unwrap();
    server.wait().unwrap();
    let mut rest = String::new();
    reader.read_to_string(&mut rest).unwrap();
    assert!(rest.contains("stop with Ctrl-C"), "{rest}");
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert!(body.contains("\"status\":\"ok\""), "{body}");
    assert_eq!(status2, "HTTP/1.1 401 Unauthorized");
}

#[test]
fn serve_refuses_an_unknown_database_kind() {
    let out = keel()
        .args(["serve", "--database", "mysql://x/y"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("give `sqlite:PATH`"));
}
