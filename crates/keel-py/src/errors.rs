//! Keel's errors as the Python exceptions of `keel._errors`: `ModelError` (a model that does not load, with its
//! located diagnostics), `OptionsError` (options the engine refuses) and `KeelError` (anything else). The classes
//! are Python's (`OptionsError` is also a `ValueError`, which a class made in Rust could not easily be); this
//! module only builds their arguments.
//!
//! # Complexity
//! O(d) for d diagnostics.

use keel_engine::EngineError;
use keel_model::diag::Limit;
use keel_model::Diagnostic;
use pyo3::prelude::*;
use pyo3::types::PyTuple;

/// An instance of `keel._errors.CLASS(*args)` as the error to raise (or the error of making it).
fn raise<'py>(py: Python<'py>, class: &str, args: Bound<'py, PyTuple>) -> PyErr {
    let made = py
        .import("keel._errors")
        .and_then(|m| m.getattr(class))
        .and_then(|c| c.call1(args));
    match made {
        Ok(e) => PyErr::from_value(e),
        Err(e) => e,
    }
}

/// `keel.KeelError(message)`.
pub(crate) fn keel_error(py: Python<'_>, message: &str) -> PyErr {
    match PyTuple::new(py, [message]) {
        Ok(args) => raise(py, "KeelError", args),
        Err(e) => e,
    }
}

/// `keel.OptionsError(message)`: options the engine refused (an unknown field, a value out of range).
pub(crate) fn options_error(py: Python<'_>, message: &str) -> PyErr {
    match PyTuple::new(py, [message]) {
        Ok(args) => raise(py, "OptionsError", args),
        Err(e) => e,
    }
}

/// An engine error as its exception: bad options (and a simulation's refusal of its inputs, which the command
/// line also treats as bad input) are `OptionsError`, the rest `KeelError`. Cancellation never gets here: the
/// caller raises the `KeyboardInterrupt` that caused it.
pub(crate) fn engine_error(py: Python<'_>, e: &EngineError) -> PyErr {
    match e {
        EngineError::Options(_) | EngineError::Sim(_) | EngineError::UnknownTable { .. } => {
            options_error(py, &e.to_string())
        }
        _ => keel_error(py, &e.to_string()),
    }
}

/// A diagnostic as the tuple `(file, line, column, message, hint)`: `line` an int or None, `column` the
/// column's header name or None.
pub(crate) fn diagnostic_tuple<'py>(
    py: Python<'py>,
    d: &Diagnostic,
) -> PyResult<Bound<'py, PyTuple>> {
    (
        d.file.as_str(),
        d.line,
        d.column.as_ref().map(|(_, name)| name.as_str()),
        d.message.as_str(),
        d.hint.as_deref(),
    )
        .into_pyobject(py)
}

/// Why `path` did not load, as `keel.ModelError(message, diagnostics, warnings)`. The message is what the
/// command line prints: the counts, then each error located (at most 50 per file and 200 in all; the list
/// `diagnostics` holds every one). A missing or unreadable file is one diagnostic on the path itself.
pub(crate) fn load_error(py: Python<'_>, path: &str, e: &keel_io::IoError) -> PyErr {
    let (message, errors, warnings): (String, Vec<&Diagnostic>, Vec<&Diagnostic>) = match e {
        keel_io::IoError::Invalid(inv) => {
            let errors: Vec<Diagnostic> = inv.errors().cloned().collect();
            let (shown, hidden) = Limit::default().apply(&errors);
            let mut message = format!("{path}: {}", inv.headline());
            for d in shown {
                message.push('\n');
                message.push_str(&d.to_string());
            }
            if hidden > 0 {
                message.push_str(&format!(
                    "\n... and {} more not shown (every one is in .diagnostics)",
                    keel_model::diag::thousands(hidden)
                ));
            }
            (
                message,
                inv.errors().collect(),
                inv.diagnostics.iter().filter(|d| !d.is_error()).collect(),
            )
        }
        other => {
            let message = other.to_string();
            let build = || -> PyResult<PyErr> {
                let d = (
                    path,
                    None::<u64>,
                    None::<&str>,
                    message.as_str(),
                    None::<&str>,
                )
                    .into_pyobject(py)?;
                let args = (message.as_str(), vec![d], Vec::<Bound<'_, PyTuple>>::new())
                    .into_pyobject(py)?;
                Ok(raise(py, "ModelError", args))
            };
            return build().unwrap_or_else(|e| e);
        }
    };
    let build = || -> PyResult<PyErr> {
        let errors = errors
            .iter()
            .map(|d| diagnostic_tuple(py, d))
            .collect::<PyResult<Vec<_>>>()?;
        let warnings = warnings
            .iter()
            .map(|d| diagnostic_tuple(py, d))
            .collect::<PyResult<Vec<_>>>()?;
        let args = (message.as_str(), errors, warnings).into_pyobject(py)?;
        Ok(raise(py, "ModelError", args))
    };
    build().unwrap_or_else(|e| e)
}
