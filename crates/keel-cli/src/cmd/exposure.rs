//! `keel exposure`: look-through origin of the value added embodied in each platform.

use crate::output::{self, OutputArgs};
use keel_see::exposure::GroupBy;
use std::path::PathBuf;
use std::process::ExitCode;

/// Breakdown printed by `--by`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum By {
    /// Country of each stage's site.
    Country,
    /// Bloc of that country (a stage counts toward every bloc, so shares can sum to more than 100%).
    Bloc,
    /// Firm running the stage.
    Firm,
    /// Country of ultimate control (the firm's parent_country).
    Parent,
    /// Tier at which the value enters (0 = the platform itself).
    Tier,
}

/// Look-through origin of each platform's value added, by country, bloc, firm, parent or tier.
///
/// Where the value added embodied in one unit of each platform is created (firm-level Leontief / TiVA
/// look-through over every tier), and the home country's (sovereign) share of it.
#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// Model folder (model.toml + CSV files) or .xlsx workbook.
    pub model: PathBuf,
    /// One platform: a stage id, or the item id of demand stages (default: every demand stage).
    #[arg(long)]
    pub platform: Option<String>,
    /// Breakdown to print.
    #[arg(long, value_enum, default_value = "country")]
    pub by: By,
    /// Rows shown per platform, largest first (0 = all).
    #[arg(long, default_value_t = output::TOP)]
    pub top: usize,
    #[command(flatten)]
    pub out: OutputArgs,
}

pub(crate) fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let m = crate::load_model(&args.model)?;
    let opts = keel_engine::exposure::Options {
        platform: args.platform.clone(),
        by: match args.by {
            By::Country => GroupBy::Country,
            By::Bloc => GroupBy::Bloc,
            By::Firm => GroupBy::Firm,
            By::Parent => GroupBy::Parent,
            By::Tier => GroupBy::Tier,
        },
        top: args.top,
    };
    let results = keel_engine::exposure::run(&m, &opts).map_err(crate::engine_error)?;
    output::emit_results(&args.out, &results)?;
    Ok(ExitCode::SUCCESS)
}
