//! `keel policy spending`: NATO defence expenditure by member and year, the gaps to 2%, 3.5% and 5% of GDP, and
//! the path to 3.5% by 2035.

use crate::output::{self, OutputArgs};
use keel_engine::policy::NATO_WORKBOOK as WORKBOOK;
use keel_policy::spending::{self as sp, Spending};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// NATO defence expenditure: share of GDP, equipment share, gaps to 2/3.5/5%, path to 3.5% by 2035.
///
/// Without --country: every member in the last year (2024e), ranked by share of GDP. With --country: that
/// member's figures for every year, its gaps and its path.
#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// A member's ISO code or NATO name (CAN, Poland, NATO for the total).
    #[arg(long)]
    pub country: Option<String>,
    /// Real GDP growth assumed to 2035, percent a year (e.g. 1.5) [default: each member's own compound real GDP
    /// growth 2014-2024e from NATO Table 5].
    #[arg(long, value_name = "PCT", allow_negative_numbers = true)]
    pub gdp_growth: Option<f64>,
    /// NATO's tables: the workbook (.xlsx) or the long CSV, or a folder holding the workbook [default:
    /// $KEEL_DATA/nato, else shared/data/nato beside the current folder or the executable, or above them].
    #[arg(long, value_name = "PATH")]
    pub data: Option<PathBuf>,
    /// How many members to list in the ranking (0 = all).
    #[arg(long, default_value_t = 0)]
    pub top: usize,
    #[command(flatten)]
    pub out: OutputArgs,
}

/// The file to read: `--data` (a file, or a folder holding the workbook), else the located data set.
pub(crate) fn source_file(data: Option<&Path>, flag: &str) -> anyhow::Result<PathBuf> {
    let dir = match data {
        Some(p) if p.is_file() => return Ok(p.to_path_buf()),
        Some(p) if !p.exists() => {
            return Err(
                crate::BadInput(format!("{flag} {}: no such file or folder", p.display())).into(),
            )
        }
        other => crate::data::locate("nato", other)?,
    };
    let f = dir.join(WORKBOOK);
    if f.is_file() {
        Ok(f)
    } else {
        Err(crate::BadInput(format!(
            "{}: no {WORKBOOK} in it; give the workbook or the long CSV with {flag} FILE",
            dir.display()
        ))
        .into())
    }
}

/// Reads the tables, printing located problems as every loader does (exit 2).
pub(crate) fn load(path: &Path) -> anyhow::Result<Spending> {
    sp::read(path).map_err(|e| super::bad_input(path, e))
}

pub(crate) fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let path = source_file(args.data.as_deref(), "--data")?;
    let s = load(&path)?;
    let opts = keel_engine::policy::spending::Options {
        country: args.country.clone(),
        gdp_growth: args.gdp_growth,
        top: args.top,
    };
    let results = keel_engine::policy::spending::results(&s, &opts).map_err(super::engine_error)?;
    output::emit_results(&args.out, &results)?;
    Ok(ExitCode::SUCCESS)
}
