//! First render of the dashboard's overview and network pages in headless Chromium, on the bundled example
//! (canada-dib) and on a generated 20,000-stage model (`keel generate --stages 20000`, seed 1).
//!
//! `cargo bench -p keel-server --bench dashboard` starts the server in-process (release build), uploads both
//! models, signs an analyst in, and opens each page `KEEL_DASH_RUNS` times (default 7) from a blank tab, as
//! a user opening a bookmark does: the page, its scripts (revalidated by ETag), the session check, the data
//! request, the model load on the first request (later ones find it loaded), layout and drawing all count.
//! The time is the browser's own clock from the navigation's start to the moment the page marks as drawn
//! (`window.keelOverviewRendered`: counts and the platform table on the page; `window.keelNetworkRendered`:
//! Cytoscape's first frame). Then, on the drawn network, how long showing every tier and searching a stage of
//! the deepest tier take, to the second animation frame after the action. Prints min, median and max; figures
//! go in bench/RESULTS.md.
//!
//! Needs Chromium, as the browser tests do.

#![allow(clippy::print_stdout, clippy::print_stderr)]

#[path = "../tests/common/cdp.rs"]
mod cdp;
#[path = "../tests/common/mod.rs"]
mod common;

use cdp::Browser;
use keel_server::Limits;
use serde_json::Value;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(120);

fn median(mut v: Vec<f64>) -> (f64, f64, f64) {
    v.sort_by(f64::total_cmp);
    (v[0], v[v.len() / 2], v[v.len() - 1])
}

/// Opens `url` from a blank tab and returns the page's mark `mark` (ms since navigation start).
fn open(b: &mut Browser, url: &str, mark: &str) -> f64 {
    b.goto("about:blank");
    b.goto(url);
    b.wait(&format!("window.{mark} > 0"), WAIT);
    b.eval(&format!("window.{mark}")).as_f64().unwrap()
}

fn main() {
    let runs: usize = std::env::var("KEEL_DASH_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(7);
    let s = common::start_with_workers(Limits::default(), 0);
    let (auth, ws) = s.analyst_with_workspace("bench-analyst");
    let r = s.upload(
        ws,
        &auth,
        "application/zip",
        &common::zip_dir(&common::example_dir(), ""),
    );
    assert_eq!(r.status, 201);
    let example = keel_io::load(&common::example_dir()).unwrap().model;
    let tmp = tempfile::tempdir().unwrap();
    let big = keel_io::generate::generate(&keel_io::generate::GenOptions {
        stages: 20_000,
        seed: 1,
        ..Default::default()
    })
    .build()
    .unwrap()
    .model;
    keel_io::write_dir(&big, tmp.path()).unwrap();
    let r = s.upload(
        ws,
        &auth,
        "application/zip",
        &common::zip_dir(tmp.path(), ""),
    );
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    // The 20,000-stage model's platform with the largest upstream network.
    let widest = big
        .demand_stages()
        .map(|p| {
            let net = keel_engine::network::run(&big, &big.stages()[p.index()].id)
                .unwrap()
                .json;
            (
                net["stages"]["id"].as_array().unwrap().len(),
                big.stages()[p.index()].id.clone(),
            )
        })
        .max()
        .unwrap();
    // A stage of each network's deepest tier, to search for.
    let deepest: Vec<String> = [(&example, "plt-ffh".to_owned()), (&big, widest.1.clone())]
        .iter()
        .map(|(m, p)| {
            let net = keel_engine::network::run(m, p).unwrap().json;
            let tiers = net["stages"]["tier"].as_array().unwrap();
            let last = tiers.len() - 1;
            net["stages"]["id"][last].as_str().unwrap().to_owned()
        })
        .collect();
    let models = [
        ("canada-dib", 1, "plt-ffh".to_owned(), 192),
        ("generated 20,000 stages", 2, widest.1.clone(), widest.0),
    ];

    let mut b = Browser::launch(1366, 768);
    b.goto(&s.url("/"));
    b.wait("document.querySelector('#login-form')", WAIT);
    b.eval(&format!(
        "document.querySelector('#login-name').value = 'bench-analyst'; \
         document.querySelector('#login-password').value = {}; \
         document.querySelector('#login-form').requestSubmit(); true",
        Value::from("bench-analyst password")
    ));
    b.wait(
        "document.querySelector('h1')?.textContent === 'Workspaces'",
        WAIT,
    );

    println!("first render in headless Chromium at 1366x768, {runs} runs each (ms since navigation start)");
    println!(
        "{:<26} {:<10} {:>9} {:>8} {:>8} {:>8}",
        "model", "page", "stages", "min", "median", "max"
    );
    for (name, v, platform, stages) in &models {
        let overview = s.url(&format!("/#/w/{ws}/v/{v}"));
        let network = s.url(&format!(
            "/#/w/{ws}/v/{v}/network/{}",
            platform.replace('/', "%2F")
        ));
        // The first opening loads the model into the server's cache; it is reported on its own.
        let cold = open(&mut b, &overview, "keelOverviewRendered");
        let o: Vec<f64> = (0..runs)
            .map(|_| open(&mut b, &overview, "keelOverviewRendered"))
            .collect();
        let n: Vec<f64> = (0..runs)
            .map(|_| open(&mut b, &network, "keelNetworkRendered"))
            .collect();
        let fetch: Vec<f64> = (0..runs)
            .map(|_| {
                open(&mut b, &network, "keelNetworkRendered");
                b.eval("window.keelNetworkFetched").as_f64().unwrap()
            })
            .collect();
        let (a, m, z) = median(o);
        println!(
            "{name:<26} {:<10} {:>9} {a:>8.0} {m:>8.0} {z:>8.0}",
            "overview", ""
        );
        println!(
            "{name:<26} {:<10} {:>9} {cold:>8.0} {:>8} {:>8}",
            "  (first)", "", "", ""
        );
        let (a, m, z) = median(n);
        println!(
            "{name:<26} {:<10} {stages:>9} {a:>8.0} {m:>8.0} {z:>8.0}",
            "network"
        );
        let (a, m, z) = median(fetch);
        println!(
            "{name:<26} {:<10} {:>9} {a:>8.0} {m:>8.0} {z:>8.0}",
            "  (fetch)", ""
        );
        // Responsiveness once drawn: showing every tier, and searching a stage of the deepest tier (it is
        // selected, centred and its suppliers listed), each timed to the second frame after the action.
        let frames =
            "await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))";
        let all: Vec<f64> = (0..runs)
            .map(|_| {
                open(&mut b, &network, "keelNetworkRendered");
                b.eval(&format!(
                    "(async () => {{ const t = performance.now(); \
                     [...document.querySelectorAll('.network-controls button')].find(x => x.textContent === 'Show all').click(); \
                     {frames}; return performance.now() - t; }})()"
                ))
                .as_f64()
                .unwrap()
            })
            .collect();
        let find: Vec<f64> = (0..runs)
            .map(|_| {
                open(&mut b, &network, "keelNetworkRendered");
                b.eval(&format!(
                    "(async () => {{ const q = document.querySelector('#network-search'); \
                     q.value = {}; const t = performance.now(); \
                     q.dispatchEvent(new KeyboardEvent('keydown', {{key: 'Enter'}})); {frames}; \
                     if (!document.querySelector('#stage-details h2')) throw new Error('nothing selected'); \
                     return performance.now() - t; }})()",
                    Value::from(deepest[*v as usize - 1].clone())
                ))
                .as_f64()
                .unwrap()
            })
            .collect();
        let (a, m, z) = median(all);
        println!(
            "{name:<26} {:<10} {:>9} {a:>8.0} {m:>8.0} {z:>8.0}",
            "show all", ""
        );
        let (a, m, z) = median(find);
        println!(
            "{name:<26} {:<10} {:>9} {a:>8.0} {m:>8.0} {z:>8.0}",
            "search", ""
        );
        assert!(
            b.console.iter().all(|c| !c.starts_with("exception")),
            "{:?}",
            b.console
        );
    }
}
