//! # keel-py
//!
//! Keel from Python: the extension module `keel._keel` behind the `keel` package (python/keel/). It is a thin
//! front end, like the command line: it loads a model through `keel-io`, runs a [`keel_engine::Analysis`]
//! given as the JSON the engine already parses (`{"analysis": "stress", "each": "site"}`: the command line's
//! defaults for every option left out, an unknown option refused by name), and hands the [`keel_engine::Results`]
//! back column-wise with a type per column; the Python side builds Arrow tables and pandas DataFrames from them.
//! No analysis logic and no rule lives here or in the Python package.
//!
//! Errors become the exceptions of `keel._errors` (`KeelError`, `ModelError` with the located diagnostics,
//! `OptionsError`); analyses run on their own thread with the GIL released, and Ctrl-C cancels them through
//! [`keel_model::Progress::cancelled`] (module `run`). A stress sweep or a Monte Carlo can also run in parts
//! (`Model.run_part`, for Ray or any batch system) that `merge` puts back together into the same results
//! ([`keel_engine::shard`]).
//!
//! # Complexity
//! That of the analysis, plus one pass over the result cells to lay out the columns.

mod columns;
mod errors;
mod model;
mod run;
mod shard;

use pyo3::prelude::*;

/// Keel's engine, from Python: `load(path)` gives a `Model`; `Model.run(analysis_json)` runs one analysis.
/// Use the `keel` package, which wraps this module in DataFrames and keyword options.
#[pymodule]
mod _keel {
    use pyo3::prelude::*;

    #[pymodule_export]
    use super::model::{load, PyModel};
    #[pymodule_export]
    use super::shard::merge;

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        m.add("__version__", env!("CARGO_PKG_VERSION"))
    }
}
