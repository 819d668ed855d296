//! `keel mrio`: origin of the value added in an economy-sector's final output (World Input-Output Table).

use crate::output::{self, Cell, OutputArgs};
use std::path::PathBuf;
use std::process::ExitCode;

/// Economy-level look-through of one sector's final output, by origin country (WIOD).
///
/// Where the value added in one sector's final output comes from, by country, computed as v ∘ (I - A)^-1 y on
/// the WIOD 2013 release (2011 table) with a sparse iterative solve.
#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// Economy code, e.g. CAN.
    #[arg(long, default_value = "CAN")]
    pub economy: String,
    /// Sector code, e.g. c15 (transport equipment).
    #[arg(long, default_value = "c15")]
    pub sector: String,
    /// Folder with the WIOD files (row_labels.txt, wiot2011_Z.csv, wiot2011_Y.csv, wiot2011_x.csv)
    /// [default: $KEEL_DATA/wiod2013, else shared/data/wiod2013 beside the current folder or the executable, or
    /// above them].
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// How many origin countries to list, largest first (0 = all; all in JSON).
    #[arg(long, default_value_t = output::TOP)]
    pub top: usize,
    #[command(flatten)]
    pub out: OutputArgs,
}

pub(crate) fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let dir = crate::data::locate("wiod2013", args.data.as_deref())?;
    let iot = keel_mrio::read_wiod(&dir).map_err(|e| crate::BadInput(e.to_string()))?;
    let r = keel_mrio::value_added_origin(&iot, &args.economy, &args.sector)
        .map_err(|e| crate::BadInput(e.to_string()))?;
    let mut t = output::Table::new(
        "origins",
        format!(
            "Value added in final output of {} {}: {} (millions USD, 2011); domestic share {}",
            r.economy,
            r.sector,
            keel_present::num(r.final_output),
            keel_present::pct(r.domestic_share)
        ),
        &["origin", "value added", "share"],
    );
    for o in r
        .by_country
        .iter()
        .take(output::shown(r.by_country.len(), args.top))
    {
        t.row(vec![
            Cell::from(&o.name),
            Cell::Num(o.value),
            Cell::Share(o.share),
        ]);
    }
    output::emit(&args.out, &[t], "origins", &serde_json::to_value(&r)?)?;
    Ok(ExitCode::SUCCESS)
}
