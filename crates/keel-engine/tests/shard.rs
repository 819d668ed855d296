//! Shards: a stress sweep or Monte Carlo run in parts and merged gives exactly the results of one run (every
//! table, cell and JSON value, bit for bit), on the example, on generated models on both of the sweep's solve
//! paths (independent region solves, and warm whole-component LPs that carry a basis along a chunk), and with
//! the parts written to JSON and read back; and a merge refuses parts that do not make one run, saying which.

mod common;

use common::example;
use keel_engine::shard::{merge, run_part, Part, ShardDoc};
use keel_engine::{run, Analysis, Results};
use keel_io::generate::{generate, GenOptions};
use keel_lp::StressLp;
use keel_model::{Model, Silent};
use proptest::prelude::*;

fn analysis(json: &str) -> Analysis {
    serde_json::from_str(json).unwrap()
}

fn part(m: &Model, a: &Analysis, p: Part) -> (String, ShardDoc) {
    let mut doc = run_part(m, a, p, &Silent).unwrap();
    doc.model.digest = "sha256:test".into();
    // Through the document's text, as between machines.
    let doc = ShardDoc::from_json(&doc.to_json()).unwrap();
    (format!("{p}.json"), doc)
}

fn shards(m: &Model, a: &Analysis, count: usize) -> Vec<(String, ShardDoc)> {
    // Merged in reverse: the order of the files must not matter.
    (1..=count)
        .rev()
        .map(|index| part(m, a, Part::Shard { index, count }))
        .collect()
}

fn merged(m: &Model, parts: &[(String, ShardDoc)]) -> Results {
    merge(m, "sha256:test", parts).unwrap()
}

fn generated(stages: usize, seed: u64) -> Model {
    generate(&GenOptions {
        stages,
        seed,
        scenarios: 6,
        ..GenOptions::default()
    })
    .build()
    .unwrap()
    .model
}

/// A generated model whose demand is 40 times what its capacity plans for: no component's plan fits, so the
/// sweep re-solves warm whole-component LPs in chunks.
fn overloaded(stages: usize, seed: u64) -> Model {
    let dir = tempfile::tempdir().unwrap();
    keel_io::write_dir(&generated(stages, seed), dir.path()).unwrap();
    let path = dir.path().join("demand.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines = text.lines();
    let mut out = format!("{}\n", lines.next().unwrap());
    for l in lines {
        let mut f: Vec<String> = l.split(',').map(str::to_string).collect();
        f[1] = (f[1].parse::<f64>().unwrap() * 40.0).to_string();
        out.push_str(&f.join(","));
        out.push('\n');
    }
    std::fs::write(&path, out).unwrap();
    keel_io::load(dir.path()).unwrap().model
}

#[test]
fn stress_shards_merge_into_the_whole_sweep_on_the_example() {
    let m = example();
    for json in [
        r#"{"analysis": "stress", "each": "site"}"#,
        r#"{"analysis": "stress", "each": "firm", "top": 0, "per_platform": true}"#,
        r#"{"analysis": "stress", "top": 3, "ttr": 14}"#,
    ] {
        let a = analysis(json);
        let whole = run(&m, &a, &Silent).unwrap();
        assert!(!whole.tables[0].rows.is_empty(), "{json}");
        let counts: &[usize] = if json.contains("site") {
            &[1, 3, 40]
        } else {
            &[2]
        };
        for &count in counts {
            assert_eq!(
                merged(&m, &shards(&m, &a, count)),
                whole,
                "{json}: {count} shards"
            );
        }
    }
}

#[test]
fn stress_shards_merge_on_both_solve_paths() {
    let region = generated(300, 5);
    let lp = StressLp::new(&region, 365.0).unwrap();
    assert_eq!(lp.local_components(), lp.components(), "a region sweep");
    let warm = overloaded(300, 5);
    let lp = StressLp::new(&warm, 365.0).unwrap();
    assert!(lp.local_components() < lp.components(), "a warm sweep");
    let a = analysis(r#"{"analysis": "stress", "each": "stage", "top": 0}"#);
    for m in [&region, &warm] {
        let whole = run(m, &a, &Silent).unwrap();
        assert!(whole.tables[0].rows.len() >= 300);
        assert!(whole.json["rows"][0]["pi"].as_f64().unwrap() > 0.0);
        // 11 shards of a warm sweep of 8 chunks: some shards are empty.
        for count in [3, 11] {
            assert_eq!(merged(m, &shards(m, &a, count)), whole, "{count} shards");
        }
    }
    let p = part(
        &warm,
        &a,
        Part::Shard {
            index: 1,
            count: 11,
        },
    );
    let keel_engine::shard::Work::Stress { impacts, .. } = &p.1.work else {
        panic!()
    };
    assert!(
        impacts.is_empty(),
        "whole chunks only: 8 chunks in 11 shards leave shard 1 empty"
    );
}

fn mc_parts(m: &Model, a: &Analysis, cuts: &[usize]) -> Vec<(String, ShardDoc)> {
    cuts.windows(2)
        .map(|w| {
            part(
                m,
                a,
                Part::Runs {
                    start: w[0],
                    end: w[1],
                },
            )
        })
        .rev()
        .collect()
}

#[test]
fn monte_carlo_parts_merge_into_the_whole_run() {
    let m = example();
    let a = analysis(r#"{"analysis": "montecarlo", "runs": 600, "top": 0, "firm_rate": 0.02}"#);
    let whole = run(&m, &a, &Silent).unwrap();
    assert!(whole.json["runs_with_loss"].as_u64().unwrap() > 10);
    for cuts in [&[0, 600][..], &[0, 1, 600], &[0, 200, 401, 599, 600]] {
        assert_eq!(merged(&m, &mc_parts(&m, &a, cuts)), whole, "{cuts:?}");
    }
    let a = analysis(
        r#"{"analysis": "montecarlo", "runs": 300, "platform": "plt-lav@quendane-land-systems-london"}"#,
    );
    let whole = run(&m, &a, &Silent).unwrap();
    assert_eq!(whole.tables[1].rows.len(), 1);
    assert_eq!(merged(&m, &mc_parts(&m, &a, &[0, 150, 300])), whole);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(6))]
    /// Random models, random splits: merged parts equal the whole, for both analyses.
    #[test]
    fn random_splits_merge_into_the_whole(seed in 1u64..1000, count in 1usize..6, a in 1usize..99, b in 1usize..99) {
        let m = generated(80, seed);
        let s = analysis(r#"{"analysis": "stress", "each": "site", "top": 0}"#);
        prop_assert_eq!(merged(&m, &shards(&m, &s, count)), run(&m, &s, &Silent).unwrap());
        let mc = analysis(r#"{"analysis": "montecarlo", "runs": 100, "site_rate": 0.05, "horizon": 90}"#);
        let mut cuts = vec![0, a.min(b), a.max(b) + 1, 100];
        cuts.dedup();
        prop_assert_eq!(merged(&m, &mc_parts(&m, &mc, &cuts)), run(&m, &mc, &Silent).unwrap());
    }
}

fn refused(m: &Model, parts: &[(String, ShardDoc)]) -> String {
    merge(m, "sha256:test", parts).unwrap_err().to_string()
}

#[test]
fn a_merge_refuses_parts_that_do_not_make_one_run() {
    let m = example();
    let a = analysis(r#"{"analysis": "stress", "each": "site"}"#);
    let three = shards(&m, &a, 3);
    let e = refused(&m, &three[..2]);
    assert_eq!(e, "shard 1/3 is missing: every shard 1/3 to 3/3 is needed");
    let e = refused(&m, &[three[0].clone(), three[0].clone(), three[1].clone()]);
    assert_eq!(
        e,
        "shard 3/3 is given twice: shard 3/3.json and shard 3/3.json"
    );
    let mut other = shards(
        &m,
        &analysis(r#"{"analysis": "stress", "each": "site", "top": 5}"#),
        3,
    );
    other[0].0 = "b.json".into();
    let e = refused(&m, &[three[1].clone(), three[2].clone(), other[0].clone()]);
    assert!(
        e.contains("ran with different options (`top` is 20 in shard 2/3.json and 5 in b.json)"),
        "{e}"
    );
    let e = refused(&m, &[three[0].clone(), shards(&m, &a, 2)[0].clone()]);
    assert!(e.contains("3/3.json is shard 3/3 of a sweep of 291 scenarios but shard 2/2.json is shard 2/2 of 291"), "{e}");
    let e = merge(&m, "sha256:other", &three).unwrap_err().to_string();
    assert!(e.contains("ran on a model whose files differ"), "{e}");
    assert!(e.contains("--model PATH"), "{e}");

    let mc = analysis(r#"{"analysis": "montecarlo", "runs": 50}"#);
    let e = refused(&m, &mc_parts(&m, &mc, &[0, 10, 20])[..1]);
    assert_eq!(
        e,
        "runs 0..10 are missing: the parts must cover every run from 0 once"
    );
    let mut overlap = mc_parts(&m, &mc, &[0, 30]);
    overlap.push(part(&m, &mc, Part::Runs { start: 20, end: 50 }));
    let e = refused(&m, &overlap);
    assert!(
        e.contains("runs 20..50 overlap runs 0..30.json's (up to run 30)"),
        "{e}"
    );
    let e = refused(&m, &[three[0].clone(), overlap[0].clone()]);
    assert!(
        e.contains("is a stress shard but runs 0..30.json is not"),
        "{e}"
    );

    let e = run_part(&m, &mc, Part::Shard { index: 1, count: 2 }, &Silent).unwrap_err();
    assert!(
        e.to_string()
            .contains("`montecarlo` cannot be split into shard 1/2"),
        "{e}"
    );
    let e = run_part(&m, &a, Part::Shard { index: 0, count: 2 }, &Silent).unwrap_err();
    assert!(e.to_string().contains("the index runs from 1"), "{e}");
    let e = ShardDoc::from_json(r#"{"keel_shard": 1}"#).unwrap_err();
    assert!(e.to_string().contains("missing field"), "{e}");
}
