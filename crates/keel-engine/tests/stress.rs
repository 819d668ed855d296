//! The engine's stress analysis on the bundled example: options from JSON with the command line's defaults,
//! the tables against keel-lp's own sweep (an independent call of the analysis), progress and cancellation,
//! and the three output formats.

mod common;

use common::example;
use keel_engine::{run, Analysis, EngineError};
use keel_lp::{element_cases, sweep, Duration, StressLp};
use keel_model::{ElementKind, Progress, Silent};
use std::sync::atomic::{AtomicUsize, Ordering};

fn analysis(json: &str) -> Result<Analysis, String> {
    serde_json::from_str(json).map_err(|e| e.to_string())
}

#[test]
fn options_come_from_json_with_the_command_lines_defaults() {
    let Ok(Analysis::Stress(o)) = analysis(r#"{"analysis": "stress", "each": "site"}"#) else {
        panic!("not a stress analysis");
    };
    assert_eq!(o.each, Some(ElementKind::Site));
    assert_eq!((o.ttr, o.fallback_ttr, o.horizon), (None, 30.0, 365.0));
    assert_eq!((o.per_platform, o.top), (false, 20));
    let e = analysis(r#"{"analysis": "stress", "eahc": "site"}"#).unwrap_err();
    assert!(e.contains("unknown field `eahc`"), "{e}");
    let e = analysis(r#"{"analysis": "stress", "each": "sites"}"#).unwrap_err();
    assert!(e.contains("unknown variant `sites`"), "{e}");
    let e = analysis(r#"{"analysis": "strss"}"#).unwrap_err();
    assert!(e.contains("unknown variant `strss`"), "{e}");
}

#[test]
fn tables_and_json_carry_the_sweeps_ranking() {
    let m = example();
    let a = analysis(r#"{"analysis": "stress", "each": "country", "top": 0}"#).unwrap();
    let r = run(&m, &a, &Silent).unwrap();
    let lp = StressLp::new(&m, 365.0).unwrap();
    let cases = element_cases(&m, ElementKind::Country, Duration::Ttr { fallback: 30.0 }).unwrap();
    let rows = sweep(&lp, &cases, false, &|_| {}).unwrap();
    let t = r.table(None).unwrap();
    assert_eq!(t.name, "scenarios");
    assert_eq!(t.rows.len(), m.countries().len());
    assert_eq!(r.json["scenarios_total"], rows.len());
    for (k, (row, want)) in t.rows.iter().zip(&rows).enumerate() {
        assert_eq!(row[0], keel_engine::table::Cell::from(k + 1));
        assert_eq!(row[2], keel_engine::table::Cell::Num(want.rei));
        assert_eq!(row[3], keel_engine::table::Cell::Num(want.impact.pi));
        assert_eq!(r.json["rows"][k]["pi"], want.impact.pi);
    }
    // Canada, where every platform is assembled, is worst (REI 1); the USA, its largest supplier, next.
    assert_eq!(r.json["rows"][0]["rei"], 1.0);
    assert_eq!(r.json["rows"][0]["scenario"], "country CAN");
    assert_eq!(r.json["rows"][1]["scenario"], "country USA");
}

#[test]
fn progress_counts_every_scenario_and_cancel_stops_the_run() {
    struct Count {
        total: AtomicUsize,
        max: AtomicUsize,
        stop_after: usize,
    }
    impl Progress for Count {
        fn start(&self, total: usize) {
            self.total.store(total, Ordering::Relaxed);
        }
        fn set(&self, done: usize) {
            self.max.fetch_max(done, Ordering::Relaxed);
        }
        fn cancelled(&self) -> bool {
            self.max.load(Ordering::Relaxed) >= self.stop_after
        }
    }
    let m = example();
    let a = analysis(r#"{"analysis": "stress", "each": "site"}"#).unwrap();
    let p = Count {
        total: AtomicUsize::new(0),
        max: AtomicUsize::new(0),
        stop_after: usize::MAX,
    };
    run(&m, &a, &p).unwrap();
    assert_eq!(p.total.load(Ordering::Relaxed), m.sites().len());
    assert_eq!(p.max.load(Ordering::Relaxed), m.sites().len());
    let p = Count {
        total: AtomicUsize::new(0),
        max: AtomicUsize::new(0),
        stop_after: 3,
    };
    assert!(matches!(run(&m, &a, &p), Err(EngineError::Cancelled)));
    // Each thread finishes at most the case it had started.
    assert!(p.max.load(Ordering::Relaxed) < 3 + rayon_threads());
}

fn rayon_threads() -> usize {
    std::thread::available_parallelism().map_or(8, std::num::NonZero::get) + 1
}

#[test]
fn formats_write_the_same_rows() {
    let m = example();
    let a = analysis(r#"{"analysis": "stress"}"#).unwrap();
    let r = run(&m, &a, &Silent).unwrap();
    let csv = String::from_utf8(r.csv_bytes(None).unwrap()).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "rank,scenario,rei,pi,tts,tts_at_least,t,platforms_hit"
    );
    assert_eq!(lines.count(), m.scenarios().len().min(20));
    let hits = String::from_utf8(r.csv_bytes(Some("hits")).unwrap()).unwrap();
    assert!(hits.starts_with("rank,scenario,platform,platform_tts,platform_tts_at_least\n"));
    let e = r.csv_bytes(Some("nope")).unwrap_err().to_string();
    assert_eq!(
        e,
        "unknown table `nope`; these results' tables are: scenarios, hits"
    );
    assert_eq!(&r.xlsx_bytes().unwrap()[..2], b"PK");
    let json: serde_json::Value = serde_json::from_slice(&r.json_bytes()).unwrap();
    assert_eq!(json, r.json);
    assert_eq!(r.json_bytes().last(), Some(&b'\n'));
}
