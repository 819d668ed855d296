//! The "Strengthen" section's data: the budget frontier of the model's investment options and the optimal
//! plan at one budget, both from [`keel_plan`] (the report only picks the budgets and shows the results).
//!
//! Budgets: 0 and `k/6` of the total cost `C` of every option for `k = 1..6`, each rounded to two significant
//! figures ([`round2`]; the last one rounded up, so the frontier ends with every option affordable), duplicates
//! dropped. The plan is solved at [`crate::ReportOptions::plan_budget`] or, by default, at the median budget of
//! the frontier (`C/2`, rounded), the middle of the range where the trade-off is sharpest.
//!
//! # Complexity
//! Seven plus one solves of the planner's stochastic MILP (see [`keel_plan::plan`]); the rest is linear in the
//! number of options.

use keel_model::{Investments, Model};
use keel_plan::{FrontierPoint, PlanOptions, PlanResult};

/// Steps of the frontier between 0 and the total cost of every option.
const STEPS: u32 = 6;

/// What the section shows.
#[derive(Debug)]
pub(crate) enum Strengthen {
    /// The model has no options.csv.
    NoOptions,
    /// The planner refused the model (e.g. a scenario without a probability): its message.
    Failed(String),
    Planned {
        /// Total cost of every option.
        total_cost: f64,
        /// One point per budget of [`frontier_budgets`], ascending.
        frontier: Vec<FrontierPoint>,
        plan: Box<PlanResult>,
    },
}

/// `v` rounded to two significant figures, to the nearest (`up = false`) or up (`up = true`).
pub(crate) fn round2(v: f64, up: bool) -> f64 {
    if v <= 0.0 || !v.is_finite() {
        return 0.0;
    }
    let e = v.log10().floor() as i32 - 1;
    // Scaling by a power of ten, never by its inexact reciprocal, keeps results such as 7.1 exact.
    let (q, back): (f64, fn(f64, i32) -> f64) = if e >= 0 {
        (v / 10f64.powi(e), |q, e| q * 10f64.powi(e))
    } else {
        (v * 10f64.powi(-e), |q, e| q / 10f64.powi(-e))
    };
    // The tolerance keeps a value already on the grid (e.g. 3.5e9 held as 3.4999999e9) where it is.
    let q = if up { (q - 1e-9).ceil() } else { q.round() };
    back(q, e)
}

/// The budgets of the report's frontier for options costing `total` together (see the module docs).
pub fn frontier_budgets(total: f64) -> Vec<f64> {
    let mut b: Vec<f64> = (0..=STEPS)
        .map(|k| round2(total * f64::from(k) / f64::from(STEPS), k == STEPS))
        .collect();
    b.dedup();
    b
}

/// The frontier and the plan of the model's options, if it has any.
pub(crate) fn gather(m: &Model, plan_budget: Option<f64>) -> Strengthen {
    let Some(inv) = m.investments() else {
        return Strengthen::NoOptions;
    };
    match solve(inv, plan_budget) {
        Ok(s) => s,
        Err(e) => Strengthen::Failed(e.to_string()),
    }
}

fn solve(inv: &Investments, plan_budget: Option<f64>) -> Result<Strengthen, keel_plan::PlanError> {
    let total_cost: f64 = inv.options.iter().map(|o| o.cost).sum();
    let budgets = frontier_budgets(total_cost);
    let opts = PlanOptions::default();
    let frontier = keel_plan::frontier(inv, &opts, &budgets)?;
    let budget = plan_budget.unwrap_or(budgets[budgets.len() / 2]);
    let plan = keel_plan::plan(
        inv,
        &PlanOptions {
            budget: Some(budget),
            ..opts
        },
    )?;
    Ok(Strengthen::Planned {
        total_cost,
        frontier,
        plan: Box::new(plan),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budgets_are_round() {
        assert_eq!(round2(1_234_567.0, false), 1_200_000.0);
        assert_eq!(round2(1_254_567.0, false), 1_300_000.0);
        assert_eq!(round2(1_201_000.0, true), 1_300_000.0);
        assert_eq!(round2(1_200_000.0, true), 1_200_000.0);
        // Total 600: 0, 100, ..., 600.
        assert_eq!(
            frontier_budgets(600.0),
            vec![0.0, 100.0, 200.0, 300.0, 400.0, 500.0, 600.0]
        );
        // Total 1,000: 1000/6 = 166.7 -> 170, 333.3 -> 330, 500, 666.7 -> 670, 833.3 -> 830, 1000.
        assert_eq!(
            frontier_budgets(1000.0),
            vec![0.0, 170.0, 330.0, 500.0, 670.0, 830.0, 1000.0]
        );
        // Total 7: the last budget rounds up past the total (7.0 stays 7.0; 7.04 becomes 7.1).
        assert_eq!(*frontier_budgets(7.04).last().unwrap(), 7.1);
    }
}
