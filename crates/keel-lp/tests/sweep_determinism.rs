//! A sweep gives the same bytes whatever the number of threads and however the threads interleave: every
//! warm solve starts from the same undisrupted basis in an instance that has solved nothing else first.

use keel_io::generate::{generate, GenOptions};
use keel_lp::{element_cases, sweep, Duration, StressLp};
use keel_model::ElementKind;

/// A generated 300-stage network (one coupled component whose plan fits: a region sweep).
fn generated(seed: u64) -> keel_model::Model {
    generate(&GenOptions {
        stages: 300,
        seed,
        ..GenOptions::default()
    })
    .build()
    .unwrap()
    .model
}

fn run(model: &keel_model::Model, threads: usize) -> Vec<(usize, u64, u64, bool)> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    pool.install(|| {
        let lp = StressLp::new(model, 365.0).unwrap();
        let cases =
            element_cases(model, ElementKind::Stage, Duration::Ttr { fallback: 30.0 }).unwrap();
        sweep(&lp, &cases, false, &|_| {})
            .unwrap()
            .into_iter()
            .map(|r| {
                (
                    r.case,
                    r.impact.pi.to_bits(),
                    r.impact.tts.value.to_bits(),
                    r.impact.tts.at_least,
                )
            })
            .collect()
    })
}

#[test]
fn sweep_is_bitwise_identical_across_thread_counts_and_runs() {
    let model = generated(5);
    let one = run(&model, 1);
    assert!(
        one.iter().any(|r| f64::from_bits(r.1) > 0.0),
        "some stage must cost something"
    );
    for threads in [2, 4, 2] {
        assert_eq!(run(&model, threads), one, "{threads} threads");
    }
}

/// Region-restricted sweeps hand scenarios to threads one by one, in an order set by timing, which is sound only
/// if a scenario's result does not depend on what the same scratch space solved before: solved again in reverse
/// order on one [`keel_lp::WarmLp`], every scenario must give the sweep's bits.
#[test]
fn reverse_order_on_one_scratch_gives_the_sweeps_bits() {
    let model = generated(9);
    let lp = StressLp::new(&model, 365.0).unwrap();
    assert_eq!(lp.local_components(), lp.components(), "a region sweep");
    let cases =
        element_cases(&model, ElementKind::Stage, Duration::Ttr { fallback: 30.0 }).unwrap();
    let rows = sweep(&lp, &cases, false, &|_| {}).unwrap();
    let by_case: std::collections::HashMap<usize, &keel_lp::SweepRow> =
        rows.iter().map(|r| (r.case, r)).collect();
    let mut lossy = 0;
    let mut warm = keel_lp::WarmLp::new(&lp);
    for (k, c) in cases.iter().enumerate().rev() {
        let alone = warm.impact(&c.disruption, c.t, false).unwrap();
        let swept = &by_case[&k].impact;
        assert_eq!(alone.pi.to_bits(), swept.pi.to_bits(), "PI of case {k}");
        assert_eq!(
            alone.tts.value.to_bits(),
            swept.tts.value.to_bits(),
            "TTS of case {k}"
        );
        lossy += usize::from(alone.pi > 0.0);
    }
    assert!(lossy > 10, "only {lossy} scenarios with a loss");
}
