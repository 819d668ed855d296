//! `keel._keel.merge`: the shard documents of a split stress sweep or Monte Carlo (`Model.run_part`, `keel
//! stress --shard`, `keel montecarlo --runs A..B`) put back together into exactly the results one run gives,
//! by `keel_engine::shard::merge` (which checks that they are the parts of one analysis on the same model files
//! and cover the work exactly once).
//!
//! # Complexity
//! Reading the documents (linear in their size) and that of `keel_engine::shard::merge`.

use crate::model::{self, PyModel};
use crate::{columns, errors};
use keel_engine::shard::ShardDoc;
use pyo3::prelude::*;

/// Merges shard documents (JSON text, in any order) into the results of one run, as `(tables, main,
/// json_text)` like `Model.run`. `model` is the model they ran on; by default the one at the path the first
/// document records is loaded. Raises `keel.OptionsError` when the parts do not fit together.
#[pyfunction]
#[pyo3(signature = (shards, model=None))]
pub(crate) fn merge<'py>(
    py: Python<'py>,
    shards: Vec<String>,
    model: Option<Bound<'py, PyModel>>,
) -> PyResult<columns::RawResults<'py>> {
    let mut parts = Vec::with_capacity(shards.len());
    for (k, text) in shards.into_iter().enumerate() {
        let doc = ShardDoc::from_json(&text).map_err(|e| {
            errors::options_error(
                py,
                &format!(
                    "shard #{}: not a Keel shard document ({e}); they are written by Model.run_part, `keel \
                     stress --shard I/N` and `keel montecarlo --runs A..B`",
                    k + 1
                ),
            )
        })?;
        parts.push((format!("shard #{} ({})", k + 1, doc.part), doc));
    }
    let model = match model {
        Some(m) => m,
        None => {
            let Some((_, first)) = parts.first() else {
                return Err(errors::options_error(py, "no shards to merge"));
            };
            Bound::new(py, model::load(py, first.model.path.clone().into())?)?
        }
    };
    let m = model.get();
    let digest = m.reference(py)?.digest;
    let inner = std::sync::Arc::clone(&m.model);
    let results = py
        .detach(move || keel_engine::shard::merge(&inner, &digest, &parts))
        .map_err(|e| errors::engine_error(py, &e))?;
    columns::results(py, &results)
}
