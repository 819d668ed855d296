//! The dashboard's "More analyses" and policy page in a real browser (Debian's Chromium over the DevTools
//! protocol) against a real server on loopback with the published data sets: an analyst uploads the example,
//! runs the simulation, the Monte Carlo and the plan's budget frontier from the overview, and NATO spending and
//! SIPRI suppliers from the workspace's policy page, each job started by its button and followed to the end
//! without a reload. Every figure the page states is checked against keel-engine run on the same inputs with the
//! same options; every chart is named for screen readers and its screenshot is not blank.
//!
//! `KEEL_DASHBOARD_SHOTS=<dir>` keeps the screenshots.

#[path = "common/cdp.rs"]
mod cdp;
mod common;
#[path = "common/page.rs"]
mod page;

use cdp::Browser;
use common::{example_dir, shared_data, start_with_policy_data, zip_dir};
use page::{fits, shot_at as shot, sign_in, unnamed_controls};
use serde_json::{json, Value};
use std::collections::HashSet;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(60);

/// A number as the page prints one of 1,000 or more (en-CA, no decimals).
fn grouped(x: f64) -> String {
    assert!(
        x.abs() >= 1000.0,
        "{x}: the page prints decimals below 1,000"
    );
    #[allow(clippy::cast_possible_truncation)]
    let digits = (x.abs().round() as i64).to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if x < 0.0 {
        out.insert(0, '-');
    }
    out
}

/// The rows of one of an analysis's tables, as the CSV download holds them (header first).
fn csv_rows(r: &keel_engine::Results, name: &str) -> Vec<Vec<String>> {
    let text = String::from_utf8(r.csv_bytes(Some(name)).unwrap()).unwrap();
    text.lines()
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect()
}

fn run(model: &keel_model::Model, options: &Value) -> keel_engine::Results {
    keel_engine::run(
        model,
        &serde_json::from_value(options.clone()).unwrap(),
        &keel_model::Silent,
    )
    .unwrap()
}

/// Presses the panel's start button and waits until its job has ended and, if it succeeded, its results are
/// drawn; a failed job fails the test with what the panel says.
fn run_panel(b: &mut Browser, panel: &str, timeout: Duration) {
    b.eval(&format!(
        "document.querySelector('#{panel} button.primary').click(); true"
    ));
    let state = b.wait(
        &format!(
            "(() => {{ const t = document.querySelector('#{panel} .job-state')?.textContent || ''; \
               if (/failed|cancelled/.test(t)) return t; \
               return t.includes('succeeded') && document.querySelector('#{panel} .job-results figure') && t; }})()"
        ),
        timeout,
    );
    let text = b.eval(&format!("document.querySelector('#{panel}').innerText"));
    assert!(
        state.as_str().unwrap().ends_with("succeeded"),
        "{panel}: {}",
        text.as_str().unwrap()
    );
}

/// Each line series of the `n`th chart in `scope`: [name, number of points].
fn series(b: &mut Browser, scope: &str, n: usize) -> Vec<(String, u64)> {
    let v = b.eval(&format!(
        "[...document.querySelectorAll('{scope} figure')[{n}].querySelectorAll('polyline.series')] \
         .map(p => [p.dataset.series, Number(p.dataset.points)])"
    ));
    v.as_array()
        .unwrap()
        .iter()
        .map(|p| (p[0].as_str().unwrap().to_owned(), p[1].as_u64().unwrap()))
        .collect()
}

/// The cells of the table behind the `n`th chart in `scope`.
fn behind(b: &mut Browser, scope: &str, n: usize) -> Vec<Vec<String>> {
    let v = b.eval(&format!(
        "[...document.querySelectorAll('{scope} figure')[{n}].querySelectorAll('details tbody tr')] \
         .map(r => [...r.children].map(c => c.textContent))"
    ));
    serde_json::from_value(v).unwrap()
}

#[test]
fn an_analyst_runs_simulation_monte_carlo_plan_and_policy_charts_in_the_browser() {
    let s = start_with_policy_data(Some(shared_data()));
    let admin = s.admin();
    let ann = s.create_user(&admin, "ann", "analyst", None);
    let ws = s.create_workspace(&admin, "Canada DIB");
    s.add_member(&admin, ws, ann);
    let tmp = tempfile::tempdir().unwrap();
    let zip = tmp.path().join("canada-dib.zip");
    std::fs::write(&zip, zip_dir(&example_dir(), "canada-dib/")).unwrap();
    let model = keel_io::load(&example_dir()).unwrap().model;
    let overview = keel_engine::overview::run(&model).json;
    let currency = overview["currency"].as_str().unwrap().to_owned();

    let mut b = Browser::launch(1366, 768);
    sign_in(&mut b, &s, "ann");
    b.eval(&format!(
        "document.querySelector('a[href=\"#/w/{ws}\"]').click(); true"
    ));
    b.wait("document.querySelector('#upload-file')", WAIT);
    b.set_file("#upload-file", &zip);
    b.wait(
        "document.querySelector('#more-analyses') && \
         document.querySelector('#simulate-scenario option')?.value && \
         document.querySelector('#plan-budgets').value",
        WAIT,
    );

    // Simulation of the first scenario the page offers (the first of scenarios.csv).
    let scenario = b.eval("document.querySelector('#simulate-scenario').value");
    let scenario = scenario.as_str().unwrap().to_owned();
    assert_eq!(scenario, model.scenarios()[0].name);
    let sim = run(
        &model,
        &json!({"analysis": "simulate", "scenario": scenario, "horizon": 365, "series": true, "stock": true}),
    );
    let platforms = csv_rows(&sim, "platforms");
    let loss_col = platforms[0].iter().position(|c| c == "loss").unwrap();
    let mut hit: Vec<(String, f64)> = platforms[1..]
        .iter()
        .map(|r| (r[0].clone(), r[loss_col].parse::<f64>().unwrap()))
        .filter(|(_, l)| *l > 0.0)
        .collect();
    let total: f64 = hit.iter().map(|h| h.1).sum();
    hit.sort_by(|a, b| b.1.total_cmp(&a.1));
    hit.truncate(7);
    assert!(
        hit.len() >= 2,
        "the example's first scenario hits platforms"
    );
    run_panel(&mut b, "simulate", WAIT);
    // One line per platform hit (largest loss first), one point per step; the loss chart adds the total.
    let output = series(&mut b, "#simulate", 0);
    let want: Vec<(String, u64)> = hit.iter().map(|h| (h.0.clone(), 365)).collect();
    assert_eq!(output, want);
    // The stock chart: one line per platform hit, each point the engine's stock on hand at that step.
    let stocks = series(&mut b, "#simulate", 1);
    assert_eq!(stocks, want);
    let rows = behind(&mut b, "#simulate", 1);
    let engine = csv_rows(&sim, "series");
    let col = |name: &str| engine[0].iter().position(|c| c == name).unwrap();
    let (step, platform, stock) = (col("step"), col("platform"), col("stock"));
    for (p, _) in &hit {
        for at in ["0", "100", "364"] {
            let shown = rows.iter().find(|r| &r[0] == p && r[1] == at).unwrap();
            let want = engine[1..]
                .iter()
                .find(|r| &r[platform] == p && r[step] == at)
                .unwrap()[stock]
                .parse::<f64>()
                .unwrap();
            let got = shown[2].replace(',', "").parse::<f64>().unwrap();
            assert!(
                (got - want).abs() <= 0.005 * want.abs().max(1.0),
                "{p} step {at}: {got} vs {want}"
            );
        }
    }
    let losses = series(&mut b, "#simulate", 2);
    assert_eq!(losses.len(), hit.len() + 1);
    assert_eq!(losses.last().unwrap(), &("All platforms".to_owned(), 365));
    let caption = b.eval("document.querySelectorAll('#simulate figcaption')[2].textContent");
    assert_eq!(
        caption.as_str().unwrap(),
        format!(
            "Cumulative loss under {scenario}: {} {currency} in all",
            grouped(total)
        )
    );
    // The total's last point, in the table behind the chart, is the engine's total loss.
    let rows = behind(&mut b, "#simulate", 2);
    let last = rows.iter().rfind(|r| r[0] == "All platforms").unwrap();
    assert_eq!(last[1], "364");
    assert_eq!(last[2], grouped(total));
    shot(&mut b, "#simulate", "analyses-simulate", false);
    shot(
        &mut b,
        "#simulate .job-results figure:nth-of-type(3)",
        "analyses-simulate-loss",
        false,
    );

    // Monte Carlo: mean, p95 and CVaR stated as the engine computes them with the same runs and seed.
    let mc = run(
        &model,
        &json!({"analysis": "montecarlo", "runs": 200, "seed": 1}),
    );
    let t = &mc.json["total_loss"];
    run_panel(&mut b, "montecarlo", WAIT);
    let caption = b.eval("document.querySelector('#montecarlo-chart figcaption').textContent");
    assert_eq!(
        caption.as_str().unwrap(),
        format!(
            "Total loss over 200 runs of 365 steps: mean {}, p95 {}, CVaR 95% {} {currency}",
            grouped(t["mean"].as_f64().unwrap()),
            grouped(t["p95"].as_f64().unwrap()),
            grouped(t["cvar95"].as_f64().unwrap()),
        )
    );
    // The histogram of the runs that lost anything: its bins hold exactly the engine's runs with a positive
    // loss, and its last bin ends at the largest.
    let bins = behind(&mut b, "#montecarlo", 0);
    let count = |r: &Vec<String>| r[2].replace(',', "").parse::<usize>().unwrap();
    let losses: Vec<f64> = mc
        .table(Some("runs"))
        .unwrap()
        .rows
        .iter()
        .map(|r| match r[1] {
            keel_engine::table::Cell::Num(x) => x,
            ref c => panic!("loss cell {c:?}"),
        })
        .collect();
    assert_eq!(losses.len(), 200);
    let lossy = losses.iter().filter(|x| **x > 0.0).count();
    assert_eq!(lossy, mc.json["runs_with_loss"].as_u64().unwrap() as usize);
    assert_eq!(bins.iter().map(count).sum::<usize>(), lossy);
    let max = losses.iter().copied().fold(0.0, f64::max);
    let last_to: f64 = bins.last().unwrap()[1].replace(',', "").parse().unwrap();
    assert!((last_to - max).abs() <= 1.0, "{last_to} vs {max}");
    shot(&mut b, "#montecarlo", "analyses-montecarlo", false);
    // The histogram the panel draws once the results hold each run's loss (a `runs` table): the values 0 to
    // 99 in 10 bins are 10 to a bin, and each mark is drawn.
    let counts = b.eval(
        "import('/assets/charts.js').then(m => { \
           const f = m.histogram('check', 'Loss', 'Runs', [...Array(100).keys()], \
             {bins: 10, marks: [{label: 'mean', value: 49.5}, {label: 'p95', value: 95}]}); \
           document.body.append(f); \
           const out = [[...f.querySelectorAll('tbody tr')].map(r => r.children[2].textContent), \
                        f.querySelectorAll('rect.bin').length, f.querySelectorAll('line.mark').length, \
                        f.querySelector('svg').getBoundingClientRect().height > 100]; \
           f.remove(); return out; })",
    );
    assert_eq!(counts, json!([vec!["10"; 10], 10, 2, true]));

    // The plan's frontier at the budgets the page proposes: each point the engine's expected loss.
    let budgets = b.eval("document.querySelector('#plan-budgets').value");
    let budgets: Vec<f64> = budgets
        .as_str()
        .unwrap()
        .split(',')
        .map(|x| x.trim().parse().unwrap())
        .collect();
    assert_eq!(budgets.len(), 6);
    assert_eq!(budgets[0], 0.0);
    let plan = run(&model, &json!({"analysis": "plan", "frontier": budgets}));
    let frontier = csv_rows(&plan, "frontier");
    assert_eq!(
        frontier[0],
        ["budget", "cost", "expected_loss", "cvar", "gap", "options"]
    );
    run_panel(&mut b, "plan", Duration::from_secs(120));
    assert_eq!(
        series(&mut b, "#plan", 0),
        [(
            "Least expected loss within the budget".to_owned(),
            budgets.len() as u64
        )]
    );
    let points = behind(&mut b, "#plan", 0);
    assert_eq!(points.len(), budgets.len());
    for (got, want) in points.iter().zip(&frontier[1..]) {
        let budget: f64 = want[0].parse().unwrap();
        let budget = if budget == 0.0 {
            "0".to_owned()
        } else {
            grouped(budget)
        };
        assert_eq!(got[1], budget);
        assert_eq!(got[2], grouped(want[2].parse().unwrap()));
    }
    // The chosen investments: every option some budget funds, ticked under exactly the budgets that fund it.
    let funded: Vec<HashSet<&str>> = frontier[1..]
        .iter()
        .map(|r| r[5].split(';').filter(|x| !x.is_empty()).collect())
        .collect();
    let chosen = b.eval(
        "[...document.querySelectorAll('#plan-investments tbody tr')] \
         .map(r => [...r.children].map(c => c.textContent))",
    );
    let chosen: Vec<Vec<String>> = serde_json::from_value(chosen).unwrap();
    let all: HashSet<&str> = funded.iter().flatten().copied().collect();
    assert_eq!(chosen.len(), all.len());
    for row in &chosen {
        for (i, f) in funded.iter().enumerate() {
            assert_eq!(row[3 + i] == "✓", f.contains(row[0].as_str()), "{row:?}");
        }
    }
    assert!(fits(&mut b), "the overview scrolls sideways at 1366x768");
    assert_eq!(
        unnamed_controls(&mut b),
        json!([]),
        "controls without a name"
    );
    shot(&mut b, "#plan", "analyses-plan", false);
    shot(&mut b, "#more-analyses", "analyses-overview", true);

    // The workspace's policy page: Canada's share of GDP against the targets, and its suppliers by period.
    let data = keel_engine::policy::PolicyData::in_folder(&shared_data());
    let policy = |options: Value| {
        let keel_engine::Analysis::Policy(o) = serde_json::from_value(options).unwrap() else {
            unreachable!()
        };
        keel_engine::policy::run(&data, &o, &keel_model::Silent).unwrap()
    };
    let spending = policy(json!({"analysis": "policy", "command": "spending", "country": "CAN"}));
    let arms = policy(json!({"analysis": "policy", "command": "arms", "recipient": "Canada"}));
    b.eval(&format!("location.hash = '#/w/{ws}'; true"));
    b.wait("document.querySelector('#policy-link')", WAIT);
    b.eval("document.querySelector('#policy-link').click(); true");
    b.wait(
        "document.querySelector('h1')?.textContent === 'Defence spending and arms suppliers'",
        WAIT,
    );
    run_panel(&mut b, "spending", WAIT);
    let share = b.eval("document.querySelector('#share-latest').textContent");
    assert_eq!(share.as_str().unwrap(), "Share of GDP in 2024e: 1.37%");
    let share = spending.json["standing"]["share_gdp"].as_f64().unwrap();
    assert_eq!(format!("{:.2}%", share * 100.0), "1.37%");
    let years = csv_rows(&spending, "years");
    let path = csv_rows(&spending, "path");
    assert_eq!(
        series(&mut b, "#spending", 0),
        [
            (
                "Defence expenditure / GDP (NATO)".to_owned(),
                years.len() as u64 - 1
            ),
            (
                "Steady path to 3.5% by 2035".to_owned(),
                path.len() as u64 - 1
            )
        ]
    );
    let refs = b.eval(
        "[...document.querySelectorAll('#spending-chart .ref-label')].map(t => t.textContent)",
    );
    assert_eq!(refs, json!(["2% (2014)", "3.5% (2035)", "5% (2035, all)"]));
    shot(&mut b, "#spending", "policy-spending", false);

    run_panel(&mut b, "arms", WAIT);
    let periods: Vec<String> = csv_rows(&arms, "periods")[1..]
        .iter()
        .map(|r| format!("{}–{}", r[0], r[1]))
        .collect();
    let labels = b.eval(
        "[...document.querySelectorAll('#arms-chart svg text.label')].map(t => t.textContent)",
    );
    assert_eq!(labels, json!(periods));
    // The US share of 1950-1954 in the table behind, as SIPRI's data give it.
    let us = behind(&mut b, "#arms", 0)
        .into_iter()
        .find(|r| r[0] == periods[0] && r[1] == "United States")
        .unwrap();
    let want = csv_rows(&arms, "period_partners")
        .into_iter()
        .find(|r| r[2] == "United States")
        .unwrap();
    assert_eq!(
        us[3],
        format!("{:.1}%", want[4].parse::<f64>().unwrap() * 100.0)
    );
    assert!(fits(&mut b), "the policy page scrolls sideways at 1366x768");
    assert_eq!(
        unnamed_controls(&mut b),
        json!([]),
        "controls without a name"
    );
    shot(&mut b, "#arms", "policy-arms", false);
    shot(&mut b, "h1", "policy", true);
}
