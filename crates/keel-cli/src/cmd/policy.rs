//! `keel policy`: spending and partnerships, from NATO, SIPRI and Canada-US records and programme funding files.

use std::process::ExitCode;

mod arms;
mod funding;
mod integration;
pub(crate) mod report;
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

/// A policy library error as the CLI reports it: located problems printed like a model's (counts first, then
/// causes), exit 2; an unreadable file or a question the data cannot answer, exit 2 too.
pub(crate) fn bad_input(path: &std::path::Path, e: keel_policy::PolicyError) -> anyhow::Error {
    match e {
        keel_policy::PolicyError::Invalid(inv) => {
            crate::print_invalid(path, &inv, false);
            crate::BadInput(format!("{}: {}", path.display(), inv.headline())).into()
        }
        other => crate::BadInput(other.to_string()).into(),
    }
}

/// An engine error of a policy command as the CLI reports it: a file's problems as [`bad_input`] prints them; an
/// option the data reject named as the flag it came from (`country X: ...` is `--country X: ...`).
pub(crate) fn engine_error(e: keel_engine::EngineError) -> anyhow::Error {
    use keel_engine::EngineError as E;
    match e {
        E::Policy { path, source } => bad_input(&path, source),
        E::Options(m) => {
            let name_len = m
                .find(|c: char| !(c.is_ascii_lowercase() || c == '_'))
                .unwrap_or(m.len());
            let (name, rest) = m.split_at(name_len);
            crate::BadInput(format!("--{}{rest}", name.replace('_', "-"))).into()
        }
        E::NoData(m) => crate::BadInput(m).into(),
        e => crate::engine_error(e),
    }
}
