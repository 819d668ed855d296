//! The whole-component stress LPs in per-unit-time form, built once per thread and re-solved warm for a
//! sequence of disruptions.
//!
//! **Per-unit-time form.** Dividing every quantity of the LP of `cold.rs` by `t` (`ū = u/t`, `ȳ = y/t`,
//! `l̄ = l/t`, `τ = 1/t`) turns every `t`-scaled bound into a constant and leaves `t` in one column:
//!
//! ```text
//! balance  sum_{a: supplier i} ȳ_a - ū_i - s_i τ - l̄_i <= -d_i     every stage i
//! group    qty_jk ū_j - sum_{a in (j,k)} ȳ_a             <= 0       every stage j, input item k
//! bounds   ū_j <= f_j cap_j,  ȳ_a <= f_a lane_a,  l̄_j <= d_j,  all >= 0
//! PI(t) = t * min sum_j f_j l̄_j   with τ = 1/t fixed
//! TTS   = 1 / min τ               with τ >= 1/horizon and l̄ = 0 (infeasible: TTS = 0); objective horizon·τ
//! ```
//!
//! So a disruption, full or partial, is only column bounds, the two LPs share one matrix, and no capacity row is
//! needed (the `t`-as-a-variable form needs one per capacitated stage). Each solve starts from the undisrupted
//! optimal basis, which stays dual feasible under any bound change, instead of from the previous scenario's
//! basis (that would first have to undo the previous scenario). Values equal the cold LP's up to solver
//! tolerance; the tests check it.
//!
//! # Complexity
//! Building: O(stages + arcs of the component), once per thread (the undisrupted solve once per process). Per
//! disruption: O(elements it stops) bound changes, O(rows + columns) to restore the undisrupted basis, and the
//! dual simplex re-solve.

use crate::disruption::{Bounds, Disruption};
use crate::error::StressError;
use crate::plan::Plan;
use crate::solver::{Col, LpModel, RowBuilder, Sense, Solver, SolverOption, Status, TTS_DUAL_TOL};
use keel_model::StageIx;
use std::collections::BTreeMap;
use std::sync::Mutex;

/// Undisrupted optimal basis of each component's loss (`true`) and survive LP, shared by every thread so that
/// only the first one solves it from scratch, and every one starts from the same basis.
pub(crate) type SharedBases<B> = Mutex<BTreeMap<(u32, bool), Option<B>>>;

/// One reusable LP of a component.
#[derive(Debug)]
pub(crate) struct WarmModel<M: LpModel> {
    model: Option<M>,
    /// `ū` column of each stage of the component (local order) and its undisrupted upper bound.
    u: Vec<(Col, f64)>,
    /// `ȳ` column of each multi-sourced row of the component, by global source index (`None` for a group's
    /// only source: its flow is `qty * ū` of the buyer).
    y: Vec<Option<Col>>,
    tau: Col,
    /// Optimal basis of the undisrupted LP: every scenario's solve starts from it.
    base: Option<M::Basis>,
}

/// The undisrupted per-unit-time LP of component `c`, minimising loss (`loss`) or `τ`. Its basis comes from
/// `bases`, or from one solve from scratch that fills it.
pub(crate) fn build<S: Solver>(
    plan: &Plan<'_>,
    solver: &S,
    bases: &SharedBases<<S::Model as LpModel>::Basis>,
    horizon: f64,
    c: u32,
    loss: bool,
) -> Result<WarmModel<S::Model>, StressError> {
    let m = plan.model();
    let stages = plan.stages(c);
    let inside = |s: StageIx| plan.comp(s) == c;
    let inf = f64::INFINITY;
    let mut pb = RowBuilder::new();
    let u: Vec<(Col, f64)> = stages
        .iter()
        .map(|&s| {
            let upper = m.stages()[s.index()].capacity.unwrap_or(inf);
            (pb.add_col(0.0, 0.0, upper), upper)
        })
        .collect();
    let tau = if loss {
        pb.add_col(0.0, 1.0 / horizon, 1.0 / horizon)
    } else {
        // Objective horizon·τ (>= 1), not τ (~1/t): HiGHS's tolerances are absolute, and with reduced costs
        // of the size of τ's the dual simplex stopped up to 1% short of the optimum.
        pb.add_col(horizon, 1.0 / horizon, inf)
    };
    // A group with one supplier ships exactly what its stage uses (shipping more helps nothing), so its
    // shipment column and group row are replaced by `qty * ū_j` in the supplier's balance row: on generated
    // networks two thirds of the groups are single-sourced and the LP shrinks by about half.
    let mut y: Vec<Option<Col>> = vec![None; m.sources().len()];
    for &s in stages {
        for g in m.groups_of(s) {
            if m.sources_of(g).len() > 1 {
                for a in m.sources_of(g) {
                    y[a.index()] = Some(pb.add_col(0.0, 0.0, inf));
                }
            }
        }
    }
    for (k, &s) in stages.iter().enumerate() {
        let st = &m.stages()[s.index()];
        let mut row: Vec<(Col, f64)> = vec![(u[k].0, -1.0)];
        for &a in m.buyers_of(s) {
            let b = m.buyer(a);
            if !inside(b) {
                continue;
            }
            match y[a.index()] {
                Some(col) => row.push((col, 1.0)),
                None => {
                    let qty = m.groups()[m.sources()[a.index()].group.index()].qty;
                    row.push((u[plan.topo_rank(b) as usize].0, qty));
                }
            }
        }
        if st.inventory > 0.0 {
            row.push((tau, -st.inventory));
        }
        let demand = m.demand_of(s).map_or(0.0, |dm| {
            if loss {
                // At most the demand: more would be output shipped to buyers without being made.
                row.push((pb.add_col(dm.loss_per_unit, 0.0, dm.demand), -1.0));
            }
            dm.demand
        });
        pb.add_row(f64::NEG_INFINITY, -demand, &row);
        for g in m.groups_of(s) {
            if m.sources_of(g).len() > 1 {
                let mut row = vec![(u[k].0, m.groups()[g.index()].qty)];
                row.extend(
                    m.sources_of(g)
                        .map(|a| (y[a.index()].expect("multi-sourced"), -1.0)),
                );
                pb.add_row(f64::NEG_INFINITY, 0.0, &row);
            }
        }
    }
    let mut model = solver
        .build(&pb.build(), Sense::Minimise)
        .map_err(|e| StressError::solver("building a reusable LP", e.0))?;
    if !loss {
        // As in the region solver's TTS LP: HiGHS's default 1e-7 leaves TTS short on large networks.
        model.set_option(SolverOption::DualFeasibilityTolerance(TTS_DUAL_TOL));
    }
    let mut wm = WarmModel {
        model: Some(model),
        u,
        y,
        tau,
        base: None,
    };
    // The undisrupted LP of a component is solved from scratch (presolve on) once; its basis is every later
    // solve's start in every thread. The lock is held over that solve so that the others wait for it rather
    // than repeat it.
    let mut shared = bases.lock().expect("poisoned");
    if let Some(b) = shared.get(&(c, loss)) {
        wm.base = b.clone();
        return Ok(wm);
    }
    let t = loss.then_some(horizon);
    solve(plan, horizon, c, &mut wm, &Disruption::default(), t)?;
    shared.insert((c, loss), wm.base.clone());
    drop(shared);
    // HiGHS keeps state beyond the basis from a solve; a fresh instance makes every thread's model start alike
    // whichever thread solved the basis, so results do not depend on thread timing.
    build(plan, solver, bases, horizon, c, loss)
}

/// Loss over `t` (`fixed_t`) or TTS (`None`) of disruption `d` on a component's reusable model.
pub(crate) fn solve<M: LpModel>(
    plan: &Plan<'_>,
    horizon: f64,
    c: u32,
    wm: &mut WarmModel<M>,
    d: &Disruption,
    fixed_t: Option<f64>,
) -> Result<f64, StressError> {
    if fixed_t.is_some_and(|t| t <= 0.0) {
        return Ok(0.0);
    }
    let what = "a reusable stress LP";
    // New upper bounds (lowest wins), by column of this model.
    let bounds = Bounds::new(plan, c, d);
    let u_new: Vec<(usize, f64)> = bounds
        .u
        .iter()
        .map(|&(s, b)| (plan.topo_rank(s) as usize, b))
        .collect();
    let y_new: Vec<(Col, f64)> = bounds
        .y
        .iter()
        .map(|&(a, b)| (wm.y[a].expect("a multi-sourced row has a column"), b))
        .collect();
    let mut model = wm.model.take().expect("model present between solves");
    for &(k, b) in &u_new {
        model.set_col_bounds(wm.u[k].0, 0.0, b.min(wm.u[k].1));
    }
    for &(col, b) in &y_new {
        model.set_col_bounds(col, 0.0, b);
    }
    if let Some(t) = fixed_t {
        model.set_col_bounds(wm.tau, 1.0 / t, 1.0 / t);
    }
    if let Some(b) = &wm.base {
        model.set_basis(b);
    }
    let status = model.solve().map_err(|e| StressError::solver(what, e.0))?;
    let value = if status == Status::Optimal {
        model.objective()
    } else {
        0.0
    };
    if d.is_empty() && wm.base.is_none() && status == Status::Optimal {
        wm.base = model.basis();
    }
    for &(k, _) in &u_new {
        model.set_col_bounds(wm.u[k].0, 0.0, wm.u[k].1);
    }
    for &(col, _) in &y_new {
        model.set_col_bounds(col, 0.0, f64::INFINITY);
    }
    wm.model = Some(model);
    match (status, fixed_t) {
        (Status::Optimal, Some(t)) => Ok(value * t),
        (Status::Optimal, None) => Ok((horizon / value).min(horizon)),
        // No τ meets demand: some platform is short from the start.
        (Status::Infeasible, None) => Ok(0.0),
        (s, _) => Err(StressError::solver(what, s.to_string())),
    }
}
