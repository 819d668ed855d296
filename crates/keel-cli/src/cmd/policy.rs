//! `keel policy`: spending and partnerships, from NATO, SIPRI and Canada-US records and programme funding files.

use std::process::ExitCode;

mod arms;
mod funding;
mod integration;
mod report;
mod spending;

/// Spending and partnerships: NATO defence spending, SIPRI arms transfers, Canada-US integration, funding.
#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(clap::Subcommand, Debug)]
pub(crate) enum Command {
    Spending(spending::Args),
    Arms(arms::Args),
    Integration(integration::Args),
    Funding(funding::Args),
    Report(report::Args),
}

pub(crate) fn run(args: &Args) -> anyhow::Result<ExitCode> {
    match &args.command {
        Command::Spending(a) => spending::run(a),
        Command::Arms(a) => arms::run(a),
        Command::Integration(a) => integration::run(a),
        Command::Funding(a) => funding::run(a),
        Command::Report(a) => report::run(a),
    }
}
