//! `keel montecarlo`: samples disruptions (scenarios by their probability, and optional per-firm/site/lane failure
//! rates), simulates each run and summarises the losses per platform: mean (with standard error), median, 95th
//! percentile, CVaR(95%), and the elements most frequent in the worst 5% of runs. See
//! docs/methods/simulation.md.

use crate::output::{self, OutputArgs};
use std::path::PathBuf;
use std::process::ExitCode;

/// Distribution of sampled failure durations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Dist {
    Exponential,
    Lognormal,
}

/// `--runs N` or `--runs A..B`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Runs {
    All(usize),
    Part(usize, usize),
}

fn parse_runs(s: &str) -> Result<Runs, String> {
    let num = |t: &str| {
        t.trim().replace('_', "").parse::<usize>().map_err(|_| {
            format!("`{s}` is not a number of runs (N) or a range of runs (A..B, B excluded)")
        })
    };
    match s.split_once("..") {
        None => Ok(Runs::All(num(s)?)),
        Some((a, b)) => {
            let (a, b) = (num(a)?, num(b)?);
            if a >= b {
                return Err(format!("runs {a}..{b} is empty: give A..B with A < B"));
            }
            Ok(Runs::Part(a, b))
        }
    }
}

/// Samples disruptions, simulates each run and summarises the losses per platform.
///
/// Scenarios are drawn by their probability (and optional per-firm, site or lane failure rates); each run is
/// simulated and the losses summarised: mean with standard error, median, 95th percentile, CVaR(95%), and the
/// elements most frequent in the worst 5% of runs.
#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// Model folder (or workbook).
    pub model: PathBuf,
    /// Number of simulated runs; or A..B to run only runs A to B-1 and write a part file (JSON) for `keel
    /// merge`, which gives exactly the output of the whole Monte Carlo (each run is seeded by its index, never
    /// by the part). See docs/scale-out.md.
    #[arg(long, value_name = "N|A..B", default_value = "10000", value_parser = parse_runs)]
    pub runs: Runs,
    /// Random seed: the same seed gives the same results whatever the number of threads.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Steps (model time units) per run; scenario probabilities are per horizon.
    #[arg(long, default_value_t = 365)]
    pub horizon: usize,
    /// Do not sample the scenarios of scenarios.csv (only the base rates below).
    #[arg(long)]
    pub no_scenarios: bool,
    /// Probability that each firm fails during the horizon.
    #[arg(long, value_name = "P")]
    pub firm_rate: Option<f64>,
    /// Probability that each site fails during the horizon.
    #[arg(long, value_name = "P")]
    pub site_rate: Option<f64>,
    /// Probability that each lane closes during the horizon.
    #[arg(long, value_name = "P")]
    pub lane_rate: Option<f64>,
    /// Capacity factor of a sampled failure (0 = full outage).
    #[arg(long, default_value_t = 0.0)]
    pub failure_factor: f64,
    /// Mean duration of a sampled failure, in time units.
    #[arg(long, default_value_t = 30.0)]
    pub duration_mean: f64,
    /// Distribution of sampled failure durations.
    #[arg(long, value_enum, default_value = "exponential")]
    pub duration_dist: Dist,
    /// Log-standard-deviation of lognormal durations.
    #[arg(long, default_value_t = 1.0)]
    pub duration_sigma: f64,
    /// Show the N most frequent elements of the worst runs (0 = all).
    #[arg(long, default_value_t = output::TOP)]
    pub top: usize,
    /// Only this platform's rows (a stage id, or the item id of demand stages); the run is the same.
    #[arg(long)]
    pub platform: Option<String>,
    #[command(flatten)]
    pub out: OutputArgs,
}

pub(crate) fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let model = crate::load_model(&args.model)?;
    let opts = keel_engine::montecarlo::Options {
        runs: match args.runs {
            Runs::All(n) => n,
            Runs::Part(a, b) => b - a,
        },
        seed: args.seed,
        horizon: args.horizon,
        no_scenarios: args.no_scenarios,
        firm_rate: args.firm_rate,
        site_rate: args.site_rate,
        lane_rate: args.lane_rate,
        failure_factor: args.failure_factor,
        duration_mean: args.duration_mean,
        duration_dist: match args.duration_dist {
            Dist::Exponential => keel_engine::montecarlo::Dist::Exponential,
            Dist::Lognormal => keel_engine::montecarlo::Dist::Lognormal,
        },
        duration_sigma: args.duration_sigma,
        top: args.top,
        platform: args.platform.clone(),
    };
    let bar = output::Progress::new(opts.runs, "montecarlo", "runs");
    if let Runs::Part(start, end) = args.runs {
        let part = keel_engine::shard::Part::Runs { start, end };
        let a = keel_engine::Analysis::MonteCarlo(opts);
        return super::merge::run_part(&args.out, &args.model, &model, &a, part, &bar);
    }
    let results = keel_engine::montecarlo::run(&model, &opts, &bar).map_err(crate::engine_error)?;
    bar.finish();
    output::emit_results(&args.out, &results)?;
    Ok(ExitCode::SUCCESS)
}
