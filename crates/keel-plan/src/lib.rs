//! # keel-plan
//!
//! The investment plan that buys the most resilience per dollar (`keel plan`): which capacity, stockpile and
//! second-source options of options.csv to fund within a budget, when some of them are bets that may fail,
//! minimising the expected loss (or its CVaR) over the model's scenarios. A two-stage stochastic MILP in
//! extensive form over the stress loss LP of `keel-lp`, solved by HiGHS. Method, sources and assumptions:
//! docs/methods/plan.md.
//!
//! ```text
//! solve     cases, outcome classes, epochs; optimum, ties, evaluation     -> form, outcomes, cvar
//!   sub     each case's loss LP with the plan fixed: values and subgradients (evaluation, Benders)
//!   form    the extensive form: copies of the loss LP with the options' terms   (keel-lp solver boundary)
//!   outcomes which options work: exact classes or samples
//!   cvar    CVaR of a discrete distribution
//! ```

mod cvar;
mod error;
mod form;
mod outcomes;
mod solve;
mod sub;

pub use cvar::cvar;
pub use error::PlanError;
pub use solve::{
    frontier, plan, CaseLoss, FormSize, FrontierPoint, Method, OutcomeInfo, PlanOptions,
    PlanResult, Risk, Survive, YearLoss,
};
