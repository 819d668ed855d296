//! `keel`: the command-line front end. It parses arguments, loads models through `keel-io`, calls the analysis
//! libraries and prints what they return; no analysis logic lives here.
//!
//! Exit codes: 0 success, 1 a failed analysis, 2 bad input or usage.
// The front end is where Keel prints: results on standard output, diagnostics and notes on standard error.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod cmd;
mod data;
mod output;

use clap::{Parser, Subcommand};
use keel_model::diag::Limit;
use keel_model::{Diagnostic, Invalid, Model};
use std::path::Path;
use std::process::ExitCode;

/// Keel: see, stress-test and strengthen a defence industrial base.
#[derive(Parser, Debug)]
#[command(name = "keel", version, about, long_about = None, propagate_version = true)]
struct Cli {
    /// No progress bars and no notes on standard error (with `check`: no warnings either).
    #[arg(short, long, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
    /// Print at most N diagnostics when a model does not load (and at most 50 per file); 0 prints them all.
    #[arg(long, global = true, value_name = "N", default_value_t = 200)]
    max_errors: usize,
}

/// The `--max-errors` limit, set once from the command line before any model is loaded.
static DIAG_LIMIT: std::sync::OnceLock<Limit> = std::sync::OnceLock::new();

fn diag_limit() -> Limit {
    DIAG_LIMIT.get().copied().unwrap_or_default()
}

#[derive(Subcommand, Debug)]
enum Command {
    Check(cmd::check::Args),
    Convert(cmd::convert::Args),
    Diff(cmd::diff::Args),
    Mrio(cmd::mrio::Args),
    Generate(cmd::generate::Args),
    Import(cmd::import::Args),
    Exposure(cmd::exposure::Args),
    Controls(cmd::controls::Args),
    Concentration(cmd::concentration::Args),
    Criticality(cmd::criticality::Args),
    Report(cmd::report::Args),
    Stress(cmd::stress::Args),
    Simulate(cmd::simulate::Args),
    Montecarlo(cmd::montecarlo::Args),
    Merge(cmd::merge::Args),
    Plan(cmd::plan::Args),
    Policy(cmd::policy::Args),
    Serve(cmd::serve::Args),
}

/// Bad input (a model that does not load, a missing file): exit code 2.
#[derive(Debug)]
pub struct BadInput(pub String);

impl std::fmt::Display for BadInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BadInput {}

/// Prints diagnostics to standard error in their order (causes first), at most `--max-errors` of them, then
/// how many were left out.
pub fn print_diagnostics(diags: &[Diagnostic], skip_warnings: bool) {
    let kept: Vec<Diagnostic> = diags
        .iter()
        .filter(|d| !skip_warnings || d.is_error())
        .cloned()
        .collect();
    let (shown, hidden) = diag_limit().apply(&kept);
    for d in shown {
        eprintln!("{d}");
    }
    if hidden > 0 {
        eprintln!(
            "... and {} more not shown (at most 50 per file and 200 in all; `--max-errors 0` shows every one)",
            keel_model::diag::thousands(hidden)
        );
    }
}

/// Prints why a model did not load: the counts on the first line, then the diagnostics (causes first).
pub fn print_invalid(path: &Path, inv: &Invalid, skip_warnings: bool) {
    eprintln!("{}: {}", path.display(), inv.headline());
    print_diagnostics(&inv.diagnostics, skip_warnings);
}

/// Loads a model for an analysis: warnings go to standard error; a model with errors is bad input (exit 2).
/// An engine error for the person at the terminal: bad options and inputs exit 2, like every other bad input.
pub(crate) fn engine_error(e: keel_engine::EngineError) -> anyhow::Error {
    use keel_engine::EngineError as E;
    match e {
        E::Options(_) | E::Sim(_) => BadInput(e.to_string()).into(),
        e => e.into(),
    }
}

pub fn load_model(path: &Path) -> anyhow::Result<Model> {
    match keel_io::load(path) {
        Ok(l) => {
            let n = l.warnings.len();
            if n > 0 {
                output::note(&format!(
                    "{}: {n} warning(s) (run `keel check` to see them)",
                    path.display()
                ));
            }
            Ok(l.model)
        }
        Err(keel_io::IoError::Invalid(inv)) => {
            print_invalid(path, &inv, true);
            Err(BadInput(format!(
                "{}: {} error(s); run `keel check` for details",
                path.display(),
                inv.error_count()
            ))
            .into())
        }
        Err(e) => Err(BadInput(e.to_string()).into()),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    output::set_quiet(cli.quiet);
    let _ = DIAG_LIMIT.set(Limit::max_errors(cli.max_errors));
    let result = match &cli.command {
        Command::Check(a) => cmd::check::run(a),
        Command::Convert(a) => cmd::convert::run(a),
        Command::Mrio(a) => cmd::mrio::run(a),
        Command::Generate(a) => cmd::generate::run(a),
        Command::Import(a) => cmd::import::run(a),
        Command::Exposure(a) => cmd::exposure::run(a),
        Command::Controls(a) => cmd::controls::run(a),
        Command::Concentration(a) => cmd::concentration::run(a),
        Command::Criticality(a) => cmd::criticality::run(a),
        Command::Diff(a) => cmd::diff::run(a),
        Command::Report(a) => cmd::report::run(a),
        Command::Stress(a) => cmd::stress::run(a),
        Command::Simulate(a) => cmd::simulate::run(a),
        Command::Montecarlo(a) => cmd::montecarlo::run(a),
        Command::Merge(a) => cmd::merge::run(a),
        Command::Plan(a) => cmd::plan::run(a),
        Command::Policy(a) => cmd::policy::run(a),
        Command::Serve(a) => cmd::serve::run(a),
    };
    match result {
        Ok(code) => code,
        // The reader went away (`keel ... | head`): what was printed is all that was wanted.
        Err(e)
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            if e.downcast_ref::<BadInput>().is_some() {
                ExitCode::from(2)
            } else {
                ExitCode::from(1)
            }
        }
    }
}
