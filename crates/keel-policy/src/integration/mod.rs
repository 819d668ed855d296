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
