//! `keel policy report`: the "Spending and partnerships" charts as one self-contained HTML page; and the
//! loading of the published data behind them, shared with `keel report`.

use anyhow::Context;
use keel_policy::integration as ig;
use keel_report::{PolicyData, DEFAULT_ARMS_YEARS, DEFAULT_PEERS};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Write a self-contained HTML page of a country's defence spending and partnerships (opens offline).
///
/// Share of GDP against NATO's 2%, 3.5% and 5% beside its peers, the path to 3.5% by 2035, who supplies its
/// arms imports by 5-year period and how concentrated they are (HHI), and, for Canada, Canada-US defence trade
/// and US subawards in Canada by year; each chart with the table behind it. A data set that cannot be found is
/// named on the page and left out.
#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// The country: ISO code (CAN) or NATO's name.
    #[arg(long, default_value = "CAN")]
    pub country: String,
    /// Peers drawn beside it, comma-separated ISO codes or NATO names.
    #[arg(long, value_delimiter = ',', default_values_t = DEFAULT_PEERS.map(String::from))]
    pub peers: Vec<String>,
    /// Real GDP growth assumed to 2035, percent a year [default: the country's own 2014-2024e trend].
    #[arg(long, value_name = "PCT", allow_negative_numbers = true)]
    pub gdp_growth: Option<f64>,
    /// First delivery year of the arms charts.
    #[arg(long, default_value_t = DEFAULT_ARMS_YEARS.0)]
    pub from: u16,
    /// Last delivery year of the arms charts.
    #[arg(long, default_value_t = DEFAULT_ARMS_YEARS.1)]
    pub to: u16,
    /// NATO's tables (the workbook or the long CSV, or a folder holding the workbook) [default: located as
    /// `keel policy spending` does].
    #[arg(long, value_name = "PATH")]
    pub nato: Option<PathBuf>,
    /// SIPRI's trade register (or a folder holding trade-register.csv) [default: located as `keel policy arms`
    /// does].
    #[arg(long, value_name = "PATH")]
    pub sipri: Option<PathBuf>,
    /// Folder with the CSIS records [default: located as `keel policy integration` does].
    #[arg(long, value_name = "DIR")]
    pub csis: Option<PathBuf>,
    /// Page title (default: "Spending and partnerships: " and the country's name).
    #[arg(long)]
    pub title: Option<String>,
    /// Where to write the HTML file.
    #[arg(
        short = 'o',
        long = "output",
        visible_alias = "out",
        default_value = "policy.html"
    )]
    pub out: PathBuf,
}

/// Where each data set is read from: a path the user gave (which must work), or `None` to locate it.
#[derive(Debug, Default)]
pub(crate) struct Sources<'a> {
    pub nato: Option<&'a Path>,
    pub sipri: Option<&'a Path>,
    pub csis: Option<&'a Path>,
}

/// What to draw.
#[derive(Debug)]
pub(crate) struct Question {
    pub country: String,
    pub peers: Vec<String>,
    /// A fraction a year.
    pub gdp_growth: Option<f64>,
    pub years: (u16, u16),
}

/// Reads the three data sets for the section. A data set the user named must be found and valid (exit 2
/// otherwise). One Keel located itself and cannot find is left out with the reason (printed on stderr too);
/// one it found but cannot read is an error when `strict`, and left out with the reason otherwise (for
/// `keel report`, whose subject is the model).
pub(crate) fn load(q: Question, src: &Sources, strict: bool) -> anyhow::Result<PolicyData> {
    fn one<T>(
        what: &str,
        explicit: bool,
        strict: bool,
        path: anyhow::Result<PathBuf>,
        read: impl FnOnce(&Path) -> anyhow::Result<T>,
    ) -> anyhow::Result<Result<T, String>> {
        let path = match path {
            Ok(p) => p,
            Err(e) if explicit => return Err(e),
            Err(e) => {
                eprintln!("note: {what} left out of the page: {e:#}");
                return Ok(Err(format!("{e:#}")));
            }
        };
        match read(&path) {
            Ok(v) => Ok(Ok(v)),
            Err(e) if strict || explicit => Err(e),
            Err(e) => {
                eprintln!("note: {what} left out of the page: {e:#}");
                Ok(Err(format!("{}: {e:#}", path.display())))
            }
        }
    }
    let spending = one(
        "NATO's tables",
        src.nato.is_some(),
        strict,
        super::spending::source_file(src.nato, "--nato"),
        super::spending::load,
    )?;
    let arms = one(
        "SIPRI's register",
        src.sipri.is_some(),
        strict,
        super::arms::source_file(src.sipri, "--sipri"),
        |p| keel_policy::arms::register::read(p).map_err(|e| super::bad_input(p, e)),
    )?;
    let csis = match src.csis {
        Some(d) if !d.is_dir() => {
            return Err(crate::BadInput(format!(
                "--csis {}: no such folder (it should hold {} and {})",
                d.display(),
                super::integration::TRADE_FILE,
                super::integration::SUBAWARD_FILE
            ))
            .into())
        }
        other => crate::data::locate(super::integration::SET, other).map_err(anyhow::Error::from),
    };
    let csis_file = |name: &str| {
        csis.as_ref()
            .map(|d| d.join(name))
            .map_err(|e| anyhow::anyhow!("{e:#}"))
    };
    let trade = one(
        "the USITC trade table",
        src.csis.is_some(),
        strict,
        csis_file(super::integration::TRADE_FILE),
        |p| ig::read_usitc(p).map_err(|e| super::bad_input(p, e)),
    )?;
    let subawards = one(
        "the FSRS subawards",
        src.csis.is_some(),
        strict,
        csis_file(super::integration::SUBAWARD_FILE),
        |p| ig::read_fsrs(p).map_err(|e| super::bad_input(p, e)),
    )?;
    Ok(PolicyData {
        country: q.country,
        peers: q.peers,
        gdp_growth: q.gdp_growth,
        arms_years: q.years,
        spending,
        arms,
        trade,
        subawards,
    })
}

/// Checks `--gdp-growth` (percent a year) and returns it as a fraction.
pub(crate) fn gdp_growth(pct: Option<f64>) -> anyhow::Result<Option<f64>> {
    match pct {
        Some(g) if !g.is_finite() || g <= -100.0 => {
            Err(crate::BadInput(format!("--gdp-growth {g}: a percentage above -100")).into())
        }
        other => Ok(other.map(|p| p / 100.0)),
    }
}

/// The ISO code of `--country`: an ISO code, NATO's name or SIPRI's name, in any case.
fn country_code(q: &str) -> anyhow::Result<String> {
    let cs = keel_policy::countries::Countries::builtin();
    let q = q.trim();
    cs.by_iso3(&q.to_ascii_uppercase())
        .or_else(|| cs.by_nato_name(q))
        .or_else(|| cs.by_sipri_name(q))
        .map(|c| c.iso3.clone())
        .ok_or_else(|| {
            crate::BadInput(format!(
                "--country {q}: not a country Keel knows (give an ISO code such as CAN, or a name as NATO or \
                 SIPRI print it; the list is crates/keel-policy/data/countries.csv)"
            ))
            .into()
        })
}

pub(crate) fn run(args: &Args) -> anyhow::Result<ExitCode> {
    if args.from > args.to {
        return Err(
            crate::BadInput(format!("--from {} is after --to {}", args.from, args.to)).into(),
        );
    }
    let q = Question {
        country: country_code(&args.country)?,
        peers: args.peers.clone(),
        gdp_growth: gdp_growth(args.gdp_growth)?,
        years: (args.from, args.to),
    };
    let src = Sources {
        nato: args.nato.as_deref(),
        sipri: args.sipri.as_deref(),
        csis: args.csis.as_deref(),
    };
    let data = load(q, &src, true)?;
    if let (Err(a), Err(b), Err(c), Err(_)) =
        (&data.spending, &data.arms, &data.trade, &data.subawards)
    {
        return Err(crate::BadInput(format!(
            "no published data set found, so there is nothing to draw:\n  {a}\n  {b}\n  {c}\npoint Keel at \
             them with --nato, --sipri and --csis, or set KEEL_DATA to the folder that holds nato/, sipri/ and \
             csis-canada/"
        ))
        .into());
    }
    let html = keel_report::render_policy(&data, args.title.as_deref());
    std::fs::write(&args.out, html.as_bytes())
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "Wrote {} ({} KB). Open it in a web browser (it needs no network), e.g. `xdg-open {}`.",
        args.out.display(),
        html.len().div_ceil(1024),
        args.out.display()
    )?;
    Ok(ExitCode::SUCCESS)
}
