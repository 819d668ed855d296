//! `keel plan`: the investment plan that buys the most resilience per dollar, bets included (keel-plan;
//! docs/methods/plan.md).

use crate::output::{self, Cell, OutputArgs};
use keel_lp::solver::MipOptions;
use keel_model::{ElementKind, Investments, Model, Target};
use keel_plan::{frontier, plan, PlanError, PlanOptions, PlanResult, Risk, Survive};
use serde_json::json;
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

fn parse_risk(s: &str) -> Result<Risk, String> {
    if s == "expected" {
        return Ok(Risk::Expected);
    }
    let a = s
        .strip_prefix("cvar:")
        .ok_or_else(|| format!("`{s}`: expected `expected` or `cvar:ALPHA` (e.g. cvar:0.95)"))?;
    let alpha: f64 = a
        .parse()
        .map_err(|_| format!("`{a}` is not a number: write e.g. cvar:0.95"))?;
    if !(0.0..1.0).contains(&alpha) {
        return Err(format!("the CVaR level must be in [0, 1), got {alpha}"));
    }
    Ok(Risk::Cvar { alpha })
}

fn parse_survive(s: &str) -> Result<(ElementKind, f64), String> {
    let (k, t) = s
        .split_once(':')
        .ok_or_else(|| format!("`{s}`: expected KIND:T, e.g. country:90"))?;
    let kind: ElementKind = k.parse().map_err(|e| format!("{e}"))?;
    let t: f64 = t
        .parse()
        .map_err(|_| format!("`{t}` is not a duration: write e.g. country:90"))?;
    if !(t.is_finite() && t > 0.0) {
        return Err(format!("the duration must be > 0, got {t}"));
    }
    Ok((kind, t))
}

fn options_of(args: &Args, m: &Model) -> anyhow::Result<PlanOptions> {
    let survive = match args.survive {
        None => None,
        Some((kind, t)) => {
            let all = keel_lp::targets_of_kind(m, kind);
            let except = args
                .except
                .iter()
                .map(|id| {
                    all.iter()
                        .copied()
                        .find(|&tg| m.target_id(tg) == id)
                        .ok_or_else(|| {
                            crate::BadInput(format!(
                                "--except: no {kind} `{id}`{}",
                                keel_see::suggest::did_you_mean(
                                    id,
                                    all.iter().map(|&tg| m.target_id(tg))
                                )
                            ))
                        })
                })
                .collect::<Result<Vec<Target>, _>>()?;
            Some(Survive { kind, t, except })
        }
    };
    Ok(PlanOptions {
        risk: args.risk,
        report_alpha: args.alpha,
        budget: args.budget,
        survive,
        years: args.years,
        year_length: args.year_length,
        period: args.period,
        max_exact: args.max_exact,
        samples: args.samples,
        seed: args.seed,
        mip: MipOptions {
            rel_gap: args.gap,
            time_limit: args.time_limit,
            ..MipOptions::default()
        },
        ..PlanOptions::default()
    })
}

/// Plan errors: bad options or data exit 2; no plan meeting the constraints exits 1, with the reason.
fn plan_error(e: PlanError, m: &Model) -> anyhow::Error {
    match e {
        PlanError::CannotSurvive { elements, t } => {
            let names: Vec<String> = elements
                .iter()
                .map(|&tg| keel_present::target_name(m, tg))
                .collect();
            anyhow::anyhow!(
                "no plan survives the loss of {} for {t} time units, at any budget: {}. Not even every \
                 certain option together meets full demand; add options that cover them, or --except them",
                keel_present::count(names.len(), "element", "elements"),
                names.join(", ")
            )
        }
        PlanError::SurviveOverBudget { .. } | PlanError::Solver(_) | PlanError::Stress(_) => {
            anyhow::Error::new(e)
        }
        other => crate::BadInput(other.to_string()).into(),
    }
}

fn option_row(inv: &Investments, o: usize, marginal: Option<f64>) -> Vec<Cell> {
    let opt = &inv.options[o];
    vec![
        Cell::from(&opt.id),
        Cell::from(opt.name.clone()),
        Cell::from(opt.kind.as_str()),
        Cell::from(&inv.full.stages()[opt.stage.index()].id),
        Cell::Num(opt.amount),
        Cell::Num(opt.cost),
        Cell::Share(opt.probability),
        Cell::from(opt.group.map(|g| inv.groups[g as usize].clone())),
        Cell::Num(opt.time_to_effect),
        Cell::from(marginal),
    ]
}

fn ids(inv: &Investments, chosen: &[usize]) -> Vec<String> {
    chosen.iter().map(|&o| inv.options[o].id.clone()).collect()
}

pub(crate) fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let m = crate::load_model(&args.model)?;
    let inv = m
        .investments()
        .ok_or_else(|| crate::BadInput(PlanError::NoOptions.to_string()))?;
    // Options, candidates and the targets of --survive live in the model with its candidates.
    let opts = options_of(args, &inv.full)?;
    if !args.frontier.is_empty() {
        return run_frontier(args, inv, &opts);
    }
    output::note("keel plan: solving the investment MILP...");
    let r = plan(inv, &opts).map_err(|e| plan_error(e, &inv.full))?;
    emit_plan(args, &m, inv, &r)?;
    Ok(ExitCode::SUCCESS)
}

fn run_frontier(args: &Args, inv: &Investments, opts: &PlanOptions) -> anyhow::Result<ExitCode> {
    let mut budgets = args.frontier.clone();
    budgets.sort_by(f64::total_cmp);
    budgets.dedup();
    output::note(&format!(
        "keel plan: solving for {}...",
        keel_present::count(budgets.len(), "budget", "budgets")
    ));
    let f = frontier(inv, opts, &budgets).map_err(|e| plan_error(e, &inv.full))?;
    let alpha = match opts.risk {
        Risk::Cvar { alpha } => alpha,
        Risk::Expected => opts.report_alpha,
    };
    let mut t = output::Table::new(
        "frontier",
        format!(
            "Budget frontier ({}): the optimal plan at each budget; CVaR at {alpha}",
            risk_name(opts.risk)
        ),
        &["budget", "cost", "expected loss", "CVaR", "gap", "options"],
    );
    for p in &f {
        t.row(vec![
            Cell::Num(p.budget),
            Cell::Num(p.cost),
            Cell::Num(p.expected_loss),
            Cell::from(p.cvar),
            Cell::Num(p.gap),
            Cell::from(ids(inv, &p.chosen).join(";")),
        ]);
    }
    let json = json!({
        "risk": opts.risk,
        "alpha": alpha,
        "frontier": f.iter().map(|p| json!({
            "budget": p.budget,
            "cost": p.cost,
            "expected_loss": p.expected_loss,
            "cvar": p.cvar,
            "gap": p.gap,
            "chosen": ids(inv, &p.chosen),
        })).collect::<Vec<_>>(),
    });
    output::emit(&args.out, &[t], "frontier", &json)?;
    Ok(ExitCode::SUCCESS)
}

fn risk_name(r: Risk) -> String {
    match r {
        Risk::Expected => "minimum expected loss".into(),
        Risk::Cvar { alpha } => format!("minimum CVaR at {alpha}"),
    }
}

fn emit_plan(args: &Args, m: &Model, inv: &Investments, r: &PlanResult) -> anyhow::Result<()> {
    let marginal = |o: usize| r.marginal.iter().find(|x| x.0 == o).map(|x| x.1);
    let budget = r.budget.map_or("no budget limit".to_string(), |b| {
        format!("budget {}", keel_present::num(b))
    });
    let mut chosen = output::Table::new(
        "plan",
        format!(
            "Plan ({}, {budget}): {} for {} {}; expected loss {} -> {}",
            risk_name(r.risk),
            keel_present::count(r.chosen.len(), "option", "options"),
            keel_present::num(r.cost),
            m.meta().currency,
            keel_present::num(r.baseline_expected_loss),
            keel_present::num(r.expected_loss),
        ),
        &[
            "option",
            "name",
            "kind",
            "stage",
            "amount",
            "cost",
            "probability",
            "group",
            "time to effect",
            "marginal value",
        ],
    );
    for &o in &r.chosen {
        chosen.row(option_row(inv, o, marginal(o)));
    }
    let mut summary = output::Table::new(
        "summary",
        format!(
            "What the plan buys (status {}, proven gap {}; outcomes of the bets {})",
            r.status,
            keel_present::num(r.gap),
            if r.outcomes.sampled {
                format!(
                    "sampled: {} draws, seed {} (sample average approximation)",
                    r.outcomes.samples.unwrap_or(0),
                    r.outcomes.seed.unwrap_or(0)
                )
            } else {
                format!(
                    "enumerated exactly, at most {} classes per scenario",
                    r.outcomes.max_classes
                )
            }
        ),
        &["measure", "value"],
    );
    let mut kv = |k: &str, v: Option<f64>| summary.row(vec![Cell::from(k), Cell::from(v)]);
    kv("budget", r.budget);
    kv("cost", Some(r.cost));
    kv(
        "expected loss, doing nothing",
        Some(r.baseline_expected_loss),
    );
    kv("expected loss, with the plan", Some(r.expected_loss));
    kv(
        "expected loss averted",
        Some(r.baseline_expected_loss - r.expected_loss),
    );
    kv("CVaR level", Some(r.alpha));
    kv("CVaR, doing nothing", r.baseline_cvar);
    kv("CVaR, with the plan", r.cvar);
    kv("value of experimentation", Some(r.value_of_experimentation));
    kv(
        "expected number of bets that fail",
        Some(r.expected_failed_bets),
    );
    kv("proven relative gap", Some(r.gap));
    if let Some((mean, half)) = r.outcomes.out_of_sample {
        kv("expected loss on an independent sample", Some(mean));
        kv("95% confidence half-width", Some(half));
    }
    let mut sc = output::Table::new(
        "scenarios",
        "Each scenario's loss if it strikes (expected over the bets' outcomes), without and with the plan",
        &["scenario", "probability", "duration", "loss before", "loss after", "averted"],
    );
    for c in &r.scenarios {
        let name = c.scenario.map_or("(no disruption)".to_string(), |k| {
            m.scenarios()[k].name.clone()
        });
        sc.row(vec![
            Cell::from(name),
            Cell::Share(c.probability),
            Cell::Num(c.duration),
            Cell::Num(c.before),
            Cell::Num(c.after),
            Cell::Num(c.before - c.after),
        ]);
    }
    let mut tables = vec![chosen, summary, sc];
    if r.years.len() > 1 {
        let mut y = output::Table::new(
            "years",
            "Expected loss per year, without and with the plan (options count from the first year after their \
             time to effect)",
            &["year", "loss before", "loss after"],
        );
        for v in &r.years {
            y.row(vec![
                Cell::from(v.year as usize),
                Cell::Num(v.before),
                Cell::Num(v.after),
            ]);
        }
        tables.push(y);
    }
    let mut json = json!({
        "chosen": ids(inv, &r.chosen),
        "options": r.chosen.iter().map(|&o| {
            let opt = &inv.options[o];
            json!({
                "id": opt.id,
                "name": opt.name,
                "kind": opt.kind,
                "stage": inv.full.stages()[opt.stage.index()].id,
                "amount": opt.amount,
                "cost": opt.cost,
                "probability": opt.probability,
                "group": opt.group.map(|g| inv.groups[g as usize].clone()),
                "time_to_effect": opt.time_to_effect,
                "marginal_value": marginal(o),
            })
        }).collect::<Vec<_>>(),
        "cost": r.cost,
        "budget": r.budget,
        "risk": r.risk,
        "expected_loss": r.expected_loss,
        "baseline_expected_loss": r.baseline_expected_loss,
        "cvar": r.cvar,
        "baseline_cvar": r.baseline_cvar,
        "alpha": r.alpha,
        "value_of_experimentation": r.value_of_experimentation,
        "expected_failed_bets": r.expected_failed_bets,
        "scenarios": r.scenarios.iter().map(|c| json!({
            "scenario": c.scenario.map(|k| m.scenarios()[k].name.clone()),
            "probability": c.probability,
            "duration": c.duration,
            "loss_before": c.before,
            "loss_after": c.after,
        })).collect::<Vec<_>>(),
        "status": r.status,
        "method": r.method,
        "iterations": r.iterations,
        "lp_solves": r.lp_solves,
        "gap": r.gap,
        "objective": r.objective,
        "bound": r.bound,
        "outcomes": r.outcomes,
        "size": r.size,
    });
    if r.years.len() > 1 {
        json["years"] = serde_json::to_value(&r.years)?;
    }
    output::emit(&args.out, &tables, "plan", &json)
}
