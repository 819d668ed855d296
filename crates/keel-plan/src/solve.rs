//! The planner: cases, outcome classes and epochs; the MILP, its cheapest optimal plan, and what the plan is
//! worth (doing nothing, each option dropped, no risky option).
//!
//! **Risk measures.** Expected loss: `min sum_copies w_c L_c(x)`, `w_c` the probability of the copy's case and
//! class times the number of years of its epoch. CVaR at level `α` (Rockafellar and Uryasev 2000):
//! `min η + sum_atoms π_k ξ_k / (1 - α)` with `ξ_k >= L_k(x) - η`, `ξ_k >= 0`, the atoms being the copies
//! plus one atom holding the mass of every outcome that loses nothing whatever the plan.
//!
//! **Ties** go to the cheaper plan: a second MILP (solved without presolve, see `mip_tie_break`) minimises the
//! cost among plans whose objective is within `1e-7` (relative) of the optimum. Every reported loss comes from
//! re-solving the copies with the plan fixed and each copy minimising its own loss (the CVaR objective leaves
//! the losses of atoms below `η` free).
//!
//! # Complexity
//! Set-up: the stress LP's plan and baselines (O(stages + arcs) plus one LP per component whose plan does not
//! fit), one disruption per case. Then two MILPs and `2 + chosen` LPs over the extensive form (form.rs).

use crate::cvar::cvar;
use crate::error::PlanError;
use crate::form::{lexicographic, Former, Scope};
use crate::outcomes::{self, Class, Draws};
use crate::sub::Subproblems;
use keel_lp::solver::{Col, Highs, MipOptions, MipSolution, MipSolver, Problem, RowBuilder, Sense};
use keel_lp::{targets_of_kind, Component, Disruption, StressLp};
use keel_model::{ElementKind, Investments, Model, Target};
use serde::Serialize;

/// What the plan minimises.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(tag = "measure", rename_all = "lowercase")]
pub enum Risk {
    /// The expected loss over scenarios and outcomes of the bets.
    Expected,
    /// The conditional value at risk at level `alpha` of the joint loss distribution.
    Cvar { alpha: f64 },
}

/// `--survive KIND:T --except ...`: with any one element of `kind` out (full outage), every platform meets
/// its full demand for `t` time units, counting only certain options.
#[derive(Clone, Debug, PartialEq)]
pub struct Survive {
    pub kind: ElementKind,
    pub t: f64,
    pub except: Vec<Target>,
}

/// Options of a planning run.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanOptions {
    pub risk: Risk,
    /// Level of the CVaR reported alongside the expected loss (the risk level itself under `Risk::Cvar`).
    pub report_alpha: f64,
    pub budget: Option<f64>,
    pub survive: Option<Survive>,
    /// Years planned over; 1 is the steady state (every option counts at once).
    pub years: u32,
    /// Time units per year; `None` derives it from the model's time unit.
    pub year_length: Option<f64>,
    /// Length of the no-disruption case in time units; `None`: the longest scenario duration.
    pub period: Option<f64>,
    /// Exact enumeration of the bets' outcomes up to this many classes per case, sampling beyond.
    pub max_exact: usize,
    pub samples: usize,
    pub seed: u64,
    /// Cap on time to survive in the stress LP's baselines.
    pub horizon: f64,
    /// `None`: the extensive form while it has at most `max_extensive` columns, else Benders.
    pub method: Option<Method>,
    pub max_extensive: usize,
    pub mip: MipOptions,
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions {
            risk: Risk::Expected,
            report_alpha: 0.95,
            budget: None,
            survive: None,
            years: 1,
            year_length: None,
            period: None,
            max_exact: 4096,
            samples: 1000,
            seed: 1,
            horizon: 365.0,
            method: None,
            max_extensive: 200_000,
            mip: MipOptions::default(),
        }
    }
}

/// One scenario's (or the no-disruption case's) expected loss without and with the plan.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CaseLoss {
    /// Index in `scenarios()`; `None` for the no-disruption case.
    pub scenario: Option<usize>,
    pub probability: f64,
    pub duration: f64,
    /// Expected loss if it strikes (over the bets' outcomes), summed over the years planned.
    pub before: f64,
    pub after: f64,
}

/// A year's expected loss without and with the plan.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct YearLoss {
    pub year: u32,
    pub before: f64,
    pub after: f64,
}

/// How the bets' outcomes were handled.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OutcomeInfo {
    /// Joint outcomes of every risky option (the product of the groups' and options' draws).
    pub joint: f64,
    /// Largest number of outcome classes one case needed.
    pub max_classes: usize,
    /// Sampled (sample average approximation) rather than enumerated.
    pub sampled: bool,
    pub samples: Option<usize>,
    pub seed: Option<u64>,
    /// Sampled only: the plan's expected loss estimated on an independent sample of the same size, and the
    /// half-width of its 95% confidence interval.
    pub out_of_sample: Option<(f64, f64)>,
}

/// Size of the extensive form.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FormSize {
    pub rows: usize,
    pub columns: usize,
    pub binaries: usize,
    pub copies: usize,
}

/// The optimal plan and what it is worth.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PlanResult {
    /// Options taken (indices into `Investments::options`), ascending.
    pub chosen: Vec<usize>,
    pub cost: f64,
    pub budget: Option<f64>,
    pub risk: Risk,
    pub expected_loss: f64,
    pub baseline_expected_loss: f64,
    /// CVaR at `alpha` of the plan and of doing nothing (steady state only).
    pub alpha: f64,
    pub cvar: Option<f64>,
    pub baseline_cvar: Option<f64>,
    pub scenarios: Vec<CaseLoss>,
    pub years: Vec<YearLoss>,
    /// Per chosen option: the rise in expected loss when it alone is dropped.
    pub marginal: Vec<(usize, f64)>,
    /// Objective (the risk measure) of the best plan without any risky option, minus the plan's.
    pub value_of_experimentation: f64,
    pub expected_failed_bets: f64,
    /// Solver status and proven relative gap of the optimisation.
    pub status: String,
    pub gap: f64,
    pub objective: f64,
    pub bound: f64,
    pub method: Method,
    /// Benders iterations (1 for the extensive form).
    pub iterations: usize,
    /// Loss LPs solved with a plan fixed (evaluations and cuts).
    pub lp_solves: usize,
    pub outcomes: OutcomeInfo,
    pub size: FormSize,
}

/// One budget of a frontier.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FrontierPoint {
    pub budget: f64,
    pub cost: f64,
    pub expected_loss: f64,
    pub cvar: Option<f64>,
    pub chosen: Vec<usize>,
    pub gap: f64,
}

struct Case {
    scenario: Option<usize>,
    prob: f64,
    t: f64,
    d: Disruption,
    comps: Vec<Component>,
    /// Options acting on stages of `comps`.
    scope: Vec<usize>,
    classes: Vec<Class>,
    /// Sampled only: the class of each sample.
    sample_class: Vec<usize>,
}

struct Epoch {
    years: Vec<u32>,
    effective: Vec<bool>,
}

struct SurviveCase {
    target: Target,
    d: Disruption,
    comps: Vec<Component>,
}

/// One copy of the loss LP: its case, class of outcomes, epoch, and loss terms.
struct Copy {
    case: usize,
    class: usize,
    epoch: usize,
    loss: Vec<(Col, f64)>,
}

/// An extensive form: the problem, the options' columns and the copies.
struct Built {
    pb: Problem,
    x: Vec<Col>,
    copies: Vec<Copy>,
}

/// How the stochastic MILP is solved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// One MILP holding every copy of the loss LP (exact in one solve; grows with cases x outcome classes).
    Extensive,
    /// The L-shaped method: a master MILP over the options with one optimality cut per unit and iteration,
    /// the copies solved as warm LPs with the plan fixed (sub.rs).
    Benders,
}

/// What the optimisation ended with.
struct Solved {
    status: String,
    gap: f64,
    objective: f64,
    bound: f64,
    iterations: usize,
    size: FormSize,
}

/// Largest number of Benders iterations (each adds one cut per unit; binary plans make it finite anyway).
const MAX_ITERATIONS: usize = 500;

/// A case's loss with a set of options in place, and its subgradient over the case's scope options.
#[derive(Clone, Debug)]
struct Valued {
    v: f64,
    grad: Vec<f64>,
}

/// `val` with the subgradient of options absent from a class or epoch set to 0: their terms are not in that
/// copy, so the cut must not move with them.
fn masked(val: &Valued, scope: &[usize], works: &[bool], effective: &[bool]) -> Valued {
    Valued {
        v: val.v,
        grad: scope
            .iter()
            .zip(&val.grad)
            .map(|(&o, &g)| if works[o] && effective[o] { g } else { 0.0 })
            .collect(),
    }
}

/// An optimality cut `θ_unit >= constant + sum coef_o x_o`.
#[derive(Clone, Debug)]
struct Cut {
    unit: usize,
    constant: f64,
    coef: Vec<(usize, f64)>,
}

/// What the copies lose at a solution.
struct Eval {
    expected: f64,
    cvar: Option<f64>,
    per_case: Vec<f64>,
    per_year: Vec<f64>,
    /// Per case and class: the loss.
    class_loss: Vec<Vec<f64>>,
}

/// The planning problem of one model, ready to solve for any budget.
struct Planner<'a, 'm> {
    inv: &'a Investments,
    opts: &'a PlanOptions,
    former: Former<'a, 'm>,
    cases: Vec<Case>,
    epochs: Vec<Epoch>,
    survive: Vec<SurviveCase>,
    info: OutcomeInfo,
    subs: Subproblems,
    cuts: Vec<Cut>,
}

/// Time units in a year for the model's time unit.
fn year_length(unit: &str) -> Option<f64> {
    match unit.trim().to_ascii_lowercase().trim_end_matches('s') {
        "day" => Some(365.0),
        "week" => Some(52.0),
        "month" => Some(12.0),
        "quarter" => Some(4.0),
        "year" => Some(1.0),
        "hour" => Some(8760.0),
        _ => None,
    }
}

impl<'a, 'm> Planner<'a, 'm> {
    fn new(
        inv: &'a Investments,
        lp: &'a StressLp<'m>,
        opts: &'a PlanOptions,
    ) -> Result<Self, PlanError> {
        let m: &Model = &inv.full;
        let options = &inv.options;
        if options.is_empty() {
            return Err(PlanError::NoOptions);
        }
        if let Risk::Cvar { alpha } = opts.risk {
            if !(0.0..1.0).contains(&alpha) {
                return Err(PlanError::Option(format!(
                    "the CVaR level must be in [0, 1), got {alpha}"
                )));
            }
            if opts.years > 1 {
                return Err(PlanError::Option(
                    "--risk cvar plans the steady state: use it with --years 1".into(),
                ));
            }
        }
        if opts.years == 0 {
            return Err(PlanError::Option("--years must be at least 1".into()));
        }
        let missing: Vec<String> = m
            .scenarios()
            .iter()
            .filter(|s| s.probability.is_none())
            .map(|s| s.name.clone())
            .collect();
        if !missing.is_empty() {
            return Err(PlanError::MissingProbability(missing));
        }
        let total: f64 = m.scenarios().iter().filter_map(|s| s.probability).sum();
        if total > 1.0 + 1e-9 {
            return Err(PlanError::ProbabilitySum(total));
        }
        let longest = m
            .scenarios()
            .iter()
            .flat_map(|s| s.events.iter().map(|e| e.duration))
            .fold(0.0, f64::max);
        let period = opts.period.unwrap_or(longest);
        if !(period.is_finite() && period >= 0.0) {
            return Err(PlanError::Option(format!(
                "--period must be >= 0, got {period}"
            )));
        }
        // Cases: each scenario, then the rest of the probability without disruption.
        let mut raw: Vec<(Option<usize>, f64, f64, Disruption)> = m
            .scenarios()
            .iter()
            .enumerate()
            .map(|(k, sc)| {
                let t = sc.events.iter().map(|e| e.duration).fold(0.0, f64::max);
                (
                    Some(k),
                    sc.probability.unwrap_or(0.0),
                    t,
                    Disruption::from_scenario(m, sc),
                )
            })
            .collect();
        if 1.0 - total > 1e-12 {
            raw.push((None, 1.0 - total, period, Disruption::default()));
        }
        let short = |t: f64| -> Vec<Component> {
            lp.all_components()
                .filter(|&c| lp.component_baseline_tts(c) < t)
                .collect()
        };
        let comp_opts = |comps: &[Component]| -> Vec<usize> {
            (0..options.len())
                .filter(|&o| {
                    lp.component_of(options[o].stage)
                        .is_some_and(|c| comps.binary_search(&c).is_ok())
                })
                .collect()
        };
        let mut cases: Vec<Case> = raw
            .into_iter()
            .map(|(scenario, prob, t, d)| {
                let mut comps = if t > 0.0 {
                    lp.touched_components(&d)
                } else {
                    Vec::new()
                };
                if t > 0.0 {
                    comps.extend(short(t));
                }
                comps.sort_unstable();
                comps.dedup();
                let scope = comp_opts(&comps);
                Case {
                    scenario,
                    prob,
                    t,
                    d,
                    comps,
                    scope,
                    classes: Vec::new(),
                    sample_class: Vec::new(),
                }
            })
            .collect();
        let all: Vec<usize> = (0..options.len()).collect();
        let joint = outcomes::count(options, &all);
        let exact = cases
            .iter()
            .all(|c| outcomes::count(options, &c.scope) <= opts.max_exact as f64);
        let draws =
            (!exact).then(|| Draws::new(options, inv.groups.len(), opts.samples.max(1), opts.seed));
        for c in &mut cases {
            (c.classes, c.sample_class) = match &draws {
                None => (outcomes::exact(options, &c.scope), Vec::new()),
                Some(dr) => dr.classes(options, &c.scope),
            };
        }
        // Epochs: years with the same options in effect.
        let mut epochs: Vec<Epoch> = Vec::new();
        if opts.years == 1 {
            epochs.push(Epoch {
                years: vec![0],
                effective: vec![true; options.len()],
            });
        } else {
            let y = match opts.year_length {
                Some(y) => y,
                None => year_length(&m.meta().time_unit).ok_or_else(|| {
                    PlanError::Option(format!(
                        "--years needs the length of a year in the model's time unit `{}`: give --year-length",
                        m.meta().time_unit
                    ))
                })?,
            };
            if !(y.is_finite() && y > 0.0) {
                return Err(PlanError::Option(format!(
                    "--year-length must be > 0, got {y}"
                )));
            }
            for year in 0..opts.years {
                let start = f64::from(year) * y;
                let effective: Vec<bool> = options
                    .iter()
                    .map(|o| o.time_to_effect <= start * (1.0 + 1e-12))
                    .collect();
                match epochs.iter_mut().find(|e| e.effective == effective) {
                    Some(e) => e.years.push(year),
                    None => epochs.push(Epoch {
                        years: vec![year],
                        effective,
                    }),
                }
            }
        }
        let mut survive = Vec::new();
        if let Some(sv) = &opts.survive {
            if !(sv.t.is_finite() && sv.t > 0.0) {
                return Err(PlanError::Option(format!(
                    "--survive needs a duration > 0, got {}",
                    sv.t
                )));
            }
            for tg in targets_of_kind(m, sv.kind) {
                // Candidates are not part of the base to survive the loss of.
                let candidate = matches!(tg, Target::Stage(s) if inv.is_candidate(s));
                if sv.except.contains(&tg) || candidate {
                    continue;
                }
                let d = Disruption::from_target(m, tg, 0.0);
                let mut comps = lp.touched_components(&d);
                comps.extend(short(sv.t));
                comps.sort_unstable();
                comps.dedup();
                if comps.is_empty() {
                    continue;
                }
                survive.push(SurviveCase {
                    target: tg,
                    d,
                    comps,
                });
            }
        }
        let max_classes = cases.iter().map(|c| c.classes.len()).max().unwrap_or(1);
        let ncases = cases.len();
        let info = OutcomeInfo {
            joint,
            max_classes,
            sampled: draws.is_some(),
            samples: draws.as_ref().map(Draws::len),
            seed: draws.as_ref().map(|_| opts.seed),
            out_of_sample: None,
        };
        Ok(Planner {
            inv,
            opts,
            former: Former::new(inv, lp),
            cases,
            epochs,
            survive,
            info,
            subs: Subproblems::new(ncases),
            cuts: Vec::new(),
        })
    }

    /// The extensive form. `fixed`: every `x` fixed to these values; `no_risky`: risky options excluded;
    /// `risk`: the objective; `survive`: with the survival copies.
    fn build(
        &mut self,
        fixed: Option<&[bool]>,
        no_risky: bool,
        risk: Risk,
        budget: Option<f64>,
        survive: bool,
    ) -> Built {
        let options = self.former.options();
        let mut rb = RowBuilder::new();
        let x: Vec<Col> = options
            .iter()
            .enumerate()
            .map(|(o, opt)| {
                let (lo, up) = match fixed {
                    Some(f) => {
                        let v = if f[o] { 1.0 } else { 0.0 };
                        (v, v)
                    }
                    None if no_risky && opt.is_risky() => (0.0, 0.0),
                    None => (0.0, 1.0),
                };
                rb.add_int_col(0.0, lo, up)
            })
            .collect();
        if let Some(b) = budget {
            let e: Vec<(Col, f64)> = x.iter().zip(options).map(|(&c, o)| (c, o.cost)).collect();
            rb.add_row(f64::NEG_INFINITY, b, &e);
        }
        let mut copies = Vec::new();
        for (k, case) in self.cases.iter().enumerate() {
            if case.comps.is_empty() {
                continue;
            }
            for (ci, class) in case.classes.iter().enumerate() {
                for (ei, epoch) in self.epochs.iter().enumerate() {
                    let scope = Scope {
                        d: &case.d,
                        comps: &case.comps,
                        t: case.t,
                        survive: false,
                    };
                    let active = |o: usize| class.works[o] && epoch.effective[o];
                    let loss = self.former.add_copy(&mut rb, &x, &scope, &active);
                    copies.push(Copy {
                        case: k,
                        class: ci,
                        epoch: ei,
                        loss,
                    });
                }
            }
        }
        if survive {
            let t = self.opts.survive.as_ref().map_or(0.0, |s| s.t);
            for sc in &self.survive {
                let scope = Scope {
                    d: &sc.d,
                    comps: &sc.comps,
                    t,
                    survive: true,
                };
                let active = |o: usize| !options[o].is_risky();
                self.former.add_copy(&mut rb, &x, &scope, &active);
            }
        }
        match risk {
            Risk::Expected => {
                for cp in &copies {
                    let w = self.cases[cp.case].prob
                        * self.cases[cp.case].classes[cp.class].prob
                        * self.epochs[cp.epoch].years.len() as f64;
                    for &(c, f) in &cp.loss {
                        rb.add_cost(c, w * f);
                    }
                }
            }
            Risk::Cvar { alpha } => {
                let eta = rb.add_col(1.0, f64::NEG_INFINITY, f64::INFINITY);
                let mut mass = 0.0;
                let mut e = Vec::new();
                for cp in &copies {
                    let p = self.cases[cp.case].prob * self.cases[cp.case].classes[cp.class].prob;
                    mass += p;
                    let xi = rb.add_col(p / (1.0 - alpha), 0.0, f64::INFINITY);
                    e.clear();
                    e.push((xi, 1.0));
                    e.push((eta, 1.0));
                    e.extend(cp.loss.iter().map(|&(c, f)| (c, -f)));
                    rb.add_row(0.0, f64::INFINITY, &e);
                }
                if 1.0 - mass > 1e-12 {
                    let xi = rb.add_col((1.0 - mass) / (1.0 - alpha), 0.0, f64::INFINITY);
                    rb.add_row(0.0, f64::INFINITY, &[(xi, 1.0), (eta, 1.0)]);
                }
            }
        }
        Built {
            pb: rb.build(),
            x,
            copies,
        }
    }

    fn mip(&self, pb: &Problem) -> Result<MipSolution, PlanError> {
        Highs
            .solve_mip(pb, Sense::Minimise, &self.opts.mip)
            .map_err(|e| PlanError::Solver(e.0))
    }

    /// [`Self::mip`] for a tie-break (the cheapest plan within the tolerance of the optimum), without the
    /// solver's presolve: on such problems HiGHS's presolve has answered wrongly, found by the brute-force
    /// property test, once "infeasible" although the optimum itself satisfies the problem (CVaR at optimum 0,
    /// seed 16290526512092654647) and once "optimal" for a plan dearer than the cheapest (43 against 27, seed
    /// 17197364707691094796). Without presolve both are right; the tie-break costs one slower MILP.
    fn mip_tie_break(&self, pb: &Problem) -> Result<MipSolution, PlanError> {
        let opts = MipOptions {
            presolve: false,
            ..self.opts.mip
        };
        Highs
            .solve_mip(pb, Sense::Minimise, &opts)
            .map_err(|e| PlanError::Solver(e.0))
    }

    /// `V_k` of case `k` for every class and epoch with the options of `take` funded: the loss of each
    /// (class, epoch) and the set in place.
    fn case_values(&mut self, k: usize, take: &[bool]) -> Result<Vec<Vec<Valued>>, PlanError> {
        let case = &self.cases[k];
        if case.comps.is_empty() {
            return Ok(Vec::new());
        }
        let scope = Scope {
            d: &case.d,
            comps: &case.comps,
            t: case.t,
            survive: false,
        };
        let mut out = Vec::with_capacity(case.classes.len());
        for class in &case.classes {
            let mut per_epoch = Vec::with_capacity(self.epochs.len());
            for epoch in &self.epochs {
                let on: Vec<bool> = case
                    .scope
                    .iter()
                    .map(|&o| take[o] && class.works[o] && epoch.effective[o])
                    .collect();
                let (v, grad) = self
                    .subs
                    .value(&mut self.former, k, &scope, &case.scope, &on)?;
                per_epoch.push(Valued { v, grad });
            }
            out.push(per_epoch);
        }
        Ok(out)
    }

    /// Losses of a fixed plan: every case's LP minimises its own loss (sub.rs).
    fn evaluate(&mut self, take: &[bool]) -> Result<Eval, PlanError> {
        let mut class_loss: Vec<Vec<f64>> = self
            .cases
            .iter()
            .map(|c| vec![0.0; c.classes.len()])
            .collect();
        let nyears = self.opts.years as usize;
        let mut per_year = vec![0.0; nyears];
        let mut per_case = vec![0.0; self.cases.len()];
        for k in 0..self.cases.len() {
            let vals = self.case_values(k, take)?;
            let case = &self.cases[k];
            for (ci, per_epoch) in vals.iter().enumerate() {
                let p = case.classes[ci].prob;
                for (ei, val) in per_epoch.iter().enumerate() {
                    for &y in &self.epochs[ei].years {
                        per_year[y as usize] += case.prob * p * val.v;
                        per_case[k] += p * val.v;
                    }
                    if ei == 0 {
                        class_loss[k][ci] = val.v;
                    }
                }
            }
        }
        let expected = per_year.iter().sum();
        let cvar = (self.epochs.len() == 1 && nyears == 1).then(|| {
            let alpha = match self.opts.risk {
                Risk::Cvar { alpha } => alpha,
                Risk::Expected => self.opts.report_alpha,
            };
            cvar(&self.atoms(&class_loss), alpha)
        });
        Ok(Eval {
            expected,
            cvar,
            per_case,
            per_year,
            class_loss,
        })
    }

    /// The joint distribution's atoms (loss, probability) from each case's class losses.
    fn atoms(&self, class_loss: &[Vec<f64>]) -> Vec<(f64, f64)> {
        self.cases
            .iter()
            .zip(class_loss)
            .flat_map(|(c, ls)| {
                c.classes
                    .iter()
                    .zip(ls)
                    .map(move |(cl, &l)| (l, c.prob * cl.prob))
            })
            .collect()
    }

    /// The objective (the risk measure) of an evaluation.
    fn objective_of(&self, e: &Eval) -> f64 {
        match self.opts.risk {
            Risk::Expected => e.expected,
            Risk::Cvar { .. } => e.cvar.unwrap_or(e.expected),
        }
    }

    /// Benders units: (case, epoch) under the expected loss, (case, class) atoms under CVaR.
    fn units(&self) -> Vec<(usize, usize)> {
        let mut u = Vec::new();
        for (k, c) in self.cases.iter().enumerate() {
            if c.comps.is_empty() {
                continue;
            }
            match self.opts.risk {
                Risk::Expected => u.extend((0..self.epochs.len()).map(|e| (k, e))),
                Risk::Cvar { .. } => u.extend((0..c.classes.len()).map(|ci| (k, ci))),
            }
        }
        u
    }

    /// Evaluates `take` and adds one optimality cut per unit at it (the L-shaped method: `θ_u >= V(x̂) +
    /// g·(x - x̂)`, averaged over the classes of a (case, epoch) unit). Returns the evaluation.
    fn add_cuts(&mut self, take: &[bool]) -> Result<Eval, PlanError> {
        let units = self.units();
        let n = take.len();
        let mut vals: Vec<Vec<Vec<Valued>>> = Vec::with_capacity(self.cases.len());
        for k in 0..self.cases.len() {
            vals.push(self.case_values(k, take)?);
        }
        for (ui, &(k, j)) in units.iter().enumerate() {
            let case = &self.cases[k];
            let mut constant = 0.0;
            let mut coef = vec![0.0; n];
            let mut add = |p: f64, val: &Valued| {
                constant += p * val.v;
                for (i, &o) in case.scope.iter().enumerate() {
                    let g = val.grad[i];
                    if g != 0.0 {
                        coef[o] += p * g;
                        constant -= p * g * if take[o] { 1.0 } else { 0.0 };
                    }
                }
            };
            match self.opts.risk {
                Risk::Expected => {
                    for (ci, class) in case.classes.iter().enumerate() {
                        let val = &vals[k][ci][j];
                        let masked =
                            masked(val, &case.scope, &class.works, &self.epochs[j].effective);
                        add(class.prob, &masked);
                    }
                }
                Risk::Cvar { .. } => {
                    let class = &case.classes[j];
                    let val = &vals[k][j][0];
                    let masked = masked(val, &case.scope, &class.works, &self.epochs[0].effective);
                    add(1.0, &masked);
                }
            }
            self.cuts.push(Cut {
                unit: ui,
                constant,
                coef: coef
                    .into_iter()
                    .enumerate()
                    .filter(|x| x.1 != 0.0)
                    .collect(),
            });
        }
        self.evaluate(take)
    }

    /// The Benders master: options, one θ per unit, the cuts so far, the budget and survival copies; under
    /// CVaR also η and ξ. With `cost_within = Some(bound)` it minimises the plan's cost subject to the
    /// objective's approximation being at most `bound` (the tie-breaking pass).
    fn master(&mut self, budget: Option<f64>, no_risky: bool, cost_within: Option<f64>) -> Built {
        let options = self.former.options();
        let units = self.units();
        let mut rb = RowBuilder::new();
        let x: Vec<Col> = options
            .iter()
            .map(|o| {
                let up = if no_risky && o.is_risky() { 0.0 } else { 1.0 };
                rb.add_int_col(0.0, 0.0, up)
            })
            .collect();
        if let Some(b) = budget {
            let e: Vec<(Col, f64)> = x.iter().zip(options).map(|(&c, o)| (c, o.cost)).collect();
            rb.add_row(f64::NEG_INFINITY, b, &e);
        }
        let theta: Vec<Col> = units
            .iter()
            .map(|_| rb.add_col(0.0, 0.0, f64::INFINITY))
            .collect();
        let mut obj: Vec<(Col, f64)> = Vec::new();
        match self.opts.risk {
            Risk::Expected => {
                for (&(k, e), &th) in units.iter().zip(&theta) {
                    let w = self.cases[k].prob * self.epochs[e].years.len() as f64;
                    obj.push((th, w));
                }
            }
            Risk::Cvar { alpha } => {
                let eta = rb.add_col(0.0, f64::NEG_INFINITY, f64::INFINITY);
                obj.push((eta, 1.0));
                let mut mass = 0.0;
                for (&(k, ci), &th) in units.iter().zip(&theta) {
                    let p = self.cases[k].prob * self.cases[k].classes[ci].prob;
                    mass += p;
                    let xi = rb.add_col(0.0, 0.0, f64::INFINITY);
                    obj.push((xi, p / (1.0 - alpha)));
                    rb.add_row(0.0, f64::INFINITY, &[(xi, 1.0), (eta, 1.0), (th, -1.0)]);
                }
                if 1.0 - mass > 1e-12 {
                    let xi = rb.add_col(0.0, 0.0, f64::INFINITY);
                    obj.push((xi, (1.0 - mass) / (1.0 - alpha)));
                    rb.add_row(0.0, f64::INFINITY, &[(xi, 1.0), (eta, 1.0)]);
                }
            }
        }
        let mut e: Vec<(Col, f64)> = Vec::new();
        for cut in &self.cuts {
            e.clear();
            e.push((theta[cut.unit], 1.0));
            e.extend(cut.coef.iter().map(|&(o, g)| (x[o], -g)));
            rb.add_row(cut.constant, f64::INFINITY, &e);
        }
        if !self.survive.is_empty() {
            let t = self.opts.survive.as_ref().map_or(0.0, |s| s.t);
            let survive = std::mem::take(&mut self.survive);
            for sc in &survive {
                let scope = Scope {
                    d: &sc.d,
                    comps: &sc.comps,
                    t,
                    survive: true,
                };
                self.former
                    .add_copy(&mut rb, &x, &scope, &|o| !options[o].is_risky());
            }
            self.survive = survive;
        }
        match cost_within {
            None => {
                for &(c, w) in &obj {
                    rb.add_cost(c, w);
                }
            }
            Some(bound) => {
                rb.add_row(f64::NEG_INFINITY, bound, &obj);
                for (&c, o) in x.iter().zip(options) {
                    rb.add_cost(c, o.cost);
                }
            }
        }
        Built {
            pb: rb.build(),
            x,
            copies: Vec::new(),
        }
    }

    /// The L-shaped method on the master: until the master's bound meets the best plan's true objective.
    /// Returns the best plan, its objective, the last proven bound and the iterations.
    fn benders(
        &mut self,
        budget: Option<f64>,
        no_risky: bool,
    ) -> Result<(Vec<bool>, f64, f64, usize), PlanError> {
        let n = self.former.options().len();
        let mut best: Option<(Vec<bool>, f64)> = None;
        let mut bound = f64::NEG_INFINITY;
        if self.cuts.is_empty() {
            // A first cut at doing nothing, so that the master starts bounded by something real.
            self.add_cuts(&vec![false; n])?;
        }
        for it in 1..=MAX_ITERATIONS {
            let m = self.master(budget, no_risky, None);
            let sol = self.mip(&m.pb)?;
            if !sol.feasible {
                return Err(PlanError::Solver(format!(
                    "no feasible plan found ({})",
                    sol.status
                )));
            }
            bound = bound.max(sol.bound.min(sol.objective));
            let take = self.take_of(&sol, &m.x);
            let e = self.add_cuts(&take)?;
            let f = self.objective_of(&e);
            if best.as_ref().is_none_or(|b| f < b.1) {
                best = Some((take, f));
            }
            let ub = best.as_ref().map_or(f64::INFINITY, |b| b.1);
            if ub - bound <= self.tolerance(ub) {
                let (take, f) = best.expect("set above");
                return Ok((take, f, bound, it));
            }
        }
        let (take, f) = best.expect("at least one iteration");
        Ok((take, f, bound, MAX_ITERATIONS))
    }

    /// The cheapest plan whose true objective is within the tie tolerance of `best` (Benders again: a plan the
    /// cuts under-estimate gets its cuts and is proposed no more).
    fn cheapest_within(
        &mut self,
        budget: Option<f64>,
        best: f64,
        fallback: Vec<bool>,
    ) -> Result<Vec<bool>, PlanError> {
        let limit = best + self.tie(best);
        for _ in 0..MAX_ITERATIONS {
            let m = self.master(budget, false, Some(limit));
            let sol = self.mip_tie_break(&m.pb)?;
            if !sol.feasible {
                break;
            }
            let take = self.take_of(&sol, &m.x);
            let e = self.add_cuts(&take)?;
            if self.objective_of(&e) <= limit {
                return Ok(take);
            }
        }
        Ok(fallback)
    }

    /// The method asked for, or the extensive form while its estimated size stays under the limit.
    fn method(&self) -> Method {
        if let Some(m) = self.opts.method {
            return m;
        }
        let arcs = |k: &Case| -> usize {
            k.comps
                .iter()
                .map(|&c| {
                    let st = self.former.stages_of(c);
                    st.len() + st.iter().map(|&s| self.former.arcs_of(s)).sum::<usize>()
                })
                .sum()
        };
        let size: usize = self
            .cases
            .iter()
            .map(|k| arcs(k) * k.classes.len() * self.epochs.len())
            .sum();
        if size <= self.opts.max_extensive {
            Method::Extensive
        } else {
            Method::Benders
        }
    }

    fn tolerance(&self, v: f64) -> f64 {
        self.opts.mip.rel_gap.max(1e-9) * v.abs().max(1.0)
    }

    fn tie(&self, v: f64) -> f64 {
        1e-7 * v.abs().max(1.0)
    }

    fn take_of(&self, sol: &MipSolution, x: &[Col]) -> Vec<bool> {
        x.iter().map(|c| sol.cols[c.0] > 0.5).collect()
    }

    /// Checks `--survive` before optimising: elements that no plan survives, and the cheapest plan that
    /// survives them all when the budget is too small.
    fn check_survive(&mut self, budget: Option<f64>) -> Result<(), PlanError> {
        if self.survive.is_empty() {
            return Ok(());
        }
        let t = self.opts.survive.as_ref().map_or(0.0, |s| s.t);
        let options = self.former.options();
        let all_certain: Vec<bool> = options.iter().map(|o| !o.is_risky()).collect();
        let mut cannot = Vec::new();
        let survive = std::mem::take(&mut self.survive);
        for sc in &survive {
            let mut rb = RowBuilder::new();
            let x: Vec<Col> = all_certain
                .iter()
                .map(|&c| {
                    let v = if c { 1.0 } else { 0.0 };
                    rb.add_int_col(0.0, v, v)
                })
                .collect();
            let scope = Scope {
                d: &sc.d,
                comps: &sc.comps,
                t,
                survive: true,
            };
            self.former
                .add_copy(&mut rb, &x, &scope, &|o| !options[o].is_risky());
            if !self.mip(&rb.build())?.feasible {
                cannot.push(sc.target);
            }
        }
        self.survive = survive;
        if !cannot.is_empty() {
            return Err(PlanError::CannotSurvive {
                elements: cannot,
                t,
            });
        }
        if let Some(b) = budget {
            // The cheapest plan meeting every survival constraint.
            let mut built = self.build(None, false, Risk::Expected, None, true);
            built.pb.col_cost.iter_mut().for_each(|c| *c = 0.0);
            for (c, o) in built.x.iter().zip(options) {
                built.pb.col_cost[c.0] = o.cost;
            }
            let sol = self.mip(&built.pb)?;
            if sol.feasible && sol.objective > b * (1.0 + 1e-12) {
                return Err(PlanError::SurviveOverBudget {
                    budget: b,
                    cheapest: sol.objective,
                });
            }
        }
        Ok(())
    }

    fn solve(&mut self, budget: Option<f64>, full: bool) -> Result<PlanResult, PlanError> {
        if let Some(b) = budget {
            if !(b.is_finite() && b >= 0.0) {
                return Err(PlanError::Option(format!(
                    "the budget must be >= 0, got {b}"
                )));
            }
        }
        self.check_survive(budget)?;
        let risk = self.opts.risk;
        let options = self.former.options();
        let method = self.method();
        let (take, solved) = match method {
            Method::Extensive => {
                let built = self.build(None, false, risk, budget, true);
                let main = self.mip(&built.pb)?;
                if !main.feasible {
                    return Err(PlanError::Solver(format!(
                        "no feasible plan found ({})",
                        main.status
                    )));
                }
                let mut cost = vec![0.0; built.pb.num_cols()];
                for (x, o) in built.x.iter().zip(options) {
                    cost[x.0] = o.cost;
                }
                // Ties to the cheaper plan.
                let limit = main.objective + self.tie(main.objective);
                let second = self.mip_tie_break(&lexicographic(&built.pb, &cost, limit))?;
                let sol = if second.feasible { &second } else { &main };
                let take = self.take_of(sol, &built.x);
                let solved = Solved {
                    status: main.status.to_string(),
                    gap: main.gap,
                    objective: main.objective,
                    bound: main.bound,
                    iterations: 1,
                    size: FormSize {
                        rows: built.pb.num_rows(),
                        columns: built.pb.num_cols(),
                        binaries: built.x.len(),
                        copies: built.copies.len(),
                    },
                };
                (take, solved)
            }
            Method::Benders => {
                let (best, f, bound, iterations) = self.benders(budget, false)?;
                let take = self.cheapest_within(budget, f, best)?;
                let gap = ((f - bound) / f.abs().max(1e-300)).max(0.0);
                let converged = f - bound <= self.tolerance(f);
                let m = self.master(budget, false, None);
                let solved = Solved {
                    status: if converged {
                        "Optimal"
                    } else {
                        "IterationLimit"
                    }
                    .to_string(),
                    gap: if f == 0.0 { 0.0 } else { gap },
                    objective: f,
                    bound,
                    iterations,
                    size: FormSize {
                        rows: m.pb.num_rows(),
                        columns: m.pb.num_cols(),
                        binaries: m.x.len(),
                        copies: self.units().len(),
                    },
                };
                (take, solved)
            }
        };
        let plan = self.evaluate(&take)?;
        let none = self.evaluate(&vec![false; options.len()])?;
        let chosen: Vec<usize> = (0..options.len()).filter(|&o| take[o]).collect();
        let mut marginal = Vec::new();
        let mut value_of_experimentation = 0.0;
        let mut out_of_sample = None;
        if full {
            for &o in &chosen {
                let mut t = take.clone();
                t[o] = false;
                marginal.push((o, self.evaluate(&t)?.expected - plan.expected));
            }
            value_of_experimentation = if chosen.iter().any(|&o| options[o].is_risky()) {
                let safe = match method {
                    Method::Extensive => {
                        let safe = self.build(None, true, risk, budget, true);
                        let s = self.mip(&safe.pb)?;
                        if s.feasible {
                            let t = self.take_of(&s, &safe.x);
                            let e = self.evaluate(&t)?;
                            self.objective_of(&e)
                        } else {
                            f64::INFINITY
                        }
                    }
                    Method::Benders => self.benders(budget, true)?.1,
                };
                (safe - self.objective_of(&plan)).max(0.0)
            } else {
                0.0
            };
            if self.info.sampled {
                out_of_sample = Some(self.out_of_sample(&take)?);
            }
        }
        let expected_failed_bets = chosen.iter().map(|&o| 1.0 - options[o].probability).sum();
        let scenarios = self
            .cases
            .iter()
            .enumerate()
            .map(|(k, c)| CaseLoss {
                scenario: c.scenario,
                probability: c.prob,
                duration: c.t,
                before: none.per_case[k],
                after: plan.per_case[k],
            })
            .collect();
        let years = (0..self.opts.years)
            .map(|y| YearLoss {
                year: y + 1,
                before: none.per_year[y as usize],
                after: plan.per_year[y as usize],
            })
            .collect();
        let mut info = self.info.clone();
        info.out_of_sample = out_of_sample;
        Ok(PlanResult {
            cost: chosen.iter().fold(0.0, |a, &o| a + options[o].cost),
            chosen,
            budget,
            risk,
            expected_loss: plan.expected,
            baseline_expected_loss: none.expected,
            alpha: match risk {
                Risk::Cvar { alpha } => alpha,
                Risk::Expected => self.opts.report_alpha,
            },
            cvar: plan.cvar,
            baseline_cvar: none.cvar,
            scenarios,
            years,
            marginal,
            value_of_experimentation,
            expected_failed_bets,
            status: solved.status,
            gap: solved.gap,
            objective: solved.objective,
            bound: solved.bound,
            method,
            iterations: solved.iterations,
            lp_solves: self.subs.solves,
            outcomes: info,
            size: solved.size,
        })
    }

    /// The plan's expected loss on an independent sample (the same size, the next seed): mean and the
    /// half-width of a 95% normal confidence interval over the per-sample losses.
    fn out_of_sample(&mut self, take: &[bool]) -> Result<(f64, f64), PlanError> {
        let options = self.former.options();
        let n = self.opts.samples.max(1);
        let draws = Draws::new(
            options,
            self.inv.groups.len(),
            n,
            self.opts.seed.wrapping_add(1),
        );
        let saved: Vec<(Vec<Class>, Vec<usize>)> = self
            .cases
            .iter_mut()
            .map(|c| {
                let fresh = draws.classes(options, &c.scope);
                (
                    std::mem::replace(&mut c.classes, fresh.0),
                    std::mem::replace(&mut c.sample_class, fresh.1),
                )
            })
            .collect();
        let eval = self.evaluate(take);
        let per_sample: Vec<f64> = (0..n)
            .map(|i| {
                self.cases
                    .iter()
                    .enumerate()
                    .map(|(k, c)| {
                        c.sample_class.get(i).map_or(0.0, |&ci| {
                            c.prob * eval.as_ref().map_or(0.0, |e| e.class_loss[k][ci])
                        })
                    })
                    .sum::<f64>()
                    * f64::from(self.opts.years)
            })
            .collect();
        for (c, (cl, sc)) in self.cases.iter_mut().zip(saved) {
            c.classes = cl;
            c.sample_class = sc;
        }
        let e = eval?;
        let mean = per_sample.iter().sum::<f64>() / n as f64;
        let var =
            per_sample.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n.max(2) - 1) as f64;
        Ok((e.expected, 1.96 * (var / n as f64).sqrt()))
    }
}

/// The optimal plan for `opts.budget` (and `opts.survive`), with its evaluation.
pub fn plan(inv: &Investments, opts: &PlanOptions) -> Result<PlanResult, PlanError> {
    let disabled = inv.applied(&vec![false; inv.options.len()]);
    let lp = StressLp::new(&disabled, opts.horizon)?;
    let mut p = Planner::new(inv, &lp, opts)?;
    p.solve(opts.budget, true)
}

/// The optimal plan at each budget: budget, expected loss, CVaR, options chosen.
pub fn frontier(
    inv: &Investments,
    opts: &PlanOptions,
    budgets: &[f64],
) -> Result<Vec<FrontierPoint>, PlanError> {
    let disabled = inv.applied(&vec![false; inv.options.len()]);
    let lp = StressLp::new(&disabled, opts.horizon)?;
    let mut p = Planner::new(inv, &lp, opts)?;
    budgets
        .iter()
        .map(|&b| {
            let r = p.solve(Some(b), false)?;
            Ok(FrontierPoint {
                budget: b,
                cost: r.cost,
                expected_loss: r.expected_loss,
                cvar: r.cvar,
                chosen: r.chosen,
                gap: r.gap,
            })
        })
        .collect()
}
