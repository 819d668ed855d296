//! `keel mrio`: origin of the value added in an economy-sector's final output (World Input-Output Table).

use crate::output::{self, Format};
use std::path::PathBuf;
use std::process::ExitCode;

/// Economy-level look-through: where the value added in one sector's final output comes from, by country,
/// computed as v ∘ (I - A)^-1 y on the WIOD 2013 release (2011 table) with a sparse iterative solve.
#[derive(clap::Args, Debug)]
pub struct Args {
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
    /// How many origin countries to list (all in JSON).
    #[arg(long, default_value_t = 15)]
    pub top: usize,
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let dir = crate::data::locate("wiod2013", args.data.as_deref())?;
    let iot = keel_mrio::read_wiod(&dir).map_err(|e| crate::BadInput(e.to_string()))?;
    let r = keel_mrio::value_added_origin(&iot, &args.economy, &args.sector)
        .map_err(|e| crate::BadInput(e.to_string()))?;
    let mut t = output::Table::new(
        format!(
            "Value added in final output of {} {}: {:.0} (millions USD, 2011); domestic share {}",
            r.economy,
            r.sector,
            r.final_output,
            output::fmt_pct(r.domestic_share)
        ),
        &["origin", "value_added", "share"],
    );
    for o in r.by_country.iter().take(args.top) {
        t.row(vec![
            o.name.clone(),
            format!("{:.1}", o.value),
            output::fmt_pct(o.share),
        ]);
    }
    output::print(args.format, &t, &serde_json::to_value(&r)?)?;
    Ok(ExitCode::SUCCESS)
}
