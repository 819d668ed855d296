//! `keel plan`: the investment plan that buys the most resilience per dollar, bets included (keel-plan;
//! docs/methods/plan.md).

use crate::output::{self, OutputArgs};
use keel_engine::plan::{parse_risk, parse_survive};
use keel_model::ElementKind;
use keel_plan::Risk;
use std::path::PathBuf;
use std::process::ExitCode;

/// Which investment options to fund within a budget: the least expected loss (or CVaR) over the scenarios.
///
/// Chooses among the capacity, stockpile and second-source options of options.csv (model format v1.1) the
/// plan that minimises the expected loss over the named scenarios (each with its probability) and the
/// outcomes of risky options (bets that may fail), or its CVaR, within `--budget`. A two-stage stochastic
/// MILP over the stress loss LP, solved by HiGHS to proven optimality (docs/methods/plan.md).
#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// Model folder (or workbook) with options.csv.
    pub model: PathBuf,
    /// Total one-off cost the plan may spend (model currency). Default: no limit.
    #[arg(long, value_name = "B")]
    pub budget: Option<f64>,
    /// What to minimise: `expected` (expected loss) or `cvar:ALPHA` (CVaR at level ALPHA, e.g. cvar:0.95).
    #[arg(long, default_value = "expected", value_parser = parse_risk)]
    pub risk: Risk,
    /// With any single element of KIND out for T time units (full outage), every platform must still meet
    /// its full demand, counting only certain options: `--survive country:90`.
    #[arg(long, value_name = "KIND:T", value_parser = parse_survive)]
    pub survive: Option<(ElementKind, f64)>,
    /// Elements of the `--survive` kind that need not be survived (ids, comma-separated), e.g. `CAN`.
    #[arg(
        long,
        value_name = "ID,...",
        value_delimiter = ',',
        requires = "survive"
    )]
    pub except: Vec<String>,
    /// Plan over N years: each scenario may strike every year, and an option protects only from the first
    /// year that begins after its time_to_effect. 1 (default) is the steady state: every option counts at once.
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub years: u32,
    /// Time units per year (default: from the model's time unit: day 365, week 52, month 12).
    #[arg(long, value_name = "T")]
    pub year_length: Option<f64>,
    /// Length of the no-disruption case (time units). Default: the longest scenario duration.
    #[arg(long, value_name = "T")]
    pub period: Option<f64>,
    /// Solve for each of these budgets (comma-separated): budget, expected loss, CVaR, options chosen.
    #[arg(long, value_name = "B1,B2,...", value_delimiter = ',')]
    pub frontier: Vec<f64>,
    /// Level of the CVaR reported next to the expected loss (with `--risk expected`).
    #[arg(long, default_value_t = 0.95, value_name = "ALPHA")]
    pub alpha: f64,
    /// Enumerate the bets' outcomes exactly up to this many classes per scenario; sample beyond.
    #[arg(long, default_value_t = 4096, value_name = "N")]
    pub max_exact: usize,
    /// Samples of the bets' outcomes when they are too many to enumerate (sample average approximation).
    #[arg(long, default_value_t = 1000, value_name = "N")]
    pub samples: usize,
    /// Seed of the samples.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Stop when the plan is proven within this relative gap of the optimum.
    #[arg(long, default_value_t = 1e-9, value_name = "GAP")]
    pub gap: f64,
    /// Stop after this many seconds with the best plan found (its gap is reported).
    #[arg(long, value_name = "S")]
    pub time_limit: Option<f64>,
    #[command(flatten)]
    pub out: OutputArgs,
}

pub(crate) fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let m = crate::load_model(&args.model)?;
    let opts = keel_engine::plan::Options {
        budget: args.budget,
        risk: match args.risk {
            Risk::Expected => "expected".into(),
            Risk::Cvar { alpha } => format!("cvar:{alpha}"),
        },
        survive: args.survive.map(|(k, t)| format!("{k}:{t}")),
        except: args.except.clone(),
        years: args.years,
        year_length: args.year_length,
        period: args.period,
        frontier: args.frontier.clone(),
        alpha: args.alpha,
        max_exact: args.max_exact,
        samples: args.samples,
        seed: args.seed,
        gap: args.gap,
        time_limit: args.time_limit,
    };
    output::note(&if args.frontier.is_empty() {
        "keel plan: solving the investment MILP...".to_string()
    } else {
        let mut b = args.frontier.clone();
        b.sort_by(f64::total_cmp);
        b.dedup();
        format!(
            "keel plan: solving for {}...",
            keel_present::count(b.len(), "budget", "budgets")
        )
    });
    let results = keel_engine::plan::run(&m, &opts).map_err(crate::engine_error)?;
    output::emit_results(&args.out, &results)?;
    Ok(ExitCode::SUCCESS)
}
