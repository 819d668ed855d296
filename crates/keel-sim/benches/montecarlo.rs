//! Times the Monte Carlo of disruption losses on a generated network.
//!
//! `cargo bench -p keel-sim --bench montecarlo [-- STAGES RUNS REPEATS]` (default 10000 stages, 10000 runs,
//! 3 repeats). The model is `keel_io::generate` with seed 1; each run samples the model's scenarios (by their
//! probabilities) and firm failures at 1% per firm per horizon with exponential durations of mean 30, over 365
//! steps. Prints setup time, the median of the repeats and the mean loss (as a checksum). Environment knobs:
//! `MC_RATE=<p>` sets the per-firm failure probability (0 = scenarios only), `MC_NO_SCEN=1` drops the scenarios.
// A benchmark reports its figures on the terminal.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use keel_io::generate::{generate, GenOptions};
use keel_sim::montecarlo::{monte_carlo, BaseRate, DurationDist, McOptions, RateKind};
use keel_sim::simulate::Simulator;
use std::time::Instant;

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let stages = args.first().copied().unwrap_or(10_000);
    let runs = args.get(1).copied().unwrap_or(10_000);
    let repeats = args.get(2).copied().unwrap_or(3).max(1);
    let horizon = 365;

    let t = Instant::now();
    let model = generate(&GenOptions {
        stages,
        seed: 1,
        ..GenOptions::default()
    })
    .build()
    .expect("generated model is valid")
    .model;
    let gen_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let sim = Simulator::new(&model, horizon).expect("simulator");
    let setup_s = t.elapsed().as_secs_f64();
    println!(
        "model: {} stages, {} input rows, {} firms, {} scenarios; generated in {gen_s:.2} s, simulator setup \
         {setup_s:.3} s, steady baseline: {}",
        model.stages().len(),
        model.sources().len(),
        model.firms().len(),
        model.scenarios().len(),
        sim.is_steady()
    );
    let opts = McOptions {
        runs,
        seed: 1,
        scenarios: std::env::var("MC_NO_SCEN").is_err(),
        base_rates: vec![BaseRate {
            kind: RateKind::Firm,
            probability: std::env::var("MC_RATE")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(0.01),
            capacity_factor: 0.0,
        }],
        duration: DurationDist::Exponential { mean: 30.0 },
    };
    let mut times = Vec::new();
    let mut checksum = 0.0;
    for i in 0..repeats {
        let t = Instant::now();
        let r = monte_carlo(&sim, &opts, &|_| {}).expect("monte carlo");
        let s = t.elapsed().as_secs_f64();
        println!(
            "repeat {i}: {s:.2} s ({} runs x {horizon} steps, {} threads); runs with loss {}, mean total loss {:.6e}",
            r.runs,
            rayon::current_num_threads(),
            r.runs_with_loss,
            r.total_loss.mean
        );
        checksum = r.total_loss.mean;
        times.push(s);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "median {:.2} s for {runs} runs x {horizon} steps on {} stages (checksum {checksum:.6e})",
        times[times.len() / 2],
        model.stages().len()
    );
}
