//! What can stop a policy analysis: a file that cannot be read, located problems in a file (the same
//! [`keel_model::Diagnostic`] the model loader uses, so the CLI prints and counts them the same way), or a query
//! the data cannot answer (an unknown country, an empty period).

use keel_model::{Diagnostic, Invalid};
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    /// The file could not be opened or read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Located problems in a data file, root causes first.
    #[error("{}", .0.headline())]
    Invalid(Invalid),
    /// The data hold no answer to the question asked; the message says what to ask instead.
    #[error("{0}")]
    Query(String),
}

impl PolicyError {
    /// Located problems as an error (errors first, in file order).
    pub fn invalid(diagnostics: Vec<Diagnostic>) -> Self {
        PolicyError::Invalid(Invalid { diagnostics })
    }
}
