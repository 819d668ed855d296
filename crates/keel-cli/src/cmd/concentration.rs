//! `keel concentration`: Herfindahl-Hirschman concentration of supply, with structural flags.

use crate::output::{self, OutputArgs};
use std::path::PathBuf;
use std::process::ExitCode;

/// Level reported by `--level`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Level {
    /// Each (stage, input item): planned shares of its suppliers.
    Group,
    /// Each item across the model: capacity shares of the stages making it.
    Item,
    /// Both.
    Both,
}

/// Supply concentration (HHI by firm and country) of every stage input and item, with flags.
///
/// How concentrated the supply of every stage input and every item is (HHI by firm and by country, 0-10,000).
/// Flags: sole source, single country, single lane or chokepoint, and supply entirely outside the home country's
/// blocs. A row is "flagged" (--flagged) when it is highly concentrated (firm HHI above 1,800, US DOJ/FTC) and
/// cannot be re-sourced: no other firm in the model makes the item, or every supplier is outside the home
/// country's blocs (docs/methods/concentration.md).
#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// Model folder (model.toml + CSV files) or .xlsx workbook.
    pub model: PathBuf,
    /// Which level to print.
    #[arg(long, value_enum, default_value = "both")]
    pub level: Level,
    /// Print only flagged rows: highly concentrated, and no alternative producer in the model or every
    /// supplier outside the home blocs.
    #[arg(long)]
    pub flagged: bool,
    /// Only the inputs upstream of this platform (a stage id, or the item id of demand stages).
    #[arg(long)]
    pub platform: Option<String>,
    /// Rows shown per table, flagged first, then most concentrated (0 = all).
    #[arg(long, default_value_t = output::TOP)]
    pub top: usize,
    #[command(flatten)]
    pub out: OutputArgs,
}

pub(crate) fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let m = crate::load_model(&args.model)?;
    let opts = keel_engine::concentration::Options {
        level: match args.level {
            Level::Group => keel_engine::concentration::Level::Group,
            Level::Item => keel_engine::concentration::Level::Item,
            Level::Both => keel_engine::concentration::Level::Both,
        },
        flagged: args.flagged,
        platform: args.platform.clone(),
        top: args.top,
    };
    let results = keel_engine::concentration::run(&m, &opts).map_err(crate::engine_error)?;
    output::emit_results(&args.out, &results)?;
    Ok(ExitCode::SUCCESS)
}
