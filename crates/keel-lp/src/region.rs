//! The stress LP of one disruption, solved exactly on the part of the network it can change.
//!
//! **What it computes.** The same PI loss and TTS as the warm whole-component LPs of `warm.rs` (the per-unit-time
//! LP of docs/methods/stress-lp.md), for components whose undisrupted plan fits every capacity. Such a
//! component's undisrupted LP has a known optimal primal-dual pair without any solve: a feasible plan `x0` that
//! meets all demand and draws no stock (every stage makes at least its planned rate; see
//! `Plan::reserve_plan` in `plan.rs` for the spare output it keeps) with all row duals zero. A disruption changes bounds
//! near the disrupted elements only, and its optimum usually differs from `x0` only there.
//!
//! **Method (row and column generation with an exact stopping test).** Keep a *region* of stages. The restricted
//! LP has as variables the production `ū_j` of every region stage and the shipments `ȳ` of its multi-sourced
//! input groups, a shortfall per row, and `τ` in the TTS LP; every other variable is fixed at its value in `x0`
//! and moves into the right-hand sides. Its rows are the balance rows of region stages and of their suppliers,
//! and the group rows of region stages. After solving it, give every row outside it the dual 0. Every cost
//! outside is 0, so every reduced cost outside is `-sum of dual x coefficient`, which is consistent with any
//! `x0` exactly when it is 0; hence the restricted optimum is optimal for the whole LP when **every row with a
//! nonzero dual has all its variables in the region**. If one does not, the stage owning it and its buyers (and
//! theirs) join the region and the LP is re-solved from its last basis; so do suppliers outside the region whose
//! balance row is tight, when the region grows anyway (they are usually priced one round later, which costs a
//! round per tier upstream). Which stages join never affects the answer, only the number of rounds. A
//! restricted optimum at the objective's lower bound (no loss; TTS at the horizon) is optimal whatever the
//! duals.
//!
//! The region starts as the disrupted stages (and buyers on closed lanes). The loss LP is always feasible: a
//! supplying row's shortfall is priced above any value its dual can take (exact penalty). It goes first
//! ([`Region::local_pair`]): no loss over `t` means TTS >= t. The TTS LP then starts from the loss LP's region;
//! when it is infeasible there, the same loop on the phase-one LP (minimise every shortfall) decides for the
//! whole LP before TTS is solved on the grown region.
//!
//! This is textbook LP duality: the final restricted optimum together with `x0` outside is primal feasible (rows
//! outside the region keep their `x0` activity), and with zero duals outside it satisfies complementary
//! slackness and dual feasibility for every column, so it is optimal for the whole LP.
//!
//! # Complexity
//! Per disruption: O(stages and arcs of the final region) per round to build, plus HiGHS solves of the restricted
//! LP; the number of rounds is the depth the dual prices travel (a few to a dozen on generated networks).
//! Nothing is proportional to the size of the network outside the region, except a reset of O(region) scratch
//! entries.

use crate::certify::{no_loss_certificate, Repair};
use crate::disruption::{bound_of, Bounds, Disruption};
use crate::error::StressError;
use crate::plan::Plan;
use crate::solver::{
    Col, Cols, LpModel, Problem, Row, Rows, Sense, Solver, SolverOption, Status, TTS_DUAL_TOL,
};
use keel_model::{StageIx, NONE};
/// Row duals below this fraction of the largest one count as zero.
const DUAL_TOL: f64 = 1e-12;

/// Which restricted LP to solve.
#[derive(Clone, Copy, PartialEq)]
enum Goal {
    /// Minimise lost demand (weighted by loss per unit) at `τ = 1/t`.
    Loss(f64),
    /// Minimise `τ` with all demand met.
    Survive,
    /// Minimise the total shortfall of demand, `τ` free: zero iff the TTS LP is feasible.
    Phase1,
}

/// Per-thread scratch space: region membership by stage, reset after every disruption.
#[derive(Debug)]
pub(crate) struct LocalWork {
    /// Position of a stage in `region`, or `NONE`.
    pos: Vec<u32>,
    /// Balance row of a stage in the current restricted LP, or `NONE`.
    row: Vec<u32>,
    region: Vec<StageIx>,
    /// Balance rows of the restricted LP: owner stage and HiGHS row index.
    rows: Vec<(StageIx, u32)>,
    /// Upper bound of each of `rows`.
    upper: Vec<f64>,
    /// Suppliers outside the region whose balance row is tight (scratch of one growth round).
    tight: Vec<StageIx>,
    /// Scratch of the no-loss certificate.
    repair: Repair,
}

impl LocalWork {
    pub(crate) fn new(stages: usize, sources: usize) -> Self {
        LocalWork {
            repair: Repair::new(stages, sources),
            pos: vec![NONE; stages],
            row: vec![NONE; stages],
            region: Vec::new(),
            rows: Vec::new(),
            upper: Vec::new(),
            tight: Vec::new(),
        }
    }

    fn add(&mut self, s: StageIx) -> bool {
        if self.pos[s.index()] != NONE {
            return false;
        }
        self.pos[s.index()] = self.region.len() as u32;
        self.region.push(s);
        true
    }

    /// Restarts the region from the stages whose production the last certificate pass cut.
    fn seed_cut(&mut self) {
        self.clear();
        for k in 0..self.repair.cut().len() {
            let s = self.repair.cut()[k];
            self.add(s);
        }
    }

    fn clear(&mut self) {
        for &s in &self.region {
            self.pos[s.index()] = NONE;
        }
        self.region.clear();
        self.clear_rows();
    }

    fn clear_rows(&mut self) {
        for &(s, _) in &self.rows {
            self.row[s.index()] = NONE;
        }
        self.rows.clear();
        self.upper.clear();
    }
}

/// The region-restricted solver of one model: its plan, the solver and the TTS horizon.
#[derive(Debug)]
pub(crate) struct Region<'a, 'm, S> {
    pub(crate) plan: &'a Plan<'m>,
    pub(crate) solver: &'a S,
    pub(crate) horizon: f64,
}

impl<S: Solver> Region<'_, '_, S> {
    /// TTS of `d` on component `c` and, if it is shorter than `t`, the loss over `t`. The loss LP goes first:
    /// no loss over `t` means TTS >= t (feasibility is monotone in `t`), which settles TTS at once when
    /// `t` reaches the horizon and otherwise leaves a TTS LP that is feasible on the loss LP's region, so
    /// no phase one is needed; its exact-penalty prices also grow regions more directly than phase one.
    /// Before any LP, the no-loss certificate of `certify.rs` may settle the scenario, or show where the
    /// loss LP's region should start.
    pub(crate) fn local_pair(
        &self,
        c: u32,
        work: &mut LocalWork,
        d: &Disruption,
        t: f64,
    ) -> Result<(f64, Option<f64>), StressError> {
        if t <= 0.0 {
            return Ok((self.local_solve(c, work, d, None, false)?, None));
        }
        // No LP when rationing downstream already meets all demand: over the horizon (TTS is the horizon, and
        // no loss over t either), or over t (no loss; TTS needs its LP).
        let h = self.horizon;
        let bounds = Bounds::new(self.plan, c, d);
        if no_loss_certificate(self.plan, c, &mut work.repair, &bounds, 1.0 / t.max(h)) {
            return Ok((h, None));
        }
        if t < h && no_loss_certificate(self.plan, c, &mut work.repair, &bounds, 1.0 / t) {
            // TTS may be below the horizon. Its LP starts from the disrupted stages: measured, a start from the
            // cut of the pass over the horizon was slower (10.8 s against 11.9 s on the sweep).
            return Ok((self.local_solve(c, work, d, None, false)?, None));
        }
        // The last pass, at 1/t, failed but shows where production drops: the loss LP's region starts there
        // (measured: 13.5 s -> 9.6 s on the 1,700-stage sweep, from fewer growth rounds).
        work.seed_cut();
        match self.loss_then_tts(c, work, d, t, true) {
            Ok(pair) => Ok(pair),
            // HiGHS sometimes stops (status Unknown) on a loss LP started on a large region in one go; grown
            // from the disrupted stages it usually does not, and the whole-component LP is far dearer.
            Err(_) => self.loss_then_tts(c, work, d, t, false),
        }
    }

    /// The loss LP over `t` (from the current region if `reuse`, else from the disrupted stages), then TTS on
    /// the region it ended with unless no loss over `t >= horizon` settles it.
    fn loss_then_tts(
        &self,
        c: u32,
        work: &mut LocalWork,
        d: &Disruption,
        t: f64,
        reuse: bool,
    ) -> Result<(f64, Option<f64>), StressError> {
        let loss = self.local_solve(c, work, d, Some(t), reuse)?;
        if loss > 0.0 {
            let tts = self.local_solve(c, work, d, None, true)?;
            return Ok((tts, Some(loss)));
        }
        if t >= self.horizon {
            return Ok((self.horizon, None));
        }
        Ok((self.local_solve(c, work, d, None, true)?, None))
    }

    /// Loss over `t` (`Some(t)`) or TTS (`None`) of `d` on component `c`, as the warm whole-component LP gives it.
    /// `reuse`: start from the region of the previous call (same component and disruption); otherwise from
    /// the disrupted stages.
    pub(crate) fn local_solve(
        &self,
        c: u32,
        work: &mut LocalWork,
        d: &Disruption,
        fixed_t: Option<f64>,
        reuse: bool,
    ) -> Result<f64, StressError> {
        let result = self.local_solve_in(c, work, d, fixed_t, reuse);
        // After any failure the region is cleared, so the next scenario never inherits it.
        if result.is_err() {
            work.clear();
        }
        result
    }

    fn local_solve_in(
        &self,
        c: u32,
        work: &mut LocalWork,
        d: &Disruption,
        fixed_t: Option<f64>,
        reuse: bool,
    ) -> Result<f64, StressError> {
        if fixed_t.is_some_and(|t| t <= 0.0) {
            return Ok(0.0);
        }
        let m = self.plan.model();
        let bounds = Bounds::new(self.plan, c, d);
        // Seed: the disrupted stages and the buyers on closed lanes; duals pull in the rest. The TTS LP starts
        // from the region its scenario's loss LP ended with (`reuse`): both change the same part of the network.
        if !reuse {
            work.clear();
        }
        for &(s, _) in &bounds.u {
            work.add(s);
        }
        for &(a, _) in &bounds.y {
            work.add(m.groups()[m.sources()[a].group.index()].stage);
        }
        match fixed_t {
            Some(t) => self
                .grow_and_solve(c, work, &bounds, Goal::Loss(t))
                .map(|v| v.expect("the loss LP with elastic rows is feasible") * t),
            None => match self.grow_and_solve(c, work, &bounds, Goal::Survive)? {
                Some(obj) => Ok((self.horizon / obj).min(self.horizon)),
                None => {
                    // Infeasible on the region: the phase-one LP decides for the whole component.
                    let short = self
                        .grow_and_solve(c, work, &bounds, Goal::Phase1)?
                        .expect("the phase-one LP is always feasible");
                    let demand: f64 = m
                        .demands()
                        .iter()
                        .filter(|x| self.plan.comp(x.stage) == c)
                        .map(|x| x.demand)
                        .sum();
                    if short > 1e-9 * demand.max(1e-12) {
                        Ok(0.0)
                    } else {
                        // Phase one found the region feasible, so this LP is too; if round-off says otherwise,
                        // the error sends the scenario to the whole-component LP.
                        match self.grow_and_solve(c, work, &bounds, Goal::Survive)? {
                            Some(obj) => Ok((self.horizon / obj).min(self.horizon)),
                            None => Err(StressError::Solver {
                                what: "a region-restricted stress LP".into(),
                                status: "infeasible after a feasible phase one".into(),
                            }),
                        }
                    }
                }
            },
        }
    }

    /// Solves the restricted LP, growing the region until its duals are closed. `None` if it is infeasible.
    /// Each round adds the new stages' rows and columns to the same HiGHS model and re-solves from the last
    /// basis; written around the plan (`x = x0 + Δ⁺ - Δ⁻`), right-hand sides never change as the region grows.
    fn grow_and_solve(
        &self,
        c: u32,
        work: &mut LocalWork,
        bounds: &Bounds,
        goal: Goal,
    ) -> Result<Option<f64>, StressError> {
        let err = |what: &str| StressError::solver("a region-restricted stress LP", what);
        work.clear_rows();
        let mut model = self
            .solver
            .build(&Problem::default(), Sense::Minimise)
            .map_err(|e| err(&e.0))?;
        model.set_option(SolverOption::Presolve(false));
        // Devex pricing in the dual simplex of the first solve, not HiGHS's default dual steepest edge: DSE
        // costs one more FTRAN per iteration to update its weights, and on these LPs the iteration counts are
        // the same either way (12% less CPU on a sample of the 17,000-stage sweep; Dantzig pricing did as well
        // as Devex). The primal simplex of the growth rounds keeps its default.
        model.set_option(SolverOption::DevexDualPricing);
        // See `TTS_DUAL_TOL` (no measured cost here: 60.7 s against 61.6 s on a sample of the 17,000-stage sweep).
        if goal == Goal::Survive {
            model.set_option(SolverOption::DualFeasibilityTolerance(TTS_DUAL_TOL));
        }
        let mut lp = Restricted {
            built: 0,
            tau: None,
            penalised: Vec::new(),
            lost: Vec::new(),
        };
        loop {
            if self
                .extend(c, work, bounds, goal, &mut lp, &mut model)
                .is_err()
            {
                return Err(err("HiGHS rejected added rows or columns"));
            }
            match model.solve().map_err(|e| err(&e.0))? {
                Status::Optimal => {}
                Status::Infeasible | Status::UnboundedOrInfeasible if goal == Goal::Survive => {
                    return Ok(None);
                }
                s => return Err(err(&s.to_string())),
            }
            let obj = model.objective();
            // At its lower bound (no loss, no shortfall, τ = 1/horizon) the restricted optimum, feasible for the
            // whole LP with x0 outside, is optimal whatever the duals say.
            let floor: f64 = if goal == Goal::Survive { 1.0 } else { 0.0 };
            let done = obj <= floor + 1e-12 * floor.max(1.0);
            let sol = model.solution();
            let duals = &sol.row_duals;
            let big = work
                .rows
                .iter()
                .fold(0.0_f64, |a, &(_, r)| a.max(duals[r as usize].abs()));
            let tol = DUAL_TOL * big;
            let before = work.region.len();
            let values = &sol.rows;
            work.tight.clear();
            for k in 0..work.rows.len() {
                if done {
                    break;
                }
                let (i, r) = work.rows[k];
                if duals[r as usize].abs() <= tol {
                    // A supplier outside the region whose output is all taken: the next round would likely
                    // price it, and then its suppliers one round later; it joins now if the region grows anyway.
                    let up = work.upper[k];
                    if work.pos[i.index()] == NONE
                        && values[r as usize] >= up - 1e-9 * up.abs().max(1.0)
                    {
                        work.tight.push(i);
                    }
                    continue;
                }
                // Every variable of this row must be free: the stage's own production and what each buyer in
                // the component draws from it. A buyer that joins brings its own buyers too: shortfalls travel
                // downstream, and two tiers per round save rounds (each re-solve costs about as much as its
                // pivots on these small LPs).
                let m = self.plan.model();
                work.add(i);
                for &a in m.buyers_of(i) {
                    let b = m.buyer(a);
                    if self.plan.comp(b) == c && work.add(b) {
                        for &a2 in m.buyers_of(b) {
                            let b2 = m.buyer(a2);
                            if self.plan.comp(b2) == c {
                                work.add(b2);
                            }
                        }
                    }
                }
            }
            if !done && work.region.len() > before {
                for k in 0..work.tight.len() {
                    let i = work.tight[k];
                    work.add(i);
                }
            }
            if done || work.region.len() == before {
                work.clear_rows();
                // The penalties bound the true duals, so a shortfall on a supplying row means they were not
                // large enough (numerically): the caller then solves the whole LP.
                let cols = &sol.cols;
                let scale = cols.iter().fold(1.0_f64, |a, &x| a.max(x.abs()));
                if lp.penalised.iter().any(|&k| cols[k.0] > 1e-9 * scale) {
                    return Err(err("a penalised shortfall is positive"));
                }
                // At the floor up to round-off: report the floor itself (no loss; TTS at the horizon).
                if done {
                    return Ok(Some(floor));
                }
                // The loss is what the lost-demand columns cost. The objective also holds the penalised
                // shortfalls, which pass the test above when they are round-off (HiGHS's primal feasibility
                // tolerance on flows of up to 10^6 a day), but at prices of up to 10^8 such a shortfall of 1e-10
                // still added 0.0034 a day to one loss of 151 a day on the 17,000-stage network (PI 20,832.63
                // against 20,832.17 from the cold whole LP and from scipy).
                if matches!(goal, Goal::Loss(_)) {
                    let lost: f64 = lp.lost.iter().map(|&(k, f)| f * cols[k.0]).sum();
                    return Ok(Some(lost));
                }
                return Ok(Some(obj));
            }
            // Growth keeps the current point primal feasible (new rows hold only new columns, at 0, and τ,
            // which only loosens them), so the primal simplex carries on from it.
            model.set_option(SolverOption::PrimalSimplex);
        }
    }

    /// Adds to `model` the rows and columns of region stages `lp.built..`.
    fn extend(
        &self,
        c: u32,
        work: &mut LocalWork,
        bounds: &Bounds,
        goal: Goal,
        lp: &mut Restricted,
        model: &mut S::Model,
    ) -> Result<(), crate::solver::SolverError> {
        let m = self.plan.model();
        let tau_fixed = match goal {
            Goal::Loss(t) => Some(1.0 / t),
            _ => None,
        };
        let new = lp.built..work.region.len();
        // Rows: balance rows of new stages and of their suppliers (if not there yet), then their group rows.
        let mut rows = Rows::default();
        let first_row = model.num_rows();
        let balance = |work: &mut LocalWork, rows: &mut Rows, i: StageIx| {
            if work.row[i.index()] != NONE {
                return;
            }
            let r = first_row + rows.len();
            work.row[i.index()] = r as u32;
            work.rows.push((i, r as u32));
            // Activity of `sum ȳ - ū` at x0 (stock and lost demand are 0 there).
            let activity = self.plan.x0_net(i);
            let st = &m.stages()[i.index()];
            let stock = tau_fixed.map_or(0.0, |tau| st.inventory * tau);
            let demand = m.demand_of(i).map_or(0.0, |x| x.demand);
            work.upper.push(-demand - activity + stock);
            rows.push(f64::NEG_INFINITY, -demand - activity + stock);
            if let (Some(tau), true) = (lp.tau, st.inventory > 0.0) {
                rows.entry(tau, -st.inventory);
            }
        };
        for k in new.clone() {
            let s = work.region[k];
            balance(work, &mut rows, s);
            for g in m.groups_of(s) {
                for a in m.sources_of(g) {
                    let sup = m.sources()[a.index()].supplier;
                    if self.plan.comp(sup) == c {
                        balance(work, &mut rows, sup);
                    }
                }
            }
        }
        let mut group_row = Vec::new();
        for k in new.clone() {
            let s = work.region[k];
            for g in m.groups_of(s) {
                if m.sources_of(g).len() > 1 {
                    let qty = m.groups()[g.index()].qty;
                    let activity = qty * self.plan.x0_u(s)
                        - m.sources_of(g)
                            .map(|a| self.plan.x0_y(a.index()))
                            .sum::<f64>();
                    group_row.push(Row(first_row + rows.len()));
                    rows.push(f64::NEG_INFINITY, -activity);
                }
            }
        }
        let new_balance = rows.len() - group_row.len();
        model.add_rows(&rows)?;
        // Columns: Δ⁺ and Δ⁻ of ū and of multi-sourced ȳ, lost demand (or shortfall), and τ once.
        let mut cols = Cols::default();
        let bal = |work: &LocalWork, i: StageIx| Row(work.row[i.index()] as usize);
        let mut gr = 0;
        for k in new.clone() {
            let s = work.region[k];
            let mut fac: Vec<(Row, f64)> = vec![(bal(work, s), -1.0)];
            let first_group = gr;
            for g in m.groups_of(s) {
                let qty = m.groups()[g.index()].qty;
                if m.sources_of(g).len() > 1 {
                    fac.push((group_row[gr], qty));
                    gr += 1;
                } else {
                    let a = m.sources_of(g).next().expect("a group has a source");
                    let sup = m.sources()[a.index()].supplier;
                    if self.plan.comp(sup) == c {
                        fac.push((bal(work, sup), qty));
                    }
                }
            }
            split(
                &mut cols,
                self.plan.x0_u(s),
                bounds.u_upper(self.plan, s),
                &fac,
            );
            let mut gk = first_group;
            for g in m.groups_of(s) {
                if m.sources_of(g).len() < 2 {
                    continue;
                }
                for a in m.sources_of(g) {
                    let sup = m.sources()[a.index()].supplier;
                    let mut fac = vec![(group_row[gk], -1.0)];
                    if self.plan.comp(sup) == c {
                        fac.push((bal(work, sup), 1.0));
                    }
                    split(
                        &mut cols,
                        self.plan.x0_y(a.index()),
                        bound_of(&bounds.y, a.index()),
                        &fac,
                    );
                }
                gk += 1;
            }
        }
        // Shortfall columns on every new balance row. Loss LP: lost demand (at most the demand) at its loss per
        // unit on a demand stage, and on any row that supplies, a shortfall priced above any value the row's
        // dual can take (exact penalty), so the loss LP of any region is feasible. Phase one: one shortfall
        // per row at cost 1.
        if goal != Goal::Survive {
            let first_new = work.rows.len() - new_balance;
            for k in first_new..work.rows.len() {
                let (i, r) = work.rows[k];
                let r = Row(r as usize);
                if !matches!(goal, Goal::Loss(_)) {
                    cols.push(1.0, 0.0, f64::INFINITY, &[(r, -1.0)]);
                    continue;
                }
                if let Some(dm) = m.demand_of(i) {
                    lp.lost
                        .push((Col(model.num_cols() + cols.len()), dm.loss_per_unit));
                    cols.push(dm.loss_per_unit, 0.0, dm.demand, &[(r, -1.0)]);
                }
                if !m.buyers_of(i).is_empty() {
                    lp.penalised.push(Col(model.num_cols() + cols.len()));
                    cols.push(self.plan.penalty(i), 0.0, f64::INFINITY, &[(r, -1.0)]);
                }
            }
        }
        if tau_fixed.is_none() && lp.tau.is_none() {
            let fac: Vec<(Row, f64)> = work
                .rows
                .iter()
                .filter_map(|&(i, r)| {
                    let inv = m.stages()[i.index()].inventory;
                    (inv > 0.0).then_some((Row(r as usize), -inv))
                })
                .collect();
            // Objective horizon·τ (>= 1) rather than τ (~1/t): HiGHS's tolerances are absolute, and reduced
            // costs of the size of τ's would pass as optimal too early.
            let cost = if goal == Goal::Survive {
                self.horizon
            } else {
                0.0
            };
            lp.tau = Some(Col(model.num_cols() + cols.len()));
            cols.push(cost, 1.0 / self.horizon, f64::INFINITY, &fac);
        }
        lp.built = work.region.len();
        model.add_cols(&cols)
    }
}

/// Bookkeeping of a restricted LP being grown.
struct Restricted {
    /// Region stages whose columns are in the model.
    built: usize,
    /// Column of `τ` (TTS and phase one).
    tau: Option<Col>,
    /// Shortfall columns of supplying rows in the loss LP (zero at the optimum).
    penalised: Vec<Col>,
    /// Lost-demand columns of the loss LP and their loss per unit.
    lost: Vec<(Col, f64)>,
}

/// Δ⁺ and Δ⁻ of a variable planned at `x0` with bounds [0, upper]: both start at 0 (the plan), except that a
/// bound cut below the plan forces Δ⁻ up.
fn split(cols: &mut Cols, x0: f64, upper: f64, fac: &[(Row, f64)]) {
    if upper > x0 {
        cols.push(0.0, 0.0, upper - x0, fac);
    }
    if x0 > 0.0 {
        let neg: Vec<(Row, f64)> = fac.iter().map(|&(r, v)| (r, -v)).collect();
        cols.push(0.0, (x0 - upper).max(0.0), x0, &neg);
    }
}
