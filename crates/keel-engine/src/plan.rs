//! `plan`: the investment plan that buys the most resilience per dollar, bets included (keel-plan, a
//! two-stage stochastic MILP over the stress LP solved by HiGHS; docs/methods/plan.md), or the budget frontier.
//!
//! # Complexity
//! That of keel-plan (one MILP and a few LPs per budget), then O(options + scenarios) to lay out the tables.

use crate::table::{Cell, Table};
use crate::{EngineError, Results};
use keel_lp::solver::MipOptions;
use keel_model::{ElementKind, Investments, Model, Target};
use keel_plan::{frontier, plan, PlanError, PlanOptions, PlanResult, Risk, Survive};
use serde::Deserialize;
use serde_json::json;

/// The options of `keel plan`, with its defaults.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Options {
    /// Total one-off cost the plan may spend (model currency); `None`: no limit.
    pub budget: Option<f64>,
    /// What to minimise: `expected` or `cvar:ALPHA` (e.g. `cvar:0.95`).
    pub risk: String,
    /// `KIND:T`: with any single element of KIND out for T time units, every platform must still meet its
    /// full demand, counting only certain options.
    pub survive: Option<String>,
    /// Elements of the `survive` kind that need not be survived (ids).
    pub except: Vec<String>,
    /// Plan over N years (1: the steady state).
    pub years: u32,
    /// Time units per year (`None`: from the model's time unit).
    pub year_length: Option<f64>,
    /// Length of the no-disruption case (`None`: the longest scenario duration).
    pub period: Option<f64>,
    /// Solve for each of these budgets instead (the frontier).
    pub frontier: Vec<f64>,
    /// Level of the CVaR reported next to the expected loss.
    pub alpha: f64,
    /// Enumerate the bets' outcomes exactly up to this many classes per scenario; sample beyond.
    pub max_exact: usize,
    /// Samples of the bets' outcomes when they are too many to enumerate.
    pub samples: usize,
    /// Seed of the samples.
    pub seed: u64,
    /// Stop when the plan is proven within this relative gap of the optimum.
    pub gap: f64,
    /// Stop after this many seconds with the best plan found.
    pub time_limit: Option<f64>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            budget: None,
            risk: "expected".into(),
            survive: None,
            except: Vec::new(),
            years: 1,
            year_length: None,
            period: None,
            frontier: Vec::new(),
            alpha: 0.95,
            max_exact: 4096,
            samples: 1000,
            seed: 1,
            gap: 1e-9,
            time_limit: None,
        }
    }
}

/// Parses `expected` or `cvar:ALPHA` (ALPHA in [0, 1)).
pub fn parse_risk(s: &str) -> Result<Risk, String> {
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

/// Parses `KIND:T`, e.g. `country:90` (T > 0).
pub fn parse_survive(s: &str) -> Result<(ElementKind, f64), String> {
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

fn options_of(o: &Options, m: &Model) -> Result<PlanOptions, EngineError> {
    if o.survive.is_none() && !o.except.is_empty() {
        return Err(EngineError::Options(
            "except names elements that need not be survived: give survive (KIND:T) with it".into(),
        ));
    }
    let survive = match o
        .survive
        .as_deref()
        .map(parse_survive)
        .transpose()
        .map_err(|e| EngineError::Options(format!("survive: {e}")))?
    {
        None => None,
        Some((kind, t)) => {
            let all = keel_lp::targets_of_kind(m, kind);
            let except = o
                .except
                .iter()
                .map(|id| {
                    all.iter()
                        .copied()
                        .find(|&tg| m.target_id(tg) == id)
                        .ok_or_else(|| {
                            EngineError::Options(format!(
                                "except: no {kind} `{id}`{}",
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
        risk: parse_risk(&o.risk).map_err(|e| EngineError::Options(format!("risk: {e}")))?,
        report_alpha: o.alpha,
        budget: o.budget,
        survive,
        years: o.years,
        year_length: o.year_length,
        period: o.period,
        max_exact: o.max_exact,
        samples: o.samples,
        seed: o.seed,
        mip: MipOptions {
            rel_gap: o.gap,
            time_limit: o.time_limit,
            ..MipOptions::default()
        },
        ..PlanOptions::default()
    })
}

/// Plan errors: a plan that no budget or this budget allows is [`EngineError::NoPlan`] with the reason; a solver
/// failure stays a plan error; the rest are bad options or data.
fn plan_error(e: PlanError, m: &Model) -> EngineError {
    match e {
        PlanError::CannotSurvive { elements, t } => {
            let names: Vec<String> = elements
                .iter()
                .map(|&tg| keel_present::target_name(m, tg))
                .collect();
            EngineError::NoPlan(format!(
                "no plan survives the loss of {} for {t} time units, at any budget: {}. Not even every \
                 certain option together meets full demand; add options that cover them, or --except them",
                keel_present::count(names.len(), "element", "elements"),
                names.join(", ")
            ))
        }
        PlanError::SurviveOverBudget { .. } => EngineError::NoPlan(e.to_string()),
        PlanError::Solver(_) | PlanError::Stress(_) => EngineError::Plan(e),
        other => EngineError::Options(other.to_string()),
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

/// Solves the plan (or, with `frontier`, one plan per budget) and lays out its results (main table `plan`, or
/// `frontier`).
pub fn run(m: &Model, o: &Options) -> Result<Results, EngineError> {
    let inv = m
        .investments()
        .ok_or_else(|| EngineError::Options(PlanError::NoOptions.to_string()))?;
    // Options, candidates and the targets of `survive` live in the model with its candidates.
    let opts = options_of(o, &inv.full)?;
    if !o.frontier.is_empty() {
        return run_frontier(o, inv, &opts);
    }
    let r = plan(inv, &opts).map_err(|e| plan_error(e, &inv.full))?;
    emit_plan(m, inv, &r)
}

fn run_frontier(
    o: &Options,
    inv: &Investments,
    opts: &PlanOptions,
) -> Result<Results, EngineError> {
    let mut budgets = o.frontier.clone();
    budgets.sort_by(f64::total_cmp);
    budgets.dedup();
    let f = frontier(inv, opts, &budgets).map_err(|e| plan_error(e, &inv.full))?;
    let alpha = match opts.risk {
        Risk::Cvar { alpha } => alpha,
        Risk::Expected => opts.report_alpha,
    };
    let mut t = Table::new(
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
    Ok(Results {
        tables: vec![t],
        main: "frontier",
        json,
    })
}

fn risk_name(r: Risk) -> String {
    match r {
        Risk::Expected => "minimum expected loss".into(),
        Risk::Cvar { alpha } => format!("minimum CVaR at {alpha}"),
    }
}

fn emit_plan(m: &Model, inv: &Investments, r: &PlanResult) -> Result<Results, EngineError> {
    let marginal = |o: usize| r.marginal.iter().find(|x| x.0 == o).map(|x| x.1);
    let budget = r.budget.map_or("no budget limit".to_string(), |b| {
        format!("budget {}", keel_present::num(b))
    });
    let mut chosen = Table::new(
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
    let mut summary = Table::new(
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
    let mut sc = Table::new(
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
        let mut y = Table::new(
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
        json["years"] = crate::to_json(&r.years)?;
    }
    Ok(Results {
        tables,
        main: "plan",
        json,
    })
}
