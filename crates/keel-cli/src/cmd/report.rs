//! `keel report`: one self-contained HTML page describing each platform of a model.

use crate::cmd::policy::report::{self as policy, Question, Sources};
use anyhow::Context;
use keel_report::{
    render_with_policy, ReportError, ReportOptions, DEFAULT_ARMS_YEARS, DEFAULT_PEERS,
};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Write a self-contained HTML report of every platform (opens offline in any browser).
///
/// Per platform: where its value comes from by country and tier, a world map of that exposure,
/// export-controlled parts and how they get in, concentrated inputs, and single points of failure; with investment
/// options (options.csv), the budget frontier and the plan at one budget; then the home country's defence
/// spending and partnerships from NATO's, SIPRI's and the CSIS records (found as `keel policy` finds them; a data
/// set that is absent is named on the page). The same model and data always give the same file.
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
    /// Leave out the "Spending and partnerships" section.
    #[arg(long)]
    pub no_policy: bool,
    /// Folder holding the published data sets the section reads (nato/, sipri/, csis-canada/) [default:
    /// $KEEL_DATA, else shared/data beside the current folder or the executable, or above them].
    #[arg(long, value_name = "DIR", conflicts_with = "no_policy")]
    pub policy_data: Option<PathBuf>,
    /// Peers drawn beside the home country in the share-of-GDP chart, comma-separated ISO codes.
    #[arg(long, value_delimiter = ',', default_values_t = DEFAULT_PEERS.map(String::from))]
    pub peers: Vec<String>,
}

pub(crate) fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let m = crate::load_model(&args.model)?;
    let opts = ReportOptions {
        title: args.title.clone(),
        max_rows: args.max_rows,
        plan_budget: args.plan_budget,
        ..ReportOptions::default()
    };
    let policy = if args.no_policy {
        None
    } else {
        if let Some(d) = &args.policy_data {
            if !d.is_dir() {
                return Err(crate::BadInput(format!(
                    "--policy-data {}: no such folder (it should hold nato/, sipri/ and csis-canada/)",
                    d.display()
                ))
                .into());
            }
        }
        let dirs = args
            .policy_data
            .as_ref()
            .map(|d| [d.join("nato"), d.join("sipri"), d.join("csis-canada")]);
        let src = Sources {
            nato: dirs.as_ref().map(|d| d[0].as_path()),
            sipri: dirs.as_ref().map(|d| d[1].as_path()),
            csis: dirs.as_ref().map(|d| d[2].as_path()),
        };
        let q = Question {
            country: m.countries()[m.meta().home_country.index()].code.clone(),
            peers: args.peers.clone(),
            gdp_growth: None,
            years: DEFAULT_ARMS_YEARS,
        };
        Some(policy::load(q, &src, false)?)
    };
    let html = render_with_policy(&m, &opts, policy.as_ref()).map_err(|e| match e {
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
