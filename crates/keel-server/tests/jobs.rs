//! Jobs over real HTTP: a stress job on the uploaded example streams its progress as server-sent events and
//! stores its results as JSON, CSV and xlsx; a long job is cancelled part-way and stores nothing; the per-user
//! limit and bad options are refused clearly; a restart runs the jobs left in the queue; and every job route
//! refuses callers without a session, analysts of other workspaces and contributors.

mod common;

use common::{
    example_dir, shared_data, start, start_with_policy_data, start_with_workers, zip_dir, Auth,
    Events, Server,
};
use keel_server::Limits;
use serde_json::{json, Value};

/// An analyst with a workspace holding the example as version 1.
fn with_example(s: &Server, name: &str) -> (Auth, i64) {
    let (ana, ws) = s.analyst_with_workspace(name);
    let r = s.upload(
        ws,
        &ana,
        "application/zip",
        &zip_dir(&example_dir(), "dib/"),
    );
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    (ana, ws)
}

/// Uploads a generated model of `stages` stages as the next version.
fn upload_generated(s: &Server, a: &Auth, ws: i64, stages: usize) {
    let dir = tempfile::tempdir().unwrap();
    let model = keel_io::generate::generate(&keel_io::generate::GenOptions {
        stages,
        ..keel_io::generate::GenOptions::default()
    })
    .build()
    .unwrap()
    .model;
    let out = dir.path().join("gen");
    keel_io::save(&model, &out).unwrap();
    let r = s.upload(ws, a, "application/zip", &zip_dir(&out, ""));
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
}

fn create(s: &Server, a: &Auth, ws: i64, body: &Value) -> common::Resp {
    s.post(&format!("/api/v1/workspaces/{ws}/jobs"), a, body)
}

fn created(s: &Server, a: &Auth, ws: i64, body: &Value) -> i64 {
    let r = create(s, a, ws, body);
    assert_eq!(r.status, 202, "{}", String::from_utf8_lossy(&r.body));
    r.json()["id"].as_i64().unwrap()
}

/// Asks for a job that must be refused with `status` and a message containing `needle`.
fn refused(s: &Server, a: &Auth, ws: i64, body: &Value, status: u16, needle: &str) {
    let r = create(s, a, ws, body);
    assert_eq!(
        r.status,
        status,
        "{body}: {}",
        String::from_utf8_lossy(&r.body)
    );
    let msg = r.json()["error"]["message"].as_str().unwrap().to_owned();
    assert!(msg.contains(needle), "{body}: {msg}");
}

/// Follows a job to its end: its progress events, then its final `state` event.
fn follow(s: &Server, a: &Auth, ws: i64, id: i64) -> (Vec<Value>, Value) {
    let events = Events::open(s, &format!("/api/v1/workspaces/{ws}/jobs/{id}/events"), a).rest();
    let (last, progress) = events.split_last().expect("no events");
    assert_eq!(last.0, "state", "{events:?}");
    assert!(progress.iter().all(|e| e.0 == "progress"), "{events:?}");
    (
        progress.iter().map(|e| e.1.clone()).collect(),
        last.1.clone(),
    )
}

#[test]
fn a_stress_job_streams_its_progress_and_stores_json_csv_and_xlsx() {
    let s = start(Limits::default());
    let (ana, ws) = with_example(&s, "ana");
    let r = create(
        &s,
        &ana,
        ws,
        &json!({"version": 1, "analysis": "stress", "each": "site"}),
    );
    assert_eq!(r.status, 202, "{}", String::from_utf8_lossy(&r.body));
    let job = r.json();
    let id = job["id"].as_i64().unwrap();
    assert_eq!(job["version"], 1);
    assert_eq!(job["analysis"], "stress");
    assert_eq!(
        job["options"],
        json!({"analysis": "stress", "each": "site"})
    );
    assert_eq!(job["created_by"], "ana");

    let (progress, end) = follow(&s, &ana, ws, id);
    // The example has 291 sites: one scenario each.
    let sites = 291;
    let done: Vec<i64> = progress
        .iter()
        .map(|p| p["done"].as_i64().unwrap())
        .collect();
    assert!(done.windows(2).all(|w| w[0] <= w[1]), "{done:?}");
    assert_eq!(progress.last().unwrap()["done"], sites, "{progress:?}");
    assert_eq!(progress.last().unwrap()["total"], sites);
    assert_eq!(end["state"], "succeeded", "{end}");
    assert_eq!(end["progress"], json!({"done": sites, "total": sites}));
    assert_eq!(end["attempts"], 1);
    assert_eq!(end["tables"], json!(["scenarios", "hits"]));
    assert!(end["started_at"].is_string() && end["finished_at"].is_string());

    // A stream opened on a finished job gives its last progress and its state at once.
    let (again, end2) = follow(&s, &ana, ws, id);
    assert_eq!(again.len(), 1);
    assert_eq!(
        again[0],
        json!({"state": "succeeded", "done": sites, "total": sites})
    );
    assert_eq!(end2, end);
    assert_eq!(
        s.get(&format!("/api/v1/workspaces/{ws}/jobs/{id}"), &ana)
            .json(),
        end
    );
    let list = s.get(&format!("/api/v1/workspaces/{ws}/jobs"), &ana).json();
    assert_eq!(list, json!([end]));

    let base = format!("/api/v1/workspaces/{ws}/jobs/{id}");
    let r = s.get(&format!("{base}/results.json"), &ana);
    assert_eq!(r.status, 200);
    assert_eq!(r.content_type.as_deref(), Some("application/json"));
    let doc = r.json();
    assert_eq!(doc["what"], "each site");
    assert_eq!(doc["scenarios_total"], sites);
    let csv = s.get(&format!("{base}/results.csv"), &ana);
    assert_eq!(csv.status, 200);
    assert_eq!(csv.content_type.as_deref(), Some("text/csv; charset=utf-8"));
    let named = s.get(&format!("{base}/results.csv?table=scenarios"), &ana);
    assert_eq!(named.body, csv.body, "the main table by default");
    // The CSV holds the JSON's rows: rank, scenario and REI agree row by row.
    let mut reader = csv::Reader::from_reader(&csv.body[..]);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let json_rows = doc["rows"].as_array().unwrap();
    assert_eq!(rows.len(), json_rows.len());
    for (k, (c, j)) in rows.iter().zip(json_rows).enumerate() {
        assert_eq!(c[0].parse::<usize>().unwrap(), k + 1);
        assert_eq!(&c[1], j["scenario"].as_str().unwrap());
        assert_eq!(c[2].parse::<f64>().unwrap(), j["rei"].as_f64().unwrap());
    }
    let hits = s.get(&format!("{base}/results.csv?table=hits"), &ana);
    assert_eq!(hits.status, 200);
    assert!(hits.body.starts_with(b"rank,scenario,platform,"));
    let r = s.get(&format!("{base}/results.csv?table=nope"), &ana);
    assert_eq!((r.status, r.code().as_str()), (404, "not_found"));
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .ends_with("its tables are: scenarios, hits"),
        "{}",
        r.json()
    );
    let x = s.get(&format!("{base}/results.xlsx"), &ana);
    assert_eq!(x.status, 200);
    assert_eq!(
        x.content_type.as_deref(),
        Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    );
    assert!(x.body.starts_with(b"PK\x03\x04"));
    let disposition = |path: &str| {
        s.agent
            .get(s.url(path))
            .header("Cookie", ana.cookie.as_deref().unwrap())
            .call()
            .unwrap()
            .headers()["content-disposition"]
            .to_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(
        disposition(&format!("{base}/results.json")),
        format!("attachment; filename=\"keel-job-{id}-stress.json\"")
    );
    assert_eq!(
        disposition(&format!("{base}/results.csv?table=hits")),
        format!("attachment; filename=\"keel-job-{id}-stress-hits.csv\"")
    );
    assert_eq!(
        disposition(&format!("{base}/results.xlsx")),
        format!("attachment; filename=\"keel-job-{id}-stress.xlsx\"")
    );

    // Creating the job and reading its results are in the audit log.
    let audit = s.get("/api/v1/audit", &s.admin()).json();
    let actions: Vec<&str> = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"].as_str().unwrap().starts_with("job."))
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions[0], "job.create");
    assert!(actions[1..].iter().all(|a| *a == "job.results"));
    // json, csv (twice: by default and by name), hits, xlsx, then the three downloads.
    assert_eq!(actions.len(), 1 + 5 + 3, "{actions:?}");
}

#[test]
fn a_cancelled_job_stops_part_way_and_stores_nothing() {
    let s = start(Limits::default());
    let (ana, ws) = s.analyst_with_workspace("ana");
    upload_generated(&s, &ana, ws, 2000);
    let id = created(
        &s,
        &ana,
        ws,
        &json!({"version": 1, "analysis": "stress", "each": "stage"}),
    );
    let mut ev = Events::open(
        &s,
        &format!("/api/v1/workspaces/{ws}/jobs/{id}/events"),
        &ana,
    );
    // Wait until it has done some of its scenarios, then cancel it.
    loop {
        let (name, data) = ev.next().expect("the stream ended before the job ran");
        assert_eq!(name, "progress");
        if data["done"].as_i64().unwrap() > 0 {
            break;
        }
    }
    let r = s.post(
        &format!("/api/v1/workspaces/{ws}/jobs/{id}/cancel"),
        &ana,
        &Value::Null,
    );
    assert_eq!(r.status, 202, "{}", String::from_utf8_lossy(&r.body));
    let rest = ev.rest();
    let (end, _) = rest.split_last().unwrap();
    assert_eq!(end.0, "state");
    let job = &end.1;
    assert_eq!(job["state"], "cancelled", "{job}");
    assert_eq!(job["cancel_requested"], false);
    assert_eq!(job["tables"], json!([]));
    let (done, total) = (
        job["progress"]["done"].as_i64().unwrap(),
        job["progress"]["total"].as_i64().unwrap(),
    );
    assert_eq!(total, 2000);
    assert!(
        done > 0 && done < total,
        "stopped part-way: {done} of {total}"
    );
    for f in ["results.json", "results.csv", "results.xlsx"] {
        let r = s.get(&format!("/api/v1/workspaces/{ws}/jobs/{id}/{f}"), &ana);
        assert_eq!((r.status, r.code().as_str()), (409, "conflict"), "{f}");
        assert!(r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("was cancelled"));
    }
    // An ended job cannot be cancelled again.
    let r = s.post(
        &format!("/api/v1/workspaces/{ws}/jobs/{id}/cancel"),
        &ana,
        &Value::Null,
    );
    assert_eq!((r.status, r.code().as_str()), (409, "conflict"));
    let audit = s.get("/api/v1/audit", &s.admin()).json();
    let cancels = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "job.cancel")
        .count();
    assert_eq!(cancels, 1);
}

#[test]
fn jobs_per_user_are_limited_and_bad_options_are_refused_by_name() {
    // No workers: every job stays queued.
    let s = start_with_workers(
        Limits {
            max_jobs_per_user: 2,
            ..Limits::default()
        },
        0,
    );
    let (ana, ws) = with_example(&s, "ana");
    let body = json!({"version": 1, "analysis": "stress", "each": "site"});
    let first = created(&s, &ana, ws, &body);
    created(&s, &ana, ws, &body);
    let r = create(&s, &ana, ws, &body);
    assert_eq!((r.status, r.code().as_str()), (429, "too_many_jobs"));
    let msg = r.json()["error"]["message"].as_str().unwrap().to_owned();
    assert!(
        msg.contains("already have 2 jobs queued or running"),
        "{msg}"
    );
    // Another analyst of the workspace has a limit of their own.
    let admin = s.admin();
    let bo = s.create_user(&admin, "bo", "analyst", None);
    s.add_member(&admin, ws, bo);
    let bo = s.login("bo", "bo password");
    created(&s, &bo, ws, &body);
    // Cancelling a queued job ends it at once and frees its place.
    let r = s.post(
        &format!("/api/v1/workspaces/{ws}/jobs/{first}/cancel"),
        &ana,
        &Value::Null,
    );
    assert_eq!(r.status, 202);
    assert_eq!(r.json()["state"], "cancelled");
    let (progress, end) = follow(&s, &ana, ws, first);
    assert_eq!(
        progress,
        [json!({"state": "cancelled", "done": 0, "total": 0})]
    );
    assert_eq!(end["state"], "cancelled");
    created(&s, &ana, ws, &body);

    // Bad requests name what is wrong, and store nothing.
    let before = s.get(&format!("/api/v1/workspaces/{ws}/jobs"), &ana).json();
    assert_eq!(before.as_array().unwrap().len(), 4);
    refused(
        &s,
        &bo,
        ws,
        &json!({"version": 1, "analysis": "stress", "eachh": "site"}),
        400,
        "unknown field `eachh`",
    );
    refused(
        &s,
        &bo,
        ws,
        &json!({"version": 1, "analysis": "stres"}),
        400,
        "unknown variant `stres`",
    );
    refused(
        &s,
        &bo,
        ws,
        &json!({"version": 1, "analysis": "stress", "each": "planet"}),
        400,
        "`planet`",
    );
    refused(
        &s,
        &bo,
        ws,
        &json!({"version": 1}),
        400,
        "missing field `analysis`",
    );
    refused(
        &s,
        &bo,
        ws,
        &json!({"version": 1, "analysis": "stress", "per_platform": "yes"}),
        400,
        "bad analysis options",
    );
    refused(
        &s,
        &bo,
        ws,
        &json!({"analysis": "stress"}),
        400,
        "`version`",
    );
    refused(
        &s,
        &bo,
        ws,
        &json!({"version": "1", "analysis": "stress"}),
        400,
        "`version`",
    );
    refused(&s, &bo, ws, &json!([1]), 400, "JSON object");
    refused(
        &s,
        &bo,
        ws,
        &json!({"version": 7, "analysis": "stress"}),
        404,
        "has no version 7",
    );
    let after = s.get(&format!("/api/v1/workspaces/{ws}/jobs"), &ana).json();
    assert_eq!(after, before);
}

/// An option only the model can judge fails the job with the analysis's own message, and leaves no results.
#[test]
fn a_job_the_analysis_refuses_fails_with_its_message() {
    let s = start(Limits::default());
    let (ana, ws) = with_example(&s, "ana");
    let id = created(
        &s,
        &ana,
        ws,
        &json!({"version": 1, "analysis": "simulate", "scenario": "no such scenario"}),
    );
    let (_, end) = follow(&s, &ana, ws, id);
    assert_eq!(end["state"], "failed", "{end}");
    let why = end["error"].as_str().unwrap();
    assert!(
        why.starts_with("unknown scenario `no such scenario`"),
        "{why}"
    );
    let r = s.get(
        &format!("/api/v1/workspaces/{ws}/jobs/{id}/results.json"),
        &ana,
    );
    assert_eq!((r.status, r.code().as_str()), (409, "conflict"));
    assert!(r.json()["error"]["message"].as_str().unwrap().contains(why));
}

#[test]
fn a_restart_runs_the_queued_jobs_and_a_clean_stop_requeues_the_running_one() {
    let mut s = start_with_workers(Limits::default(), 0);
    let (ana, ws) = with_example(&s, "ana");
    upload_generated(&s, &ana, ws, 2000);
    let quick = created(
        &s,
        &ana,
        ws,
        &json!({"version": 1, "analysis": "stress", "each": "site"}),
    );
    // Stops the server, then starts another on the same database (one server per database: a second one
    // would take the first one's running jobs for interrupted ones).
    let restart = |s: Server, workers: usize| {
        let Server {
            bg,
            database,
            dir,
            agent,
        } = s;
        bg.stop().unwrap();
        let bg = keel_server::Background::start(keel_server::Config {
            bind: "127.0.0.1:0".parse().unwrap(),
            database: database.clone(),
            job_workers: workers,
            ..keel_server::Config::default()
        })
        .unwrap();
        Server {
            bg,
            database,
            dir,
            agent,
        }
    };
    s = restart(s, 1);
    let (_, end) = follow(&s, &ana, ws, quick);
    assert_eq!(
        (end["state"].as_str(), end["attempts"].as_i64()),
        (Some("succeeded"), Some(1))
    );

    // A long job, stopped cleanly while it runs, is back in the queue, this start not counted.
    let long = created(
        &s,
        &ana,
        ws,
        &json!({"version": 2, "analysis": "stress", "each": "stage"}),
    );
    let mut ev = Events::open(
        &s,
        &format!("/api/v1/workspaces/{ws}/jobs/{long}/events"),
        &ana,
    );
    while ev.next().expect("ended early").1["done"].as_i64().unwrap() == 0 {}
    s = restart(s, 0);
    // The stream ends when the server stops, with no final state: the job has not ended.
    let rest = ev.rest();
    assert!(rest.iter().all(|e| e.0 == "progress"), "{rest:?}");
    let job = s
        .get(&format!("/api/v1/workspaces/{ws}/jobs/{long}"), &ana)
        .json();
    assert_eq!(job["state"], "queued", "{job}");
    assert_eq!(job["attempts"], 0);
    assert_eq!(job["progress"], json!({"done": 0, "total": 0}));
    assert!(job["started_at"].is_null());
}

/// Every job route refuses a caller without a session (401), an analyst of another workspace (404, as if the
/// workspace did not exist) and a contributor of the workspace (403), and lets the workspace's analysts and
/// admins in.
#[test]
fn every_job_route_refuses_strangers_and_contributors() {
    let s = start(Limits::default());
    let (ana, ws) = with_example(&s, "ana");
    let (other, _) = s.analyst_with_workspace("olga");
    let admin = s.admin();
    let con = s.create_user(&admin, "con", "contributor", Some("arcliff-brass-deu"));
    s.add_member(&admin, ws, con);
    let con = s.login("con", "con password");
    let id = created(
        &s,
        &ana,
        ws,
        &json!({"version": 1, "analysis": "stress", "each": "site"}),
    );
    let (_, end) = follow(&s, &ana, ws, id);
    assert_eq!(end["state"], "succeeded");
    let base = format!("/api/v1/workspaces/{ws}/jobs");
    let routes = [
        ("GET", base.clone()),
        ("POST", base.clone()),
        ("GET", format!("{base}/{id}")),
        ("POST", format!("{base}/{id}/cancel")),
        ("GET", format!("{base}/{id}/events")),
        ("GET", format!("{base}/{id}/results.json")),
        ("GET", format!("{base}/{id}/results.csv")),
        ("GET", format!("{base}/{id}/results.xlsx")),
    ];
    let body = json!({"version": 1, "analysis": "stress", "each": "site"});
    let call = |m: &str, path: &str, a: &Auth| match m {
        "GET" => s.get(path, a),
        _ => s.post(path, a, &body),
    };
    for (m, path) in &routes {
        for (who, a, status, code) in [
            ("no session", &Auth::NONE, 401, "unauthenticated"),
            ("another workspace's analyst", &other, 404, "not_found"),
            ("a contributor", &con, 403, "forbidden"),
        ] {
            let r = call(m, path, a);
            assert_eq!(
                (r.status, r.code().as_str()),
                (status, code),
                "{m} {path} by {who}"
            );
        }
    }
    // The admin (not a member) and the analyst get in; the cancel of the finished job is a conflict.
    for a in [&ana, &admin] {
        for (m, path) in &routes {
            if path.ends_with("/events") {
                assert_eq!(follow(&s, a, ws, id).1["state"], "succeeded");
                continue;
            }
            let r = call(m, path, a);
            let want = match (*m, path.ends_with("/cancel")) {
                ("POST", true) => 409,
                ("POST", false) => 202,
                _ => 200,
            };
            assert_eq!(
                r.status,
                want,
                "{m} {path}: {}",
                String::from_utf8_lossy(&r.body)
            );
        }
    }
    // A job of another workspace is not found through this one.
    let r = s.get(&format!("/api/v1/workspaces/{}/jobs/{id}", ws + 1), &other);
    assert_eq!(r.status, 404);
}

/// Every analysis of keel-engine runs as a job (two at a time) and stores exactly the bytes the engine gives
/// for the same version: the JSON document and each table's CSV, with the main table first.
#[test]
fn every_analysis_runs_as_a_job_and_stores_the_engines_bytes() {
    let s = start_with_workers(
        Limits {
            max_jobs_per_user: 8,
            ..Limits::default()
        },
        2,
    );
    let (ana, ws) = with_example(&s, "ana");
    let model = keel_io::load(&example_dir()).unwrap().model;
    let analyses = [
        json!({"analysis": "exposure"}),
        json!({"analysis": "controls"}),
        json!({"analysis": "concentration"}),
        json!({"analysis": "criticality"}),
        json!({"analysis": "stress", "each": "site"}),
        json!({"analysis": "simulate", "scenario": "cn-rail-stoppage", "horizon": 120}),
        json!({"analysis": "montecarlo", "runs": 200}),
        json!({"analysis": "plan", "budget": 200_000_000}),
    ];
    let ids: Vec<i64> = analyses
        .iter()
        .map(|a| {
            let mut body = a.clone();
            body["version"] = json!(1);
            created(&s, &ana, ws, &body)
        })
        .collect();
    for (a, id) in analyses.iter().zip(ids) {
        let (_, end) = follow(&s, &ana, ws, id);
        assert_eq!(end["state"], "succeeded", "{a}: {end}");
        let want = keel_engine::run(
            &model,
            &serde_json::from_value(a.clone()).unwrap(),
            &keel_model::Silent,
        )
        .unwrap();
        let base = format!("/api/v1/workspaces/{ws}/jobs/{id}");
        assert_eq!(
            s.get(&format!("{base}/results.json"), &ana).body,
            want.json_bytes(),
            "{a}"
        );
        let mut names: Vec<&str> = want.tables.iter().map(|t| t.name).collect();
        let main = names.iter().position(|n| *n == want.main).unwrap();
        let m = names.remove(main);
        names.insert(0, m);
        assert_eq!(end["tables"], json!(names), "{a}");
        for t in &want.tables {
            assert_eq!(
                s.get(&format!("{base}/results.csv?table={}", t.name), &ana)
                    .body,
                want.csv_bytes(Some(t.name)).unwrap(),
                "{a} {}",
                t.name
            );
        }
        assert_eq!(
            s.get(&format!("{base}/results.csv"), &ana).body,
            want.csv_bytes(None).unwrap(),
            "{a}: the main table by default"
        );
        assert!(s
            .get(&format!("{base}/results.xlsx"), &ana)
            .body
            .starts_with(b"PK\x03\x04"));
    }
}

/// The entries of a zip (an xlsx workbook) but its document properties, which carry the time it was written.
fn workbook_parts(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    use std::io::Read as _;
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut parts = Vec::new();
    for k in 0..z.len() {
        let mut f = z.by_index(k).unwrap();
        let name = f.name().to_owned();
        if name == "docProps/core.xml" {
            continue;
        }
        let mut b = Vec::new();
        f.read_to_end(&mut b).unwrap();
        parts.push((name, b));
    }
    parts.sort();
    parts
}

/// A policy job takes no version, reads the server's data sets, and stores exactly the engine's results;
/// listings show its version as null; creating it and reading its results are audited.
#[test]
fn a_policy_job_needs_no_version_and_stores_the_engines_bytes() {
    let s = start_with_policy_data(Some(shared_data()));
    // A workspace with no version at all.
    let (ana, ws) = s.analyst_with_workspace("ana");
    let options = json!({"analysis": "policy", "command": "spending", "country": "CAN"});
    let r = create(&s, &ana, ws, &options);
    assert_eq!(r.status, 202, "{}", String::from_utf8_lossy(&r.body));
    let job = r.json();
    let id = job["id"].as_i64().unwrap();
    assert_eq!(job["version"], Value::Null);
    assert_eq!(job["analysis"], "policy");
    assert_eq!(job["options"], options);

    let (progress, end) = follow(&s, &ana, ws, id);
    assert_eq!(end["state"], "succeeded", "{end}");
    assert_eq!(end["progress"], json!({"done": 1, "total": 1}));
    assert_eq!(progress.last().unwrap()["state"], "succeeded");
    assert_eq!(end["tables"], json!(["years", "gaps", "path", "source"]));
    assert_eq!(end["version"], Value::Null);
    let list = s.get(&format!("/api/v1/workspaces/{ws}/jobs"), &ana).json();
    assert_eq!(list, json!([end]));

    let data = keel_engine::policy::PolicyData::in_folder(&shared_data());
    let keel_engine::Analysis::Policy(o) = serde_json::from_value(options.clone()).unwrap() else {
        unreachable!()
    };
    let want = keel_engine::policy::run(&data, &o, &keel_model::Silent).unwrap();
    let base = format!("/api/v1/workspaces/{ws}/jobs/{id}");
    let served = s.get(&format!("{base}/results.json"), &ana).body;
    assert_eq!(served, want.json_bytes());
    // Canada, 2024e: 1.37% of GDP (NATO, 17 June 2024).
    let doc: Value = serde_json::from_slice(&served).unwrap();
    let share = doc["standing"]["share_gdp"].as_f64().unwrap();
    assert_eq!(format!("{:.2}", share * 100.0), "1.37");
    for t in &want.tables {
        assert_eq!(
            s.get(&format!("{base}/results.csv?table={}", t.name), &ana)
                .body,
            want.csv_bytes(Some(t.name)).unwrap(),
            "{}",
            t.name
        );
    }
    assert_eq!(
        s.get(&format!("{base}/results.csv"), &ana).body,
        want.csv_bytes(None).unwrap()
    );
    let book = s.get(&format!("{base}/results.xlsx"), &ana).body;
    assert_eq!(
        workbook_parts(&book),
        workbook_parts(&want.xlsx_bytes().unwrap())
    );

    let audit = s.get("/api/v1/audit", &s.admin()).json();
    let rows: Vec<(&str, &str)> = audit
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["action"].as_str().unwrap(), e["detail"].as_str().unwrap()))
        .collect();
    let created_row = format!("workspace {ws} job {id}: ");
    assert!(
        rows.iter()
            .any(|(a, d)| *a == "job.create" && d.starts_with(&created_row)),
        "{rows:?}"
    );
    assert!(
        rows.iter()
            .any(|(a, d)| *a == "job.results" && *d == format!("workspace {ws} job {id} json")),
        "{rows:?}"
    );
}

/// A funding job's inline file with a bad row fails with the row's located error, named programmes.csv; a
/// version given to a policy job, or missing from a model analysis, is refused.
#[test]
fn a_bad_funding_row_fails_the_job_with_its_location_and_versions_are_checked() {
    let s = start_with_policy_data(Some(shared_data()));
    let (ana, ws) = s.analyst_with_workspace("ana");
    let id = created(
        &s,
        &ana,
        ws,
        &json!({
            "analysis": "policy", "command": "funding",
            "programmes": "programme,fiscal_year,announced,allocated,spent,source,basis\nA,2020-21,10,10,-4,Budget,published\n",
        }),
    );
    let (_, end) = follow(&s, &ana, ws, id);
    assert_eq!(end["state"], "failed", "{end}");
    let why = end["error"].as_str().unwrap();
    assert!(why.starts_with("programmes.csv: 1 error"), "{why}");
    assert!(
        why.contains("error: programmes.csv:2:5 (spent): spent is negative: -4"),
        "{why}"
    );
    assert_eq!(end["tables"], json!([]));

    // The shipped example when no file is given: the department total's follow-through, by hand.
    let id = created(
        &s,
        &ana,
        ws,
        &json!({"analysis": "policy", "command": "funding"}),
    );
    let (_, end) = follow(&s, &ana, ws, id);
    assert_eq!(end["state"], "succeeded", "{end}");
    let doc = s
        .get(
            &format!("/api/v1/workspaces/{ws}/jobs/{id}/results.json"),
            &ana,
        )
        .json();
    let f = doc["programmes"][0]["follow_through"].as_f64().unwrap();
    assert!(
        (f - 18_666_073_243.0 / 18_942_053_629.0).abs() < 1e-12,
        "{f}"
    );

    refused(
        &s,
        &ana,
        ws,
        &json!({"analysis": "stress", "each": "site"}),
        400,
        "`version`: a stress analysis runs on a version",
    );
    refused(
        &s,
        &ana,
        ws,
        &json!({"version": 1, "analysis": "policy", "command": "spending"}),
        400,
        "leave `version` out",
    );
    refused(
        &s,
        &ana,
        ws,
        &json!({"analysis": "policy", "command": "spending", "contry": "CAN"}),
        400,
        "unknown field `contry`",
    );
    refused(
        &s,
        &ana,
        ws,
        &json!({"analysis": "policy", "command": "spend"}),
        400,
        "unknown variant `spend`",
    );
}

/// A server started without the published data sets refuses the policy jobs that read them, naming the flag;
/// `funding`, which reads none of them, still runs.
#[test]
fn without_policy_data_policy_jobs_are_refused_naming_the_flag() {
    let s = start_with_policy_data(None);
    let (ana, ws) = s.analyst_with_workspace("ana");
    for (command, what) in [
        ("spending", "NATO's defence expenditure tables"),
        ("arms", "SIPRI's arms-transfer register"),
        ("integration", "CSIS records"),
    ] {
        let r = create(
            &s,
            &ana,
            ws,
            &json!({"analysis": "policy", "command": command}),
        );
        assert_eq!(
            (r.status, r.code().as_str()),
            (409, "conflict"),
            "{command}"
        );
        let msg = r.json()["error"]["message"].as_str().unwrap().to_owned();
        assert!(
            msg.contains(&format!("this server has no {what}"))
                && msg.contains("keel serve --policy-data DIR"),
            "{msg}"
        );
    }
    assert_eq!(
        s.get(&format!("/api/v1/workspaces/{ws}/jobs"), &ana).json(),
        json!([]),
        "nothing stored"
    );
    let id = created(
        &s,
        &ana,
        ws,
        &json!({"analysis": "policy", "command": "funding"}),
    );
    assert_eq!(follow(&s, &ana, ws, id).1["state"], "succeeded");
}

/// id, version_id, kind, state, main_table.
type JobCols = (i64, Option<i64>, String, String, Option<String>);

/// Migration 4 (jobs.version_id nullable) on a database made by migrations 1-3 that already holds jobs: the
/// jobs and their results keep their ids and bytes, the next job is numbered after the largest (PostgreSQL's
/// identity sequence included), the foreign keys, the new check and the indexes hold.
#[test]
fn the_policy_jobs_migration_keeps_jobs_results_ids_keys_and_indexes() {
    use sqlx::Connection as _;
    let dir = tempfile::tempdir().unwrap();
    let url = common::database(dir.path());
    let postgres = url.starts_with("postgres");
    let (id, blob) = if postgres {
        (
            "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
            "BYTEA",
        )
    } else {
        ("INTEGER PRIMARY KEY AUTOINCREMENT", "BLOB")
    };
    let old = [
        include_str!("../migrations/0001_init.sql"),
        include_str!("../migrations/0002_jobs.sql"),
        include_str!("../migrations/0003_contributions.sql"),
    ];
    let connect_url = if postgres {
        url.clone()
    } else {
        format!("{url}?mode=rwc")
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        sqlx::any::install_default_drivers();
        let mut c = sqlx::AnyConnection::connect(&connect_url).await.unwrap();
        if !postgres {
            sqlx::raw_sql("PRAGMA foreign_keys = ON").execute(&mut c).await.unwrap();
        }
        sqlx::raw_sql(
            "CREATE TABLE keel_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
        )
        .execute(&mut c)
        .await
        .unwrap();
        for (k, sql) in old.iter().enumerate() {
            sqlx::raw_sql(&sql.replace("{id}", id).replace("{blob}", blob))
                .execute(&mut c)
                .await
                .unwrap();
            sqlx::query("INSERT INTO keel_migrations VALUES ($1, 'old', 0)")
                .bind(i64::try_from(k + 1).unwrap())
                .execute(&mut c)
                .await
                .unwrap();
        }
        sqlx::raw_sql(
            "INSERT INTO users (id, name, password_hash, role, created_at) VALUES (3, 'ana', 'x', 'analyst', 0);
             INSERT INTO workspaces (id, name, created_at) VALUES (4, 'w', 0);
             INSERT INTO versions (id, workspace_id, number, uploaded_by, created_at, source, sha256)
                 VALUES (6, 4, 1, 3, 0, 'zip', 'h');
             INSERT INTO jobs (id, workspace_id, version_id, kind, options, state, created_by, created_at, main_table)
                 VALUES (5, 4, 6, 'stress', '{\"analysis\":\"stress\"}', 'failed', 3, 1, NULL);
             INSERT INTO jobs (id, workspace_id, version_id, kind, options, state, created_by, created_at, main_table)
                 VALUES (9, 4, 6, 'exposure', '{\"analysis\":\"exposure\"}', 'succeeded', 3, 2, 'items');",
        )
        .execute(&mut c)
        .await
        .unwrap();
        sqlx::query("INSERT INTO job_results (job_id, format, position, content) VALUES (9, 'json', 0, $1)")
            .bind(b"{\"x\": 1}\n".to_vec())
            .execute(&mut c)
            .await
            .unwrap();
        c.close().await.unwrap();
    });
    // Any start of the server migrates; making the admin is one.
    keel_server::create_admin(&url, common::ADMIN, common::ADMIN_PW).unwrap();
    rt.block_on(async {
        let mut c = sqlx::AnyConnection::connect(&connect_url).await.unwrap();
        if !postgres {
            sqlx::raw_sql("PRAGMA foreign_keys = ON").execute(&mut c).await.unwrap();
        }
        let (n,): (i64,) = sqlx::query_as("SELECT MAX(version) FROM keel_migrations")
            .fetch_one(&mut c)
            .await
            .unwrap();
        assert_eq!(n, 4);
        let jobs: Vec<JobCols> = sqlx::query_as(
            "SELECT id, version_id, kind, state, main_table FROM jobs ORDER BY id",
        )
        .fetch_all(&mut c)
        .await
        .unwrap();
        assert_eq!(
            jobs,
            [
                (5, Some(6), "stress".into(), "failed".into(), None),
                (9, Some(6), "exposure".into(), "succeeded".into(), Some("items".into())),
            ]
        );
        let (content,): (Vec<u8>,) =
            sqlx::query_as("SELECT content FROM job_results WHERE job_id = 9 AND format = 'json'")
                .fetch_one(&mut c)
                .await
                .unwrap();
        assert_eq!(content, b"{\"x\": 1}\n");
        // A policy job: no version, numbered after the largest id.
        let (next,): (i64,) = sqlx::query_as(
            "INSERT INTO jobs (workspace_id, version_id, kind, options, state, created_by, created_at) \
             VALUES (4, $1, 'policy', '{}', 'queued', 3, 3) RETURNING id",
        )
        .bind(None::<i64>)
        .fetch_one(&mut c)
        .await
        .unwrap();
        assert_eq!(next, 10);
        // Only policy jobs go without a version; results and versions must exist.
        for bad in [
            "INSERT INTO jobs (workspace_id, version_id, kind, options, state, created_by, created_at) \
             VALUES (4, NULL, 'stress', '{}', 'queued', 3, 3)",
            "INSERT INTO jobs (workspace_id, version_id, kind, options, state, created_by, created_at) \
             VALUES (4, 77, 'stress', '{}', 'queued', 3, 3)",
            "INSERT INTO job_results (job_id, format, position, content) VALUES (999, 'json', 0, 'x')",
            "INSERT INTO job_results (job_id, format, position, content) VALUES (9, 'json', 1, 'x')",
        ] {
            assert!(sqlx::raw_sql(bad).execute(&mut c).await.is_err(), "{bad}");
        }
        let list = if postgres {
            "SELECT indexname::text FROM pg_indexes WHERE tablename = 'jobs' AND indexname LIKE 'jobs_by_%' ORDER BY indexname"
        } else {
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'jobs' AND name LIKE 'jobs_by_%' ORDER BY name"
        };
        let names: Vec<(String,)> = sqlx::query_as(list).fetch_all(&mut c).await.unwrap();
        let names: Vec<&str> = names.iter().map(|n| n.0.as_str()).collect();
        assert_eq!(names, ["jobs_by_creator", "jobs_by_state", "jobs_by_workspace"]);
        let gone: Vec<(String,)> = sqlx::query_as(if postgres {
            "SELECT tablename::text FROM pg_tables WHERE tablename LIKE '%_new'"
        } else {
            "SELECT name FROM sqlite_master WHERE name LIKE '%_new'"
        })
        .fetch_all(&mut c)
        .await
        .unwrap();
        assert!(gone.is_empty(), "{gone:?}");
        c.close().await.unwrap();
    });
}
