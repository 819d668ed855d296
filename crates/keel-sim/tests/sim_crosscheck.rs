//! The fast path (only stages that can differ from plan) against computing every stage every step, on the
//! bundled example and on a generated network with sampled disruptions.

use keel_model::Model;
use keel_sim::montecarlo::{sample_run, BaseRate, DurationDist, McOptions, RateKind};
use keel_sim::simulate::{RunEvent, SimResult, Simulator, Sink};

fn same(a: &SimResult, b: &SimResult, what: &str) {
    assert_eq!(a.first_shortfall, b.first_shortfall, "{what}");
    assert_eq!(a.recovery, b.recovery, "{what}");
    for (p, q) in a.platforms.iter().zip(&b.platforms) {
        for (t, (x, y)) in p.shortfall.iter().zip(&q.shortfall).enumerate() {
            assert!(
                (x - y).abs() <= 1e-6 * p.demand.max(1e-12),
                "{what}: {:?} step {t}: {x} vs {y}",
                p.stage
            );
        }
    }
    assert!(
        (a.total_loss - b.total_loss).abs() <= 1e-6 * a.total_loss.abs().max(1.0),
        "{what}"
    );
}

/// Shortfall per platform and step, recorded through the `Sink` a Monte Carlo run uses.
struct Series(Vec<Vec<f64>>);

impl Sink for Series {
    fn short(&mut self, row: usize, step: usize, units: f64) {
        self.0[row][step] += units;
    }
}

fn check(model: &Model, horizon: usize, runs: &[Vec<RunEvent>]) -> usize {
    let fast = Simulator::new(model, horizon).unwrap();
    let full = Simulator::new(model, horizon).unwrap().exhaustive();
    assert!(fast.is_steady());
    // The undisrupted model is short nowhere, even computed in full.
    assert_eq!(full.simulate(&[]).total_loss, 0.0);
    // One scratch for every run, as a Monte Carlo thread keeps it: nothing a run leaves (coasting stages,
    // shipments in transit, wake-ups) may leak into the next.
    let mut scratch = fast.scratch();
    let mut lossy = 0;
    for (i, ev) in runs.iter().enumerate() {
        let a = fast.simulate(ev);
        let want = full.simulate(ev);
        same(&a, &want, &format!("run {i}"));
        let mut reused = Series(vec![vec![0.0; horizon]; model.demands().len()]);
        fast.run(ev, &mut scratch, &mut reused);
        for (p, got) in want.platforms.iter().zip(&reused.0) {
            for (t, (x, y)) in p.shortfall.iter().zip(got).enumerate() {
                assert!(
                    (x - y).abs() <= 1e-6 * p.demand.max(1e-12),
                    "run {i}, shared scratch: {:?} step {t}: {x} vs {y}",
                    p.stage
                );
            }
        }
        lossy += usize::from(a.total_loss > 0.0);
    }
    lossy
}

#[test]
fn example_scenarios() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/canada-dib");
    let model = keel_io::load(std::path::Path::new(dir)).unwrap().model;
    let sim = Simulator::new(&model, 400).unwrap();
    let runs: Vec<Vec<RunEvent>> = (0..model.scenarios().len())
        .map(|i| sim.scenario_events(i, None))
        .collect();
    let lossy = check(&model, 400, &runs);
    assert!(lossy > 0, "some scenario of the example costs something");
}

#[test]
fn generated_sampled_runs() {
    let model = keel_io::generate::generate(&keel_io::generate::GenOptions {
        stages: 1500,
        seed: 5,
        ..Default::default()
    })
    .build()
    .unwrap()
    .model;
    let sim = Simulator::new(&model, 200).unwrap();
    let opts = McOptions {
        runs: 40,
        seed: 9,
        scenarios: true,
        base_rates: vec![
            BaseRate {
                kind: RateKind::Firm,
                probability: 0.02,
                capacity_factor: 0.0,
            },
            BaseRate {
                kind: RateKind::Lane,
                probability: 0.02,
                capacity_factor: 0.5,
            },
        ],
        duration: DurationDist::Exponential { mean: 30.0 },
    };
    let runs: Vec<Vec<RunEvent>> = (0..opts.runs)
        .map(|r| sample_run(&sim, &opts, r).unwrap())
        .collect();
    let lossy = check(&model, 200, &runs);
    assert!(lossy > 0);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(12))]
    /// Random generated networks (sizes 40-400, any seed) with sampled scenarios, firm, site and lane failures
    /// (full and partial), over a horizon long enough for the horizon cut and the incremental re-planning to
    /// matter: the fast path gives the exhaustive series.
    #[test]
    fn fast_equals_exhaustive_on_random_networks(
        gen_seed in 0u64..1000,
        stages in 40usize..400,
        mc_seed in 0u64..1000,
        horizon in 30usize..250,
    ) {
        let model = keel_io::generate::generate(&keel_io::generate::GenOptions {
            stages,
            seed: gen_seed,
            ..Default::default()
        })
        .build()
        .unwrap()
        .model;
        let sim = Simulator::new(&model, horizon).unwrap();
        let rate = |kind, probability, capacity_factor| BaseRate {
            kind,
            probability,
            capacity_factor,
        };
        let opts = McOptions {
            runs: 6,
            seed: mc_seed,
            scenarios: true,
            base_rates: vec![
                rate(RateKind::Firm, 0.05, 0.0),
                rate(RateKind::Site, 0.03, 0.4),
                rate(RateKind::Lane, 0.05, 0.0),
                rate(RateKind::Lane, 0.03, 0.5),
            ],
            duration: DurationDist::Exponential { mean: 20.0 },
        };
        let runs: Vec<Vec<RunEvent>> = (0..opts.runs)
            .map(|r| sample_run(&sim, &opts, r).unwrap())
            .collect();
        check(&model, horizon, &runs);
    }
}
