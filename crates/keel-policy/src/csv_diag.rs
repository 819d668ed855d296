//! The located diagnostics that every CSV reader of this crate gives for the same two problems: a record the
//! csv crate cannot read, and a row whose cell count differs from the header's. Each caller adds the hint that
//! fits its file.

use keel_model::Diagnostic;

/// A record the csv crate could not read, at its line when the error knows it.
pub(crate) fn unreadable(file: &str, e: &csv::Error, hint: &str) -> Diagnostic {
    let mut d = Diagnostic::error(file, format!("not readable as CSV: {e}"));
    if let Some(p) = e.position() {
        d = d.at_line(p.line());
    }
    d.with_hint(hint)
}

/// A row with `got` cells under a header of `want`.
pub(crate) fn ragged(file: &str, line: u64, got: usize, want: usize, hint: &str) -> Diagnostic {
    Diagnostic::error(file, format!("{got} cells where the header has {want}"))
        .at_line(line)
        .with_hint(hint)
}
