//! Load benchmark of `keel serve` on loopback: 200 clients reading stored data and 10 uploading models at once,
//! on SQLite (default) or PostgreSQL (`KEEL_TEST_POSTGRES=postgres://...`, as the test suite).
//!
//! `cargo bench -p keel-server --bench load` starts the server in-process (release build, its own runtime),
//! signs an analyst in, uploads the bundled example (examples/canada-dib) and, when the server runs jobs, a
//! stress job's stored results; then for `KEEL_LOAD_SECS` seconds (default 20) 200 reader threads
//! (`KEEL_LOAD_READERS`) each cycle over GET requests of stored data (the results as JSON and CSV, the version
//! list, one model file) on their own keep-alive connection, while 10 uploader threads
//! (`KEEL_LOAD_UPLOADERS`) each upload the example as a new version. It prints throughput and latency
//! percentiles per kind of request; figures go in bench/RESULTS.md. Clients and server share the machine's
//! cores: the figures are for the whole loopback system.
//!
//! Pacing: each reader sends one request every `KEEL_LOAD_READ_EVERY_MS` (default 100: 2,000 requests a
//! second offered by 200 readers) and each uploader one upload every `KEEL_LOAD_UPLOAD_EVERY_MS` (default
//! 1,000); 0 sends the next request as soon as the last is answered (closed loop: the saturation throughput).
//! Latency is counted from when a request was due, not when it was sent, so a server that falls behind
//! schedule is charged for the wait (no coordinated omission). The first `KEEL_LOAD_WARMUP_SECS` (default 3)
//! are not counted: connections are opened and caches filled then.

#![allow(clippy::print_stdout, clippy::print_stderr)]

#[path = "../tests/common/mod.rs"]
mod common;

use common::{Auth, Server};
use keel_server::Limits;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Readers and uploaders unless `KEEL_LOAD_READERS` / `KEEL_LOAD_UPLOADERS` say otherwise.
const READERS: usize = 200;
const UPLOADERS: usize = 10;

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let secs = env("KEEL_LOAD_SECS", 20) as u64;
    let (readers_n, uploaders_n) = (
        env("KEEL_LOAD_READERS", READERS),
        env("KEEL_LOAD_UPLOADERS", UPLOADERS),
    );
    let db = if std::env::var("KEEL_TEST_POSTGRES").is_ok_and(|v| !v.is_empty()) {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    let server = Arc::new(common::start(Limits::default()));
    let (auth, ws) = server.analyst_with_workspace("load-analyst");
    let zip = Arc::new(common::zip_dir(&common::example_dir(), ""));
    let r = server.upload(ws, &auth, "application/zip", &zip);
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    let version = r.json()["version"]["number"]
        .as_i64()
        .expect("version number");
    let mut paths = vec![
        format!("/api/v1/workspaces/{ws}/versions"),
        format!("/api/v1/workspaces/{ws}/versions/{version}/files/stages.csv"),
    ];
    paths.extend(stored_results(&server, &auth, ws, version));
    eprintln!(
        "load: {db}, {readers_n} readers over {} routes and {uploaders_n} uploaders for {secs} s",
        paths.len()
    );

    let read_every = Duration::from_millis(env("KEEL_LOAD_READ_EVERY_MS", 100) as u64);
    let upload_every = Duration::from_millis(env("KEEL_LOAD_UPLOAD_EVERY_MS", 1000) as u64);
    eprintln!("load: a read every {read_every:?} per reader, an upload every {upload_every:?} per uploader");
    let warmup = Duration::from_secs(env("KEEL_LOAD_WARMUP_SECS", 3) as u64);
    let stop = Arc::new(AtomicBool::new(false));
    let start = Instant::now();
    let counted = start + warmup;
    let readers: Vec<_> = (0..readers_n)
        .map(|k| {
            let (server, auth, stop) = (server.clone(), auth.clone(), stop.clone());
            let paths = paths.clone();
            std::thread::spawn(move || {
                let mut lat: Vec<Vec<f64>> = vec![Vec::new(); paths.len()];
                let mut errors = 0usize;
                let mut i = k;
                // Readers start spread over one period, not all at once.
                let mut due = start + read_every.mul_f64(k as f64 / readers_n as f64);
                while !stop.load(Ordering::Relaxed) {
                    let p = i % paths.len();
                    let t = pace(&mut due, read_every);
                    let r = server.get(&paths[p], &auth);
                    if t >= counted {
                        lat[p].push(t.elapsed().as_secs_f64());
                        errors += usize::from(r.status != 200);
                    }
                    i += 1;
                }
                (lat, errors)
            })
        })
        .collect();
    let uploaders: Vec<_> = (0..uploaders_n)
        .map(|k| {
            let (server, auth, stop, zip) =
                (server.clone(), auth.clone(), stop.clone(), zip.clone());
            std::thread::spawn(move || {
                let mut lat = Vec::new();
                let mut errors = 0usize;
                let mut due = start + upload_every.mul_f64(k as f64 / uploaders_n as f64);
                while !stop.load(Ordering::Relaxed) {
                    let t = pace(&mut due, upload_every);
                    let r = server.upload(ws, &auth, "application/zip", &zip);
                    if t >= counted {
                        lat.push(t.elapsed().as_secs_f64());
                        errors += usize::from(r.status != 201);
                    }
                }
                (lat, errors)
            })
        })
        .collect();
    std::thread::sleep(warmup + Duration::from_secs(secs));
    stop.store(true, Ordering::Relaxed);
    let wall = (Instant::now() - counted).as_secs_f64();
    let mut per_path: Vec<Vec<f64>> = vec![Vec::new(); paths.len()];
    let mut read_errors = 0;
    for h in readers {
        let (lat, e) = h.join().expect("reader");
        for (all, l) in per_path.iter_mut().zip(lat) {
            all.extend(l);
        }
        read_errors += e;
    }
    let mut uploads = Vec::new();
    let mut upload_errors = 0;
    for h in uploaders {
        let (lat, e) = h.join().expect("uploader");
        uploads.extend(lat);
        upload_errors += e;
    }
    let mut reads: Vec<f64> = per_path.iter().flatten().copied().collect();
    println!("| {db} | request | count | per second | p50 ms | p99 ms | max ms | errors |");
    println!("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (p, l) in paths.iter().zip(per_path.iter_mut()) {
        row(db, &route(p), l, wall, None);
    }
    row(db, "all reads", &mut reads, wall, Some(read_errors));
    row(db, "uploads", &mut uploads, wall, Some(upload_errors));
}

/// Starts a stress job on the version and returns the routes of its stored results, once it has succeeded;
/// none when this server has no jobs.
fn stored_results(server: &Server, auth: &Auth, ws: i64, version: i64) -> Vec<String> {
    let r = server.post(
        &format!("/api/v1/workspaces/{ws}/jobs"),
        auth,
        &serde_json::json!({"version": version, "analysis": "stress", "each": "site"}),
    );
    if r.status == 404 {
        return Vec::new();
    }
    assert_eq!(r.status, 202, "{}", String::from_utf8_lossy(&r.body));
    let id = r.json()["id"].as_i64().expect("job id");
    let job = format!("/api/v1/workspaces/{ws}/jobs/{id}");
    loop {
        let j = server.get(&job, auth).json();
        match j["state"].as_str() {
            Some("succeeded") => break,
            Some("queued" | "running") => std::thread::sleep(Duration::from_millis(100)),
            other => panic!("stress job ended {other:?}: {j}"),
        }
    }
    vec![format!("{job}/results.json"), format!("{job}/results.csv")]
}

/// Waits until `due` (at once with a zero period) and returns it, the instant latency counts from; the next
/// request is due one period later.
fn pace(due: &mut Instant, every: Duration) -> Instant {
    if every.is_zero() {
        return Instant::now();
    }
    let now = Instant::now();
    if *due > now {
        std::thread::sleep(*due - now);
    }
    let t = *due;
    *due += every;
    t
}

/// A route's shape for the table (`/api/v1/workspaces/{ws}/...` with the numbers left out).
fn route(p: &str) -> String {
    p.split('/')
        .map(|s| if s.parse::<i64>().is_ok() { "{n}" } else { s })
        .collect::<Vec<_>>()
        .join("/")
}

fn row(db: &str, what: &str, lat: &mut [f64], wall: f64, errors: Option<usize>) {
    lat.sort_by(f64::total_cmp);
    let q = |p: f64| {
        if lat.is_empty() {
            f64::NAN
        } else {
            lat[((lat.len() - 1) as f64 * p).round() as usize] * 1e3
        }
    };
    println!(
        "| {db} | {what} | {} | {:.0} | {:.1} | {:.1} | {:.1} | {} |",
        lat.len(),
        lat.len() as f64 / wall,
        q(0.5),
        q(0.99),
        q(1.0),
        errors.map_or(String::new(), |e| e.to_string())
    );
}
