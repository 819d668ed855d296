//! The engine: performance impact (PI) and time to survive (TTS) of a disruption, trying the cheapest exact
//! method first.
//!
//! Source: D. Simchi-Levi, W. Schmidt, Y. Wei, P. Y. Zhang et al., "Identifying risks and mitigating disruptions
//! in the automotive supply chain", *Interfaces* 45(5):375-390, 2015; D. Simchi-Levi, W. Schmidt, Y. Wei, "From
//! superstorms to factory fires", *Harvard Business Review*, Jan-Feb 2014. The LP is written out in `cold.rs`
//! and docs/methods/stress-lp.md.
//!
//! The balance row merges the paper's supply row (`sum y - u <= s`) and demand row (`l + u + s >= d t`): a stage
//! that both has end demand and supplies other stages shares one stock between the two, which the paper (where
//! platforms supply nobody) never needs. Lead and transit times do not enter, as in the paper.
//!
//! PI is reported as the loss *above the undisrupted network's own loss over the same `t`*, so a network that
//! already falls short does not charge its shortfall to every scenario.
//!
//! **Decomposition (exact).** The components of `plan.rs` split the LP into independent blocks. A disruption
//! changes only the blocks it touches, so only those are solved: PI is the sum over touched blocks, TTS the
//! minimum over touched blocks (the network TTS restricted to platforms coupled to the disruption; untouched
//! blocks keep their baseline). A disruption that reaches no platform costs no LP.
//!
//! **Order of methods**, per touched component ([`WarmLp`]): if its plan fits every capacity, the no-loss
//! certificate (`certify.rs`) and then the region-restricted LPs (`region.rs`); if that declines (numerical
//! trouble) or the plan does not fit, the warm whole-component LPs (`warm.rs`); if a warm solve fails, the
//! whole-component LP from scratch (`cold.rs`). [`StressLp::impact`] uses the last only.
//!
//! # Complexity
//! Setup: O(stages + arcs) for the plan, plus one TTS LP per component whose plan does not fit. Per disruption:
//! O(stages + arcs of the touched components) to build and one or two LP solves (HiGHS dual simplex, polynomial
//! in practice), plus one LP on a platform's upstream closure per hit platform when per-platform TTS is asked.
//! [`WarmLp`] builds each component's two LPs once per thread; then a disruption costs O(elements it stops) bound
//! changes, O(rows + columns) to restore the undisrupted basis, and the solves; or, on components solved by
//! region, only the work of the region.

use crate::cold::{self, Goal};
use crate::disruption::{platforms_downstream, touched, Disruption};
use crate::error::StressError;
use crate::plan::Plan;
use crate::region::{LocalWork, Region};
use crate::solver::{Highs, LpModel, Solver};
use crate::warm::{self, SharedBases, WarmModel};
use keel_model::{Model, StageIx};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Mutex;

/// Relative tolerance for "TTS reached the horizon" and "loss is zero".
const EPS: f64 = 1e-9;

/// A time to survive. `at_least` means the horizon bound: the network survives at least `value`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Tts {
    pub value: f64,
    pub at_least: bool,
}

/// The effect of one disruption.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Impact {
    /// Extra loss over the disruption's duration compared with the undisrupted network.
    pub pi: f64,
    /// Longest time all demand of the platforms coupled to the disruption can still be met.
    pub tts: Tts,
    /// Platforms (demand stages) downstream of a disrupted stage or lane, in `demand.csv` order.
    pub platforms_hit: Vec<StageIx>,
    /// Per hit platform: longest time its own demand can be met if it has first call on its whole upstream
    /// network (other platforms' demand dropped). Empty unless asked for.
    pub platform_tts: Vec<(StageIx, Tts)>,
}

/// An independent block of the stress LP: a class of platforms that share a supplier somewhere upstream, with
/// every stage that feeds them (numbered by their first platform in demand.csv order).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Component(u32);

/// The stress LP of one model: the undisrupted plan, the components' baselines and the solver, ready to solve
/// any number of disruptions (from any number of threads).
#[derive(Debug)]
pub struct StressLp<'m, S: Solver = Highs> {
    plan: Plan<'m>,
    solver: S,
    horizon: f64,
    /// Network TTS of each undisrupted component (capped at the horizon).
    baseline_tts: Vec<f64>,
    /// Loss of an undisrupted component over `t`, for `t` beyond its baseline TTS (key: component, t bits).
    baseline_loss: Mutex<BTreeMap<(u32, u64), f64>>,
    /// Undisrupted optimal bases of the warm whole-component LPs, shared by every [`WarmLp`].
    warm_bases: SharedBases<<S::Model as LpModel>::Basis>,
}

impl<'m> StressLp<'m, Highs> {
    /// Prepares the LP of `model`, solved by HiGHS. `horizon` caps TTS (time units, > 0).
    pub fn new(model: &'m Model, horizon: f64) -> Result<Self, StressError> {
        Self::with_solver(model, horizon, Highs)
    }
}

impl<'m, S: Solver> StressLp<'m, S> {
    /// Prepares the LP of `model`, solved by `solver`. `horizon` caps TTS (time units, > 0).
    pub fn with_solver(model: &'m Model, horizon: f64, solver: S) -> Result<Self, StressError> {
        if !(horizon.is_finite() && horizon > 0.0) {
            return Err(StressError::Option(format!(
                "horizon must be a positive number, got {horizon}"
            )));
        }
        let plan = Plan::new(model);
        // Baseline TTS up to twice the longest duration in the model, so that most scenarios need no
        // baseline loss LP (baseline loss is 0 for t up to the baseline TTS).
        let longest = model
            .stages()
            .iter()
            .filter_map(|s| s.ttr)
            .chain(
                model
                    .scenarios()
                    .iter()
                    .flat_map(|sc| sc.events.iter().map(|e| e.duration)),
            )
            .fold(horizon, f64::max);
        let none = Disruption::default();
        let baseline_tts = (0..plan.components() as u32)
            .map(|c| {
                // The plan meets all demand forever without touching stock: no LP needed.
                if plan.plan_fits(c) {
                    return Ok(f64::INFINITY);
                }
                cold::solve_component(&plan, &solver, c, &none, Goal::Survive(None), 2.0 * longest)
            })
            .collect::<Result<Vec<f64>, StressError>>()?;
        Ok(StressLp {
            plan,
            solver,
            horizon,
            baseline_tts,
            baseline_loss: Mutex::new(BTreeMap::new()),
            warm_bases: Mutex::new(BTreeMap::new()),
        })
    }

    pub fn model(&self) -> &'m Model {
        self.plan.model()
    }

    pub fn horizon(&self) -> f64 {
        self.horizon
    }

    /// The solver this LP runs on.
    pub fn solver(&self) -> &S {
        &self.solver
    }

    /// The undisrupted plan (the certificate's tests build on it).
    #[cfg(test)]
    pub(crate) fn plan(&self) -> &Plan<'m> {
        &self.plan
    }

    /// Planned throughput per time unit of a stage (used as the normal rate of unlimited-capacity stages).
    pub fn planned_rate(&self, s: StageIx) -> f64 {
        self.plan.rate(s)
    }

    /// Network TTS of the undisrupted model: the minimum over components (capped at the horizon).
    pub fn baseline_tts(&self) -> Tts {
        let v = self
            .baseline_tts
            .iter()
            .copied()
            .fold(self.horizon, f64::min);
        self.tts_of(v)
    }

    /// Number of components solved on the region a disruption changes (their plan fits every capacity);
    /// the others are re-solved whole.
    pub fn local_components(&self) -> usize {
        self.plan.fitting_components()
    }

    /// Number of independent LP blocks (classes of platforms that share a supplier somewhere upstream).
    pub fn components(&self) -> usize {
        self.plan.components()
    }

    /// The component (independent LP block) of stage `s`; `None` for a stage that feeds no platform.
    pub fn component_of(&self, s: StageIx) -> Option<Component> {
        let c = self.plan.comp(s);
        (c != keel_model::NONE).then_some(Component(c))
    }

    /// The stages of component `c`, suppliers first.
    pub fn component_stages(&self, c: Component) -> &[StageIx] {
        self.plan.stages(c.0)
    }

    /// Time to survive of undisrupted component `c`: infinite when its plan fits every capacity, else the
    /// TTS LP's value up to twice the longest duration in the model. Its loss is 0 over any `t` up to this.
    pub fn component_baseline_tts(&self, c: Component) -> f64 {
        self.baseline_tts[c.0 as usize]
    }

    /// Components holding a stage `d` cuts or the buyer of a lane it cuts, sorted.
    pub fn touched_components(&self, d: &Disruption) -> Vec<Component> {
        touched(&self.plan, d).into_iter().map(Component).collect()
    }

    /// Every component, in order.
    pub fn all_components(&self) -> impl Iterator<Item = Component> {
        (0..self.plan.components() as u32).map(Component)
    }

    /// What source `a` ships per time unit in the undisrupted plan (the reference a cut lane's factor scales).
    pub fn planned_flow(&self, a: keel_model::SourceIx) -> f64 {
        self.plan.planned_flow(a)
    }

    /// The absolute loss of `d` over duration `t`, summed over the whole network: the loss LP of every
    /// component it touches plus the undisrupted loss of the others (0 when they meet demand over `t`). Unlike
    /// [`StressLp::impact`]'s PI, nothing is subtracted: the planner (and its tests) need what is lost, also
    /// when the undisrupted network already falls short. Whole-component LPs built from scratch.
    pub fn loss(&self, d: &Disruption, t: f64) -> Result<f64, StressError> {
        if !(t.is_finite() && t >= 0.0) {
            return Err(StressError::Option(format!(
                "disruption duration must be >= 0, got {t}"
            )));
        }
        let comps = touched(&self.plan, d);
        let mut total = 0.0;
        for c in 0..self.plan.components() as u32 {
            total += if comps.binary_search(&c).is_ok() {
                cold::solve_component(&self.plan, &self.solver, c, d, Goal::Loss(t), self.horizon)?
            } else {
                self.baseline_loss(c, t)?
            };
        }
        Ok(total)
    }

    fn tts_of(&self, v: f64) -> Tts {
        let at_least = v >= self.horizon * (1.0 - 1e-9);
        Tts {
            value: if at_least { self.horizon } else { v.max(0.0) },
            at_least,
        }
    }

    /// PI over duration `t` and TTS of a disruption; per-platform TTS too when `platform_tts`. Every LP is
    /// built and solved from scratch; [`WarmLp`] re-solves reusable ones instead (same values).
    pub fn impact(
        &self,
        d: &Disruption,
        t: f64,
        platform_tts: bool,
    ) -> Result<Impact, StressError> {
        self.impact_with(d, t, platform_tts, &mut |_, _| None, &mut |c, goal| {
            cold::solve_component(&self.plan, &self.solver, c, d, goal, self.horizon)
        })
    }

    /// The decomposition: `pair` may settle a component (TTS and, when it is below `t`, the loss), else `solve`
    /// gives TTS and the loss LP's value of a component.
    fn impact_with(
        &self,
        d: &Disruption,
        t: f64,
        platform_tts: bool,
        pair: &mut dyn FnMut(u32, f64) -> Option<(f64, Option<f64>)>,
        solve: &mut dyn FnMut(u32, Goal) -> Result<f64, StressError>,
    ) -> Result<Impact, StressError> {
        if !(t.is_finite() && t >= 0.0) {
            return Err(StressError::Option(format!(
                "disruption duration must be >= 0, got {t}"
            )));
        }
        let m = self.plan.model();
        let comps = touched(&self.plan, d);
        let platforms_hit = platforms_downstream(&self.plan, d);
        let mut pi = 0.0;
        let mut tts = self.horizon;
        for &c in &comps {
            let (tc, loss) = match pair(c, t) {
                Some(x) => x,
                None => {
                    let tc = solve(c, Goal::Survive(None))?;
                    // Demand met over [0, tc] means no loss for any t <= tc: skip the loss LP (exact).
                    let loss = if t > tc {
                        Some(solve(c, Goal::Loss(t))?)
                    } else {
                        None
                    };
                    (tc, loss)
                }
            };
            tts = tts.min(tc);
            if let Some(loss) = loss {
                let base = self.baseline_loss(c, t)?;
                pi += (loss - base).max(0.0);
            }
        }
        // Rounding noise of the simplex should not rank an element above a harmless one.
        let scale: f64 = m
            .demands()
            .iter()
            .map(|x| x.demand * x.loss_per_unit * t)
            .sum();
        if pi <= EPS * scale.max(1.0) {
            pi = 0.0;
        }
        let mut ptts = Vec::new();
        if platform_tts {
            for &p in &platforms_hit {
                let v = cold::solve_platform(&self.plan, &self.solver, p, d, self.horizon)?;
                ptts.push((p, self.tts_of(v)));
            }
        }
        Ok(Impact {
            pi,
            tts: self.tts_of(tts),
            platforms_hit,
            platform_tts: ptts,
        })
    }

    fn baseline_loss(&self, c: u32, t: f64) -> Result<f64, StressError> {
        if t <= self.baseline_tts[c as usize] {
            return Ok(0.0);
        }
        let key = (c, t.to_bits());
        if let Some(&v) = self.baseline_loss.lock().expect("poisoned").get(&key) {
            return Ok(v);
        }
        let none = Disruption::default();
        let v = cold::solve_component(
            &self.plan,
            &self.solver,
            c,
            &none,
            Goal::Loss(t),
            self.horizon,
        )?;
        self.baseline_loss.lock().expect("poisoned").insert(key, v);
        Ok(v)
    }
}

/// The LPs of each component built once and re-solved warm for a sequence of disruptions, with the region
/// solver's scratch space. One per thread: solver models are not shared.
#[derive(Debug)]
pub struct WarmLp<'a, 'm, S: Solver = Highs> {
    lp: &'a StressLp<'m, S>,
    comps: Vec<Option<WarmComp<S::Model>>>,
    /// Components whose slot in `comps` has been filled (so that forgetting them is O(those)).
    built: Vec<u32>,
    local: LocalWork,
}

#[derive(Debug)]
struct WarmComp<M: LpModel> {
    loss: WarmModel<M>,
    survive: WarmModel<M>,
}

impl<'a, 'm, S: Solver> WarmLp<'a, 'm, S> {
    pub fn new(lp: &'a StressLp<'m, S>) -> Self {
        let m = lp.model();
        WarmLp {
            lp,
            comps: (0..lp.components()).map(|_| None).collect(),
            built: Vec::new(),
            local: LocalWork::new(m.stages().len(), m.sources().len()),
        }
    }

    /// Drops the whole-component models built so far (rebuilt on next use, from the shared undisrupted basis).
    /// HiGHS keeps state beyond the basis from one solve to the next, so a sweep that hands scenarios to
    /// threads in an order set by timing calls this after each scenario: a rare fallback to a whole-component
    /// model then gives the same digits whichever scenarios came before it.
    pub fn forget_whole_models(&mut self) {
        for c in self.built.drain(..) {
            self.comps[c as usize] = None;
        }
    }

    /// Same as [`StressLp::impact`], re-using this object's models.
    pub fn impact(
        &mut self,
        d: &Disruption,
        t: f64,
        platform_tts: bool,
    ) -> Result<Impact, StressError> {
        let lp = self.lp;
        let (plan, solver, horizon) = (&lp.plan, &lp.solver, lp.horizon);
        let comps = &mut self.comps;
        let built = &mut self.built;
        let local = &mut self.local;
        let region = Region {
            plan,
            solver,
            horizon,
        };
        // Components whose plan fits are solved on regions; on numerical trouble there, or for the others,
        // the warm whole-component LPs decide.
        let mut pair = |c: u32, t: f64| {
            plan.plan_fits(c)
                .then(|| region.local_pair(c, local, d, t).ok())
                .flatten()
        };
        lp.impact_with(d, t, platform_tts, &mut pair, &mut |c, goal| {
            let slot = &mut comps[c as usize];
            if slot.is_none() {
                built.push(c);
                *slot = Some(WarmComp {
                    loss: warm::build(plan, solver, &lp.warm_bases, horizon, c, true)?,
                    survive: warm::build(plan, solver, &lp.warm_bases, horizon, c, false)?,
                });
            }
            let wc = slot.as_mut().expect("just built");
            let result = match goal {
                Goal::Loss(t) => warm::solve(plan, horizon, c, &mut wc.loss, d, Some(t)),
                Goal::Survive(_) => warm::solve(plan, horizon, c, &mut wc.survive, d, None),
            };
            match result {
                Ok(v) => Ok(v),
                // HiGHS can stop a hot start with status Unknown on numerical trouble: drop the models (rebuilt
                // on next use) and solve this one from scratch.
                Err(_) => {
                    *slot = None;
                    cold::solve_component(plan, solver, c, d, goal, horizon)
                }
            }
        })
    }
}
