//! `keel policy arms`: arms imports by supplier (or exports by recipient) from SIPRI's trade register, in TIV
//! delivered: shares, HHI, effective number of suppliers, the United States' share, shares by bloc; one
//! country, several side by side, or every recipient.

use crate::output::{self, OutputArgs};
use keel_engine::policy::SIPRI_REGISTER as REGISTER;
use keel_policy::arms::spread::Spread;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// How a deal's delivered TIV is spread over its delivery years.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum SpreadArg {
    /// Equal parts in each listed delivery year.
    Even,
    /// All in the first delivery year.
    First,
    /// All in the last delivery year.
    Last,
}

/// Arms transfers (SIPRI): imports by supplier, shares, HHI, effective number, US and bloc shares.
///
/// One recipient (--recipient, default Canada), exports of one supplier (--supplier), several recipients side
/// by side (--compare), or every recipient (--all-recipients). Values are SIPRI trend-indicator values (TIV)
/// delivered, by delivery year (see docs/methods/policy.md for how a deal is spread over its years).
#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// The importing country: SIPRI's name or an ISO code (Canada, CAN).
    #[arg(long, conflicts_with_all = ["supplier", "compare", "all_recipients"])]
    pub recipient: Option<String>,
    /// Exports of this country, by recipient.
    #[arg(long, conflicts_with_all = ["compare", "all_recipients"])]
    pub supplier: Option<String>,
    /// Importers side by side, comma-separated (Canada,Australia,Poland).
    #[arg(long, value_delimiter = ',', conflicts_with = "all_recipients")]
    pub compare: Option<Vec<String>>,
    /// Every recipient in the register, one row each.
    #[arg(long)]
    pub all_recipients: bool,
    /// First delivery year [default: the first year with deliveries].
    #[arg(long)]
    pub from: Option<u16>,
    /// Last delivery year [default: the last year with deliveries].
    #[arg(long)]
    pub to: Option<u16>,
    /// How a deal's delivered TIV is placed in its delivery years.
    #[arg(long, value_enum, default_value = "even")]
    pub spread: SpreadArg,
    /// SIPRI's trade register (CSV as exported), or a folder holding trade-register.csv [default:
    /// $KEEL_DATA/sipri, else shared/data/sipri beside the current folder or the executable, or above them].
    #[arg(long, value_name = "PATH")]
    pub data: Option<PathBuf>,
    /// How many partners (or recipients) to list, largest first (0 = all; all in JSON).
    #[arg(long, default_value_t = output::TOP)]
    pub top: usize,
    #[command(flatten)]
    pub out: OutputArgs,
}

pub(crate) fn source_file(data: Option<&Path>, flag: &str) -> anyhow::Result<PathBuf> {
    let dir = match data {
        Some(p) if p.is_file() => return Ok(p.to_path_buf()),
        Some(p) if !p.exists() => {
            return Err(
                crate::BadInput(format!("{flag} {}: no such file or folder", p.display())).into(),
            )
        }
        other => crate::data::locate("sipri", other)?,
    };
    let f = dir.join(REGISTER);
    if f.is_file() {
        Ok(f)
    } else {
        Err(crate::BadInput(format!(
            "{}: no {REGISTER} in it; give the register with {flag} FILE",
            dir.display()
        ))
        .into())
    }
}

pub(crate) fn run(args: &Args) -> anyhow::Result<ExitCode> {
    if let (Some(a), Some(b)) = (args.from, args.to) {
        if a > b {
            return Err(crate::BadInput(format!("--from {a} is after --to {b}")).into());
        }
    }
    let path = source_file(args.data.as_deref(), "--data")?;
    let reg = keel_policy::arms::register::read(&path).map_err(|e| super::bad_input(&path, e))?;
    let opts = keel_engine::policy::arms::Options {
        recipient: args.recipient.clone(),
        supplier: args.supplier.clone(),
        compare: args.compare.clone(),
        all_recipients: args.all_recipients,
        from: args.from,
        to: args.to,
        spread: match args.spread {
            SpreadArg::Even => Spread::Even,
            SpreadArg::First => Spread::First,
            SpreadArg::Last => Spread::Last,
        },
        top: args.top,
    };
    let want_json = args.out.format == output::Format::Json;
    let results = keel_engine::policy::arms::results(&reg, &path, &opts, want_json)
        .map_err(super::engine_error)?;
    output::emit_results(&args.out, &results)?;
    Ok(ExitCode::SUCCESS)
}
