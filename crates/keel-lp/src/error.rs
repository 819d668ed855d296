//! Errors of the LP engine.

/// Errors from the stress LP.
#[derive(Debug, thiserror::Error)]
pub enum StressError {
    #[error("the LP solver returned {status} for {what}")]
    Solver { what: String, status: String },
    #[error("invalid stress option: {0}")]
    Option(String),
    #[error("the stress test was cancelled")]
    Cancelled,
}

impl StressError {
    /// A solver failure on `what`, in the solver's words.
    pub(crate) fn solver(what: impl Into<String>, status: impl Into<String>) -> Self {
        StressError::Solver {
            what: what.into(),
            status: status.into(),
        }
    }
}
