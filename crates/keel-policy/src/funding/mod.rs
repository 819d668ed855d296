//! Programme funding: whether announced money is allocated and spent, and how steady allocations are.
//!
//! - [`format`](mod@format) reads the open `PROGRAMMES.csv` format (programme, fiscal_year, announced, allocated, spent,
//!   source, optional basis) with located errors;
//! - [`metrics`] computes follow-through, lapse, volatility and the stability score per programme and overall.

pub mod format;
pub mod metrics;

pub use format::{
    parse_funding, read_funding, Basis, FiscalYear, FundingFile, FundingYear, Programme,
};
pub use metrics::{
    coefficient_of_variation, funding_metrics, BasisSummary, FundingSummary, Parts,
    ProgrammeMetrics, Weights, YearMetrics,
};
