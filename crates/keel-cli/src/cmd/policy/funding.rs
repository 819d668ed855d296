//! `keel policy funding`: not built yet (issue 16).

use std::process::ExitCode;

/// Not built yet.
#[derive(clap::Args, Debug)]
pub(crate) struct Args {}

pub(crate) fn run(_args: &Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("keel policy funding is not built yet")
}
