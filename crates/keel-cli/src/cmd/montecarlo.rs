//! `keel montecarlo`: samples disruptions (scenarios by their probability, and optional per-firm/site/lane failure
//! rates), simulates each run and summarises the losses per platform: mean (with standard error), median, 95th
//! percentile, CVaR(95%), and the elements most frequent in the worst 5% of runs. See
//! docs/methods/simulation.md.

use crate::output::{self, Cell, OutputArgs};
use keel_model::StageIx;
use keel_present::disrupted_name;
use keel_sim::montecarlo::{monte_carlo, BaseRate, DurationDist, McOptions, RateKind, Stats};
use keel_sim::simulate::{SimError, Simulator};
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

fn cells(s: &Stats) -> [Cell; 5] {
    [s.mean, s.se, s.median, s.p95, s.cvar95].map(Cell::Num)
}

pub(crate) fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let model = crate::load_model(&args.model)?;
    let bad = |e: SimError| anyhow::Error::from(crate::BadInput(e.to_string()));
    let keep = crate::cmd::platform_filter(&model, args.platform.as_deref())?;
    let id = |s: StageIx| model.stages()[s].id.as_str();
    let sim = Simulator::new(&model, args.horizon).map_err(bad)?;
    let base_rates = [
        (RateKind::Firm, args.firm_rate),
        (RateKind::Site, args.site_rate),
        (RateKind::Lane, args.lane_rate),
    ]
    .into_iter()
    .filter_map(|(kind, p)| {
        p.map(|probability| BaseRate {
            kind,
            probability,
            capacity_factor: args.failure_factor,
        })
    })
    .collect();
    let opts = McOptions {
        runs: args.runs,
        seed: args.seed,
        scenarios: !args.no_scenarios,
        base_rates,
        duration: match args.duration_dist {
            Dist::Exponential => DurationDist::Exponential {
                mean: args.duration_mean,
            },
            Dist::Lognormal => DurationDist::LogNormal {
                mean: args.duration_mean,
                sigma: args.duration_sigma,
            },
        },
    };
    let bar = output::Progress::new(args.runs, "montecarlo", "runs");
    let r = monte_carlo(&sim, &opts, &|n| bar.set(n)).map_err(bad)?;
    bar.finish();
    let mut total = output::Table::new(
        "total",
        format!(
            "Monte Carlo: {} runs x {} steps, seed {}; {} runs with a loss{}\n{}",
            r.runs,
            r.horizon,
            r.seed,
            r.runs_with_loss,
            if r.steady_baseline {
                ""
            } else {
                " (the undisrupted model already falls short: included)"
            },
            crate::cmd::simulate::LP_VS_SIM
        ),
        &[
            "runs",
            "steps",
            "seed",
            "runs with loss",
            "loss mean",
            "loss se",
            "loss median",
            "loss p95",
            "loss CVaR95",
        ],
    );
    let mut row = vec![
        Cell::from(r.runs),
        Cell::from(r.horizon),
        Cell::Int(i64::try_from(r.seed).unwrap_or(i64::MAX)),
        Cell::from(r.runs_with_loss),
    ];
    row.extend(cells(&r.total_loss));
    total.row(row);
    let mut t = output::Table::new(
        "platforms",
        "Loss per platform over the runs (mean with its standard error)",
        &[
            "platform",
            "loss mean",
            "loss se",
            "loss median",
            "loss p95",
            "loss CVaR95",
            "steps short mean",
            "steps short se",
            "steps short median",
            "steps short p95",
            "steps short CVaR95",
            "runs short",
        ],
    );
    for p in r.platforms.iter().filter(|p| keep(p.stage)) {
        let mut row = vec![Cell::from(id(p.stage))];
        row.extend(cells(&p.loss));
        row.extend(cells(&p.steps_short));
        row.push(Cell::from(p.runs_short));
        t.row(row);
    }
    let shown = output::shown(r.drivers.len(), args.top);
    let mut d = output::Table::new(
        "drivers",
        format!(
            "Elements most frequent in the worst {} runs (worst 5% by total loss){}",
            r.worst_runs,
            if shown < r.drivers.len() {
                format!("; top {shown} of {}", r.drivers.len())
            } else {
                String::new()
            }
        ),
        &[
            "element",
            "in worst runs",
            "share of worst",
            "share of all runs",
        ],
    );
    for x in &r.drivers[..shown] {
        d.row(vec![
            Cell::from(disrupted_name(&model, x.element)),
            Cell::from(x.in_worst),
            Cell::Share(x.worst_share),
            Cell::Share(x.run_share),
        ]);
    }
    let mut json = serde_json::to_value(&r)?;
    // Programs read the stage id of each platform, and each driver by its name (`firm acme`, `scenario ...`).
    if let Some(ps) = json["platforms"].as_array_mut() {
        for (v, p) in ps.iter_mut().zip(&r.platforms) {
            v["stage"] = id(p.stage).into();
        }
    }
    if let Some(ds) = json["drivers"].as_array_mut() {
        for (v, d) in ds.iter_mut().zip(&r.drivers) {
            v["element"] = disrupted_name(&model, d.element).into();
        }
    }
    output::emit(&args.out, &[total, t, d], "platforms", &json)?;
    Ok(ExitCode::SUCCESS)
}
