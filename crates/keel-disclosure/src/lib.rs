//! # keel-disclosure
//!
//! Statistical disclosure control for aggregates that several firms contribute to, so that a shared Keel
//! workspace can show a contributor published totals (a platform's value by country, an item's supply by
//! firm country) without revealing any other firm's figures.
//!
//! - [`Table`]: a two-way table of amounts, each cell the sum of named contributors' amounts, with its row,
//!   column and grand totals (the margins a reader also sees, or can add up).
//! - [`Rule`] and [`primary`]: the (n, k) dominance rule statistical agencies apply to business data: a
//!   cell is sensitive when fewer than `n` contributors make it up, or when the largest contributes more than
//!   `k` of it (defaults 3 and 70%).
//! - [`protect`]: primary suppression, then complementary suppression until no suppressed sensitive cell
//!   can be recovered or narrowly bounded from the published cells and the totals, checked by [`audit`]
//!   (linear programming: the smallest and largest value each suppressed cell can take).
//!
//! The method, its sources and its limits are in docs/disclosure.md.

mod audit;
mod error;
mod protect;
mod rule;
mod table;

pub use audit::{audit, Interval};
pub use error::DisclosureError;
pub use protect::{protect, Protected, Reason, Status};
pub use rule::{primary, Rule, Sensitivity};
pub use table::{CellIx, Table};
