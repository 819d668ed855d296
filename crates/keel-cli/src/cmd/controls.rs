//! `keel controls`: export-control see-through per platform, and whether a regime-free build exists.

use crate::output::{self, OutputArgs};
use std::path::PathBuf;
use std::process::ExitCode;

/// Export-control see-through of each platform, and whether a regime-free build exists.
///
/// Which platforms an export-control regime reaches (an item carrying it, or any planned supplier that is
/// reached), through which items and along which input path, and whether each platform could be built free of
/// the regime with the alternative suppliers already in the model.
#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// Model folder (model.toml + CSV files) or .xlsx workbook.
    pub model: PathBuf,
    /// One regime from `[export_regimes]` in model.toml, e.g. ITAR (default: every regime).
    #[arg(long)]
    pub regime: Option<String>,
    /// One platform: a stage id, or the item id of demand stages (default: every demand stage).
    #[arg(long)]
    pub platform: Option<String>,
    #[command(flatten)]
    pub out: OutputArgs,
}

pub(crate) fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let m = crate::load_model(&args.model)?;
    let opts = keel_engine::controls::Options {
        regime: args.regime.clone(),
        platform: args.platform.clone(),
    };
    let results = keel_engine::controls::run(&m, &opts).map_err(crate::engine_error)?;
    output::emit_results(&args.out, &results)?;
    Ok(ExitCode::SUCCESS)
}
