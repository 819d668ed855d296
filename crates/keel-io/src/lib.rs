//! # keel-io
//!
//! Files in, files out. Reads a Keel model from a folder of CSV files plus `model.toml`, or from one `.xlsx`
//! workbook with the same sheets, into [`keel_model::build()`]; writes a [`Model`] back as either form.
//! Also makes models: a reproducible synthetic generator and an importer for Willems' (2008) real supply chains.

mod csvdir;
pub mod diff;
mod digest;
pub mod generate;
mod meta;
pub mod willems;
mod write;
mod xlsx;

pub use csvdir::CsvDir;
pub use digest::digest;
pub use write::{model_tables, write_dir};
pub use xlsx::{write_xlsx, Workbook};

use keel_model::{Invalid, Loaded, Model};
use std::path::{Path, PathBuf};

/// Why a model could not be loaded or written.
#[derive(Debug, thiserror::Error)]
pub enum IoError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: not a Keel model: {why}")]
    NotAModel { path: PathBuf, why: String },
    #[error("{path}: {message}")]
    Xlsx { path: PathBuf, message: String },
    #[error(transparent)]
    Invalid(#[from] Invalid),
}

impl IoError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Self {
        IoError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// Loads and validates a model from a folder (CSV + `model.toml`) or an `.xlsx` workbook.
pub fn load(path: &Path) -> Result<Loaded, IoError> {
    if path.is_dir() {
        let mut src = CsvDir::open(path)?;
        Ok(keel_model::build(&mut src)?)
    } else if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
    {
        let mut src = Workbook::open(path)?;
        Ok(keel_model::build(&mut src)?)
    } else if !path.exists() {
        Err(IoError::NotAModel {
            path: path.to_path_buf(),
            why: "no such file or folder".into(),
        })
    } else {
        Err(IoError::NotAModel {
            path: path.to_path_buf(),
            why: "give a folder holding model.toml and the CSV tables, or an .xlsx workbook".into(),
        })
    }
}

/// Writes a model as a folder or, when `path` ends in `.xlsx`, as a workbook.
pub fn save(model: &Model, path: &Path) -> Result<(), IoError> {
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
    {
        write_xlsx(model, path)
    } else {
        write_dir(model, path)
    }
}
