//! `keel convert`: a model folder to a workbook and back.

use crate::BadInput;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Convert a model between its folder form (CSV + model.toml) and one .xlsx workbook.
#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// The model to read (folder or .xlsx).
    pub model: PathBuf,
    /// Where to write it: a path ending in .xlsx writes a workbook, a path without an extension a folder.
    pub out: PathBuf,
    /// Replace OUT if it already exists.
    #[arg(long)]
    pub force: bool,
}

pub(crate) fn run(args: &Args) -> anyhow::Result<ExitCode> {
    check_out(&args.out, args.force)?;
    let m = crate::load_model(&args.model)?;
    keel_io::save(&m, &args.out)?;
    eprintln!("wrote {}", args.out.display());
    Ok(ExitCode::SUCCESS)
}

/// Refuses a destination that would silently lose data (an existing file or folder) or that names a format
/// Keel does not write (`dib.csv` would otherwise become a folder of that name).
fn check_out(out: &Path, force: bool) -> Result<(), BadInput> {
    if let Some(ext) = out.extension() {
        if !ext.eq_ignore_ascii_case("xlsx") {
            return Err(BadInput(format!(
                "{}: unknown output extension `.{}`; write an .xlsx workbook (`model.xlsx`) or a folder (a path \
                 without an extension)",
                out.display(),
                ext.to_string_lossy()
            )));
        }
    }
    if !force && out.exists() {
        return Err(BadInput(format!(
            "{} already exists; give --force to replace it, or another path",
            out.display()
        )));
    }
    Ok(())
}
