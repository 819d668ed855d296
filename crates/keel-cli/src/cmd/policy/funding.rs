//! `keel policy funding`: does the money follow the policy? Follow-through, lapse, volatility and a stability
//! score per programme and overall, from a PROGRAMMES.csv file (format: docs/policy-funding-format.md).

use crate::output::{self, OutputArgs};
use keel_policy::funding::{self as fu, Weights};
use std::path::PathBuf;
use std::process::ExitCode;

/// Programme funding metrics: follow-through, lapse, volatility, stability score.
///
/// Reads a funding file (programme, fiscal_year, announced, allocated, spent, source, basis) and reports per
/// programme and overall: follow-through = Σ spent / Σ announced; lapse = (Σ allocated - Σ spent) / Σ allocated;
/// volatility = coefficient of variation of the yearly allocations (population standard deviation); stability
/// = 100 x the weighted mean of min(follow-through, 1), 1 - lapse and 1 - min(volatility, 1). Rows marked
/// illustrative are labelled so in every output. Method: docs/methods/policy.md.
#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// The funding file (CSV), e.g. examples/funding/programmes.csv.
    pub file: PathBuf,
    /// Weights of the stability score's parts: follow-through, lapse, volatility (only their ratios matter).
    #[arg(long, value_name = "F,L,V", default_value = "1,1,1", value_parser = parse_weights)]
    pub weights: Weights,
    #[command(flatten)]
    pub out: OutputArgs,
}

fn parse_weights(s: &str) -> Result<Weights, String> {
    keel_engine::policy::funding::parse_weights(s)
}

pub(crate) fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let file = fu::read_funding(&args.file).map_err(|e| super::bad_input(&args.file, e))?;
    let results = keel_engine::policy::funding::results(&file, &args.file, args.weights)
        .map_err(super::engine_error)?;
    output::emit_results(&args.out, &results)?;
    Ok(ExitCode::SUCCESS)
}
