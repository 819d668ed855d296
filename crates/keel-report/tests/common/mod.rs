//! The published data sets behind the "Spending and partnerships" tests, read as `keel policy` reads them.

use keel_policy::{arms, integration as ig, spending};
use keel_report::{PolicyData, DEFAULT_ARMS_YEARS, DEFAULT_PEERS};
use std::path::PathBuf;

/// `shared/data/<set>` beside the repository, or beside a folder above it (a worktree finds the main
/// checkout's).
fn data(set: &str) -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.ancestors()
        .skip(2)
        .map(|d| d.join("shared/data").join(set))
        .find(|p| p.is_dir())
        .unwrap_or_else(|| {
            panic!("these tests need the published data sets in shared/data/{set} beside the repository (see shared/data/README.md)")
        })
}

/// Every data set read, for `country` with the default peers and years.
pub(crate) fn inputs(country: &str) -> PolicyData {
    PolicyData {
        country: country.into(),
        peers: DEFAULT_PEERS.iter().map(ToString::to_string).collect(),
        gdp_growth: None,
        arms_years: DEFAULT_ARMS_YEARS,
        spending: Ok(
            spending::read(&data("nato").join("240617-def-exp-2024-TABLES-en.xlsx")).unwrap(),
        ),
        arms: Ok(arms::register::read(&data("sipri").join("trade-register.csv")).unwrap()),
        trade: Ok(ig::read_usitc(&data("csis-canada").join("USITCbilateralTrade.csv")).unwrap()),
        subawards: Ok(ig::read_fsrs(
            &data("csis-canada").join("Location_CanadaRelatedFSRScomplete.csv"),
        )
        .unwrap()),
    }
}
