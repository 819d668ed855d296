//! # keel-sim
//!
//! The time-phased simulation of a Keel model ([`simulate`]: stock, lead times, transit, pull ordering and
//! pro-rata allocation, step by step) and Monte Carlo over sampled disruptions ([`montecarlo`]). The rules are in
//! docs/methods/simulation.md. No LP solver: the LP stress tests are in `keel-lp`, which the tests use as an
//! independent oracle.

pub mod montecarlo;
pub mod simulate;
