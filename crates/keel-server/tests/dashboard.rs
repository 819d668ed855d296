//! The web dashboard in a real browser (Debian's Chromium, driven over the DevTools protocol) against a real
//! server on loopback: an analyst signs in, uploads the bundled example by choosing the file, reads the
//! overview (checked against keel-engine's own overview of the example), runs a stress job and waits for its
//! progress to finish (the ranking checked against keel-engine's stress run), sees a refused upload's located
//! diagnostics and a diff; a contributor signs in and no page shows another firm's rows, nor asks the API for
//! anything it refuses. Pages must fit 1366x768 without sideways scrolling, render at 4K, and name every
//! control for screen readers.
//!
//! `KEEL_DASHBOARD_SHOTS=<dir>` keeps the screenshots (docs/img/ holds the published ones).

#[path = "common/cdp.rs"]
mod cdp;
mod common;
#[path = "common/page.rs"]
mod page;

use cdp::Browser;
use common::{example_dir, firm_rows, start_with_workers, zip_dir, zip_entries};
use keel_server::Limits;
use page::{fits, shot, sign_in, submit_sign_in, unnamed_controls};
use serde_json::Value;
use std::collections::HashSet;
use std::path::Path;
use std::time::Duration;

const FIRM: &str = "wenven-munitions";
const WAIT: Duration = Duration::from_secs(60);

/// The page's visible text and every attribute value (links included): all a user or the page's code holds.
fn page_text(b: &mut Browser) -> String {
    b.eval(
        "document.body.innerText + '\\n' + [...document.querySelectorAll('*')].flatMap(e => \
         [...e.attributes].map(a => a.value)).join('\\n')",
    )
    .as_str()
    .unwrap()
    .to_owned()
}

#[test]
fn an_analyst_uploads_reads_the_overview_and_runs_a_stress_job_in_the_browser() {
    let s = start_with_workers(Limits::default(), 1);
    let admin = s.admin();
    let ann = s.create_user(&admin, "ann", "analyst", None);
    let ws = s.create_workspace(&admin, "Canada DIB");
    s.add_member(&admin, ws, ann);
    let tmp = tempfile::tempdir().unwrap();
    let zip = tmp.path().join("canada-dib.zip");
    std::fs::write(&zip, zip_dir(&example_dir(), "canada-dib/")).unwrap();

    let model = keel_io::load(&example_dir()).unwrap().model;
    let overview = keel_engine::overview::run(&model).json;
    let stress = keel_engine::run(
        &model,
        &serde_json::from_value(serde_json::json!({"analysis": "stress", "each": "site"})).unwrap(),
        &keel_model::Silent,
    )
    .unwrap();
    let ranking = stress.table(Some("scenarios")).unwrap();

    let mut b = Browser::launch(1366, 768);
    sign_in(&mut b, &s, "ann");
    assert!(fits(&mut b));
    b.eval(&format!(
        "document.querySelector('a[href=\"#/w/{ws}\"]').click(); true"
    ));
    b.wait(
        "document.querySelector('h1')?.textContent === 'Model versions'",
        WAIT,
    );
    shot(&mut b, "versions-empty", false);

    // Upload by choosing the file, then land on the new version's overview.
    b.set_file("#upload-file", &zip);
    b.wait(
        "location.hash === '#/w/1/v/1' && document.querySelector('#platforms tbody')",
        WAIT,
    );
    let rows = b.eval(
        "[...document.querySelectorAll('#platforms tbody tr')].map(r => [...r.children].map(c => c.textContent))",
    );
    let rows = rows.as_array().unwrap();
    let want = overview["platforms"].as_array().unwrap();
    assert_eq!(rows.len(), want.len());
    assert_eq!(rows.len(), 11, "the example has 11 platforms");
    for (got, want) in rows.iter().zip(want) {
        assert_eq!(got[0], want["platform"]);
        let spof = &want["single_points_of_failure"];
        assert_eq!(got[5].as_str().unwrap(), spof["firms"].to_string());
        let routes = spof["lanes"].as_u64().unwrap() + spof["chokepoints"].as_u64().unwrap();
        assert_eq!(got[6].as_str().unwrap(), routes.to_string());
        assert_eq!(
            got[7].as_str().unwrap(),
            spof["foreign_countries"].to_string()
        );
        let pct = format!("{:.1}%", want["home_share"].as_f64().unwrap() * 100.0);
        assert_eq!(got[3].as_str().unwrap(), pct);
    }
    // The exposure chart: one stacked bar per platform, named for screen readers, its table one click away.
    b.wait(
        "document.querySelector('#exposure figure svg[role=img]')",
        WAIT,
    );
    let bars = b.eval(
        "document.querySelectorAll('#exposure figure:first-of-type svg text.label').length + ',' + \
         document.querySelectorAll('#exposure figure:nth-of-type(2) svg text.label').length + ',' + \
         document.querySelector('#exposure svg').getAttribute('aria-labelledby') + ',' + \
         document.querySelectorAll('#exposure details tbody tr').length",
    );
    let bars: Vec<&str> = bars.as_str().unwrap().split(',').collect();
    assert_eq!(bars[0], "11", "a stacked bar per platform by country");
    assert_eq!(bars[1], "11", "a group of bars per platform by bloc");
    assert!(bars[2].starts_with("chart-"));
    assert!(bars[3].parse::<usize>().unwrap() > 11);
    assert!(fits(&mut b), "the overview scrolls sideways at 1366x768");
    shot(&mut b, "overview", false);

    // Run the stress test: progress to the end, then the ranking appears without a reload.
    b.eval("window.keelMarker = 1; document.querySelector('#stress button.primary').click(); true");
    b.wait(
        "document.querySelector('#stress .job-state')?.textContent.includes('succeeded') && \
         document.querySelector('#stress .job-results tbody')",
        Duration::from_secs(120),
    );
    assert_eq!(
        b.eval("window.keelMarker"),
        Value::from(1),
        "the page reloaded"
    );
    let first =
        b.eval("document.querySelector('#stress-ranking tbody tr').children[1].textContent");
    let want_first = match &ranking.rows[0][1] {
        keel_engine::table::Cell::Text(t) => t.clone(),
        c => panic!("scenario cell {c:?}"),
    };
    assert_eq!(first.as_str().unwrap(), want_first);
    let progress = b.eval("document.querySelector('#stress progress').value");
    assert_eq!(
        progress.as_f64().unwrap(),
        stress.json["scenarios_total"].as_f64().unwrap()
    );
    b.wait(
        &format!(
            "document.querySelector('#worst')?.textContent === {}",
            Value::from(want_first.clone())
        ),
        WAIT,
    );
    assert_eq!(
        b.eval("document.querySelectorAll('#stress figure svg[role=img]').length"),
        Value::from(2)
    );
    assert_eq!(
        unnamed_controls(&mut b),
        Value::Array(vec![]),
        "controls without a name"
    );
    shot(&mut b, "stress", true);
    // The model's declared scenarios instead: the worst is keel-engine's worst scenario.
    let declared = keel_engine::run(
        &model,
        &serde_json::from_value(serde_json::json!({"analysis": "stress"})).unwrap(),
        &keel_model::Silent,
    )
    .unwrap();
    let want_worst = match &declared.table(Some("scenarios")).unwrap().rows[0][1] {
        keel_engine::table::Cell::Text(t) => t.clone(),
        c => panic!("scenario cell {c:?}"),
    };
    b.eval(
        "(() => { const e = document.querySelector('#stress-each'); e.value = 'scenarios'; \
         document.querySelector('#stress button.primary').click(); return true; })()",
    );
    b.wait(
        &format!(
            "document.querySelector('#worst')?.textContent === {} && \
             document.querySelector('#worst-label')?.textContent === 'Worst scenario: '",
            Value::from(want_worst)
        ),
        Duration::from_secs(120),
    );

    // The world map: every placed site drawn; choosing a site shows the platforms its loss alone stops, and
    // choosing a chokepoint highlights the lanes through it (both as keel-engine's map says).
    let map = keel_engine::map::run(&model).json;
    let placed = map["sites"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| !s["lat"].is_null())
        .count();
    b.eval("document.querySelector('#map-link').click(); true");
    b.wait("window.keelMapReady", WAIT);
    assert_eq!(
        b.eval("document.querySelectorAll('svg.world circle.site').length"),
        Value::from(placed)
    );
    assert!(
        b.eval("document.querySelectorAll('svg.world .countries path').length")
            .as_u64()
            .unwrap()
            > 200
    );
    let (si, site) = map["sites"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .find(|(_, s)| s["stops"].as_array().unwrap().len() >= 2)
        .unwrap();
    let want: Vec<Value> = site["stops"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| map["platforms"][k.as_u64().unwrap() as usize]["id"].clone())
        .collect();
    b.eval(&format!(
        "(() => {{ const p = document.querySelector('#map-site'); p.value = '{si}'; p.dispatchEvent(new Event('change')); return true; }})()"
    ));
    b.wait("document.querySelector('#map-details h2')", WAIT);
    assert_eq!(
        b.eval("document.querySelector('#map-details h2').textContent"),
        site["id"]
    );
    assert_eq!(
        b.eval("[...document.querySelectorAll('#map-details .stopped-list li')].map(l => l.textContent)"),
        Value::Array(want)
    );
    shot(&mut b, "map", false);
    let (ci, suez) = map["chokepoints"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .find(|(_, c)| c["name"] == "Suez Canal")
        .unwrap();
    assert_eq!(suez["placed"], "gazetteer");
    b.eval(&format!(
        "(() => {{ const p = document.querySelector('#map-chokepoint'); p.value = '{ci}'; p.dispatchEvent(new Event('change')); return true; }})()"
    ));
    b.wait(
        "document.querySelector('#map-details h2')?.textContent === 'Suez Canal'",
        WAIT,
    );
    assert_eq!(
        b.eval("document.querySelectorAll('svg.world line.lane.hit').length"),
        suez["lanes"]
    );
    assert!(fits(&mut b), "the map scrolls sideways at 1366x768");
    assert_eq!(unnamed_controls(&mut b), Value::Array(vec![]));
    b.eval("history.back(); true");
    b.wait("document.querySelector('#platforms a')", WAIT);
    // Back on the overview, the latest stress job's results are shown again without running it.
    b.wait("document.querySelector('#stress-ranking tbody tr')", WAIT);

    // The frigate's supply network, opened from the overview's platform table.
    let net = keel_engine::network::run(&model, "plt-ffh").unwrap().json;
    let ids = net["stages"]["id"].as_array().unwrap();
    let spofs = net["stages"]["spof"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| **s == true)
        .count();
    b.eval("[...document.querySelectorAll('#platforms a')].find(a => a.textContent.startsWith('plt-ffh@')).click(); true");
    b.wait("window.keelNetworkRendered > 0", WAIT);
    assert_eq!(
        b.eval("window.keelCy.nodes().length"),
        Value::from(ids.len())
    );
    assert_eq!(
        b.eval("window.keelCy.edges().length"),
        Value::from(net["links"]["supplier"].as_array().unwrap().len())
    );
    assert_eq!(
        b.eval("window.keelCy.nodes('[?spof]').length"),
        Value::from(spofs)
    );
    assert!(b
        .eval("document.querySelector('#network-summary').textContent")
        .as_str()
        .unwrap()
        .contains(&format!("{spofs} stages are single points of failure")));
    assert!(
        fits(&mut b),
        "the network page scrolls sideways at 1366x768"
    );
    shot(&mut b, "network", false);
    // Search a tier-2 stage by its id: it is selected, and its suppliers are listed.
    let tier2 = net["stages"]["tier"]
        .as_array()
        .unwrap()
        .iter()
        .position(|t| *t == 2)
        .unwrap();
    let id = ids[tier2].as_str().unwrap();
    b.eval(&format!(
        "(() => {{ const q = document.querySelector('#network-search'); q.value = {}; q.dispatchEvent(new KeyboardEvent('keydown', {{key: 'Enter'}})); return true; }})()",
        Value::from(id)
    ));
    b.wait(
        &format!(
            "document.querySelector('#stage-details h2')?.textContent === {}",
            Value::from(id)
        ),
        WAIT,
    );
    assert_eq!(
        b.eval("window.keelCy.$(':selected').data('label')"),
        Value::from(id)
    );
    // Only its upstream, then everything again.
    b.eval("[...document.querySelectorAll('.network-controls button')].find(x => x.textContent.startsWith('Only')).click(); true");
    let upstream = b
        .eval("window.keelCy.nodes(':visible').length")
        .as_u64()
        .unwrap();
    assert!(upstream >= 1 && (upstream as usize) < ids.len());
    b.eval("[...document.querySelectorAll('.network-controls button')].find(x => x.textContent === 'Show all').click(); true");
    assert_eq!(
        b.eval("window.keelCy.nodes(':visible').length"),
        Value::from(ids.len())
    );
    assert_eq!(unnamed_controls(&mut b), Value::Array(vec![]));

    // A refused upload shows keel check's located diagnostics.
    let mut bad = std::fs::read_to_string(example_dir().join("stages.csv")).unwrap();
    bad = bad.replacen('\n', "\nbroken-stage,,,,\n", 1);
    let mut entries = vec![("stages.csv".to_owned(), bad.into_bytes())];
    for f in [
        "model.toml",
        "countries.csv",
        "firms.csv",
        "sites.csv",
        "items.csv",
        "inputs.csv",
        "demand.csv",
    ] {
        entries.push((f.to_owned(), std::fs::read(example_dir().join(f)).unwrap()));
    }
    let bad_zip = tmp.path().join("bad.zip");
    std::fs::write(&bad_zip, zip_entries(&entries)).unwrap();
    b.goto(&s.url(&format!("/#/w/{ws}")));
    b.wait("document.querySelector('#upload-file')", WAIT);
    // Leaving the network page let its drawing go (it would otherwise redraw every frame for good).
    assert_eq!(b.eval("window.keelCy"), Value::Null);
    b.set_file("#upload-file", &bad_zip);
    b.wait(
        "document.querySelector('#upload-result .error table')",
        WAIT,
    );
    let diag = b.eval(
        "[...document.querySelectorAll('#upload-result .error tbody tr')].map(r => r.children[1].textContent + ':' + r.children[2].textContent)",
    );
    assert!(
        diag.as_array()
            .unwrap()
            .iter()
            .any(|d| d.as_str().unwrap() == "stages.csv:2"),
        "{diag}"
    );

    // A second version whose README changed, and the diff page.
    let mut v2 = Vec::new();
    for e in std::fs::read_dir(example_dir()).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_str().unwrap().to_owned();
        let bytes = if name == "README.md" {
            b"a second version\n".to_vec()
        } else {
            std::fs::read(&p).unwrap()
        };
        v2.push((name, bytes));
    }
    v2.sort();
    let annie = s.login("ann", "ann password");
    let r = s.upload(ws, &annie, "application/zip", &zip_entries(&v2));
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    b.goto(&s.url(&format!("/#/w/{ws}/v/2/diff/1")));
    b.wait(
        "document.querySelector('h1')?.textContent.startsWith('Changes')",
        WAIT,
    );
    let statuses = b.eval(
        "Object.fromEntries([...document.querySelectorAll('tbody tr')].map(r => [r.children[0].textContent, r.children[1].textContent]))",
    );
    assert_eq!(statuses["README.md"], "changed");
    assert_eq!(statuses["stages.csv"], "same");

    // At 4K the overview still renders (and still fits).
    drop(b);
    let mut big = Browser::launch(3840, 2160);
    sign_in(&mut big, &s, "ann");
    big.goto(&s.url(&format!("/#/w/{ws}/v/1")));
    big.wait("document.querySelector('#exposure figure svg')", WAIT);
    assert!(fits(&mut big));
    shot(&mut big, "overview-4k", false);
    assert!(
        big.console.iter().all(|c| !c.starts_with("exception")),
        "{:?}",
        big.console
    );
}

#[test]
fn a_contributor_sees_no_other_firms_rows_on_any_page() {
    let s = start_with_workers(Limits::default(), 1);
    let admin = s.admin();
    let carl = s.create_user(&admin, "carl", "contributor", Some(FIRM));
    let ws = s.create_workspace(&admin, "Canada DIB");
    s.add_member(&admin, ws, carl);
    let r = s.upload(ws, &admin, "application/zip", &zip_dir(&example_dir(), ""));
    assert_eq!(r.status, 201);
    let tmp = tempfile::tempdir().unwrap();
    let zip = tmp.path().join("mine.zip");
    std::fs::write(&zip, zip_entries(&firm_rows(FIRM))).unwrap();

    // Every id of another firm's rows: firms, sites, stages (platforms' stage ids are published labels of the
    // aggregates, docs/server.md, and are taken out of the page text before the check).
    let model = keel_io::load(&example_dir()).unwrap().model;
    let mut secret = HashSet::new();
    let platforms: Vec<String> = model
        .demand_stages()
        .map(|p| model.stages()[p.index()].id.clone())
        .collect();
    for st in model.stages() {
        let site = &model.sites()[st.site.index()];
        let firm = &model.firms()[site.firm.index()];
        if firm.id != FIRM {
            secret.insert(st.id.clone());
            secret.insert(site.id.clone());
            secret.insert(firm.id.clone());
        }
    }
    // What the contributor's own rows name (its suppliers' stages and sites) is its own knowledge.
    for (_, bytes) in firm_rows(FIRM) {
        for t in String::from_utf8(bytes).unwrap().split([',', '\n']) {
            secret.remove(t.trim());
        }
    }
    assert!(secret.len() > 500);

    let mut b = Browser::launch(1366, 768);
    sign_in(&mut b, &s, "carl");
    b.eval(&format!(
        "document.querySelector('a[href=\"#/w/{ws}\"]').click(); true"
    ));
    b.wait(
        "document.querySelector('h1')?.textContent.startsWith('Your firm')",
        WAIT,
    );
    b.set_file("#upload-file", &zip);
    b.wait("document.querySelector('#upload-result .ok')", WAIT);
    b.wait("document.querySelector('#aggregates table')", WAIT);
    // Its own rows, as stored: every sites.csv row on the page is one of its firm's.
    b.wait(
        "document.querySelectorAll('#own-rows table').length >= 6",
        WAIT,
    );
    let sites = b.eval(
        "[...document.querySelectorAll('#own-rows table')].find(t => t.caption.textContent.startsWith('sites.csv')) \
         .querySelectorAll('tbody tr').length",
    );
    let own_sites = model
        .sites()
        .iter()
        .filter(|x| model.firms()[x.firm.index()].id == FIRM)
        .count();
    assert_eq!(sites, Value::from(own_sites));
    b.wait(
        "document.querySelector('a[href*=\"/contributions/mine/1/files/\"]')",
        WAIT,
    );
    assert!(fits(&mut b));
    shot(&mut b, "contributor", true);

    let mut pages = Vec::new();
    for url in ["/#/", &format!("/#/w/{ws}")] {
        b.goto(&s.url(url));
        b.wait("document.querySelector('h1') && !document.querySelector('main p.muted')?.textContent.startsWith('Loading')", WAIT);
        pages.push((url.to_owned(), page_text(&mut b)));
    }
    for (url, mut text) in pages {
        for p in &platforms {
            text = text.replace(p.as_str(), " ");
        }
        let leaked: Vec<&str> = text
            .split(|c: char| !(c.is_alphanumeric() || "-_@.".contains(c)))
            .filter(|t| secret.contains(*t))
            .collect();
        assert!(
            leaked.is_empty(),
            "{url} shows another firm's ids: {leaked:?}"
        );
        assert!(text.contains(FIRM));
    }
    let refused: Vec<_> = b
        .responses
        .iter()
        // Before signing in the page asks GET /me whether it has a session: that 401 is the answer it expects.
        .filter(|(u, st)| {
            u.contains("/api/") && *st >= 400 && !(u.ends_with("/api/v1/me") && *st == 401)
        })
        .collect();
    assert!(
        refused.is_empty(),
        "the page asked for what the API refuses: {refused:?}"
    );
}

/// An admin sets up from the browser what a newcomer needs (README): a workspace, an analyst account and its
/// membership, then uploads the example as a workbook (`keel convert` gives one) and reaches its overview; the
/// server's own refusals (a short password) show on the form.
#[test]
fn an_admin_sets_up_a_workspace_and_an_analyst_in_the_browser() {
    let s = start_with_workers(Limits::default(), 0);
    let tmp = tempfile::tempdir().unwrap();
    let book = tmp.path().join("canada-dib.xlsx");
    keel_io::save(&keel_io::load(&example_dir()).unwrap().model, &book).unwrap();
    let mut b = Browser::launch(1366, 768);
    submit_sign_in(&mut b, &s, common::ADMIN, common::ADMIN_PW);
    b.wait("document.querySelector('#admin-link')", WAIT);
    b.eval("document.querySelector('#admin-link').click(); true");
    b.wait("document.querySelector('#new-workspace')", WAIT);
    b.eval("document.querySelector('#ws-name').value = 'Canada DIB'; document.querySelector('#new-workspace').requestSubmit(); true");
    b.wait(
        "[...document.querySelectorAll('table a')].some(a => a.textContent === 'Canada DIB')",
        WAIT,
    );
    // Too short a password: the API's refusal, on the form.
    let fill = |b: &mut Browser, pw: &str| {
        b.eval(&format!(
            "(() => {{ document.querySelector('#user-name').value = 'ann'; \
             document.querySelector('#user-password').value = {}; \
             document.querySelector('#user-role').value = 'analyst'; \
             document.querySelector('#new-user').requestSubmit(); return true; }})()",
            Value::from(pw)
        ));
    };
    b.eval("document.querySelector('#user-password').removeAttribute('minlength'); true");
    fill(&mut b, "short");
    b.wait("document.querySelector('#new-user .error')", WAIT);
    fill(&mut b, "ann password");
    b.wait(
        "[...document.querySelectorAll('tbody th')].some(t => t.textContent === 'ann')",
        WAIT,
    );
    b.eval("(() => { const u = document.querySelector('#member-user'); u.value = [...u.options].find(o => o.textContent.startsWith('ann')).value; document.querySelector('#add-member').requestSubmit(); return true; })()");
    b.wait("document.querySelector('#add-member .ok')", WAIT);
    assert_eq!(unnamed_controls(&mut b), Value::Array(vec![]));
    shot(&mut b, "admin", false);
    b.eval("document.querySelector('.brand').click(); true");
    b.wait(
        "document.querySelector('h1')?.textContent === 'Workspaces'",
        WAIT,
    );
    b.eval("[...document.querySelectorAll('main a')].find(a => a.textContent === 'Canada DIB').click(); true");
    b.wait("document.querySelector('#upload-file')", WAIT);
    b.set_file("#upload-file", &book);
    b.wait("document.querySelector('#platforms tbody')", WAIT);
    drop(b);
    // The analyst signs in and sees the workspace and its version.
    let mut b = Browser::launch(1366, 768);
    sign_in(&mut b, &s, "ann");
    assert!(b
        .eval("document.querySelector('main').textContent")
        .as_str()
        .unwrap()
        .contains("Canada DIB"));
}

/// The page and its files are served to anyone (they hold no data), each under a Content-Security-Policy that
/// allows only this server's own scripts, styles and API, and revalidated by ETag; every file of `web/` is
/// built in.
#[test]
fn the_dashboards_files_are_served_with_a_strict_policy() {
    let s = start_with_workers(Limits::default(), 0);
    let mut on_disk: Vec<String> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("web"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
    on_disk.sort();
    let mut served: Vec<String> = keel_server::web::file_names()
        .filter(|n| *n != keel_server::web::WORLD)
        .map(str::to_owned)
        .collect();
    served.sort();
    assert_eq!(
        on_disk, served,
        "every file in web/ must be listed in src/web.rs"
    );
    for name in &served {
        let path = if name == "index.html" {
            "/".to_owned()
        } else {
            format!("/assets/{name}")
        };
        let r = s.agent.get(s.url(&path)).call().unwrap();
        assert_eq!(r.status().as_u16(), 200, "{path}");
        let header = |h: &str| {
            r.headers()
                .get(h)
                .map(|v| v.to_str().unwrap().to_owned())
                .unwrap_or_default()
        };
        let csp = header("content-security-policy");
        assert!(
            csp.contains("default-src 'none'") && csp.contains("script-src 'self'"),
            "{csp}"
        );
        assert!(!csp.contains("unsafe-inline") && csp.contains("frame-ancestors 'none'"));
        assert_eq!(header("x-content-type-options"), "nosniff");
        let kind = header("content-type");
        let want = match name.rsplit('.').next().unwrap() {
            "html" => "text/html",
            "css" => "text/css",
            "js" => "text/javascript",
            "txt" => "text/plain",
            other => panic!("unexpected file type {other}"),
        };
        assert!(kind.starts_with(want), "{path}: {kind}");
        let tag = header("etag");
        let again = s
            .agent
            .get(s.url(&path))
            .header("If-None-Match", &tag)
            .call()
            .unwrap();
        assert_eq!(again.status().as_u16(), 304, "{path}");
        let body =
            std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("web").join(name)).unwrap();
        assert_eq!(r.into_body().read_to_vec().unwrap(), body);
    }
    // No script is inline (the policy would block it) and nothing is fetched from another origin.
    let page = String::from_utf8(
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("web/index.html")).unwrap(),
    )
    .unwrap();
    assert!(!page.contains("<script>") && !page.contains("http://") && !page.contains("https://"));
    // Our own files, that is: the vendored library's comments cite web pages.
    for name in served.iter().filter(|n| !n.starts_with("cytoscape")) {
        let text =
            std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("web").join(name))
                .unwrap();
        assert!(!text.contains("innerHTML"), "{name} parses text as HTML");
        assert!(
            !text.contains("https://") && !text.contains("http://cdn"),
            "{name} refers to another origin"
        );
    }
    let r = s.agent.get(s.url("/assets/nope.js")).call().unwrap();
    assert_eq!(r.status().as_u16(), 404);
}
