//! `keel._keel.load` and `keel._keel.Model`: a loaded model (shared, never copied), the analyses run on it, and
//! the parts of a split analysis (`run_part`, merged by `keel._keel.merge`).
//!
//! # Complexity
//! Loading is that of `keel_io::load`; `run` that of the analysis ([`crate::run`]) plus laying out its cells;
//! `run_part` that of its part, plus one digest of the model's files (linear in their size, once per model).

use crate::{columns, errors, run};
use keel_engine::shard::{ModelRef, Part};
use keel_engine::Analysis;
use keel_model::{Diagnostic, Model};
use pyo3::prelude::*;
use pyo3::types::{PyList, PyTuple};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

/// A validated Keel model, loaded once and shared by every analysis run on it.
#[pyclass(module = "keel._keel", name = "Model", frozen)]
#[derive(Debug)]
pub(crate) struct PyModel {
    pub(crate) model: Arc<Model>,
    path: String,
    /// The absolute path, recorded in shard documents (as `keel stress --shard` does).
    absolute: String,
    warnings: Vec<Diagnostic>,
    /// The digest of the model's files ([`keel_io::digest`]), made when a shard first needs it.
    digest: OnceLock<String>,
}

/// Loads and validates the model at `path` (a folder with model.toml and the CSV tables, or an .xlsx
/// workbook). Raises `keel.ModelError` with every located diagnostic if it does not load.
#[pyfunction]
pub(crate) fn load(py: Python<'_>, path: PathBuf) -> PyResult<PyModel> {
    let shown = path.display().to_string();
    let (loaded, absolute) = py
        .detach(move || {
            let loaded = keel_io::load(&path)?;
            let absolute = std::fs::canonicalize(&path).unwrap_or(path);
            Ok((loaded, absolute.display().to_string()))
        })
        .map_err(|e| errors::load_error(py, &shown, &e))?;
    Ok(PyModel {
        model: Arc::new(loaded.model),
        path: shown,
        absolute,
        warnings: loaded.warnings,
        digest: OnceLock::new(),
    })
}

/// The analysis `analysis_json` describes, or `keel.OptionsError` saying what is wrong with it.
pub(crate) fn analysis(py: Python<'_>, analysis_json: &str) -> PyResult<Analysis> {
    let a: Analysis = serde_json::from_str(analysis_json).map_err(|e| {
        // The position is in JSON the caller did not write (the keyword options): leave it out.
        let why = e.to_string();
        let why = why
            .rsplit_once(" at line ")
            .map_or(why.as_str(), |(w, _)| w);
        errors::options_error(py, why)
    })?;
    if a.needs_model() {
        Ok(a)
    } else {
        Err(errors::options_error(
            py,
            "policy analyses read the published data sets, not a model",
        ))
    }
}

impl PyModel {
    /// The model's path and the digest of its files, as a shard document records them.
    pub(crate) fn reference(&self, py: Python<'_>) -> PyResult<ModelRef> {
        if self.digest.get().is_none() {
            let path = PathBuf::from(&self.path);
            let made = py
                .detach(move || keel_io::digest(&path))
                .map_err(|e| errors::keel_error(py, &e.to_string()))?;
            let _ = self.digest.set(made);
        }
        Ok(ModelRef {
            path: self.absolute.clone(),
            digest: self.digest.get().cloned().unwrap_or_default(),
        })
    }
}

#[pymethods]
impl PyModel {
    /// The path the model was loaded from.
    #[getter]
    fn path(&self) -> &str {
        &self.path
    }

    /// The warnings found while loading, as `(file, line, column, message, hint)` tuples.
    fn warnings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let rows = self
            .warnings
            .iter()
            .map(|d| errors::diagnostic_tuple(py, d))
            .collect::<PyResult<Vec<Bound<'py, PyTuple>>>>()?;
        PyList::new(py, rows)
    }

    /// The headline counts `keel check` prints, as a JSON object.
    fn summary_json(&self, py: Python<'_>) -> PyResult<String> {
        serde_json::to_string(&self.model.summary())
            .map_err(|e| errors::keel_error(py, &format!("JSON: {e}")))
    }

    /// Runs one analysis, given as the JSON the engine parses (`{"analysis": "stress", "each": "site"}`), and
    /// returns `(tables, main, json_text)`: each table as `(name, title, columns, arrow_types, kinds,
    /// values)` with one list of values per column, the main table's name, and the JSON document as
    /// `keel CMD --format json` writes it. The GIL is released while it runs; Ctrl-C cancels it.
    fn run<'py>(&self, py: Python<'py>, analysis_json: &str) -> PyResult<columns::RawResults<'py>> {
        let a = analysis(py, analysis_json)?;
        let model = Arc::clone(&self.model);
        let results = run::run(py, a.name(), move |p| keel_engine::run(&model, &a, p))?;
        columns::results(py, &results)
    }

    /// Runs one part of a stress sweep (`part_json` `{"shard": {"index": I, "count": N}}`, I from 1) or of a
    /// Monte Carlo (`{"runs": {"start": A, "end": B}}`, B excluded) and returns its shard document (JSON, with
    /// this model's absolute path and digest), for `merge`. The GIL is released; Ctrl-C cancels it.
    fn run_part(&self, py: Python<'_>, analysis_json: &str, part_json: &str) -> PyResult<String> {
        let a = analysis(py, analysis_json)?;
        let part: Part = serde_json::from_str(part_json)
            .map_err(|e| errors::options_error(py, &format!("not a part ({e})")))?;
        let reference = self.reference(py)?;
        let model = Arc::clone(&self.model);
        let mut doc = run::run(py, a.name(), move |p| {
            keel_engine::shard::run_part(&model, &a, part, p)
        })?;
        doc.model = reference;
        Ok(doc.to_json())
    }

    fn __repr__(&self) -> String {
        format!("<keel._keel.Model {:?}>", self.path)
    }
}
