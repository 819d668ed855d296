//! `keel import`: converts published supply-chain data sets into Keel models.

use keel_io::willems::import_willems;
use std::path::PathBuf;
use std::process::ExitCode;

/// Import a published supply-chain data set as a Keel model.
#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    #[command(subcommand)]
    pub source: Source,
}

#[derive(clap::Subcommand, Debug)]
pub(crate) enum Source {
    /// One of the 38 real multi-echelon supply chains of S. P. Willems, "Real-world multiechelon supply chains
    /// used for inventory optimization", MSOM 10(1):19-23, 2008 (chains 26 and 38 are aircraft engines).
    Willems(WillemsArgs),
}

#[derive(clap::Args, Debug)]
pub(crate) struct WillemsArgs {
    /// Chain number, 1 to 38.
    pub chain: u32,
    /// Where to write the model: a folder, or a path ending in .xlsx for a workbook.
    pub out: PathBuf,
    /// The willems2008 data folder (holding chains/NN_SD.csv and chains/NN_LL.csv)
    /// [default: $KEEL_DATA/willems2008, else shared/data/willems2008 beside the current folder or the
    /// executable, or above them].
    #[arg(long)]
    pub data: Option<PathBuf>,
}

pub(crate) fn run(args: &Args) -> anyhow::Result<ExitCode> {
    match &args.source {
        Source::Willems(a) => willems(a),
    }
}

fn willems(a: &WillemsArgs) -> anyhow::Result<ExitCode> {
    let dir = crate::data::locate("willems2008", a.data.as_deref())?;
    // Missing or malformed data and a wrong chain number are the user's input: exit 2.
    let mem = import_willems(&dir, a.chain).map_err(|e| crate::BadInput(e.to_string()))?;
    let loaded = mem.build().map_err(|inv| {
        crate::print_diagnostics(&inv.diagnostics, true);
        crate::BadInput(format!(
            "Willems chain {} does not form a valid model ({} errors)",
            a.chain,
            inv.error_count()
        ))
    })?;
    let m = &loaded.model;
    keel_io::save(m, &a.out)?;
    eprintln!(
        "wrote {}: Willems chain {:02}, {} stages, {} arcs, {} demand stages",
        a.out.display(),
        a.chain,
        m.stages().len(),
        m.sources().len(),
        m.demands().len()
    );
    Ok(ExitCode::SUCCESS)
}
