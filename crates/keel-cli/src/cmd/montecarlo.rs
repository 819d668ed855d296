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

/// Samples disruptions, simulates each run and summarises the losses per platform.
///
/// Scenarios are drawn by their probability (and optional per-firm, site or lane failure rates); each run is
/// simulated and the losses summarised: mean with standard error, median, 95th percentile, CVaR(95%), and the
/// elements most frequent in the worst 5% of runs.
#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// Model folder (or workbook).
    pub model: PathBuf,
    /// Number of simulated runs.
    #[arg(long, default_value_t = 10_000)]
    pub runs: usize,
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
        runs: args.runs,
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
    let bar = output::Progress::new(args.runs, "montecarlo", "runs");
    let results = keel_engine::montecarlo::run(&model, &opts, &bar).map_err(crate::engine_error)?;
    bar.finish();
    output::emit_results(&args.out, &results)?;
    Ok(ExitCode::SUCCESS)
}
