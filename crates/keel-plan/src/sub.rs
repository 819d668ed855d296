//! The per-case loss LPs with the plan fixed: the value `V_k(a)` of case `k` when the options of `a` are in
//! place (working and in effect), and its subgradient in the options, from one LP per case built once and
//! re-solved warm for each set `a` (bound changes on the options' columns only).
//!
//! Why a subgradient exists: the options enter the loss LP linearly (form.rs), so `V_k` is the value of an LP
//! whose right-hand side and constraint columns are linear in `x`; as a function of `x` fixed by bounds it is
//! convex and piecewise linear, and the reduced cost of each fixed column is a subgradient component
//! (Birge and Louveaux 2011, ch. 5, the L-shaped method). Benders cuts and every reported loss read these.
//!
//! # Complexity
//! Building: O(stages + arcs of the case's scope) once per case. Per new set `a`: bound changes on the
//! options in scope and one warm dual simplex solve; values are cached by set.

use crate::error::PlanError;
use crate::form::{Former, Scope};
use keel_lp::solver::{Col, Highs, HighsLp, LpModel, RowBuilder, Sense, Solver, Status};
use std::collections::HashMap;

/// One case's LP and what it has answered.
#[derive(Debug)]
struct CaseLp {
    lp: HighsLp,
    /// Column of each option of the scope, in scope order.
    x: Vec<Col>,
    cache: HashMap<Vec<bool>, (f64, Vec<f64>)>,
}

/// The loss LPs of every case, built on first use.
#[derive(Debug, Default)]
pub(crate) struct Subproblems {
    cases: Vec<Option<CaseLp>>,
    /// LP solves so far (cache misses).
    pub(crate) solves: usize,
}

impl Subproblems {
    pub(crate) fn new(cases: usize) -> Self {
        Subproblems {
            cases: (0..cases).map(|_| None).collect(),
            solves: 0,
        }
    }

    /// `V_k(a)` and its subgradient over `scope_opts` (the options acting on the case's components);
    /// `mask[i]` says whether `scope_opts[i]` is in place.
    pub(crate) fn value(
        &mut self,
        former: &mut Former<'_, '_>,
        k: usize,
        scope: &Scope<'_>,
        scope_opts: &[usize],
        mask: &[bool],
    ) -> Result<(f64, Vec<f64>), PlanError> {
        if self.cases[k].is_none() {
            let n = former.options().len();
            let mut rb = RowBuilder::new();
            let x: Vec<Col> = (0..n).map(|_| rb.add_col(0.0, 0.0, 0.0)).collect();
            let loss = former.add_copy(&mut rb, &x, scope, &|_| true);
            for (c, f) in loss {
                rb.add_cost(c, f);
            }
            let lp = Highs
                .build(&rb.build(), Sense::Minimise)
                .map_err(|e| PlanError::Solver(e.0))?;
            self.cases[k] = Some(CaseLp {
                lp,
                x: scope_opts.iter().map(|&o| x[o]).collect(),
                cache: HashMap::new(),
            });
        }
        let c = self.cases[k].as_mut().expect("built above");
        if let Some(v) = c.cache.get(mask) {
            return Ok(v.clone());
        }
        for (&col, &on) in c.x.iter().zip(mask) {
            let v = if on { 1.0 } else { 0.0 };
            c.lp.set_col_bounds(col, v, v);
        }
        let status = c.lp.solve().map_err(|e| PlanError::Solver(e.0))?;
        self.solves += 1;
        let v = match status {
            Status::Optimal | Status::Empty => {
                let sol = c.lp.solution();
                let grad = c.x.iter().map(|col| sol.col_duals[col.0]).collect();
                (c.lp.objective().max(0.0), grad)
            }
            s => {
                return Err(PlanError::Solver(format!(
                    "the loss LP of a fixed plan ended {s}"
                )))
            }
        };
        c.cache.insert(mask.to_vec(), v.clone());
        Ok(v)
    }
}
