//! Where the CLI finds the published data sets it reads by name (the WIOD table for `keel mrio`, Willems' chains
//! for `keel import willems`).
//!
//! The binary bakes in no build path: a data set is looked up at run time, first where the user says
//! (`--data DIR`), then under `$KEEL_DATA` (a folder holding one sub-folder per data set, as `shared/data/`
//! does), then in `shared/data/<set>` beside the current folder or any folder above it, and beside the
//! executable's folder or any folder above it (so a checkout next to `shared/` works from any folder inside it).
//! When nothing is found the error lists every place it looked and says how to point Keel at the data.

use crate::BadInput;
use std::path::{Path, PathBuf};

/// The environment variable naming the folder that holds the data sets.
pub(crate) const ENV: &str = "KEEL_DATA";

/// Finds the folder of data set `set` (e.g. `wiod2013`). `explicit` is the command's `--data` flag, which wins
/// and must exist.
pub(crate) fn locate(set: &str, explicit: Option<&Path>) -> Result<PathBuf, BadInput> {
    if let Some(dir) = explicit {
        return if dir.is_dir() {
            Ok(dir.to_path_buf())
        } else {
            Err(BadInput(format!(
                "--data {}: no such folder (it should hold the {set} data set)",
                dir.display()
            )))
        };
    }
    if let Some(root) = std::env::var_os(ENV).filter(|v| !v.is_empty()) {
        let dir = Path::new(&root).join(set);
        return if dir.is_dir() {
            Ok(dir)
        } else {
            Err(BadInput(format!(
                "{ENV}={}: it holds no {set}/ folder; set {ENV} to the folder that holds {set}/, or pass --data",
                Path::new(&root).display()
            )))
        };
    }
    let mut looked = Vec::new();
    let starts = [
        std::env::current_dir().ok(),
        std::env::current_exe()
            .ok()
            .and_then(|e| e.parent().map(Path::to_path_buf)),
    ];
    for start in starts.into_iter().flatten() {
        for dir in start.ancestors() {
            let candidate = dir.join("shared").join("data").join(set);
            if candidate.is_dir() {
                return Ok(candidate);
            }
            looked.push(candidate);
        }
    }
    looked.dedup();
    let list: Vec<String> = looked
        .iter()
        .map(|p| format!("  {}", p.display()))
        .collect();
    Err(BadInput(format!(
        "cannot find the {set} data set; looked in:\n{}\npass --data DIR (the {set} folder) or set {ENV} to the \
         folder that holds {set}/",
        list.join("\n")
    )))
}

/// The folder holding the data sets (`keel serve --policy-data`'s default): `$KEEL_DATA`, else the first
/// `shared/data` beside the current folder or the executable, or above them, that holds any of `sets`; `None`
/// when there is none.
pub(crate) fn root(sets: &[&str]) -> Option<PathBuf> {
    if let Some(root) = std::env::var_os(ENV).filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(root));
    }
    let starts = [
        std::env::current_dir().ok(),
        std::env::current_exe()
            .ok()
            .and_then(|e| e.parent().map(Path::to_path_buf)),
    ];
    starts.into_iter().flatten().find_map(|start| {
        start
            .ancestors()
            .map(|d| d.join("shared").join("data"))
            .find(|d| sets.iter().any(|s| d.join(s).is_dir()))
    })
}
