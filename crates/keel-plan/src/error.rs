//! What can stop a plan.

use keel_lp::StressError;
use keel_model::Target;

/// Why `keel plan` could not give a plan. The first group is bad input or options (exit 2 in the CLI); the
/// `Cannot*` variants are answers: no plan meets the constraints (exit 1).
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error(
        "the model has no investment options: add options.csv (docs/model-format.md, version 1.1)"
    )]
    NoOptions,
    #[error(
        "scenarios without a probability: {}; the planner weighs every named scenario by its probability \
         (scenarios.csv, column `probability`)",
        .0.join(", ")
    )]
    MissingProbability(Vec<String>),
    #[error(
        "the scenarios' probabilities sum to {0}, more than 1: they are mutually exclusive events, and the rest \
         of the probability is the no-disruption case"
    )]
    ProbabilitySum(f64),
    #[error("{0}")]
    Option(String),
    #[error(transparent)]
    Stress(#[from] StressError),
    #[error("solver: {0}")]
    Solver(String),
    /// The elements whose loss no plan survives (not even every certain option together).
    #[error(
        "no plan survives the loss of {} element(s): not even every certain option together meets full demand \
         for {t} time units",
        .elements.len()
    )]
    CannotSurvive { elements: Vec<Target>, t: f64 },
    #[error(
        "no plan within the budget of {budget} survives every single loss asked for; the cheapest plan that \
         does costs {cheapest}"
    )]
    SurviveOverBudget { budget: f64, cheapest: f64 },
}
