//! `keel criticality`: single points of failure of each platform, and minimal pairs of countries and firms.

use crate::output::{self, OutputArgs};
use keel_model::ElementKind;
use keel_see::criticality::{DEFAULT_PAIR_WORK, KINDS};
use std::path::PathBuf;
use std::process::ExitCode;

/// Single points of failure of each platform, ranked by the value they stop.
///
/// A single point of failure (SPOF) is a stage, site, firm, country, bloc, lane or chokepoint whose loss alone
/// leaves a platform impossible to build. Elements are ranked by what is at stake: the sum, over the platforms
/// each one stops, of demand x loss_per_unit (value lost per time unit). A platform can be built when every
/// input item has at least one surviving supplier (over a surviving lane) that can itself be built; suppliers
/// with a planned share of 0 count as alternatives. With --pairs, also the minimal pairs of countries and of
/// firms whose joint loss stops a platform (neither being a SPOF alone).
#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// Model folder (model.toml + CSV files) or .xlsx workbook.
    pub model: PathBuf,
    /// Kinds of element to test (repeat or comma-separate; default: all kinds).
    #[arg(long, value_parser = super::kind_parser(&KINDS), value_delimiter = ',')]
    pub kind: Vec<ElementKind>,
    /// Only this platform (a demand stage id, or an item id such as plt-lav).
    #[arg(long)]
    pub platform: Option<String>,
    /// Also list minimal pairs of countries and of firms whose joint loss stops a platform.
    #[arg(long)]
    pub pairs: bool,
    /// Cap on the pair search (candidates x upstream input rows); beyond it the search is refused.
    #[arg(long, default_value_t = DEFAULT_PAIR_WORK)]
    pub max_pair_work: u64,
    /// Elements shown (and SPOFs per platform), highest stake first (0 = all).
    #[arg(long, default_value_t = output::TOP)]
    pub top: usize,
    #[command(flatten)]
    pub out: OutputArgs,
}

pub(crate) fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let m = crate::load_model(&args.model)?;
    let opts = keel_engine::criticality::Options {
        kind: args.kind.clone(),
        platform: args.platform.clone(),
        pairs: args.pairs,
        max_pair_work: args.max_pair_work,
        top: args.top,
    };
    let results = keel_engine::criticality::run(&m, &opts).map_err(crate::engine_error)?;
    output::emit_results(&args.out, &results)?;
    Ok(ExitCode::SUCCESS)
}
