//! A sweep gives the same bytes whatever the number of threads and however the threads interleave: every
//! warm solve starts from the same undisrupted basis in an instance that has solved nothing else first.

use keel_io::generate::{generate, GenOptions};
use keel_stress::{element_cases, sweep, Duration, StressLp};

fn run(model: &keel_model::Model, threads: usize) -> Vec<(String, u64, u64, bool)> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    pool.install(|| {
        let lp = StressLp::new(model, 365.0).unwrap();
        let cases = element_cases(model, "stage", Duration::Ttr { fallback: 30.0 }).unwrap();
        sweep(&lp, &cases, false, &|_| {})
            .unwrap()
            .into_iter()
            .map(|r| {
                (
                    r.name,
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
    let model = generate(&GenOptions {
        stages: 300,
        seed: 5,
        ..GenOptions::default()
    })
    .build()
    .unwrap()
    .model;
    let one = run(&model, 1);
    assert!(
        one.iter().any(|r| f64::from_bits(r.1) > 0.0),
        "some stage must cost something"
    );
    for threads in [2, 4, 2] {
        assert_eq!(run(&model, threads), one, "{threads} threads");
    }
}
