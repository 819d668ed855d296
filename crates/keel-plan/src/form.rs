//! The extensive form of the two-stage stochastic MILP (Birge and Louveaux, *Introduction to Stochastic
//! Programming*, 2nd ed., 2011, ch. 2-3): one binary `x_o` per option (first stage), and for every case (a
//! scenario or the no-disruption case), class of outcomes of the risky options and epoch of years, a copy of
//! the stress loss LP (docs/methods/stress-lp.md) with the options' effects written as linear terms in `x`:
//!
//! ```text
//! bill of materials   q_jk u_j - sum_{a in (j,k)} y_a                                   <= 0
//! balance             sum_{a: supplier i} y_a - u_i - l_i - sum_{stockpile o on i} A_o x_o
//!                       - [i candidate of o] s_i x_o                                     <= s_i' - d_i t
//! capacity            u_j - sum_{capacity o on j} phi_j A_o t x_o                        <= phi_j c_j t
//! candidate           u_j - phi_j c_j t x_o                                              <= 0
//! lanes, loss         y_a <= phi_a r_a t,   0 <= l_j <= d_j t
//! ```
//!
//! where an option's terms appear only in copies where it works (its class) and is in effect (its epoch), `s_i'`
//! is the stock of a stage that is not a candidate, and a candidate whose option is absent from a copy makes
//! and holds nothing. A copy covers only the components (independent blocks of the stress LP) whose loss the
//! case can change: those the case disrupts and those that fall short undisrupted within the case's duration;
//! every other component loses nothing whatever the plan, because options only add. Survival constraints
//! (`--survive`) are copies with `l` absent (full demand for `T`) and only certain options.
//!
//! # Complexity
//! O(copies x (stages + arcs) of their scopes) rows, columns and nonzeros; the solve is HiGHS's branch and cut.

use keel_lp::solver::{Col, Problem, RowBuilder};
use keel_lp::{Component, Disruption, StressLp};
use keel_model::{InvestOption, Investments, OptionKind, StageIx};

const NONE: usize = usize::MAX;

/// What a copy of the loss LP covers and under which conditions.
#[derive(Debug)]
pub(crate) struct Scope<'d> {
    pub(crate) d: &'d Disruption,
    pub(crate) comps: &'d [Component],
    pub(crate) t: f64,
    /// Full demand must be met (no loss columns).
    pub(crate) survive: bool,
}

/// Builds copies of the loss LP into one problem.
#[derive(Debug)]
pub(crate) struct Former<'a, 'm> {
    inv: &'a Investments,
    lp: &'a StressLp<'m>,
    /// Capacity and stockpile options of each stage.
    by_stage: Vec<Vec<usize>>,
    /// The `source` option of each candidate stage.
    cand_opt: Vec<usize>,
    /// Scratch: column of each stage's `u`, each source's `y`, each stage's `l` in the copy being built.
    u: Vec<usize>,
    y: Vec<usize>,
    l: Vec<usize>,
}

impl<'a, 'm> Former<'a, 'm> {
    pub(crate) fn new(inv: &'a Investments, lp: &'a StressLp<'m>) -> Self {
        let m = &inv.full;
        let n = m.stages().len();
        let mut by_stage = vec![Vec::new(); n];
        let mut cand_opt = vec![NONE; n];
        for (k, o) in inv.options.iter().enumerate() {
            match o.kind {
                OptionKind::Source => cand_opt[o.stage.index()] = k,
                _ => by_stage[o.stage.index()].push(k),
            }
        }
        Former {
            inv,
            lp,
            by_stage,
            cand_opt,
            u: vec![NONE; n],
            y: vec![NONE; m.sources().len()],
            l: vec![NONE; n],
        }
    }

    /// Stages of component `c`.
    pub(crate) fn stages_of(&self, c: Component) -> &[StageIx] {
        self.lp.component_stages(c)
    }

    /// Input rows (supplier options) of stage `s`.
    pub(crate) fn arcs_of(&self, s: StageIx) -> usize {
        let m = &self.inv.full;
        m.groups_of(s).map(|g| m.sources_of(g).len()).sum()
    }

    pub(crate) fn options(&self) -> &'a [InvestOption] {
        &self.inv.options
    }

    /// Adds one copy over `scope` to `rb`; `x[o]` is option `o`'s column and `active(o)` whether its terms
    /// enter (it works and is in effect). Returns the copy's loss as `(column of l_j, loss per unit f_j)`.
    pub(crate) fn add_copy(
        &mut self,
        rb: &mut RowBuilder,
        x: &[Col],
        scope: &Scope<'_>,
        active: &dyn Fn(usize) -> bool,
    ) -> Vec<(Col, f64)> {
        let m = &self.inv.full;
        let t = scope.t;
        let phi = |s: StageIx| {
            scope
                .d
                .stages
                .binary_search_by(|e| e.0.cmp(&s))
                .map_or(1.0, |i| scope.d.stages[i].1)
        };
        let lane_phi = |a: usize| {
            m.sources()[a].lane.map_or(1.0, |lane| {
                scope
                    .d
                    .lanes
                    .binary_search_by(|e| e.0.cmp(&lane))
                    .map_or(1.0, |i| scope.d.lanes[i].1)
            })
        };
        let stages: Vec<StageIx> = scope
            .comps
            .iter()
            .flat_map(|&c| self.lp.component_stages(c).iter().copied())
            .collect();
        let mut loss = Vec::new();
        // Columns: production, lost demand, shipments.
        for &j in &stages {
            let st = &m.stages()[j.index()];
            let f = phi(j);
            let ub = match self.cand_opt[j.index()] {
                NONE => match st.capacity {
                    Some(c) => {
                        let extra: f64 = self.by_stage[j.index()]
                            .iter()
                            .filter(|&&o| {
                                self.inv.options[o].kind == OptionKind::Capacity && active(o)
                            })
                            .map(|&o| self.inv.options[o].amount)
                            .sum();
                        f * (c + extra) * t
                    }
                    None if f < 1.0 => f * self.lp.planned_rate(j) * t,
                    None => f64::INFINITY,
                },
                o if active(o) => f * st.capacity.unwrap_or(0.0) * t,
                _ => 0.0,
            };
            self.u[j.index()] = rb.add_col(0.0, 0.0, ub).0;
            if let (Some(d), false) = (m.demand_of(j), scope.survive) {
                let c = rb.add_col(0.0, 0.0, d.demand * t);
                self.l[j.index()] = c.0;
                loss.push((c, d.loss_per_unit));
            }
        }
        for &j in &stages {
            for g in m.groups_of(j) {
                for a in m.sources_of(g) {
                    let f = lane_phi(a.index());
                    let ub = if f < 1.0 {
                        (f * self.lp.planned_flow(a) * t).max(0.0)
                    } else {
                        f64::INFINITY
                    };
                    self.y[a.index()] = rb.add_col(0.0, 0.0, ub).0;
                }
            }
        }
        // Rows.
        let mut e: Vec<(Col, f64)> = Vec::new();
        for &j in &stages {
            let st = &m.stages()[j.index()];
            let uj = Col(self.u[j.index()]);
            for g in m.groups_of(j) {
                e.clear();
                e.push((uj, m.groups()[g.index()].qty));
                e.extend(m.sources_of(g).map(|a| (Col(self.y[a.index()]), -1.0)));
                rb.add_row(f64::NEG_INFINITY, 0.0, &e);
            }
            e.clear();
            for &a in m.buyers_of(j) {
                if self.y[a.index()] != NONE {
                    e.push((Col(self.y[a.index()]), 1.0));
                }
            }
            e.push((uj, -1.0));
            if self.l[j.index()] != NONE {
                e.push((Col(self.l[j.index()]), -1.0));
            }
            let demand = m.demand_of(j).map_or(0.0, |d| d.demand);
            let mut stock = st.inventory;
            let o = self.cand_opt[j.index()];
            if o != NONE {
                stock = 0.0;
                if active(o) && st.inventory > 0.0 {
                    e.push((x[o], -st.inventory));
                }
            }
            for &o in &self.by_stage[j.index()] {
                let opt = &self.inv.options[o];
                if opt.kind == OptionKind::Stockpile && active(o) {
                    e.push((x[o], -opt.amount));
                }
            }
            rb.add_row(f64::NEG_INFINITY, stock - demand * t, &e);
            // Capacity terms in x.
            let f = phi(j);
            if o != NONE {
                if active(o) {
                    let c = st.capacity.unwrap_or(0.0);
                    rb.add_row(f64::NEG_INFINITY, 0.0, &[(uj, 1.0), (x[o], -f * c * t)]);
                }
            } else if let Some(c) = st.capacity {
                e.clear();
                for &o in &self.by_stage[j.index()] {
                    let opt = &self.inv.options[o];
                    if opt.kind == OptionKind::Capacity && active(o) {
                        e.push((x[o], -f * opt.amount * t));
                    }
                }
                if !e.is_empty() {
                    e.push((uj, 1.0));
                    rb.add_row(f64::NEG_INFINITY, f * c * t, &e);
                }
            }
        }
        for &j in &stages {
            self.u[j.index()] = NONE;
            self.l[j.index()] = NONE;
            for g in m.groups_of(j) {
                for a in m.sources_of(g) {
                    self.y[a.index()] = NONE;
                }
            }
        }
        loss
    }
}

/// A problem with its objective replaced by `cost` and one more row `objective <= bound`.
pub(crate) fn lexicographic(pb: &Problem, cost: &[f64], bound: f64) -> Problem {
    let mut out = pb.clone();
    let entries: Vec<(Col, f64)> = pb
        .col_cost
        .iter()
        .enumerate()
        .filter(|(_, &c)| c != 0.0)
        .map(|(j, &c)| (Col(j), c))
        .collect();
    out.push_row(f64::NEG_INFINITY, bound, &entries);
    out.col_cost = cost.to_vec();
    out
}
