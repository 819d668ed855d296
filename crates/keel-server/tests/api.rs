//! The API over real HTTP on loopback, against a real database (SQLite; PostgreSQL when KEEL_TEST_POSTGRES
//! names a server): sessions, CSRF, the login rate limit, roles, workspaces, and what every route does without
//! a session.

mod common;

use common::{start, Auth, ADMIN};
use keel_server::Limits;
use serde_json::{json, Value};

#[test]
fn health_answers_without_a_session() {
    let s = start(Limits::default());
    let r = s.get("/api/v1/health", &Auth::NONE);
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["status"], "ok");
}

/// Every route of the OpenAPI description (generated from the handlers) but health and login refuses a
/// request with no session, a made-up cookie, or a made-up bearer token, with 401 and the JSON error shape.
#[test]
fn every_other_route_refuses_without_a_session() {
    let s = start(Limits::default());
    let api = keel_server::openapi();
    let mut checked = Vec::new();
    let fakes = [
        Auth::NONE,
        Auth {
            cookie: Some("keel_session=0123".into()),
            csrf: Some("0123".into()),
            bearer: None,
        },
        Auth {
            bearer: Some("keel_0123".into()),
            ..Auth::NONE
        },
    ];
    for (path, item) in &api.paths.paths {
        let concrete = path
            .replace("{ws}", "1")
            .replace("{v}", "1")
            .replace("{id}", "1")
            .replace("{user}", "1")
            .replace("{base}", "1")
            .replace("{name}", "model.toml")
            .replace("{firm}", "f")
            .replace("{rev}", "1");
        let methods = [
            ("GET", item.get.is_some()),
            ("POST", item.post.is_some()),
            ("PUT", item.put.is_some()),
            ("DELETE", item.delete.is_some()),
        ];
        assert!(
            item.patch.is_none() && item.head.is_none(),
            "{path}: a method this test does not send"
        );
        for (m, on) in methods {
            if !on {
                continue;
            }
            let open = (m, path.as_str()) == ("GET", "/api/v1/health")
                || (m, path.as_str()) == ("POST", "/api/v1/login");
            if open {
                continue;
            }
            for a in &fakes {
                let r = match m {
                    "GET" => s.get(&concrete, a),
                    "DELETE" => s.delete(&concrete, a),
                    _ => s.send(m, &concrete, a, &json!({})),
                };
                assert_eq!(
                    r.status,
                    401,
                    "{m} {path} with {a:?}: {}",
                    String::from_utf8_lossy(&r.body)
                );
                assert_eq!(r.code(), "unauthenticated", "{m} {path}");
            }
            checked.push(format!("{m} {path}"));
        }
    }
    // The routes this phase serves (a new route adds itself here through the OpenAPI description).
    assert_eq!(checked.len(), 42, "{checked:#?}");
    // An unknown route is a JSON 404, not an empty answer; a known one with another method a JSON 405.
    let r = s.get("/api/v1/nope", &Auth::NONE);
    assert_eq!((r.status, r.code().as_str()), (404, "not_found"));
    let r = s.delete("/api/v1/health", &Auth::NONE);
    assert_eq!((r.status, r.code().as_str()), (405, "method_not_allowed"));
    // A malformed path parameter or query, once signed in: a JSON 400.
    let a = s.admin();
    let r = s.get("/api/v1/workspaces/abc/versions", &a);
    assert_eq!((r.status, r.code().as_str()), (400, "bad_request"));
    let r = s.get("/api/v1/audit?after=abc", &a);
    assert_eq!((r.status, r.code().as_str()), (400, "bad_request"));
}

#[test]
fn login_sets_a_strict_httponly_cookie_and_wrong_passwords_are_refused() {
    let s = start(Limits::default());
    let r = s.post(
        "/api/v1/login",
        &Auth::NONE,
        &json!({"name": ADMIN, "password": "wrong password"}),
    );
    assert_eq!((r.status, r.code().as_str()), (401, "bad_credentials"));
    assert!(r.set_cookie.is_none());
    // An account that does not exist gets the very same answer.
    let r2 = s.post(
        "/api/v1/login",
        &Auth::NONE,
        &json!({"name": "nobody", "password": "wrong password"}),
    );
    assert_eq!(r2.status, 401);
    assert_eq!(r2.json(), r.json());

    let r = s.post(
        "/api/v1/login",
        &Auth::NONE,
        &json!({"name": ADMIN, "password": common::ADMIN_PW}),
    );
    assert_eq!(r.status, 200);
    let cookie = r.set_cookie.clone().unwrap();
    let attrs: Vec<&str> = cookie.split("; ").collect();
    assert!(
        attrs[0].starts_with("keel_session=") && attrs[0].len() == "keel_session=".len() + 64,
        "{cookie}"
    );
    for a in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=43200"] {
        assert!(attrs.contains(&a), "{cookie} lacks {a}");
    }
    assert!(
        !attrs.contains(&"Secure"),
        "no TLS flag was given: {cookie}"
    );
    let me = r.json();
    assert_eq!(me["user"]["name"], ADMIN);
    assert_eq!(me["user"]["role"], "admin");
    assert_eq!(me["csrf_token"].as_str().unwrap().len(), 64);

    // The session works, then logout ends it.
    let a = s.admin();
    assert_eq!(s.get("/api/v1/me", &a).json()["user"]["name"], ADMIN);
    assert_eq!(s.post("/api/v1/logout", &a, &Value::Null).status, 204);
    assert_eq!(s.get("/api/v1/me", &a).status, 401);
}

#[test]
fn login_is_rate_limited_per_account_and_per_address() {
    let s = start(Limits {
        login_failures_per_account: 3,
        login_failures_per_client: 6,
        ..Limits::default()
    });
    let try_login = |name: &str, pw: &str| {
        s.post(
            "/api/v1/login",
            &Auth::NONE,
            &json!({"name": name, "password": pw}),
        )
    };
    for _ in 0..3 {
        assert_eq!(try_login(ADMIN, "wrong password").status, 401);
    }
    // The fourth attempt is refused before the password is looked at: even the right one.
    let r = try_login(ADMIN, common::ADMIN_PW);
    assert_eq!((r.status, r.code().as_str()), (429, "rate_limited"));
    let wait: u64 = r.retry_after.as_deref().unwrap().parse().unwrap();
    assert!((899..=900).contains(&wait), "Retry-After {wait}");
    assert!(r.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("for this account"));
    // Three more failures on other names reach the address's limit of 6.
    for n in ["a", "b", "c"] {
        assert_eq!(try_login(n, "wrong password").status, 401);
    }
    let r = try_login("d", "wrong password");
    assert_eq!(r.status, 429);
    assert!(r.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("from this address"));
}

#[test]
fn a_cookie_session_needs_its_csrf_token_to_change_anything_and_a_bearer_token_does_not() {
    let s = start(Limits::default());
    let a = s.admin();
    let body = json!({"name": "w"});
    let r = s.post("/api/v1/workspaces", &a.without_csrf(), &body);
    assert_eq!((r.status, r.code().as_str()), (403, "csrf"));
    let wrong = Auth {
        csrf: Some("0".repeat(64)),
        ..a.clone()
    };
    assert_eq!(s.post("/api/v1/workspaces", &wrong, &body).code(), "csrf");
    // Reads need no token; nothing was created by the refused requests.
    assert_eq!(
        s.get("/api/v1/workspaces", &a.without_csrf()).json(),
        json!([])
    );
    assert_eq!(s.post("/api/v1/workspaces", &a, &body).status, 201);

    // An API token: shown once, works without CSRF, stops working when revoked.
    let t = s.post("/api/v1/tokens", &a, &json!({"name": "script"}));
    assert_eq!(t.status, 201);
    let token = t.json()["token"].as_str().unwrap().to_owned();
    assert!(token.starts_with("keel_"));
    let bearer = Auth {
        bearer: Some(token),
        ..Auth::NONE
    };
    assert_eq!(
        s.get("/api/v1/me", &bearer).json()["csrf_token"],
        Value::Null
    );
    assert_eq!(
        s.post("/api/v1/workspaces", &bearer, &json!({"name": "w2"}))
            .status,
        201
    );
    let listed = s.get("/api/v1/tokens", &a).json();
    assert_eq!(listed[0]["name"], "script");
    assert!(
        listed[0].get("token").is_none(),
        "a listed token never shows its secret"
    );
    let id = listed[0]["id"].as_i64().unwrap();
    assert_eq!(s.delete(&format!("/api/v1/tokens/{id}"), &a).status, 204);
    assert_eq!(s.get("/api/v1/me", &bearer).status, 401);
}

#[test]
fn roles_decide_what_each_account_may_do() {
    let s = start(Limits::default());
    let admin = s.admin();
    let analyst = s.create_user(&admin, "ana", "analyst", None);
    s.create_user(&admin, "con", "contributor", Some("arcliff-brass-deu"));
    // A contributor needs a firm, and only a contributor has one.
    let r = s.post(
        "/api/v1/users",
        &admin,
        &json!({"name": "x", "password": "long enough", "role": "contributor"}),
    );
    assert_eq!((r.status, r.code().as_str()), (400, "bad_request"));
    let r = s.post(
        "/api/v1/users",
        &admin,
        &json!({"name": "x", "password": "long enough", "role": "analyst", "firm": "f"}),
    );
    assert_eq!(r.status, 400);
    let r = s.post(
        "/api/v1/users",
        &admin,
        &json!({"name": "x", "password": "short", "role": "analyst"}),
    );
    assert!(r.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("at least 8"));
    let r = s.post(
        "/api/v1/users",
        &admin,
        &json!({"name": "ana", "password": "long enough", "role": "analyst"}),
    );
    assert_eq!((r.status, r.code().as_str()), (409, "conflict"));

    let ana = s.login("ana", "ana password");
    let con = s.login("con", "con password");
    assert_eq!(
        s.get("/api/v1/me", &con).json()["user"]["firm"],
        "arcliff-brass-deu"
    );
    for who in [&ana, &con] {
        let r = s.post(
            "/api/v1/users",
            who,
            &json!({"name": "y", "password": "long enough", "role": "admin"}),
        );
        assert_eq!((r.status, r.code().as_str()), (403, "forbidden"));
        assert_eq!(s.get("/api/v1/users", who).status, 403);
        assert_eq!(s.get("/api/v1/audit", who).status, 403);
        assert_eq!(
            s.post("/api/v1/workspaces", who, &json!({"name": "z"}))
                .status,
            403
        );
    }
    // Role change, audited; the last admin cannot step down.
    let r = s.send(
        "PUT",
        &format!("/api/v1/users/{analyst}/role"),
        &admin,
        &json!({"role": "admin"}),
    );
    assert_eq!((r.status, r.json()["role"].as_str()), (200, Some("admin")));
    let r = s.send(
        "PUT",
        "/api/v1/users/1/role",
        &admin,
        &json!({"role": "analyst"}),
    );
    assert_eq!(r.status, 200, "another admin exists now");
    let r = s.send(
        "PUT",
        &format!("/api/v1/users/{analyst}/role"),
        &ana,
        &json!({"role": "analyst"}),
    );
    assert_eq!((r.status, r.code().as_str()), (409, "conflict"));
    let audit = s.get("/api/v1/audit", &ana).json();
    let roles: Vec<(&str, &str)> = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "user.role")
        .map(|e| (e["target"].as_str().unwrap(), e["detail"].as_str().unwrap()))
        .collect();
    assert_eq!(
        roles,
        [("ana", "analyst -> admin"), (ADMIN, "admin -> analyst")]
    );
}

/// Names that look like SQL are data: stored and returned verbatim, and the tables are still there.
#[test]
fn sql_looking_names_are_stored_verbatim() {
    let s = start(Limits::default());
    let admin = s.admin();
    let evil_user = "Robert'); DROP TABLE users;--";
    let evil_ws = "x' OR '1'='1";
    let evil_firm = "f\"; DELETE FROM audit_log; --";
    let id = s.create_user(&admin, evil_user, "contributor", Some(evil_firm));
    let ws = s.create_workspace(&admin, evil_ws);
    s.add_member(&admin, ws, id);
    let users = s.get("/api/v1/users", &admin).json();
    assert_eq!(users[1]["name"], evil_user);
    assert_eq!(users[1]["firm"], evil_firm);
    assert_eq!(
        s.get("/api/v1/workspaces", &admin).json()[0]["name"],
        evil_ws
    );
    let members = s
        .get(&format!("/api/v1/workspaces/{ws}/members"), &admin)
        .json();
    assert_eq!(members[0]["name"], evil_user);
    let evil = s.login(evil_user, &format!("{evil_user} password"));
    assert_eq!(s.get("/api/v1/me", &evil).json()["user"]["name"], evil_user);
    // The contributor sees its workspace in the list (by membership) under its verbatim name.
    assert_eq!(
        s.get("/api/v1/workspaces", &evil).json()[0]["name"],
        evil_ws
    );
    assert!(
        s.get("/api/v1/audit", &admin)
            .json()
            .as_array()
            .unwrap()
            .len()
            >= 5
    );
}

#[test]
fn openapi_description_is_served_to_a_signed_in_caller() {
    let s = start(Limits::default());
    let a = s.admin();
    let r = s.get("/api/v1/openapi.json", &a);
    assert_eq!(r.status, 200);
    assert_eq!(r.content_type.as_deref(), Some("application/json"));
    let doc = r.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.contains_key("/api/v1/workspaces/{ws}/versions/{v}/files/{name}"));
    assert_eq!(paths.len(), keel_server::openapi().paths.paths.len());
}

/// The audit log is append-only: no statement in the server's source updates or deletes it.
#[test]
fn no_statement_updates_or_deletes_the_audit_log() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut stack = vec![src];
    let mut files = 0;
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let text = std::fs::read_to_string(&p).unwrap().to_ascii_uppercase();
            let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
            for bad in [
                "UPDATE AUDIT_LOG",
                "DELETE FROM AUDIT_LOG",
                "DROP TABLE AUDIT_LOG",
                "TRUNCATE",
            ] {
                assert!(!flat.contains(bad), "{}: {bad}", p.display());
            }
            files += 1;
        }
    }
    assert!(files > 10);
}

/// Behind a TLS proxy (`keel serve --tls-proxy`) the session cookie is also `Secure`, and the client address is
/// the proxy's X-Forwarded-For.
#[test]
fn behind_a_tls_proxy_the_cookie_is_secure_and_the_forwarded_address_counts() {
    let dir = tempfile::tempdir().unwrap();
    let database = common::database(dir.path());
    keel_server::create_admin(&database, ADMIN, common::ADMIN_PW).unwrap();
    let bg = keel_server::Background::start(keel_server::Config {
        bind: "127.0.0.1:0".parse().unwrap(),
        database,
        behind_proxy: true,
        limits: Limits::default(),
        ..keel_server::Config::default()
    })
    .unwrap();
    let body = serde_json::to_vec(&json!({"name": ADMIN, "password": common::ADMIN_PW})).unwrap();
    let r = ureq::post(bg.url("/api/v1/login"))
        .header("Content-Type", "application/json")
        .send(&body[..])
        .unwrap();
    let cookie = r
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.split("; ").any(|a| a == "Secure"), "{cookie}");
    // The client's address is the one the proxy appended to X-Forwarded-For (not the proxy's own, loopback).
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let wrong = serde_json::to_vec(&json!({"name": ADMIN, "password": "wrong password"})).unwrap();
    let r = agent
        .post(bg.url("/api/v1/login"))
        .header("Content-Type", "application/json")
        .header("X-Forwarded-For", "6.6.6.6, 203.0.113.7")
        .send(&wrong[..])
        .unwrap();
    assert_eq!(r.status(), 401);
    let pair = cookie.split(';').next().unwrap();
    let audit: Value = serde_json::from_reader(
        agent
            .get(bg.url("/api/v1/audit"))
            .header("Cookie", pair)
            .call()
            .unwrap()
            .into_body()
            .into_reader(),
    )
    .unwrap();
    let failed: Vec<&Value> = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "login.failed")
        .collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["client"], "203.0.113.7");
}

/// Changing one's password needs the current one, ends the account's other sessions and keeps this one.
#[test]
fn a_password_change_needs_the_current_password_and_ends_other_sessions() {
    let s = start(Limits::default());
    let here = s.admin();
    let elsewhere = s.admin();
    let r = s.send(
        "PUT",
        "/api/v1/me/password",
        &here,
        &json!({"current": "not it at all", "new": "a new password"}),
    );
    assert_eq!((r.status, r.code().as_str()), (403, "forbidden"));
    let r = s.send(
        "PUT",
        "/api/v1/me/password",
        &here,
        &json!({"current": common::ADMIN_PW, "new": "short"}),
    );
    assert_eq!((r.status, r.code().as_str()), (400, "bad_request"));
    assert_eq!(
        s.get("/api/v1/me", &elsewhere).status,
        200,
        "nothing changed yet"
    );
    let r = s.send(
        "PUT",
        "/api/v1/me/password",
        &here,
        &json!({"current": common::ADMIN_PW, "new": "a new password"}),
    );
    assert_eq!(r.status, 204);
    assert_eq!(s.get("/api/v1/me", &here).status, 200);
    assert_eq!(s.get("/api/v1/me", &elsewhere).status, 401);
    let r = s.post(
        "/api/v1/login",
        &Auth::NONE,
        &json!({"name": ADMIN, "password": common::ADMIN_PW}),
    );
    assert_eq!(r.status, 401);
    let admin = s.login(ADMIN, "a new password");

    // An admin resets a forgotten password: the user's sessions end, the new password works, only admins may.
    let id = s.create_user(&admin, "ana", "analyst", None);
    let ana = s.login("ana", "ana password");
    let body = json!({"password": "reset by admin"});
    let r = s.send("PUT", &format!("/api/v1/users/{id}/password"), &ana, &body);
    assert_eq!((r.status, r.code().as_str()), (403, "forbidden"));
    let r = s.send(
        "PUT",
        &format!("/api/v1/users/{id}/password"),
        &admin,
        &body,
    );
    assert_eq!(r.status, 204);
    assert_eq!(s.get("/api/v1/me", &ana).status, 401);
    s.login("ana", "reset by admin");
    let r = s.send("PUT", "/api/v1/users/999/password", &admin, &body);
    assert_eq!((r.status, r.code().as_str()), (404, "not_found"));
    let audit = s.get("/api/v1/audit", &admin).json();
    let actions: Vec<&str> = audit
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str().filter(|a| a.starts_with("password.")))
        .collect();
    assert_eq!(actions, ["password.change", "password.reset"]);
}

/// Every route under a workspace, called by a signed-in analyst of another workspace, is refused (403 or 404)
/// whatever the method, stores nothing, and never answers with the other workspace's name or data.
#[test]
fn every_workspace_route_refuses_another_workspaces_analyst() {
    let s = common::start_with_workers(Limits::default(), 1);
    let (a, _ws_a) = s.analyst_with_workspace("alice-analyst");
    let (b, ws_b) = s.analyst_with_workspace("bob-analyst");
    let zip = common::zip_dir(&common::example_dir(), "");
    let r = s.upload(ws_b, &b, "application/zip", &zip);
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    let r = s.post(
        &format!("/api/v1/workspaces/{ws_b}/jobs"),
        &b,
        &json!({"version": 1, "analysis": "exposure"}),
    );
    assert_eq!(r.status, 202, "{}", String::from_utf8_lossy(&r.body));
    let job = r.json()["id"].as_i64().unwrap();
    let b_name = "bob-analyst's workspace";
    let api = keel_server::openapi();
    let mut checked = 0;
    for (path, item) in &api.paths.paths {
        if !path.contains("{ws}") {
            continue;
        }
        let concrete = path
            .replace("{ws}", &ws_b.to_string())
            .replace("{v}", "1")
            .replace("{base}", "1")
            .replace("{id}", &job.to_string())
            .replace("{user}", "1")
            .replace("{firm}", "wenven-munitions")
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
                "GET" => s.get(&concrete, &a),
                "DELETE" => s.delete(&concrete, &a),
                _ if concrete.ends_with("/versions") => s.upload(ws_b, &a, "application/zip", &zip),
                _ => s.send(
                    m,
                    &concrete,
                    &a,
                    &json!({"version": 1, "analysis": "exposure"}),
                ),
            };
            assert!(
                r.status == 403 || r.status == 404,
                "{m} {path} by another workspace's analyst: {} {}",
                r.status,
                String::from_utf8_lossy(&r.body)
            );
            let body = String::from_utf8_lossy(&r.body);
            assert!(
                !body.contains(b_name),
                "{m} {path} names the workspace: {body}"
            );
            assert!(
                !body.contains("plt-"),
                "{m} {path} shows model rows: {body}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 15, "only {checked} workspace routes");
    // Nothing was stored in B by those requests: still one version and one job, which B can read.
    let v = s
        .get(&format!("/api/v1/workspaces/{ws_b}/versions"), &b)
        .json();
    assert_eq!(v.as_array().unwrap().len(), 1);
    let j = s.get(&format!("/api/v1/workspaces/{ws_b}/jobs"), &b).json();
    assert_eq!(j.as_array().unwrap().len(), 1);
}
