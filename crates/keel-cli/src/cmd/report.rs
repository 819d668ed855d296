//! `keel report`: one self-contained HTML page describing each platform of a model.

use anyhow::Context;
use keel_report::{render, ReportError, ReportOptions};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Write a self-contained HTML report of every platform (opens offline in any browser).
///
/// Per platform: where its value comes from by country and tier, a world map of that exposure,
/// export-controlled parts and how they get in, concentrated inputs, and single points of failure; with investment
/// options (options.csv), the budget frontier and the plan at one budget. The same model always gives the same file.
#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// Model folder (model.toml + CSV files) or .xlsx workbook.
    pub model: PathBuf,
    /// Where to write the HTML file.
    #[arg(
        short = 'o',
        long = "output",
        visible_alias = "out",
        default_value = "report.html"
    )]
    pub out: PathBuf,
    /// Page title (default: "Defence industrial base report: " and the model name).
    #[arg(long)]
    pub title: Option<String>,
    /// Rows shown per table before the rest is folded into a collapsed "N more" block.
    #[arg(long, default_value_t = 25)]
    pub max_rows: usize,
    /// Budget of the plan shown in the "Strengthen" section (models with options.csv; default: the median
    /// budget of the section's frontier).
    #[arg(long)]
    pub plan_budget: Option<f64>,
}

pub(crate) fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let m = crate::load_model(&args.model)?;
    let opts = ReportOptions {
        title: args.title.clone(),
        max_rows: args.max_rows,
        plan_budget: args.plan_budget,
        ..ReportOptions::default()
    };
    let html = render(&m, &opts).map_err(|e| match e {
        ReportError::NoPlatforms => crate::BadInput(e.to_string()),
    })?;
    std::fs::write(&args.out, html.as_bytes())
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "Wrote {} ({} KB, {} platforms).",
        args.out.display(),
        html.len().div_ceil(1024),
        m.demands().len()
    )?;
    writeln!(
        out,
        "Open it in a web browser (it needs no network), e.g. `xdg-open {}`.",
        args.out.display()
    )?;
    Ok(ExitCode::SUCCESS)
}
