//! `keel convert`: a model folder to a workbook and back.

use std::path::PathBuf;
use std::process::ExitCode;

/// Convert a model between its folder form (CSV + model.toml) and one .xlsx workbook.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The model to read (folder or .xlsx).
    pub model: PathBuf,
    /// Where to write it: a path ending in .xlsx writes a workbook, anything else a folder.
    pub out: PathBuf,
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let m = crate::load_model(&args.model)?;
    keel_io::save(&m, &args.out)?;
    eprintln!("wrote {}", args.out.display());
    Ok(ExitCode::SUCCESS)
}
