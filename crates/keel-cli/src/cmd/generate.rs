//! `keel generate`: a reproducible synthetic defence industrial base of any size.

use keel_io::generate::{generate, GenOptions};
use std::path::PathBuf;
use std::process::ExitCode;

/// Make a reproducible synthetic DIB model of any size (real countries and chokepoints, fictional firms).
///
/// Platforms over 6-10 tiers, with real countries, blocs and chokepoints and fictional firms. The same options
/// always give the same files.
#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// Where to write the model: a folder, or a path ending in .xlsx for a workbook.
    pub out: PathBuf,
    /// Number of stages, platforms included.
    #[arg(long, default_value_t = 1000)]
    pub stages: usize,
    /// Size the model by rows of inputs.csv instead (about 3.5 per stage); overrides --stages.
    #[arg(long)]
    pub input_rows: Option<usize>,
    /// Random seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Number of platforms (default about sqrt(stages)/2).
    #[arg(long)]
    pub platforms: Option<usize>,
    /// Investment options to add (options.csv, for `keel plan`): a mix of capacity, stockpile and second
    /// sources, about a tenth of them risky bets in groups of four.
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub options: usize,
    /// Random scenarios to add to the fixed ones (for `keel plan`): outages of stages, sites, firms and items,
    /// full or partial, 14-539 days, sharing a probability of 0.5.
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub scenarios: usize,
}

pub(crate) fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let opts = GenOptions {
        stages: args.stages,
        seed: args.seed,
        platforms: args.platforms,
        input_rows: args.input_rows,
        options: args.options,
        scenarios: args.scenarios,
    };
    // A generated model is valid by construction; an error here is a generator bug, not bad input.
    let loaded = generate(&opts).build().map_err(|inv| {
        crate::print_diagnostics(&inv.diagnostics, true);
        anyhow::anyhow!(
            "generated model is invalid ({} errors): please report this",
            inv.error_count()
        )
    })?;
    let m = &loaded.model;
    keel_io::save(m, &args.out)?;
    let options = m.investments().map_or(String::new(), |inv| {
        format!(
            ", {} options ({} risky, {} candidate stages)",
            inv.options.len(),
            inv.options.iter().filter(|o| o.is_risky()).count(),
            inv.candidates.len()
        )
    });
    eprintln!(
        "wrote {}: {} stages, {} platforms, {} input rows, {} lanes, {} scenarios{options}",
        args.out.display(),
        m.stages().len(),
        m.demands().len(),
        m.sources().len(),
        m.lanes().len(),
        m.scenarios().len()
    );
    Ok(ExitCode::SUCCESS)
}
