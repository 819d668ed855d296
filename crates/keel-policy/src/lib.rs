//! Spending and partnerships: the whole-of-effort questions behind a defence industrial base, read from the
//! published files as they are.
//!
//! - [`spending`]: NATO's defence expenditure tables (the tidy long CSV and the original workbook): spending,
//!   share of GDP, equipment share, gaps to 2%, 3.5% and 5%, and the path to 3.5% by 2035.
//! - [`arms`]: SIPRI's arms-transfer trade register: imports and exports by partner in trend-indicator values,
//!   supplier shares, Herfindahl-Hirschman index and effective number of suppliers, shares by bloc.
//! - [`integration`]: Canada-US defence trade (USITC) and US prime contracts' first-tier subawards in Canada (FSRS).
//! - [`funding`]: programme funding (announced, allocated, spent): follow-through, lapse, volatility, stability.
//! - [`countries`]: the committed table of countries, their codes and bloc memberships by year.
//!
//! The library does no printing; readers take a path or a reader and return typed errors located by file, line
//! and column.

pub mod arms;
pub mod countries;
mod csv_diag;
pub mod error;
pub mod funding;
pub mod integration;
pub mod spending;

pub use error::PolicyError;
