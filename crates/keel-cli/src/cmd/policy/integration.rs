//! `keel policy integration`: Canada-US defence-industrial integration from the CSIS records: defence trade by
//! year and end use (USITC), and US prime contracts' first-tier subawards in Canada by year (FSRS).

use crate::output::{self, OutputArgs};
use keel_engine::policy::integration as ig;
use std::path::PathBuf;
use std::process::ExitCode;

/// The data set folder under shared/data.
pub(super) use keel_engine::policy::CSIS_SET as SET;
/// The subaward extract in that folder.
pub(super) use keel_engine::policy::CSIS_SUBAWARDS as SUBAWARD_FILE;
/// The trade table in that folder.
pub(super) use keel_engine::policy::CSIS_TRADE as TRADE_FILE;

/// Canada-US defence trade and US subawards in Canada, by year (CSIS records of USITC and FSRS data).
///
/// Trade: Canada's defence exports to the US (US imports, end uses 50000 and 50010), its defence imports from
/// the US (US exports, 50000-50070), the balance, and Canada's share of US defence imports; current US dollars.
/// Subawards: first-tier subawards under US prime contracts, by reporting year: value, count, the largest
/// primes, sectors and subawardees. Method: docs/methods/policy.md.
#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// Folder with the CSIS files (USITCbilateralTrade.csv, Location_CanadaRelatedFSRScomplete.csv)
    /// [default: $KEEL_DATA/csis-canada, else shared/data/csis-canada beside the current folder or the
    /// executable, or above them].
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Which subawards count as in Canada: place (performed in Canada), vendor (a Canadian subawardee,
    /// wherever performed) or either.
    #[arg(long, value_enum, default_value = "place")]
    pub in_canada: Scope,
    /// Only prime contracts of this US customer (as the file names them: Defense, NASA, DHS, ...).
    #[arg(long, default_value = "Defense", conflicts_with = "all_agencies")]
    pub customer: String,
    /// Count prime contracts of every US agency, not only one customer.
    #[arg(long)]
    pub all_agencies: bool,
    /// Keep subaward rows identical in every column to an earlier row (dropped by default: the file has no
    /// subaward identifier to tell them apart from a repeated report).
    #[arg(long)]
    pub keep_duplicates: bool,
    /// How many primes and subawardees to rank per year and overall (0 = all).
    #[arg(long, default_value_t = 5)]
    pub top: usize,
    #[command(flatten)]
    pub out: OutputArgs,
}

/// `--in-canada`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Scope {
    Place,
    Vendor,
    Either,
}

pub(crate) fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let dir = crate::data::locate(SET, args.data.as_deref())?;
    let opts = keel_engine::policy::integration::Options {
        in_canada: match args.in_canada {
            Scope::Place => ig::Scope::Place,
            Scope::Vendor => ig::Scope::Vendor,
            Scope::Either => ig::Scope::Either,
        },
        customer: args.customer.clone(),
        all_agencies: args.all_agencies,
        keep_duplicates: args.keep_duplicates,
        top: args.top,
    };
    let data = keel_engine::policy::PolicyData {
        csis: Some(dir),
        ..keel_engine::policy::PolicyData::default()
    };
    let results = ig::run(&data, &opts).map_err(super::engine_error)?;
    output::emit_results(&args.out, &results)?;
    Ok(ExitCode::SUCCESS)
}
