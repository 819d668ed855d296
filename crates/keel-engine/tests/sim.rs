//! The engine's simulation and Monte Carlo on the bundled example: results against keel-sim's own calls,
//! options named in errors, cancellation.

mod common;

use common::example;
use keel_engine::table::Cell;
use keel_engine::{run, Analysis, EngineError};
use keel_model::{Progress, Silent};
use keel_sim::montecarlo::{monte_carlo, DurationDist, McOptions};
use keel_sim::simulate::Simulator;
use std::sync::atomic::{AtomicUsize, Ordering};

fn analysis(json: &str) -> Analysis {
    serde_json::from_str(json).unwrap()
}

#[test]
fn simulate_reports_keel_sims_run_and_names_unknown_scenarios() {
    let m = example();
    let a = analysis(
        r#"{"analysis": "simulate", "scenario": "cn-rail-stoppage", "horizon": 120, "series": true, "every": 30}"#,
    );
    let r = run(&m, &a, &Silent).unwrap();
    let want = Simulator::new(&m, 120)
        .unwrap()
        .simulate_scenario_with_progress("cn-rail-stoppage", &|_| {})
        .unwrap();
    let t = r.table(None).unwrap();
    assert_eq!(t.rows.len(), want.platforms.len());
    for (row, p) in t.rows.iter().zip(&want.platforms) {
        assert_eq!(row[0], Cell::from(m.stages()[p.stage].id.as_str()));
        assert_eq!(row[7], Cell::Num(p.loss));
    }
    assert_eq!(r.json["result"]["total_loss"], want.total_loss);
    // Every 30th step (0, 30, 60, 90) for every platform, plus the steps short.
    let series = r.table(Some("series")).unwrap();
    let short: usize = want
        .platforms
        .iter()
        .map(|p| {
            (0..120)
                .filter(|s| s % 30 != 0 && p.shortfall[*s] > 0.0)
                .count()
        })
        .sum();
    assert_eq!(series.rows.len(), 4 * want.platforms.len() + short);
    let e = run(
        &m,
        &analysis(r#"{"analysis": "simulate", "scenario": "cn-rail-stopage"}"#),
        &Silent,
    )
    .unwrap_err();
    assert!(matches!(e, EngineError::Options(_)));
    assert!(
        e.to_string()
            .starts_with("unknown scenario `cn-rail-stopage`; did you mean `cn-rail-stoppage`?;"),
        "{e}"
    );
}

#[test]
fn monte_carlo_reports_keel_sims_statistics() {
    let m = example();
    let a = analysis(r#"{"analysis": "montecarlo", "runs": 300, "seed": 7}"#);
    let r = run(&m, &a, &Silent).unwrap();
    let sim = Simulator::new(&m, 365).unwrap();
    let want = monte_carlo(
        &sim,
        &McOptions {
            runs: 300,
            seed: 7,
            scenarios: true,
            base_rates: vec![],
            duration: DurationDist::Exponential { mean: 30.0 },
        },
        &|_| {},
    )
    .unwrap();
    let total = r.table(Some("total")).unwrap();
    assert_eq!(total.rows[0][3], Cell::from(want.runs_with_loss));
    assert_eq!(total.rows[0][4], Cell::Num(want.total_loss.mean));
    assert_eq!(total.rows[0][8], Cell::Num(want.total_loss.cvar95));
    assert_eq!(r.table(None).unwrap().rows.len(), want.platforms.len());
    assert_eq!(r.json["total_loss"]["p95"], want.total_loss.p95);
}

#[test]
fn monte_carlo_stops_when_cancelled() {
    struct StopAt(AtomicUsize, usize);
    impl Progress for StopAt {
        fn set(&self, done: usize) {
            self.0.fetch_max(done, Ordering::Relaxed);
        }
        fn cancelled(&self) -> bool {
            self.0.load(Ordering::Relaxed) >= self.1
        }
    }
    let m = example();
    let a = analysis(r#"{"analysis": "montecarlo", "runs": 5000}"#);
    let p = StopAt(AtomicUsize::new(0), 50);
    assert!(matches!(run(&m, &a, &p), Err(EngineError::Cancelled)));
    assert!(p.0.load(Ordering::Relaxed) < 5000);
}

/// With `stock`, the series gains each platform's finished units on hand: it starts at the platform stage's
/// inventory, falls by exactly what the stock covers (deliveries are the fast path's: the same shortfalls),
/// and the option without the series is refused.
#[test]
fn simulate_stock_series_starts_at_inventory_and_keeps_the_deliveries() {
    let m = example();
    let scenario = "montreal-port-strike-30d";
    let plain = run(
        &m,
        &analysis(&format!(
            r#"{{"analysis": "simulate", "scenario": "{scenario}", "series": true}}"#
        )),
        &Silent,
    )
    .unwrap();
    let with = run(
        &m,
        &analysis(&format!(
            r#"{{"analysis": "simulate", "scenario": "{scenario}", "series": true, "stock": true}}"#
        )),
        &Silent,
    )
    .unwrap();
    let (a, b) = (
        plain.table(Some("series")).unwrap(),
        with.table(Some("series")).unwrap(),
    );
    assert_eq!(a.rows.len(), b.rows.len());
    let num = |c: &Cell| match c {
        Cell::Num(x) => *x,
        c => panic!("{c:?}"),
    };
    let mut drained = false;
    for (x, y) in a.rows.iter().zip(&b.rows) {
        // Same step, platform, demand, delivered, shortfall and loss; one more column.
        assert_eq!(&x[..], &y[..6]);
        let stock = num(&y[6]);
        assert!(stock >= 0.0);
        if let (Cell::Int(0), Cell::Text(p)) = (&y[0], &y[1]) {
            let s = m.stage_ix(p).unwrap();
            assert_eq!(
                stock,
                m.stages()[s.index()].inventory,
                "{p} starts with its inventory"
            );
        }
        drained |= stock == 0.0 && num(&y[4]) > 0.0;
    }
    assert!(drained, "some platform runs out of stock and falls short");
    let e = run(
        &m,
        &analysis(&format!(
            r#"{{"analysis": "simulate", "scenario": "{scenario}", "stock": true}}"#
        )),
        &Silent,
    )
    .unwrap_err();
    assert!(
        matches!(e, EngineError::Options(ref s) if s.contains("series")),
        "{e}"
    );
}
