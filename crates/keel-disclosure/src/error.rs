//! What can go wrong: an amount that is not a number a table can hold, a cell outside the table, or the LP
//! solver failing.

/// An error of this crate.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DisclosureError {
    /// An amount that is negative, infinite or NaN: disclosure control protects non-negative totals.
    #[error("cell ({row}, {col}), contributor {contributor}: amount {amount} is not a finite non-negative number")]
    BadAmount {
        row: usize,
        col: usize,
        contributor: u32,
        amount: f64,
    },
    /// A cell outside the table's rows and columns.
    #[error("cell ({row}, {col}) is outside the {rows} x {cols} table")]
    OutOfRange {
        row: usize,
        col: usize,
        rows: usize,
        cols: usize,
    },
    /// The rule's parameters make no sense.
    #[error("rule: {0}")]
    BadRule(String),
    /// The LP solver failed on an audit problem.
    #[error("the audit LP failed: {0}")]
    Solver(String),
}
