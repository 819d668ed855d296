//! The "Strengthen" section's data: the budget frontier of the model's investment options and the optimal
//! plan at one budget, both from [`keel_plan`] (the report only picks the budgets and shows the results).
//!
//! Budgets: 0, then the 1-2-5 ladder (1, 2, 5, 10, 20, 50, ... times a power of ten) from `C / 250` up to below
//! the total cost `C` of every option, then `C` rounded up to two significant figures ([`round2`]), so the
//! frontier ends with every option affordable. The ladder is geometric because the loss falls fastest on the
//! first, cheapest options (stockpiles of a few million against a loss of hundreds of millions): evenly spaced
//! budgets would put one point in that range and the rest on the flat tail. For the example (`C` = CAD 2.58
//! billion): 0, 20 M, 50 M, 100 M, 200 M, 500 M, 1 B, 2 B and 2.6 B. The plan is solved at
//! [`crate::ReportOptions::plan_budget`] or, by default, at the median budget of the frontier.
//!
//! # Complexity
//! Seven plus one solves of the planner's stochastic MILP (see [`keel_plan::plan`]); the rest is linear in the
//! number of options.

use keel_model::{Investments, Model};
use keel_plan::{FrontierPoint, PlanOptions, PlanResult};

/// The ladder starts at the total cost divided by this.
const SPAN: f64 = 250.0;

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
    let mut b = vec![0.0];
    let last = round2(total, true);
    if last <= 0.0 {
        return b;
    }
    let low = total / SPAN;
    let mut decade = 10f64.powi(low.log10().floor() as i32);
    // The ladder's values are m x 10^k, held exactly where 10^k is (k >= 0) and within a rounding elsewhere.
    'ladder: loop {
        for m in [1.0, 2.0, 5.0] {
            let v = m * decade;
            if v >= last * (1.0 - 1e-9) {
                break 'ladder;
            }
            if v >= low * (1.0 - 1e-9) {
                b.push(v);
            }
        }
        decade *= 10.0;
    }
    b.push(last);
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
        // Total 600: the ladder from 600 / 250 = 2.4, so from 5, up to 500; then 600.
        assert_eq!(
            frontier_budgets(600.0),
            vec![0.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 600.0]
        );
        // Total 1,000: from 4, so from 5; 1,000 itself ends the list once.
        assert_eq!(
            frontier_budgets(1000.0),
            vec![0.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0]
        );
        // The example's CAD 2,580,757,000: from 10.3 M, so from 20 M; the total rounds up to 2.6 B.
        assert_eq!(
            frontier_budgets(2_580_757_000.0),
            vec![0.0, 20e6, 50e6, 100e6, 200e6, 500e6, 1e9, 2e9, 2.6e9]
        );
        // Total 7.04: rounds up to 7.1; the ladder from 0.02816 starts at 0.05.
        assert_eq!(*frontier_budgets(7.04).last().unwrap(), 7.1);
        assert_eq!(frontier_budgets(7.04)[1], 0.05);
        assert_eq!(frontier_budgets(0.0), vec![0.0]);
    }
}
