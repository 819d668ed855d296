//! Issue 17's "done when", as one user would go through it over real HTTP: an admin makes an analyst and a
//! contributor of one firm of the bundled example; the analyst uploads the example; the contributor uploads
//! its firm's rows (taken from the example by the definition of a firm's rows in docs/server.md) and reads the
//! published aggregate; the analyst runs a stress job, follows its progress to the end, reads its results, and
//! assembles the contribution into a new version, which holds the same rows.

mod common;

use common::{example_dir, firm_rows, start_with_workers, zip_dir, zip_entries, Events};
use keel_server::Limits;
use serde_json::json;

const FIRM: &str = "wenven-munitions";

#[test]
fn an_analyst_and_a_contributor_go_through_the_whole_server() {
    let s = start_with_workers(Limits::default(), 1);
    let admin = s.admin();
    let analyst = s.create_user(&admin, "ann", "analyst", None);
    let contributor = s.create_user(&admin, "carl", "contributor", Some(FIRM));
    let ws = s.create_workspace(&admin, "canada");
    s.add_member(&admin, ws, analyst);
    s.add_member(&admin, ws, contributor);
    let ann = s.login("ann", "ann password");
    let carl = s.login("carl", "carl password");

    // The analyst uploads the example: version 1.
    let r = s.upload(ws, &ann, "application/zip", &zip_dir(&example_dir(), ""));
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.json()["version"]["number"], 1);

    // The contributor uploads its firm's rows: revision 1; its suppliers elsewhere are external references.
    let mut rb = s
        .agent
        .post(s.url(&format!("/api/v1/workspaces/{ws}/contributions")));
    rb = rb
        .header("Cookie", carl.cookie.as_deref().unwrap())
        .header("X-CSRF-Token", carl.csrf.as_deref().unwrap())
        .header("Content-Type", "application/zip");
    let r = rb.send(&zip_entries(&firm_rows(FIRM))[..]).unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let body: serde_json::Value =
        serde_json::from_slice(&r.into_body().read_to_vec().unwrap()).unwrap();
    assert_eq!(body["revision"]["firm"], FIRM);
    assert_eq!(body["revision"]["revision"], 1);
    let external = body["external"].as_array().unwrap();
    assert!(!external.is_empty());
    assert!(external.iter().all(|e| e["message"]
        .as_str()
        .unwrap()
        .ends_with("resolved when analysts assemble the model")));
    // The contributor reads the published aggregate, and no whole-model data.
    let r = s.get(
        &format!("/api/v1/workspaces/{ws}/aggregates/value-by-country?version=1"),
        &carl,
    );
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert!(r.body.windows(10).any(|w| w == b"suppressed"));
    let r = s.get(&format!("/api/v1/workspaces/{ws}/versions"), &carl);
    assert_eq!(r.status, 403);

    // The analyst runs a stress job and follows it to the end.
    let r = s.post(
        &format!("/api/v1/workspaces/{ws}/jobs"),
        &ann,
        &json!({"version": 1, "analysis": "stress", "each": "country"}),
    );
    assert_eq!(r.status, 202, "{}", String::from_utf8_lossy(&r.body));
    let job = r.json()["id"].as_i64().unwrap();
    let events = Events::open(
        &s,
        &format!("/api/v1/workspaces/{ws}/jobs/{job}/events"),
        &ann,
    )
    .rest();
    let (last, progress) = events.split_last().unwrap();
    assert_eq!(
        (last.0.as_str(), &last.1["state"]),
        ("state", &json!("succeeded"))
    );
    let done: Vec<i64> = progress
        .iter()
        .map(|e| e.1["done"].as_i64().unwrap())
        .collect();
    assert!(done.windows(2).all(|w| w[0] <= w[1]), "{done:?}");
    let results = s
        .get(
            &format!("/api/v1/workspaces/{ws}/jobs/{job}/results.json"),
            &ann,
        )
        .json();
    assert_eq!(results["what"], "each country");
    assert_eq!(results["rows"][0]["rei"], 1.0);
    let r = s.get(
        &format!("/api/v1/workspaces/{ws}/jobs/{job}/results.json"),
        &carl,
    );
    assert_eq!(r.status, 403);

    // The analyst assembles the contribution: version 2, the same rows (the firm's now last in each table).
    let r = s.post(
        &format!("/api/v1/workspaces/{ws}/contributions/assemble"),
        &ann,
        &json!({}),
    );
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    let lines = |v: i64, f: &str| -> Vec<String> {
        let r = s.get(
            &format!("/api/v1/workspaces/{ws}/versions/{v}/files/{f}"),
            &ann,
        );
        assert_eq!(r.status, 200);
        let mut l: Vec<String> = String::from_utf8(r.body)
            .unwrap()
            .lines()
            .map(str::to_owned)
            .collect();
        l.sort();
        l
    };
    for f in [
        "firms.csv",
        "sites.csv",
        "stages.csv",
        "inputs.csv",
        "lanes.csv",
        "demand.csv",
    ] {
        assert_eq!(lines(1, f), lines(2, f), "{f}");
    }
}
