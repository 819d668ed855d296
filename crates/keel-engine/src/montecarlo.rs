//! `montecarlo`: disruptions sampled (scenarios by their probability, optional per-firm, site or lane failure
//! rates), each run simulated (keel-sim), and the losses summarised per platform: mean with its standard
//! error, median, 95th percentile, CVaR(95%), and the elements most frequent in the worst 5% of runs. See
//! docs/methods/simulation.md.
//!
//! # Complexity
//! `runs` simulations in parallel, then O(runs log runs) for the order statistics.

use crate::table::{shown, Cell, Table};
use crate::{platform_filter, EngineError, Results};
use keel_model::{Model, Progress, StageIx};
use keel_present::disrupted_name;
use keel_sim::montecarlo::{
    monte_carlo_with, BaseRate, DurationDist, McOptions, McResult, RateKind, Stats,
};
use keel_sim::simulate::Simulator;
use serde::{Deserialize, Serialize};

/// Distribution of sampled failure durations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Dist {
    Exponential,
    Lognormal,
}

/// The options of `keel montecarlo`, with its defaults.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Options {
    /// Number of simulated runs.
    pub runs: usize,
    /// Random seed: the same seed gives the same results whatever the number of threads.
    pub seed: u64,
    /// Steps (model time units) per run; scenario probabilities are per horizon.
    pub horizon: usize,
    /// Do not sample the scenarios of scenarios.csv (only the base rates).
    pub no_scenarios: bool,
    /// Probability that each firm fails during the horizon.
    pub firm_rate: Option<f64>,
    /// Probability that each site fails during the horizon.
    pub site_rate: Option<f64>,
    /// Probability that each lane closes during the horizon.
    pub lane_rate: Option<f64>,
    /// Capacity factor of a sampled failure (0 = full outage).
    pub failure_factor: f64,
    /// Mean duration of a sampled failure, in time units.
    pub duration_mean: f64,
    /// Distribution of sampled failure durations.
    pub duration_dist: Dist,
    /// Log-standard-deviation of lognormal durations.
    pub duration_sigma: f64,
    /// Most frequent elements of the worst runs kept (0 = all).
    pub top: usize,
    /// Only this platform's rows (a stage id, or the item id of demand stages); the runs are the same.
    pub platform: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            runs: 10_000,
            seed: 1,
            horizon: 365,
            no_scenarios: false,
            firm_rate: None,
            site_rate: None,
            lane_rate: None,
            failure_factor: 0.0,
            duration_mean: 30.0,
            duration_dist: Dist::Exponential,
            duration_sigma: 1.0,
            top: crate::TOP,
            platform: None,
        }
    }
}

fn cells(s: &Stats) -> [Cell; 5] {
    [s.mean, s.se, s.median, s.p95, s.cvar95].map(Cell::Num)
}

/// Runs the Monte Carlo and lays out its results (main table `platforms`).
pub fn run(model: &Model, o: &Options, progress: &dyn Progress) -> Result<Results, EngineError> {
    let keep = platform_filter(model, o.platform.as_deref())?;
    let sim = Simulator::new(model, o.horizon)?;
    let r = monte_carlo_with(&sim, &mc_options(o), progress)?;
    layout(model, o, &keep, &r)
}

/// keel-sim's options for `o`.
pub(crate) fn mc_options(o: &Options) -> McOptions {
    let base_rates = [
        (RateKind::Firm, o.firm_rate),
        (RateKind::Site, o.site_rate),
        (RateKind::Lane, o.lane_rate),
    ]
    .into_iter()
    .filter_map(|(kind, p)| {
        p.map(|probability| BaseRate {
            kind,
            probability,
            capacity_factor: o.failure_factor,
        })
    })
    .collect();
    McOptions {
        runs: o.runs,
        seed: o.seed,
        scenarios: !o.no_scenarios,
        base_rates,
        duration: match o.duration_dist {
            Dist::Exponential => DurationDist::Exponential {
                mean: o.duration_mean,
            },
            Dist::Lognormal => DurationDist::LogNormal {
                mean: o.duration_mean,
                sigma: o.duration_sigma,
            },
        },
    }
}

/// The tables and JSON of a whole Monte Carlo's results; `keep` says which platforms' rows are shown.
pub(crate) fn layout(
    model: &Model,
    o: &Options,
    keep: &dyn Fn(StageIx) -> bool,
    r: &McResult,
) -> Result<Results, EngineError> {
    let id = |s: StageIx| model.stages()[s].id.as_str();
    let mut total = Table::new(
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
            crate::simulate::LP_VS_SIM
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
    let mut t = Table::new(
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
    let shown = shown(r.drivers.len(), o.top);
    let mut d = Table::new(
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
            Cell::from(disrupted_name(model, x.element)),
            Cell::from(x.in_worst),
            Cell::Share(x.worst_share),
            Cell::Share(x.run_share),
        ]);
    }
    let mut json = crate::to_json(r)?;
    // Programs read the stage id of each platform, and each driver by its name (`firm acme`, `scenario ...`).
    if let Some(ps) = json["platforms"].as_array_mut() {
        for (v, p) in ps.iter_mut().zip(&r.platforms) {
            v["stage"] = id(p.stage).into();
        }
    }
    if let Some(ds) = json["drivers"].as_array_mut() {
        for (v, d) in ds.iter_mut().zip(&r.drivers) {
            v["element"] = disrupted_name(model, d.element).into();
        }
    }
    let mut runs = Table::new(
        "runs",
        "Each run's loss summed over platforms, by run index (the distribution the total's statistics summarise)",
        &["run", "loss"],
    );
    for (k, loss) in r.run_losses.iter().enumerate() {
        runs.row(vec![Cell::from(k), Cell::Num(*loss)]);
    }
    Ok(Results {
        tables: vec![total, t, d, runs],
        main: "platforms",
        json,
    })
}
