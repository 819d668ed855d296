//! SIPRI's arms-transfer trade register: the reader ([`register`]), how a deal's delivered value is placed in
//! its delivery years ([`spread`]), the Herfindahl-Hirschman index ([`hhi`]), and the summaries of one
//! country's imports or exports by partner, year, 5-year period and bloc ([`summary`]).
//!
//! Values are SIPRI trend-indicator values (TIV, millions): a common unit of military capability transferred,
//! not a price (SIPRI, "Sources and methods").

pub mod hhi;
pub mod register;
pub mod spread;
pub mod summary;

pub use register::{Deal, Register};

/// The citation every output names.
pub const SOURCE: &str =
    "SIPRI Arms Transfers Database, trade register (c) SIPRI, generated 13 March 2025; \
                          values in SIPRI trend-indicator values (TIV, millions)";
