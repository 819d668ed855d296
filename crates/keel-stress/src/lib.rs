//! # keel-stress
//!
//! Stress tests of a Keel model: the LP-based performance impact / time to survive analysis of Simchi-Levi et
//! al. (2015) ([`lp`], swept over every element or named scenario by [`mod@sweep`]; components whose plan fits
//! every capacity are solved exactly on the region each disruption changes, in `local.rs`), the time-phased
//! simulation ([`simulate`]) and Monte Carlo ([`montecarlo`]).

mod basis;
mod certify;
mod local;
pub mod lp;
pub mod montecarlo;
pub mod simulate;
pub mod sweep;

pub use lp::{Disruption, Impact, StressError, StressLp, Tts, WarmLp};
pub use sweep::{element_cases, rank, scenario_cases, sweep, Case, Duration, SweepRow};

/// A number for tables: integers without decimals, others with up to 4 significant decimals.
pub fn fmt_num(x: f64) -> String {
    if x == x.trunc() && x.abs() < 1e15 {
        format!("{x:.0}")
    } else {
        let s = format!("{x:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}
