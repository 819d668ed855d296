//! # keel-lp
//!
//! Stress tests of a Keel model by linear programming: the performance impact (PI) / time to survive (TTS)
//! analysis of Simchi-Levi et al. (2015), for one disruption ([`StressLp`], [`WarmLp`]) or swept over every
//! element or named scenario ([`sweep()`]). The formulation and its methods are in docs/methods/stress-lp.md.
//!
//! ## Layers
//!
//! Each module imports only modules below it (tests may use higher ones as oracles):
//!
//! ```text
//! sweep        every element or scenario, in parallel, ranked by REI
//!   engine     StressLp, WarmLp: the decomposition and the order of methods
//!     region   the region-restricted LPs (components whose plan fits)   -> certify, disruption, plan, solver
//!     warm     the warm whole-component LPs (per-unit-time form)       -> disruption, plan, solver
//!     cold     the whole-component LP from scratch (original form)     -> disruption, plan, solver
//!       solver the solver boundary (traits, problem builders); HiGHS and all unsafe code in solver/highs.rs
//!       certify the no-loss certificate, no solver                      -> disruption, plan
//!         disruption  disruptions and the bounds they set (one normaliser) -> plan
//!           plan      the undisrupted plan, components and feasible point x0 (no solver)
//!           error     StressError (imports nothing)
//! ```
//!
//! `solver` imports nothing of the engine; `engine` uses every layer below it, `sweep` only `engine`,
//! `disruption`, `solver` and `error`. Fault injection in tests goes through the solver boundary (a wrapper
//! [`solver::Solver`]), never through fields of the engine.

mod certify;
mod cold;
mod disruption;
mod engine;
mod error;
mod plan;
mod region;
pub mod solver;
mod sweep;
mod warm;

pub use disruption::Disruption;
pub use engine::{Component, Impact, StressLp, Tts, WarmLp};
pub use error::StressError;
pub use sweep::{
    element_cases, rank, ranked, scenario_cases, shard_range, sweep, sweep_part, sweep_with,
    targets_of_kind, Case, Duration, SweepRow,
};
