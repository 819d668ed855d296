//! `keel montecarlo`: samples disruptions (scenarios by their probability, and optional per-firm/site/lane failure
//! rates), simulates each run and summarises the losses per platform: mean (with standard error), median, 95th
//! percentile, CVaR(95%), and the elements most frequent in the worst 5% of runs. See
//! docs/methods/simulation.md.

use super::fmt_num;
use keel_sim::montecarlo::{monte_carlo, BaseRate, DurationDist, McOptions, RateKind, Stats};
use keel_sim::simulate::{SimError, Simulator};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

/// Distribution of sampled failure durations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Dist {
    Exponential,
    Lognormal,
}

#[derive(clap::Args, Debug)]
pub struct Args {
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
    #[arg(long, default_value_t = 10)]
    pub top: usize,
    #[arg(long, value_enum, default_value = "table")]
    pub format: crate::output::Format,
}

fn cells(s: &Stats) -> Vec<String> {
    vec![
        format!("{} ± {}", fmt_num(s.mean), fmt_num(s.se)),
        fmt_num(s.median),
        fmt_num(s.p95),
        fmt_num(s.cvar95),
    ]
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let model = crate::load_model(&args.model)?;
    let bad = |e: SimError| anyhow::Error::from(crate::BadInput(e.to_string()));
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
    let bar = std::io::stderr().is_terminal().then(|| {
        let pb = indicatif::ProgressBar::new(args.runs as u64);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{spinner} montecarlo {bar:40} {pos}/{len} runs, {elapsed} (eta {eta})",
        ) {
            pb.set_style(style);
        }
        pb
    });
    let progress = |n: usize| {
        if let Some(pb) = &bar {
            pb.set_position(n as u64);
        }
    };
    let r = monte_carlo(&sim, &opts, &progress).map_err(bad)?;
    if let Some(pb) = &bar {
        pb.finish_and_clear();
    }
    let mut t = crate::output::Table::new(
        format!(
            "Monte Carlo: {} runs x {} steps, seed {}; {} runs with a loss{}",
            r.runs,
            r.horizon,
            r.seed,
            r.runs_with_loss,
            if r.steady_baseline {
                ""
            } else {
                " (the undisrupted model already falls short: included)"
            }
        ),
        &[
            "platform",
            "loss mean ± se",
            "loss median",
            "loss p95",
            "loss CVaR95",
            "steps short mean ± se",
            "median",
            "p95",
            "CVaR95",
            "runs short",
        ],
    );
    for p in &r.platforms {
        let mut row = vec![p.stage.clone()];
        row.extend(cells(&p.loss));
        row.extend(cells(&p.steps_short));
        row.push(p.runs_short.to_string());
        t.row(row);
    }
    let mut total = vec!["(all platforms)".to_string()];
    total.extend(cells(&r.total_loss));
    total.extend(["", "", "", ""].map(String::from));
    total.push(r.runs_with_loss.to_string());
    t.row(total);
    let mut d = crate::output::Table::new(
        format!(
            "Elements most frequent in the worst {} runs (worst 5% by total loss)",
            r.worst_runs
        ),
        &[
            "element",
            "in worst runs",
            "share of worst",
            "share of all runs",
        ],
    );
    let shown = if args.top == 0 {
        r.drivers.len()
    } else {
        args.top.min(r.drivers.len())
    };
    for x in &r.drivers[..shown] {
        d.row(vec![
            x.element.clone(),
            x.in_worst.to_string(),
            format!("{:.1}%", 100.0 * x.worst_share),
            format!("{:.1}%", 100.0 * x.run_share),
        ]);
    }
    let json = serde_json::to_value(&r)?;
    crate::output::print_all(args.format, &[t, d], &json)?;
    Ok(ExitCode::SUCCESS)
}
