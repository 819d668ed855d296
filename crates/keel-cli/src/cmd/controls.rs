//! `keel controls`: export-control see-through per platform, and whether a regime-free build exists.

use crate::output::{self, Cell, OutputArgs};
use std::path::PathBuf;
use std::process::ExitCode;

/// Export-control see-through of each platform, and whether a regime-free build exists.
///
/// Which platforms an export-control regime reaches (an item carrying it, or any planned supplier that is
/// reached), through which items and along which input path, and whether each platform could be built free of
/// the regime with the alternative suppliers already in the model.
#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// Model folder (model.toml + CSV files) or .xlsx workbook.
    pub model: PathBuf,
    /// One regime from `[export_regimes]` in model.toml, e.g. ITAR (default: every regime).
    #[arg(long)]
    pub regime: Option<String>,
    /// One platform: a stage id, or the item id of demand stages (default: every demand stage).
    #[arg(long)]
    pub platform: Option<String>,
    #[command(flatten)]
    pub out: OutputArgs,
}

pub(crate) fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let m = crate::load_model(&args.model)?;
    // The paths of the nearest controlled items per platform and regime; the summary counts them all.
    let opts = keel_see::controls::ControlOptions {
        top: Some(output::TOP),
    };
    let res =
        keel_see::controls::controls_of(&m, args.platform.as_deref(), args.regime.as_deref(), opts)
            .map_err(|e| crate::BadInput(e.to_string()))?;
    let mut summary = output::Table::new(
        "platforms",
        "Export-control see-through (controlled: the platform contains an item carrying the regime through planned \
         suppliers; a regime-free build is impossible when the platform's own item carries it)",
        &[
            "platform",
            "regime",
            "controlled",
            "controlled items",
            "platform item controlled",
            "regime-free build",
            "inputs with no regime-free source",
        ],
    );
    let mut via = output::Table::new(
        "via",
        "Why: shortest planned input path from the platform to each controlled item",
        &["platform", "regime", "item", "category", "path"],
    );
    let mut blocked = output::Table::new(
        "blocked",
        "Input items of the platform with no regime-free source",
        &["platform", "regime", "input item"],
    );
    let mut frontier = output::Table::new(
        "frontier",
        "Where the regime cannot be avoided: stage needing a controlled item that has no regime-free source",
        &["platform", "regime", "stage", "controlled input item"],
    );
    for c in &res {
        summary.row(vec![
            Cell::from(&c.platform),
            Cell::from(&c.regime),
            Cell::Bool(c.controlled),
            Cell::from(c.controlled_items),
            Cell::Bool(c.item_controlled),
            Cell::Bool(c.regime_free_possible),
            Cell::from(c.blocked_inputs.len()),
        ]);
        for v in &c.via {
            via.row(vec![
                Cell::from(&c.platform),
                Cell::from(&c.regime),
                Cell::from(&v.item),
                Cell::from(v.category.clone()),
                Cell::from(v.path.join(" <- ")),
            ]);
        }
        for b in &c.blocked_inputs {
            blocked.row(vec![
                Cell::from(&c.platform),
                Cell::from(&c.regime),
                Cell::from(b),
            ]);
        }
        for f in &c.frontier {
            frontier.row(vec![
                Cell::from(&c.platform),
                Cell::from(&c.regime),
                Cell::from(&f.stage),
                Cell::from(&f.item),
            ]);
        }
    }
    let json = serde_json::json!({ "platforms": res });
    output::emit(
        &args.out,
        &[summary, via, blocked, frontier],
        "platforms",
        &json,
    )?;
    Ok(ExitCode::SUCCESS)
}
