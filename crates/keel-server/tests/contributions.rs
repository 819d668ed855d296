//! Firm contributions and disclosure-controlled aggregates over real HTTP on loopback, against a real database
//! (SQLite; PostgreSQL when KEEL_TEST_POSTGRES names a server): what a contributor may upload and read, that
//! another firm's rows never reach it by any route or message, the assembly of contributions into a version,
//! and the aggregates a contributor sees, checked on a hand-computed table and by an independent audit.

mod common;

use common::{start_with, zip_entries, Auth, Server};
use keel_server::{Disclosure, Limits};
use serde_json::{json, Value};

/// A six-firm model made so that its value-by-country table is worked out by hand (see
/// `aggregates_are_suppressed_as_computed_by_hand`).
fn tiny() -> Vec<(&'static str, String)> {
    vec![
        (
            "model.toml",
            "name = \"tiny\"\nhome_country = \"CAN\"\ncurrency = \"CAD\"\ntime_unit = \"day\"\n".into(),
        ),
        (
            "countries.csv",
            "code,name,blocs\nCAN,Canada,NATO\nUSA,United States,NATO\n".into(),
        ),
        (
            "items.csv",
            "id,name,kind\nplat-x,Platform X,platform\nplat-y,Platform Y,platform\ncomp-a,Part A,component\n\
             comp-b,Part B,component\ncomp-c,Part C,component\ncomp-d,Part D,component\ncomp-e,Part E,component\n"
                .into(),
        ),
        (
            "firms.csv",
            "id,name,country\nprime,Prime Ltd,CAN\nalpha,Alpha Inc,CAN\nbravo,Bravo Corp,USA\n\
             charlie,Charlie Ltd,CAN\ndelta,Delta Corp,USA\necho,Echo Corp,USA\n"
                .into(),
        ),
        (
            "sites.csv",
            "id,firm,country\nprime-plant,prime,CAN\nalpha-plant,alpha,CAN\nbravo-plant,bravo,USA\n\
             charlie-plant,charlie,CAN\ndelta-plant,delta,USA\necho-plant,echo,USA\n"
                .into(),
        ),
        (
            "stages.csv",
            "id,item,site,value_added\nplat-x@prime-plant,plat-x,prime-plant,40\n\
             plat-y@prime-plant,plat-y,prime-plant,40\ncomp-a@alpha-plant,comp-a,alpha-plant,30\n\
             comp-b@bravo-plant,comp-b,bravo-plant,50\ncomp-c@charlie-plant,comp-c,charlie-plant,30\n\
             comp-d@delta-plant,comp-d,delta-plant,50\ncomp-e@echo-plant,comp-e,echo-plant,20\n"
                .into(),
        ),
        (
            "inputs.csv",
            "stage,input_item,qty,supplier,share,lane\n\
             plat-x@prime-plant,comp-a,1,comp-a@alpha-plant,,\n\
             plat-x@prime-plant,comp-b,1,comp-b@bravo-plant,,lane-bp\n\
             plat-x@prime-plant,comp-c,1,comp-c@charlie-plant,,\n\
             plat-x@prime-plant,comp-d,1,comp-d@delta-plant,,\n\
             plat-y@prime-plant,comp-a,1,comp-a@alpha-plant,,\n\
             plat-y@prime-plant,comp-b,0.4,comp-b@bravo-plant,,\n\
             plat-y@prime-plant,comp-c,1,comp-c@charlie-plant,,\n\
             plat-y@prime-plant,comp-d,0.4,comp-d@delta-plant,,\n\
             plat-y@prime-plant,comp-e,1,comp-e@echo-plant,,\n"
                .into(),
        ),
        (
            "lanes.csv",
            "id,from_site,to_site,mode\nlane-bp,bravo-plant,prime-plant,road\n".into(),
        ),
        (
            "demand.csv",
            "stage,demand,loss_per_unit\nplat-x@prime-plant,10,100\nplat-y@prime-plant,5,100\n".into(),
        ),
    ]
}

fn zip_of(files: &[(&str, String)]) -> Vec<u8> {
    let e: Vec<(String, Vec<u8>)> = files
        .iter()
        .map(|(n, b)| ((*n).to_owned(), b.as_bytes().to_vec()))
        .collect();
    zip_entries(&e)
}

fn contribute(s: &Server, ws: i64, a: &Auth, files: &[(&str, String)]) -> common::Resp {
    let mut h = Vec::new();
    if let Some(c) = &a.cookie {
        h.push(("Cookie", c.clone()));
    }
    if let Some(c) = &a.csrf {
        h.push(("X-CSRF-Token", c.clone()));
    }
    let mut rb = s
        .agent
        .post(s.url(&format!("/api/v1/workspaces/{ws}/contributions")));
    for (k, v) in h {
        rb = rb.header(k, v);
    }
    let r = rb
        .header("Content-Type", "application/zip")
        .send(&zip_of(files)[..])
        .unwrap();
    let status = r.status().as_u16();
    let body = r.into_body().read_to_vec().unwrap();
    common::Resp {
        status,
        set_cookie: None,
        retry_after: None,
        content_type: None,
        body,
    }
}

fn text(r: &common::Resp) -> String {
    String::from_utf8_lossy(&r.body).into_owned()
}

/// A workspace with the tiny model as version 1, its analyst, and contributors of alpha and bravo.
struct World {
    s: Server,
    ws: i64,
    analyst: Auth,
    alpha: Auth,
    bravo: Auth,
}

fn world_with(disclosure: Disclosure) -> World {
    let s = start_with(Limits::default(), disclosure);
    let admin = s.admin();
    let (analyst, ws) = s.analyst_with_workspace("ann");
    for (name, firm) in [("al", "alpha"), ("bo", "bravo")] {
        let id = s.create_user(&admin, name, "contributor", Some(firm));
        s.add_member(&admin, ws, id);
    }
    let r = s.upload(ws, &analyst, "application/zip", &zip_of(&tiny()));
    assert_eq!(r.status, 201, "{}", text(&r));
    let alpha = s.login("al", "al password");
    let bravo = s.login("bo", "bo password");
    World {
        s,
        ws,
        analyst,
        alpha,
        bravo,
    }
}

fn world() -> World {
    world_with(Disclosure::default())
}

fn alpha_rows(value_added: &str) -> Vec<(&'static str, String)> {
    vec![
        ("firms.csv", "id,name,country\nalpha,Alpha Inc,CAN\n".into()),
        (
            "sites.csv",
            "id,firm,country\nalpha-plant,alpha,CAN\n".into(),
        ),
        (
            "stages.csv",
            format!(
                "id,item,site,value_added\ncomp-a@alpha-plant,comp-a,alpha-plant,{value_added}\n"
            ),
        ),
    ]
}

/// Bravo's rows: its stage now buys part E from echo's stage over a lane from echo's plant, both ids it does
/// not hold.
fn bravo_rows() -> Vec<(&'static str, String)> {
    vec![
        ("firms.csv", "id,name,country\nbravo,Bravo Corp,USA\n".into()),
        ("sites.csv", "id,firm,country\nbravo-plant,bravo,USA\n".into()),
        (
            "stages.csv",
            "id,item,site,value_added\ncomp-b@bravo-plant,comp-b,bravo-plant,45\n".into(),
        ),
        (
            "inputs.csv",
            "stage,input_item,qty,supplier,share,lane\ncomp-b@bravo-plant,comp-e,1,comp-e@echo-plant,,lane-eb\n"
                .into(),
        ),
        (
            "lanes.csv",
            "id,from_site,to_site,mode\nlane-eb,echo-plant,bravo-plant,road\n".into(),
        ),
    ]
}

#[test]
fn a_contribution_is_stored_as_revisions_and_read_back_by_its_firm_only() {
    let w = world();
    let (s, ws) = (&w.s, w.ws);
    let r = contribute(s, ws, &w.alpha, &alpha_rows("35"));
    assert_eq!(r.status, 201, "{}", text(&r));
    let j = r.json();
    assert_eq!(j["revision"]["revision"], 1);
    assert_eq!(j["revision"]["firm"], "alpha");
    assert_eq!(j["revision"]["base_version"], 1);
    assert_eq!(j["external"], json!([]));
    let r = contribute(s, ws, &w.alpha, &alpha_rows("36"));
    assert_eq!(r.json()["revision"]["revision"], 2);
    // Bravo's external references are reported, not checked.
    let r = contribute(s, ws, &w.bravo, &bravo_rows());
    assert_eq!(r.status, 201, "{}", text(&r));
    assert_eq!(
        r.json()["external"],
        json!([
            {"file": "lanes.csv", "line": 2, "column": "from_site", "id": "echo-plant",
             "message": "site `echo-plant` is not among your sites: resolved when analysts assemble the model"},
            {"file": "inputs.csv", "line": 2, "column": "supplier", "id": "comp-e@echo-plant",
             "message": "stage `comp-e@echo-plant` is not among your stages: resolved when analysts assemble the model"}
        ])
    );
    // Mine: two revisions, the latest the second; its file byte for byte.
    let r = s.get(
        &format!("/api/v1/workspaces/{ws}/contributions/mine"),
        &w.alpha,
    );
    assert_eq!(r.status, 200, "{}", text(&r));
    let j = r.json();
    assert_eq!(j["firm"], "alpha");
    assert_eq!(j["latest"], 2);
    assert_eq!(j["revisions"].as_array().unwrap().len(), 2);
    let r = s.get(
        &format!("/api/v1/workspaces/{ws}/contributions/mine/2/files/stages.csv"),
        &w.alpha,
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.body, alpha_rows("36")[2].1.as_bytes());
    // The list: a contributor sees its own firm's revisions; the analyst every firm's.
    let firms = |a: &Auth| -> Vec<(String, i64)> {
        s.get(&format!("/api/v1/workspaces/{ws}/contributions"), a)
            .json()
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["firm"].as_str().unwrap().to_owned(),
                    r["revision"].as_i64().unwrap(),
                )
            })
            .collect()
    };
    let own = |f: &str, n: i64| (f.to_owned(), n);
    assert_eq!(firms(&w.alpha), [own("alpha", 1), own("alpha", 2)]);
    assert_eq!(firms(&w.bravo), [own("bravo", 1)]);
    assert_eq!(
        firms(&w.analyst),
        [own("alpha", 1), own("alpha", 2), own("bravo", 1)]
    );
    let r = s.get(
        &format!("/api/v1/workspaces/{ws}/contributions/firms/bravo/1/files/lanes.csv"),
        &w.analyst,
    );
    assert_eq!(r.body, bravo_rows()[4].1.as_bytes());
    // Every upload and read is in the audit log.
    let audit = s.get("/api/v1/audit?limit=1000", &s.admin()).json();
    let actions: Vec<&str> = audit
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions
            .iter()
            .filter(|a| **a == "contribution.upload")
            .count(),
        3
    );
    assert_eq!(
        actions
            .iter()
            .filter(|a| **a == "contribution.file.read")
            .count(),
        2
    );
}

#[test]
fn another_firms_rows_are_refused_where_they_are() {
    let w = world();
    let mut rows = alpha_rows("30");
    rows[1].1.push_str("bravo-plant,bravo,USA\n");
    rows[2]
        .1
        .push_str("comp-b@bravo-plant,comp-b,bravo-plant,50\n");
    rows.push((
        "demand.csv",
        "stage,demand,loss_per_unit\nplat-x@prime-plant,1,1\n".into(),
    ));
    let r = contribute(&w.s, w.ws, &w.alpha, &rows);
    assert_eq!(r.status, 422, "{}", text(&r));
    assert_eq!(r.code(), "invalid_contribution");
    let d: Vec<(String, u64, Value, String)> = r.json()["error"]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_owned(),
                d["line"].as_u64().unwrap(),
                d["column"].clone(),
                d["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        d,
        [
            (
                "sites.csv".into(),
                3,
                json!([2, "firm"]),
                "site `bravo-plant` belongs to firm `bravo`, not to your firm `alpha`".into()
            ),
            (
                "stages.csv".into(),
                3,
                json!([3, "site"]),
                "stage `comp-b@bravo-plant` is at site `bravo-plant`, which is not one of your sites in sites.csv"
                    .into()
            ),
            (
                "demand.csv".into(),
                2,
                json!([1, "stage"]),
                "stage `plat-x@prime-plant` is not one of your stages in stages.csv".into()
            ),
        ]
    );
    // A catalogue table is not a contribution's to change; a number error is keel check's, located.
    let mut rows = alpha_rows("30");
    rows.push(("items.csv", "id,name,kind\n".into()));
    let r = contribute(&w.s, w.ws, &w.alpha, &rows);
    assert_eq!((r.status, r.code().as_str()), (400, "bad_upload"));
    let r = contribute(&w.s, w.ws, &w.alpha, &alpha_rows("lots"));
    assert_eq!(r.status, 422, "{}", text(&r));
    let d = &r.json()["error"]["diagnostics"][0];
    assert_eq!(
        (d["file"].as_str(), d["line"].as_u64(), &d["column"]),
        (Some("stages.csv"), Some(2), &json!([4, "value_added"]))
    );
    // Nothing was stored.
    let r = w.s.get(
        &format!("/api/v1/workspaces/{}/contributions/mine", w.ws),
        &w.alpha,
    );
    assert_eq!(r.json()["latest"], Value::Null);
}

/// What a contributor is told about a reference to an id it does not hold is the same, byte for byte, whether
/// or not the id is another firm's: the same upload in a workspace where it is bravo's stage (and in bravo's
/// contribution) and in one where no firm has it.
#[test]
fn messages_do_not_depend_on_whether_another_firm_has_the_id() {
    let w = world();
    let s = &w.s;
    assert_eq!(contribute(s, w.ws, &w.bravo, &bravo_rows()).status, 201);
    // The second workspace: bravo's stage is called something else.
    let admin = s.admin();
    let ws2 = s.create_workspace(&admin, "elsewhere");
    let ids: Vec<i64> = s
        .get("/api/v1/users", &admin)
        .json()
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| ["ann", "al"].contains(&u["name"].as_str().unwrap()))
        .map(|u| u["id"].as_i64().unwrap())
        .collect();
    for id in ids {
        s.add_member(&admin, ws2, id);
    }
    let other: Vec<(&str, String)> = tiny()
        .into_iter()
        .map(|(n, b)| (n, b.replace("comp-b@bravo-plant", "comp-b@bravo-works")))
        .collect();
    assert!(!other.iter().any(|(_, b)| b.contains("comp-b@bravo-plant")));
    assert_eq!(
        s.upload(ws2, &w.analyst, "application/zip", &zip_of(&other))
            .status,
        201
    );
    let mut rows = alpha_rows("30");
    rows.push((
        "inputs.csv",
        "stage,input_item,qty,supplier,share,lane\ncomp-a@alpha-plant,comp-b,1,comp-b@bravo-plant,,\n".into(),
    ));
    let answers: Vec<(u16, Vec<u8>)> = [w.ws, ws2]
        .iter()
        .map(|&ws| {
            let r = contribute(s, ws, &w.alpha, &rows);
            assert_eq!(r.status, 201, "{}", text(&r));
            let j = r.json();
            (
                r.status,
                serde_json::to_vec(&(&j["external"], &j["warnings"])).unwrap(),
            )
        })
        .collect();
    assert_eq!(answers[0], answers[1]);
    assert!(String::from_utf8_lossy(&answers[0].1).contains(
        "stage `comp-b@bravo-plant` is not among your stages: resolved when analysts assemble the model"
    ));
    // A refused upload with the same reference: the whole answer is the same bytes.
    rows[2].1 = rows[2].1.replace(",30", ",-1");
    let bodies: Vec<(u16, Vec<u8>)> = [w.ws, ws2]
        .iter()
        .map(|&ws| {
            let r = contribute(s, ws, &w.alpha, &rows);
            (r.status, r.body)
        })
        .collect();
    assert_eq!(bodies[0].0, 422);
    assert_eq!(bodies[0], bodies[1]);
}

#[test]
fn assembly_replaces_each_firms_rows_and_refuses_a_broken_model() {
    let w = world();
    let (s, ws) = (&w.s, w.ws);
    assert_eq!(contribute(s, ws, &w.alpha, &alpha_rows("35")).status, 201);
    assert_eq!(contribute(s, ws, &w.bravo, &bravo_rows()).status, 201);
    let r = s.post(
        &format!("/api/v1/workspaces/{ws}/contributions/assemble"),
        &w.analyst,
        &Value::Null,
    );
    assert_eq!(r.status, 201, "{}", text(&r));
    let j = r.json();
    assert_eq!(j["version"]["number"], 2);
    assert_eq!(j["base_version"], 1);
    assert_eq!(
        j["contributions"],
        json!([{"firm": "alpha", "revision": 1}, {"firm": "bravo", "revision": 1}])
    );
    // The expected merge: each table's rows of other firms in their order, then alpha's, then bravo's.
    let mut expected: Vec<(&str, String)> = tiny();
    let set = |e: &mut Vec<(&str, String)>, n: &str, b: &str| {
        e.iter_mut().find(|f| f.0 == n).unwrap().1 = b.to_owned();
    };
    set(
        &mut expected,
        "firms.csv",
        "id,name,country\nprime,Prime Ltd,CAN\ncharlie,Charlie Ltd,CAN\n\
        delta,Delta Corp,USA\necho,Echo Corp,USA\nalpha,Alpha Inc,CAN\nbravo,Bravo Corp,USA\n",
    );
    set(
        &mut expected,
        "sites.csv",
        "id,firm,country\nprime-plant,prime,CAN\ncharlie-plant,charlie,CAN\n\
        delta-plant,delta,USA\necho-plant,echo,USA\nalpha-plant,alpha,CAN\nbravo-plant,bravo,USA\n",
    );
    set(
        &mut expected,
        "stages.csv",
        "id,item,site,value_added\nplat-x@prime-plant,plat-x,prime-plant,40\n\
        plat-y@prime-plant,plat-y,prime-plant,40\ncomp-c@charlie-plant,comp-c,charlie-plant,30\n\
        comp-d@delta-plant,comp-d,delta-plant,50\ncomp-e@echo-plant,comp-e,echo-plant,20\n\
        comp-a@alpha-plant,comp-a,alpha-plant,35\ncomp-b@bravo-plant,comp-b,bravo-plant,45\n",
    );
    let inputs = format!(
        "{}comp-b@bravo-plant,comp-e,1,comp-e@echo-plant,,lane-eb\n",
        tiny()[6].1
    );
    set(&mut expected, "inputs.csv", &inputs);
    set(
        &mut expected,
        "lanes.csv",
        "id,from_site,to_site,mode\nlane-bp,bravo-plant,prime-plant,road\n\
        lane-eb,echo-plant,bravo-plant,road\n",
    );
    expected.sort();
    let files = j["version"]["files"].as_array().unwrap();
    assert_eq!(files.len(), expected.len());
    for (name, want) in &expected {
        let r = s.get(
            &format!("/api/v1/workspaces/{ws}/versions/2/files/{name}"),
            &w.analyst,
        );
        assert_eq!(text(&r), *want, "{name}");
    }
    // Charlie renames its stage: alone its rows are fine; assembled, the prime's inputs name a stage that
    // no longer exists, and the analyst gets exactly keel check's diagnostics. Nothing is stored.
    let admin = s.admin();
    let id = s.create_user(&admin, "cy", "contributor", Some("charlie"));
    s.add_member(&admin, ws, id);
    let charlie = s.login("cy", "cy password");
    let rows = vec![
        (
            "firms.csv",
            "id,name,country\ncharlie,Charlie Ltd,CAN\n".to_owned(),
        ),
        (
            "sites.csv",
            "id,firm,country\ncharlie-plant,charlie,CAN\n".into(),
        ),
        (
            "stages.csv",
            "id,item,site,value_added\ncomp-c@charlie-works,comp-c,charlie-plant,30\n".into(),
        ),
    ];
    assert_eq!(contribute(s, ws, &charlie, &rows).status, 201);
    let r = s.post(
        &format!("/api/v1/workspaces/{ws}/contributions/assemble"),
        &w.analyst,
        &Value::Null,
    );
    assert_eq!(
        (r.status, r.code().as_str()),
        (422, "invalid_model"),
        "{}",
        text(&r)
    );
    // keel check on the same merge, by hand: version 2 with charlie's rows replaced.
    let mut merged: Vec<(String, Vec<u8>)> = Vec::new();
    for (name, want) in &expected {
        let b = match *name {
            "firms.csv" => {
                want.replace("charlie,Charlie Ltd,CAN\n", "") + "charlie,Charlie Ltd,CAN\n"
            }
            "sites.csv" => {
                want.replace("charlie-plant,charlie,CAN\n", "") + "charlie-plant,charlie,CAN\n"
            }
            "stages.csv" => {
                want.replace("comp-c@charlie-plant,comp-c,charlie-plant,30\n", "")
                    + "comp-c@charlie-works,comp-c,charlie-plant,30\n"
            }
            _ => want.clone(),
        };
        merged.push(((*name).to_owned(), b.into_bytes()));
    }
    let dir = tempfile::tempdir().unwrap();
    for (n, b) in &merged {
        std::fs::write(dir.path().join(n), b).unwrap();
    }
    let Err(keel_io::IoError::Invalid(inv)) = keel_io::load(dir.path()) else {
        panic!("the hand merge should not validate");
    };
    assert_eq!(
        r.json()["error"]["diagnostics"],
        serde_json::to_value(&inv.diagnostics).unwrap()
    );
    let r = s.get(&format!("/api/v1/workspaces/{ws}/versions"), &w.analyst);
    assert_eq!(r.json().as_array().unwrap().len(), 2);
    // Both assemblies are in the audit log, with the revisions they used.
    let audit = s.get("/api/v1/audit?limit=1000", &admin).json();
    let details = |action: &str| -> Vec<String> {
        audit
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == action)
            .map(|e| e["detail"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        details("assembly"),
        [format!(
            "workspace {ws} version 2 from version 1 and contributions alpha@1, bravo@1"
        )]
    );
    assert_eq!(details("assembly.refused").len(), 1);
}

/// The hand case. Value added per unit of each platform, by country and firm (all quantities 1 except
/// platform Y's 0.4 of parts B and D):
///
/// ```text
///              CAN                      USA                        total
/// plat-x   prime 40 alpha 30 charlie 30   bravo 50 delta 50          200 (5 firms)
///          = 100 (3 firms, top 40%)      = 100 (2 firms: too few)
/// plat-y   prime 40 alpha 30 charlie 30   bravo 20 delta 20 echo 20   160 (6 firms)
///          = 100                         = 60 (3 firms, top 33%)
/// total    200 (3 firms, top 40%)        160 (3 firms, top 43.75%)   360
/// ```
///
/// Primary: (X, USA) only. Complementary: row X then holds one hidden cell, so its smallest other cell,
/// (X, CAN) = 100 (the row total is 200), is hidden; column USA likewise gives (Y, USA) = 60; column CAN then
/// holds one hidden cell, giving (Y, CAN) = 100. Every line now holds two: the whole inner rectangle is hidden
/// and the margins published. (X, USA) can then be anything in [0, 160]: protected.
#[test]
fn aggregates_are_suppressed_as_computed_by_hand() {
    let w = world();
    let (s, ws) = (&w.s, w.ws);
    let r = s.get(
        &format!("/api/v1/workspaces/{ws}/aggregates/value-by-country?version=1"),
        &w.alpha,
    );
    assert_eq!(r.status, 200, "{}", text(&r));
    let hid = json!({"value": null, "status": "suppressed"});
    let p = |v: f64| json!({"value": v, "status": "published"});
    assert_eq!(
        r.json(),
        json!({
            "version": 1, "table": "value_by_country",
            "unit": "CAD of value added per unit of the platform", "view": "contributor",
            "rule": {"min_firms": 3, "dominance": 0.7},
            "rows": ["plat-x@prime-plant", "plat-y@prime-plant", "total"],
            "columns": ["CAN", "USA", "total"],
            "cells": [[hid, hid, p(200.0)], [hid, hid, p(160.0)], [p(200.0), p(160.0), p(360.0)]]
        })
    );
    // The analyst sees every value, how many firms make it, and what contributors see.
    let r = s.get(
        &format!("/api/v1/workspaces/{ws}/aggregates/value-by-country"),
        &w.analyst,
    );
    let a = |v: f64, n: usize, seen: &str| json!({"value": v, "status": "published", "firms": n, "contributor_view": seen});
    assert_eq!(
        r.json()["cells"],
        json!([
            [
                a(100.0, 3, "suppressed"),
                a(100.0, 2, "suppressed"),
                a(200.0, 5, "published")
            ],
            [
                a(100.0, 3, "suppressed"),
                a(60.0, 3, "suppressed"),
                a(160.0, 6, "published")
            ],
            [
                a(200.0, 3, "published"),
                a(160.0, 3, "published"),
                a(360.0, 6, "published")
            ]
        ])
    );
    // The contributor's view hides every cell the rule flags, and none of them can be narrowed from what
    // is published (keel_disclosure's LP audit on the same table, built here from the hand figures).
    let mut t = keel_disclosure::Table::new(2, 2);
    let firm = |f: &str| {
        ["prime", "alpha", "bravo", "charlie", "delta", "echo"]
            .iter()
            .position(|x| *x == f)
            .unwrap() as u32
    };
    for (r, c, f, v) in [
        (0, 0, "prime", 40.0),
        (0, 0, "alpha", 30.0),
        (0, 0, "charlie", 30.0),
        (0, 1, "bravo", 50.0),
        (0, 1, "delta", 50.0),
        (1, 0, "prime", 40.0),
        (1, 0, "alpha", 30.0),
        (1, 0, "charlie", 30.0),
        (1, 1, "bravo", 20.0),
        (1, 1, "delta", 20.0),
        (1, 1, "echo", 20.0),
    ] {
        t.add(r, c, firm(f), v).unwrap();
    }
    let seen = s
        .get(
            &format!("/api/v1/workspaces/{ws}/aggregates/value-by-country"),
            &w.bravo,
        )
        .json();
    let suppressed: Vec<bool> = seen["cells"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|row| {
            row.as_array()
                .unwrap()
                .iter()
                .map(|c| c["status"] == "suppressed")
        })
        .collect();
    let rule = keel_disclosure::Rule::default();
    let sens = keel_disclosure::primary(&t, &rule).unwrap();
    for (i, s) in sens.iter().enumerate() {
        assert!(
            !s.is_sensitive() || suppressed[i],
            "cell {i} is sensitive but published"
        );
    }
    let values = [100.0, 100.0, 200.0, 100.0, 60.0, 160.0, 200.0, 160.0, 360.0];
    for (cell, iv) in keel_disclosure::audit(&t, &suppressed).unwrap() {
        let v = values[cell.row * 3 + cell.col];
        assert!(
            iv.width() >= rule.protection * v && iv.width() > 0.0,
            "{cell:?} {iv:?}"
        );
    }
    // Every read is audited, the analyst's as unsuppressed.
    let audit = s.get("/api/v1/audit?limit=1000", &s.admin()).json();
    let count = |action: &str| {
        audit
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == action)
            .count()
    };
    assert_eq!(
        (
            count("aggregate.read"),
            count("aggregate.read.unsuppressed")
        ),
        (2, 1)
    );
    // With a rule of 2 firms the same table is published whole.
    let w2 = world_with(Disclosure {
        min_firms: 2,
        dominance: 0.7,
    });
    let r = w2.s.get(
        &format!("/api/v1/workspaces/{}/aggregates/value-by-country", w2.ws),
        &w2.alpha,
    );
    let all: Vec<Value> = r.json()["cells"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|row| row.as_array().unwrap().clone())
        .collect();
    assert!(all.iter().all(|c| c["status"] == "published"), "{all:?}");
    assert_eq!(all[1], p(100.0));
}

/// Contributor alpha, with its own contribution, tries every route of the OpenAPI description against firm
/// bravo's resources: nothing it gets back names bravo's rows, and analyst-only routes are refused.
#[test]
fn a_contributor_reaches_no_other_firms_rows_by_any_route() {
    let w = world();
    let (s, ws) = (&w.s, w.ws);
    assert_eq!(contribute(s, ws, &w.alpha, &alpha_rows("35")).status, 201);
    assert_eq!(contribute(s, ws, &w.bravo, &bravo_rows()).status, 201);
    let bravo_marks = ["bravo-plant", "Bravo Corp", "lane-eb", "comp-b@"];
    let admin = s.admin();
    let users = s.get("/api/v1/users", &admin).json();
    let bo = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["name"] == "bo")
        .unwrap()["id"]
        .clone();
    let mut seen = 0;
    for (path, item) in &keel_server::openapi().paths.paths {
        if path.starts_with("/api/v1/me") || path.ends_with("/logout") || path.ends_with("/login") {
            continue;
        }
        let concrete = path
            .replace("{ws}", &ws.to_string())
            .replace("{v}", "1")
            .replace("{base}", "1")
            .replace("{id}", "1")
            .replace("{user}", &bo.to_string())
            .replace("{firm}", "bravo")
            .replace("{rev}", "1")
            .replace("{name}", "stages.csv");
        for (m, on) in [
            ("GET", item.get.is_some()),
            ("POST", item.post.is_some()),
            ("PUT", item.put.is_some()),
            ("DELETE", item.delete.is_some()),
        ] {
            if !on {
                continue;
            }
            let r = match m {
                "GET" => s.get(&concrete, &w.alpha),
                "DELETE" => s.delete(&concrete, &w.alpha),
                _ => s.send(m, &concrete, &w.alpha, &json!({})),
            };
            let body = text(&r);
            for mark in bravo_marks {
                assert!(!body.contains(mark), "{m} {concrete}: {body}");
            }
            let analyst_only = path.contains("/versions")
                || path.ends_with("/assemble")
                || path.contains("/members")
                || path.starts_with("/api/v1/users")
                || path.starts_with("/api/v1/audit");
            // (A JSON body is read before the role is checked: `{}` is a bad request first.)
            if analyst_only && !(m == "POST" && path == "/api/v1/workspaces") {
                assert!(
                    r.status == 403 || (m != "GET" && r.status == 400),
                    "{m} {concrete}: {body}"
                );
            }
            seen += 1;
        }
    }
    assert!(seen >= 25, "{seen}");
    // Another firm's contribution answers exactly as a firm that does not exist.
    let ask = |firm: &str| {
        let r = s.get(
            &format!("/api/v1/workspaces/{ws}/contributions/firms/{firm}/1/files/stages.csv"),
            &w.alpha,
        );
        (r.status, text(&r).replace(firm, "F"))
    };
    assert_eq!(ask("bravo"), ask("zulu"));
    assert_eq!(ask("bravo").0, 404);
    let r = s.get(
        &format!("/api/v1/workspaces/{ws}/contributions/firms/bravo"),
        &w.alpha,
    );
    let r2 = s.get(
        &format!("/api/v1/workspaces/{ws}/contributions/firms/zulu"),
        &w.alpha,
    );
    assert_eq!(
        (r.status, text(&r).replace("bravo", "F")),
        (r2.status, text(&r2).replace("zulu", "F"))
    );
    // Its own firm's, by the same route, it may read.
    let r = s.get(
        &format!("/api/v1/workspaces/{ws}/contributions/firms/alpha"),
        &w.alpha,
    );
    assert_eq!(r.status, 200);
}

#[test]
fn new_routes_refuse_other_workspaces_and_the_wrong_role() {
    let w = world();
    let (s, ws) = (&w.s, w.ws);
    let admin = s.admin();
    // A contributor of alpha in another workspace only, and an analyst there.
    let id = s.create_user(&admin, "stranger", "contributor", Some("alpha"));
    let (outsider_analyst, other) = s.analyst_with_workspace("olga");
    s.add_member(&admin, other, id);
    let stranger = s.login("stranger", "stranger password");
    let gets = [
        format!("/api/v1/workspaces/{ws}/contributions"),
        format!("/api/v1/workspaces/{ws}/contributions/mine"),
        format!("/api/v1/workspaces/{ws}/contributions/mine/1/files/firms.csv"),
        format!("/api/v1/workspaces/{ws}/contributions/firms/alpha"),
        format!("/api/v1/workspaces/{ws}/contributions/firms/alpha/1/files/firms.csv"),
        format!("/api/v1/workspaces/{ws}/aggregates/value-by-country"),
    ];
    for a in [&stranger, &outsider_analyst] {
        for g in &gets {
            let r = s.get(g, a);
            assert_eq!((r.status, r.code().as_str()), (404, "not_found"), "{g}");
        }
        let r = contribute(s, ws, a, &alpha_rows("1"));
        assert_eq!(r.status, 404, "{}", text(&r));
        let r = s.post(
            &format!("/api/v1/workspaces/{ws}/contributions/assemble"),
            a,
            &Value::Null,
        );
        assert_eq!(r.status, 404);
    }
    // Contributors may not assemble; analysts have no contribution of their own to upload.
    let r = s.post(
        &format!("/api/v1/workspaces/{ws}/contributions/assemble"),
        &w.alpha,
        &Value::Null,
    );
    assert_eq!((r.status, r.code().as_str()), (403, "forbidden"));
    let r = contribute(s, ws, &w.analyst, &alpha_rows("1"));
    assert_eq!((r.status, r.code().as_str()), (403, "forbidden"));
    let r = s.get(
        &format!("/api/v1/workspaces/{ws}/contributions/mine"),
        &w.analyst,
    );
    assert_eq!(r.status, 403);
}

/// The capacity table (an item's concentration), by hand. Finite capacities: part A 10 at each of alpha and
/// charlie (CAN) and delta (USA); part B 30 at each of prime (CAN), bravo and echo (USA); the other stages are
/// unlimited and left out.
///
/// ```text
///           CAN                    USA                    total
/// comp-a    20 (alpha, charlie)    10 (delta)             30 (3 firms, 1/3 each)
/// comp-b    30 (prime)             60 (bravo, echo)       90 (3 firms, 1/3 each)
/// total     50 (3 firms, top 60%)  70 (3 firms, top 43%)  120
/// ```
///
/// Every inner cell has fewer than 3 firms: all four are hidden, and every line then holds two hidden cells,
/// so nothing more is. Each can be anything in a range 30 wide (part A in CAN: [0, 30]): protected.
#[test]
fn capacity_aggregates_are_suppressed_as_computed_by_hand() {
    let w = world();
    let (s, ws) = (&w.s, w.ws);
    let mut model = tiny();
    model.iter_mut().find(|f| f.0 == "stages.csv").unwrap().1 = "id,item,site,value_added,capacity\n\
        plat-x@prime-plant,plat-x,prime-plant,40,\nplat-y@prime-plant,plat-y,prime-plant,40,\n\
        comp-a@alpha-plant,comp-a,alpha-plant,30,10\ncomp-a@charlie-plant,comp-a,charlie-plant,30,10\n\
        comp-a@delta-plant,comp-a,delta-plant,30,10\ncomp-b@bravo-plant,comp-b,bravo-plant,50,30\n\
        comp-b@echo-plant,comp-b,echo-plant,50,30\ncomp-b@prime-plant,comp-b,prime-plant,50,30\n\
        comp-c@charlie-plant,comp-c,charlie-plant,30,\ncomp-d@delta-plant,comp-d,delta-plant,50,\n\
        comp-e@echo-plant,comp-e,echo-plant,20,\n"
        .into();
    let r = s.upload(ws, &w.analyst, "application/zip", &zip_of(&model));
    assert_eq!(r.status, 201, "{}", text(&r));
    let path = format!("/api/v1/workspaces/{ws}/aggregates/capacity-by-country?version=2");
    let r = s.get(&path, &w.bravo);
    assert_eq!(r.status, 200, "{}", text(&r));
    let hid = json!({"value": null, "status": "suppressed"});
    let p = |v: f64| json!({"value": v, "status": "published"});
    assert_eq!(
        r.json(),
        json!({
            "version": 2, "table": "capacity_by_country", "unit": "units of the item per day",
            "view": "contributor", "rule": {"min_firms": 3, "dominance": 0.7},
            "rows": ["comp-a", "comp-b", "total"], "columns": ["CAN", "USA", "total"],
            "cells": [[hid, hid, p(30.0)], [hid, hid, p(90.0)], [p(50.0), p(70.0), p(120.0)]]
        })
    );
    let a = |v: f64, n: usize, seen: &str| json!({"value": v, "status": "published", "firms": n, "contributor_view": seen});
    assert_eq!(
        s.get(&path, &w.analyst).json()["cells"],
        json!([
            [
                a(20.0, 2, "suppressed"),
                a(10.0, 1, "suppressed"),
                a(30.0, 3, "published")
            ],
            [
                a(30.0, 1, "suppressed"),
                a(60.0, 2, "suppressed"),
                a(90.0, 3, "published")
            ],
            [
                a(50.0, 3, "published"),
                a(70.0, 3, "published"),
                a(120.0, 6, "published")
            ]
        ])
    );
}

/// An external supplier bought once without a lane and once over a lane from another site is one stage at two
/// places: refused on the row that contradicts the first, in words that name no placeholder.
#[test]
fn contradictory_external_references_are_refused_on_the_contributors_row() {
    let w = world();
    let rows = vec![
        (
            "firms.csv",
            "id,name,country\nalpha,Alpha Inc,CAN\n".to_owned(),
        ),
        (
            "sites.csv",
            "id,firm,country\nalpha-plant,alpha,CAN\n".into(),
        ),
        (
            "stages.csv",
            "id,item,site,value_added\ncomp-a@alpha-plant,comp-a,alpha-plant,30\n\
             comp-c@alpha-plant,comp-c,alpha-plant,30\n"
                .into(),
        ),
        (
            "inputs.csv",
            "stage,input_item,qty,supplier,share,lane\ncomp-a@alpha-plant,comp-b,1,ext@far,,\n\
             comp-c@alpha-plant,comp-b,1,ext@far,,lane-in\n"
                .into(),
        ),
        (
            "lanes.csv",
            "id,from_site,to_site,mode\nlane-in,far-site,alpha-plant,road\n".into(),
        ),
    ];
    let r = contribute(&w.s, w.ws, &w.alpha, &rows);
    assert_eq!(
        (r.status, r.code().as_str()),
        (422, "invalid_contribution"),
        "{}",
        text(&r)
    );
    let d = r.json()["error"]["diagnostics"].clone();
    let d = d.as_array().unwrap();
    assert!(!d.is_empty());
    assert!(
        d.iter()
            .any(|d| d["file"] == "inputs.csv" && d["line"] == 3 && d["severity"] == "error"),
        "{d:?}"
    );
    assert!(!text(&r).contains("~external"), "{}", text(&r));
}
