//! The stress LP of a whole component (or of one platform's upstream closure) in its original form, built and
//! solved from scratch: the reference every faster path agrees with, the baseline TTS of components whose plan
//! does not fit, and per-platform TTS.
//!
//! Over a disruption of length `t` (docs/methods/stress-lp.md, "The LP exactly as implemented"), with `u_j` units made by stage
//! `j`, `y_a` units shipped over source `a` and `l_j` units of end demand lost:
//!
//! ```text
//! PI(t) = min  sum_j f_j l_j
//!   qty_jk u_j - sum_{a in group (j,k)} y_a            <= 0             every stage j, input item k
//!   sum_{a: supplier i} y_a + d_i t - l_i - u_i        <= s_i           every stage i
//!   u_j <= cap_j t,  u_j = 0 if fully disrupted,  y_a <= lane_a t,  l_j <= d_j t,  all >= 0
//! TTS = max t  with the same rows, l = 0, t in [0, cap]  (capacities scale with the variable t)
//! ```
//!
//! # Complexity
//! O(stages + arcs of the scope) to build, plus one HiGHS solve (dual simplex after presolve).

use crate::disruption::Disruption;
use crate::error::StressError;
use crate::plan::Plan;
use crate::solver::{ColBuilder, LpModel, Row, Sense, Solver, SolverOption, Status, TTS_DUAL_TOL};
use keel_model::{LaneIx, StageIx, NONE};
use std::collections::BTreeMap;

/// What the LP optimises.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Goal {
    /// Minimise loss over a fixed duration.
    Loss(f64),
    /// Maximise t with demand met: of every platform in scope, or of one platform only.
    Survive(Option<StageIx>),
}

/// Loss over `t` or TTS (capped at `cap`) of `d` on component `c`.
pub(crate) fn solve_component<S: Solver>(
    plan: &Plan<'_>,
    solver: &S,
    c: u32,
    d: &Disruption,
    goal: Goal,
    cap: f64,
) -> Result<f64, StressError> {
    let ix = |s: StageIx| (plan.comp(s) == c).then(|| plan.topo_rank(s) as usize);
    solve(plan, solver, plan.stages(c), &ix, d, goal, cap)
}

/// TTS (capped at `cap`) of platform `p` alone on its upstream closure.
pub(crate) fn solve_platform<S: Solver>(
    plan: &Plan<'_>,
    solver: &S,
    p: StageIx,
    d: &Disruption,
    cap: f64,
) -> Result<f64, StressError> {
    let m = plan.model();
    let mut local = vec![NONE; m.stages().len()];
    let mut stack = vec![p];
    local[p.index()] = 0;
    while let Some(s) = stack.pop() {
        for g in m.groups_of(s) {
            for a in m.sources_of(g) {
                let sup = m.sources()[a.index()].supplier;
                if local[sup.index()] == NONE {
                    local[sup.index()] = 0;
                    stack.push(sup);
                }
            }
        }
    }
    let mut stages = Vec::new();
    for &s in m.topo_order() {
        if local[s.index()] != NONE {
            local[s.index()] = stages.len() as u32;
            stages.push(s);
        }
    }
    let ix = |s: StageIx| (local[s.index()] != NONE).then(|| local[s.index()] as usize);
    solve(plan, solver, &stages, &ix, d, Goal::Survive(Some(p)), cap)
}

/// Builds and solves the LP over `stages` (`ix` maps a stage to its position, `None` outside the scope);
/// TTS is capped at `cap`.
fn solve<S: Solver>(
    plan: &Plan<'_>,
    solver: &S,
    stages: &[StageIx],
    ix: &dyn Fn(StageIx) -> Option<usize>,
    d: &Disruption,
    goal: Goal,
    cap: f64,
) -> Result<f64, StressError> {
    let m = plan.model();
    let n = stages.len();
    let mut stage_factor = vec![1.0; n];
    for &(s, f) in &d.stages {
        if let Some(k) = ix(s) {
            stage_factor[k] = f;
        }
    }
    let mut lane_factor: BTreeMap<LaneIx, f64> = BTreeMap::new();
    for &(l, f) in &d.lanes {
        lane_factor.insert(l, f);
    }
    let demand_in_scope = |s: StageIx| -> f64 {
        match (goal, m.demand_of(s)) {
            (_, None) => 0.0,
            (Goal::Survive(Some(p)), Some(_)) if p != s => 0.0,
            (_, Some(dm)) => dm.demand,
        }
    };
    let fixed_t = match goal {
        Goal::Loss(t) => Some(t),
        Goal::Survive(_) => None,
    };
    let (inf, neg_inf) = (f64::INFINITY, f64::NEG_INFINITY);

    let mut pb = ColBuilder::new();
    // Balance rows: one per stage (out-shipments + delivered demand <= made + stock).
    let mut balance: Vec<Row> = Vec::with_capacity(n);
    for &s in stages {
        let st = &m.stages()[s.index()];
        let rhs = st.inventory - fixed_t.map_or(0.0, |t| demand_in_scope(s) * t);
        balance.push(pb.add_row(neg_inf, rhs));
    }
    // Group rows: qty u_j <= sum of the group's shipments.
    let mut group_row_start = Vec::with_capacity(n + 1);
    let mut group_rows: Vec<Row> = Vec::new();
    for &s in stages {
        group_row_start.push(group_rows.len());
        for _ in m.groups_of(s) {
            group_rows.push(pb.add_row(neg_inf, 0.0));
        }
    }
    group_row_start.push(group_rows.len());
    // Capacity rows (only when t is a variable): u_j - cap_j t <= 0.
    let mut cap_rows: Vec<(Row, f64)> = Vec::new();
    let mut cap_row_of: Vec<Option<usize>> = vec![None; n];
    let mut u_upper = vec![inf; n];
    for (k, &s) in stages.iter().enumerate() {
        let f = stage_factor[k];
        let stage_cap = match m.stages()[s.index()].capacity {
            Some(c) => Some(c * f),
            None if f < 1.0 => Some(plan.rate(s) * f),
            None => None,
        };
        match (stage_cap, fixed_t) {
            (None, _) => {}
            (Some(c), _) if c <= 0.0 => u_upper[k] = 0.0,
            (Some(c), Some(t)) => u_upper[k] = c * t,
            (Some(c), None) => {
                cap_row_of[k] = Some(cap_rows.len());
                cap_rows.push((pb.add_row(neg_inf, 0.0), c));
            }
        }
    }
    // u columns.
    for k in 0..n {
        let mut fac: Vec<(Row, f64)> = vec![(balance[k], -1.0)];
        let s = stages[k];
        for (g, gi) in m
            .groups_of(s)
            .zip(group_row_start[k]..group_row_start[k + 1])
        {
            fac.push((group_rows[gi], m.groups()[g.index()].qty));
        }
        if let Some(r) = cap_row_of[k] {
            fac.push((cap_rows[r].0, 1.0));
        }
        pb.add_col(0.0, 0.0, u_upper[k], &fac);
    }
    // y columns, and lane rows when t is a variable.
    let mut lane_rows: Vec<(Row, f64)> = Vec::new();
    let mut y_lane_row: Vec<(usize, usize)> = Vec::new();
    let mut ys: Vec<(usize, usize, f64)> = Vec::new(); // (supplier pos, group row, upper)
    for (k, &s) in stages.iter().enumerate() {
        for (g, gi) in m
            .groups_of(s)
            .zip(group_row_start[k]..group_row_start[k + 1])
        {
            for a in m.sources_of(g) {
                let src = &m.sources()[a.index()];
                let Some(sp) = ix(src.supplier) else { continue };
                let f = src.lane.and_then(|l| lane_factor.get(&l).copied());
                let mut upper = inf;
                if let Some(f) = f {
                    // A lane at factor f carries f times its planned flow.
                    let lane_cap = plan.planned_flow(a) * f;
                    match fixed_t {
                        _ if lane_cap <= 0.0 => upper = 0.0,
                        Some(t) => upper = lane_cap * t,
                        None => {
                            y_lane_row.push((ys.len(), lane_rows.len()));
                            lane_rows.push((pb.add_row(neg_inf, 0.0), lane_cap));
                        }
                    }
                }
                ys.push((sp, gi, upper));
            }
        }
    }
    let mut next_lane = 0;
    for (yk, &(sp, gi, upper)) in ys.iter().enumerate() {
        let mut fac = vec![(balance[sp], 1.0), (group_rows[gi], -1.0)];
        if next_lane < y_lane_row.len() && y_lane_row[next_lane].0 == yk {
            fac.push((lane_rows[y_lane_row[next_lane].1].0, 1.0));
            next_lane += 1;
        }
        pb.add_col(0.0, 0.0, upper, &fac);
    }
    let sense = match fixed_t {
        Some(t) => {
            // l columns: lost demand, weighted by loss per unit, at most the demand itself (more would be
            // output a platform that also supplies others ships without making it).
            for (k, &s) in stages.iter().enumerate() {
                let dm = demand_in_scope(s);
                if dm > 0.0 {
                    let f = m.demand_of(s).map_or(0.0, |x| x.loss_per_unit);
                    pb.add_col(f, 0.0, dm * t, &[(balance[k], -1.0)]);
                }
            }
            Sense::Minimise
        }
        None => {
            let mut fac: Vec<(Row, f64)> = Vec::new();
            for (k, &s) in stages.iter().enumerate() {
                let dm = demand_in_scope(s);
                if dm > 0.0 {
                    fac.push((balance[k], dm));
                }
            }
            fac.extend(cap_rows.iter().map(|&(r, c)| (r, -c)));
            fac.extend(lane_rows.iter().map(|&(r, c)| (r, -c)));
            pb.add_col(1.0, 0.0, cap, &fac);
            Sense::Maximise
        }
    };
    let what = || match goal {
        Goal::Loss(t) => format!("the loss LP over t = {t}"),
        Goal::Survive(None) => "the time-to-survive LP".to_string(),
        Goal::Survive(Some(p)) => {
            format!("the time-to-survive LP of {}", m.stages()[p.index()].id)
        }
    };
    let mut model = solver
        .build(&pb.build(), sense)
        .map_err(|e| StressError::solver(what(), e.0))?;
    if matches!(goal, Goal::Survive(_)) {
        model.set_option(SolverOption::DualFeasibilityTolerance(TTS_DUAL_TOL));
    }
    match model
        .solve()
        .map_err(|e| StressError::solver(what(), e.0))?
    {
        Status::Optimal => Ok(model.objective()),
        Status::Empty => Ok(0.0),
        s => Err(StressError::solver(what(), s.to_string())),
    }
}
