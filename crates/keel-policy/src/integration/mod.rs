//! Canada-US defence-industrial integration, from the records compiled by the CSIS Defense-Industrial
//! Initiatives Group (`shared/data/csis-canada/`):
//!
//! - [`usitc`] reads the USITC bilateral trade table and [`trade`] gives Canada-US defence trade by year and end
//!   use (exports, imports, balance);
//! - [`fsrs`] reads the first-tier subaward reports and [`subawards`] gives US prime contracts' subawards in
//!   Canada by year (value, count, largest primes, sectors, subawardees);
//!
//! Readers keep the files' facts; every choice (which rows are "in Canada", duplicates, perspective) is made in
//! the analysis, documented there and in docs/methods/policy.md.

/// The citation of the trade table.
pub const TRADE_SOURCE: &str =
    "USITC bilateral trade data (US imports and exports by end use, current US dollars), \
     compiled by the CSIS Defense-Industrial Initiatives Group";
/// The citation of the subaward extract.
pub const SUBAWARD_SOURCE: &str = "US Federal Subaward Reporting System (FSRS) first-tier subawards touching Canada, \
     compiled by the CSIS Defense-Industrial Initiatives Group (query of 26 September 2016; current US dollars)";

mod cells;
pub mod fsrs;
pub mod subawards;
pub mod trade;
pub mod usitc;

pub use fsrs::{parse_fsrs, read_fsrs, Subaward, SubawardFile};
pub use subawards::{
    subawards_in_canada, InCanada, Ranked, SubawardOptions, SubawardSummary, SubawardYear,
};
pub use trade::{canada_us_trade, EndUseValue, TradeSummary, TradeTotals, TradeYear};
pub use usitc::{parse_usitc, read_usitc, TradeClass, TradeRow, TradeTable};
