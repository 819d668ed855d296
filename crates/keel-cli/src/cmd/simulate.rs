//! `keel simulate`: plays one scenario forward in time, step by step, and reports what each platform delivered
//! and lost. The rules (pull ordering, pro-rata allocation, delays) are in docs/methods/simulation.md.

use crate::output::{self, OutputArgs};
use std::path::PathBuf;
use std::process::ExitCode;

/// Plays one scenario forward in time, step by step: what each platform delivered and lost.
///
/// Unlike `keel stress` (an LP over rates), the simulation follows lead times, stocks and goods in transit, so
/// its first shortfall can come much later than the LP's time to survive.
#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// Model folder (or workbook).
    pub model: PathBuf,
    /// Name of the scenario in scenarios.csv (its events start at their `start`).
    #[arg(long)]
    pub scenario: String,
    /// Number of steps (model time units) to simulate.
    #[arg(long, default_value_t = 365)]
    pub horizon: usize,
    /// Also print every platform's series (demand, delivered, shortfall, cumulative loss per step).
    #[arg(long)]
    pub series: bool,
    /// With --series, print every Nth step only (steps with a shortfall are always printed).
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub every: usize,
    /// Only this platform's rows (a stage id, or the item id of demand stages); the run is the same.
    #[arg(long)]
    pub platform: Option<String>,
    /// With --series, also each platform's finished units on hand per step (every stage is then computed at
    /// every step: the same deliveries, slower on large models).
    #[arg(long, requires = "series")]
    pub stock: bool,
    #[command(flatten)]
    pub out: OutputArgs,
}

pub(crate) fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let model = crate::load_model(&args.model)?;
    let opts = keel_engine::simulate::Options {
        scenario: args.scenario.clone(),
        horizon: args.horizon,
        series: args.series,
        every: args.every,
        platform: args.platform.clone(),
        stock: args.stock,
    };
    let bar = output::Progress::new(args.horizon, "simulate", "steps");
    let results = keel_engine::simulate::run(&model, &opts, &bar).map_err(crate::engine_error)?;
    bar.finish();
    output::emit_results(&args.out, &results)?;
    Ok(ExitCode::SUCCESS)
}
